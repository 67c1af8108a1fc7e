//! Where an imported article lived on its old site, by its engine's conventions and the
//! site's settings: Hugo's `/section/slug/` and `permalinks`, Jekyll's and Hexo's
//! `permalink` patterns, Zola's `/section/slug/`, Eleventy's `/path/name/` and
//! `permalink`, Docusaurus's `/blog/slug` and dated `/blog/YYYY/MM/DD/name`, Pelican's
//! `{slug}.html`. Each becomes an alias, so the old address answers 301.

use serde_json::{Map, Value};
use time::Date;

use crate::content::slugify;

/// The engine an imported site came from, with the settings that shape its addresses.
#[derive(Debug, Clone, PartialEq)]
pub enum OldSite {
    /// `permalinks`: section (or `posts`, `page`) → pattern.
    Hugo {
        permalinks: Map<String, Value>,
    },
    Zola,
    /// Jekyll or Hexo: the `permalink` setting, if any.
    Jekyll {
        permalink: Option<String>,
    },
    Eleventy,
    /// The blog's route (`/blog` unless the config says otherwise).
    Docusaurus {
        base: String,
    },
    Pelican,
}

/// What an article's old address is made of.
pub(crate) struct Facts<'a> {
    /// The file's folder inside the content root.
    pub dir: &'a str,
    /// The file's name without date prefix or extension (a bundle's folder name).
    pub name: &'a str,
    pub slug: &'a str,
    /// The slug the front matter chose, if it did.
    pub chosen_slug: Option<&'a str>,
    pub date: Option<Date>,
    pub front_matter: &'a Map<String, Value>,
    /// The file had Python-Markdown `Key: value` headers (Pelican).
    pub pelican: bool,
}

/// The old addresses of one article.
pub(crate) fn old_paths(site: Option<&OldSite>, f: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::String(p)) = f.front_matter.get("permalink")
        && !p.contains("{{")
        && !p.is_empty()
    {
        out.push(rooted(p));
    }
    if f.pelican || site == Some(&OldSite::Pelican) {
        out.push(format!("/{}.html", f.slug));
    }
    let section = f.dir.split('/').next().unwrap_or("");
    let title = f.chosen_slug.map_or_else(|| slugify(f.name), slugify);
    match site {
        Some(OldSite::Hugo { permalinks }) => {
            let pattern = permalinks
                .get(section)
                .or_else(|| permalinks.get("page"))
                .and_then(Value::as_str);
            match pattern {
                Some(p) => out.push(expand(p, f, &title)),
                None => out.push(dir_path(f.dir, &title)),
            }
        }
        Some(OldSite::Zola) | Some(OldSite::Eleventy) => out.push(dir_path(f.dir, &title)),
        Some(OldSite::Jekyll { permalink }) => {
            out.push(expand(&jekyll_pattern(permalink.as_deref()), f, &title));
            // Hexo's default, for a Hexo site without its settings.
            out.push(expand("/:year/:month/:day/:title/", f, &title));
        }
        Some(OldSite::Docusaurus { base }) => {
            let base = base.trim_end_matches('/');
            match (f.chosen_slug, f.date) {
                (Some(s), _) => out.push(format!("{base}/{}", s.trim_start_matches('/'))),
                (None, Some(d)) => out.push(format!(
                    "{base}/{:04}/{:02}/{:02}/{}",
                    d.year(),
                    u8::from(d.month()),
                    d.day(),
                    f.name
                )),
                (None, None) => out.push(format!("{base}/{}", f.name)),
            }
        }
        Some(OldSite::Pelican) | None => {}
    }
    out.retain(|p| p != "/" && !p.contains("//") && !p.contains(':'));
    out
}

/// `/<dir>/<name>/`, the folder-and-name address most engines give.
fn dir_path(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        format!("/{name}/")
    } else {
        format!("/{dir}/{name}/")
    }
}

fn rooted(p: &str) -> String {
    let p = p.trim();
    let p = p.strip_suffix("index.html").unwrap_or(p);
    format!("/{}", p.trim_start_matches('/'))
}

/// Jekyll's named styles, or the pattern as written.
fn jekyll_pattern(permalink: Option<&str>) -> String {
    match permalink.unwrap_or("date") {
        "date" => "/:categories/:year/:month/:day/:title.html".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title.html".into(),
        "none" => "/:categories/:title.html".into(),
        p => p.to_string(),
    }
}

/// A `:placeholder` pattern filled in (Hugo, Jekyll and Hexo share the names).
fn expand(pattern: &str, f: &Facts<'_>, title: &str) -> String {
    let categories = match f.front_matter.get("categories") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(slugify)
            .collect::<Vec<_>>()
            .join("/"),
        Some(Value::String(s)) => s
            .split_whitespace()
            .map(slugify)
            .collect::<Vec<_>>()
            .join("/"),
        _ => String::new(),
    };
    let d = f.date;
    let num = |n: Option<u32>, w: usize| n.map_or(String::new(), |n| format!("{n:0w$}"));
    let vars: [(&str, String); 11] = [
        (":categories", categories),
        (":year", num(d.map(|d| d.year() as u32), 4)),
        (":short_year", num(d.map(|d| d.year() as u32 % 100), 2)),
        (":i_month", num(d.map(|d| u8::from(d.month()).into()), 1)),
        (":month", num(d.map(|d| u8::from(d.month()).into()), 2)),
        (":i_day", num(d.map(|d| d.day().into()), 1)),
        (":day", num(d.map(|d| d.day().into()), 2)),
        (":slugorfilename", title.to_string()),
        (":slug", title.to_string()),
        (":title", title.to_string()),
        (
            ":section",
            f.dir.split('/').next().unwrap_or("").to_string(),
        ),
    ];
    let mut out = pattern.to_string();
    for (k, v) in &vars {
        out = out.replace(k, v);
    }
    let out = out
        .replace(":filename", f.name)
        .replace(":contentbasename", f.name);
    let mut path = String::from("/");
    for seg in out.split('/').filter(|s| !s.is_empty()) {
        path.push_str(seg);
        path.push('/');
    }
    if !out.ends_with('/') {
        path.pop();
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts<'a>(dir: &'a str, fm: &'a Map<String, Value>) -> Facts<'a> {
        Facts {
            dir,
            name: "hello-world",
            slug: "hello-world",
            chosen_slug: None,
            date: Some(time::macros::date!(2024 - 03 - 05)),
            front_matter: fm,
            pelican: false,
        }
    }

    #[test]
    fn each_engines_addresses() {
        let fm = json!({"categories": ["Release Notes"]})
            .as_object()
            .unwrap()
            .clone();
        let f = facts("posts", &fm);
        let hugo = OldSite::Hugo {
            permalinks: Map::new(),
        };
        assert_eq!(old_paths(Some(&hugo), &f), ["/posts/hello-world/"]);
        let permalinks = json!({"posts": "/:year/:month/:title/"})
            .as_object()
            .unwrap()
            .clone();
        let hugo = OldSite::Hugo { permalinks };
        assert_eq!(old_paths(Some(&hugo), &f), ["/2024/03/hello-world/"]);
        let jekyll = OldSite::Jekyll { permalink: None };
        assert_eq!(
            old_paths(Some(&jekyll), &facts("_posts", &fm)),
            [
                "/release-notes/2024/03/05/hello-world.html",
                "/2024/03/05/hello-world/"
            ]
        );
        let docusaurus = OldSite::Docusaurus {
            base: "/blog".into(),
        };
        assert_eq!(
            old_paths(Some(&docusaurus), &f),
            ["/blog/2024/03/05/hello-world"]
        );
        let mut f = facts("", &fm);
        f.pelican = true;
        assert_eq!(old_paths(None, &f), ["/hello-world.html"]);
    }
}
