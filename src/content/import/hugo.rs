//! Hugo shortcodes, `{{< name … >}}` and `{{% name … %}}`: embeds as link cards, `figure`
//! as a figure, `highlight` (and the code shortcodes themes add) as code, `ref`/`relref`
//! as article URLs, `param` as the value, `include` as the included file; the escaped
//! `{{</* … */>}}` as the shortcode itself; anything else a warning and its inner text.

use super::{
    Args, ImportContext, Scan, article_url, code_block, escape, inline_code, link_card, lookup,
    translate,
};

/// Hugo's escaped shortcodes read as the shortcode (how Hugo shows them, in code too).
pub(super) fn unescape(text: &str) -> String {
    if !text.contains("/*") {
        return text.to_string();
    }
    text.replace("{{</*", "{{<")
        .replace("*/>}}", ">}}")
        .replace("{{%/*", "{{%")
        .replace("*/%}}", "%}}")
}

/// One parsed tag: `{{< name args >}}`, `{{< /name >}}` or `{{< name args />}}`.
struct Shortcode<'a> {
    name: &'a str,
    args: Args,
    closing: bool,
    self_closing: bool,
    /// `%` for the Markdown form, `<` for the HTML one.
    delim: char,
    end: usize,
}

fn parse(src: &str, at: usize) -> Option<Shortcode<'_>> {
    let delim = src[at + 2..].chars().next()?;
    let close = if delim == '%' { "%}}" } else { ">}}" };
    let inner_start = at + 3;
    let inner_end = inner_start + src[inner_start..].find(close)?;
    let mut inner = src[inner_start..inner_end].trim();
    let closing = inner.starts_with('/');
    inner = inner.trim_start_matches('/').trim_start();
    let self_closing = inner.ends_with('/');
    inner = inner.trim_end_matches('/').trim_end();
    let name_len = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() || name.starts_with('*') {
        return None;
    }
    Some(Shortcode {
        name,
        args: Args::parse(&inner[name_len..]),
        closing,
        self_closing,
        delim,
        end: inner_end + close.len(),
    })
}

/// Where the closing tag of `name` after `from` starts and ends.
fn find_closing(src: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(found) = src[i..].find("{{") {
        let at = i + found;
        if let Some(sc) = parse(src, at)
            && sc.closing
            && sc.name == name
        {
            return Some((at, sc.end));
        }
        i = at + 2;
    }
    None
}

/// The shortcode (or escaped shortcode) starting at `at`, translated; its end.
pub(super) fn at(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let rest = &s.src[at..];
    if rest.starts_with("{{</*") || rest.starts_with("{{%/*") {
        let close = if rest.starts_with("{{<") {
            "*/>}}"
        } else {
            "*/%}}"
        };
        let end = rest.find(close)? + close.len();
        s.out.push_str(&inline_code(&unescape(&rest[..end])));
        return Some(at + end);
    }
    let Some(sc) = parse(s.src, at) else {
        s.warn(at, "an unfinished Hugo shortcode was left out".into());
        let line_end = rest.find('\n').unwrap_or(rest.len());
        return Some(at + line_end);
    };
    if sc.closing {
        // The opening tag warned already; its inner text stays.
        return Some(sc.end);
    }
    let name = sc.name.to_ascii_lowercase();
    if !sc.self_closing && is_code(&name) {
        return Some(code(s, at, &sc));
    }
    // An inline shortcode (`{{< x.inline >}}…{{< /x.inline >}}`) is a Go template the
    // page ran: its text is shown, its actions (`{{ if … }}`, `{{ end }}`) are not.
    if name.ends_with(".inline")
        && !sc.self_closing
        && let Some((close_at, close_end)) = find_closing(s.src, sc.end, sc.name)
    {
        let inner = &s.src[sc.end..close_at];
        if inner.contains("{{") {
            s.warn(
                at,
                format!(
                    "Hugo inline shortcode `{}` runs template actions; they were left out",
                    sc.name
                ),
            );
        }
        s.out.push_str(&without_actions(inner));
        return Some(close_end);
    }
    if let Some(card) = embed(&name, &sc.args) {
        s.out.push_str(&card);
        return Some(sc.end);
    }
    match name.as_str() {
        "figure" => s.out.push_str(&figure(&sc.args)),
        "ref" | "relref" => match sc.args.get("path", 0) {
            Some(target) => s.out.push_str(&article_url(target)),
            None => s.warn(at, format!("`{name}` names no page; it was left out")),
        },
        "param" => match sc.args.get("name", 0).and_then(|p| param(s.cx, p)) {
            Some(v) => s.out.push_str(&v),
            None => s.warn(
                at,
                format!(
                    "`param` {:?} has no value here; it was left out",
                    sc.args.get("name", 0).unwrap_or("")
                ),
            ),
        },
        "include" if sc.args.get("", 0).is_some() => include(s, at, sc.args.get("", 0)?),
        _ => {
            let inner = if sc.self_closing || find_closing(s.src, sc.end, sc.name).is_none() {
                "it was left out"
            } else {
                "its inner text is shown"
            };
            s.warn(
                at,
                format!(
                    "Hugo shortcode `{}` belongs to the old site's theme; {inner}",
                    sc.name
                ),
            );
        }
    }
    let _ = sc.delim;
    Some(sc.end)
}

/// A Go template's text without its actions (`{{ … }}`).
fn without_actions(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        match rest[at..].find("}}") {
            Some(end) => rest = &rest[at + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Shortcodes whose inner text is code: Hugo's `highlight`, and the `code` ones sites add.
fn is_code(name: &str) -> bool {
    matches!(name, "highlight" | "code" | "code-toggle" | "hl")
}

fn code(s: &mut Scan<'_>, at: usize, sc: &Shortcode<'_>) -> usize {
    let Some((close_at, close_end)) = find_closing(s.src, sc.end, sc.name) else {
        s.warn(
            at,
            format!("`{}` is never closed; it was left out", sc.name),
        );
        return sc.end;
    };
    let inner = &s.src[sc.end..close_at];
    let lang = sc
        .args
        .named("lang")
        .or_else(|| {
            sc.args
                .named("file")
                .and_then(|f| f.rsplit_once('.').map(|(_, e)| e))
        })
        .or_else(|| {
            (sc.name == "highlight")
                .then(|| sc.args.get("", 0))
                .flatten()
        })
        .or_else(|| {
            sc.args
                .named("file")
                .filter(|f| *f == "hugo")
                .map(|_| "toml")
        })
        .unwrap_or("");
    if inner.contains('\n') {
        s.out.push_str(&code_block(lang, inner));
    } else {
        s.out.push_str(&inline_code(inner));
    }
    close_end
}

/// A link card for an embed, if `name` is one.
pub(super) fn embed(name: &str, args: &Args) -> Option<String> {
    let title = args.named("title");
    let name = name.strip_suffix("_simple").unwrap_or(name);
    match name {
        "youtube" => {
            let id = args.get("id", 0)?;
            Some(link_card(
                "youtube",
                &format!("https://www.youtube.com/watch?v={id}"),
                title.unwrap_or("Video on YouTube"),
            ))
        }
        "vimeo" => {
            let id = args.get("id", 0)?;
            Some(link_card(
                "vimeo",
                &format!("https://vimeo.com/{id}"),
                title.unwrap_or("Video on Vimeo"),
            ))
        }
        "x" | "twitter" | "tweet" => {
            let (user, id) = match (args.named("user"), args.named("id")) {
                (Some(u), Some(id)) => (u, id),
                _ => match args.positional.as_slice() {
                    [u, id, ..] => (u.as_str(), id.as_str()),
                    [id] => ("i", id.as_str()),
                    [] => return None,
                },
            };
            let label = if user == "i" {
                "Post on X".to_string()
            } else {
                format!("Post by @{user} on X")
            };
            Some(link_card(
                "x",
                &format!("https://x.com/{user}/status/{id}"),
                &label,
            ))
        }
        "instagram" => {
            let id = args.get("id", 0)?;
            Some(link_card(
                "instagram",
                &format!("https://www.instagram.com/p/{id}/"),
                "Post on Instagram",
            ))
        }
        "gist" => {
            let (user, id) = (args.get("user", 0)?, args.get("id", 1)?);
            let label = match args.get("file", 2) {
                Some(f) => format!("{f}, a gist by {user}"),
                None => format!("Gist by {user}"),
            };
            Some(link_card(
                "gist",
                &format!("https://gist.github.com/{user}/{id}"),
                &label,
            ))
        }
        _ => None,
    }
}

/// `figure`: the image with its caption, as HTML the sanitiser keeps.
fn figure(args: &Args) -> String {
    let Some(src) = args.get("src", 0) else {
        return String::new();
    };
    let alt = args
        .named("alt")
        .or(args.named("caption"))
        .or(args.named("title"))
        .unwrap_or("");
    let mut img = format!("<img src=\"{}\" alt=\"{}\">", escape(src), escape(alt));
    if let Some(link) = args.named("link") {
        img = format!("<a href=\"{}\">{img}</a>", escape(link));
    }
    let caption: Vec<String> = [
        args.named("title"),
        args.named("caption"),
        args.named("attr"),
    ]
    .into_iter()
    .flatten()
    .map(escape)
    .collect();
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", caption.join(" "))
    };
    format!("\n\n<figure>{img}{caption}</figure>\n\n")
}

/// `param "x"`: the page's own front matter, then the site's settings (`params.x` too).
fn param(cx: &ImportContext<'_>, name: &str) -> Option<String> {
    lookup(cx.page, name)
        .or_else(|| lookup(cx.site, name))
        .or_else(|| lookup(cx.site, &format!("params.{name}")))
}

/// `include "path"`: another file of the site, translated in turn (once: an include
/// inside it is reported rather than followed, so a loop cannot recur).
fn include(s: &mut Scan<'_>, at: usize, path: &str) {
    let path = path.trim_start_matches('/');
    let text = s.cx.read_file.and_then(|read| {
        // Relative to the folder it is in, then to each folder above (a language folder).
        let mut dir = s.cx.dir;
        loop {
            let full = if dir.is_empty() {
                path.to_string()
            } else {
                format!("{dir}/{path}")
            };
            if let Some(t) = read(&full) {
                return Some(t);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    });
    let Some(text) = text else {
        s.warn(
            at,
            format!("`include` of {path:?}: no such file in the site; it was left out"),
        );
        return;
    };
    let body = crate::content::front_matter::split(&text).map_or(text.as_str(), |sp| sp.body);
    let inner_cx = ImportContext {
        read_file: None,
        ..*s.cx
    };
    let translated = translate(body, &inner_cx);
    let line = s.line(at);
    s.warnings.extend(
        translated
            .warnings
            .into_iter()
            .map(|(_, w)| (line, format!("in {path}: {w}"))),
    );
    s.out.push_str("\n\n");
    s.out.push_str(&translated.body);
    s.out.push_str("\n\n");
}

/// Why Hugo would not render a page, from its own front matter: `headless: true`, or
/// `build` (`_build`) with `render: never` (`false` in older versions).
pub(crate) fn not_rendered(fm: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    if fm.get("headless") == Some(&serde_json::Value::Bool(true)) {
        return Some("headless bundle (headless: true), not an article".into());
    }
    let build = fm.get("build").or(fm.get("_build"))?;
    never_rendered(build).then(|| "Hugo build option render: never, not an article".into())
}

/// Why nothing in a folder is an article, from its `index.md` (a headless leaf bundle:
/// the other pages in it are its resources) or its `_index.md` (a `cascade` that sets
/// `build.render: never` for everything below).
pub(crate) fn folder_not_rendered(
    file_name: &str,
    fm: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    match file_name {
        "index.md" => not_rendered(fm).map(|_| "page of a headless bundle, not an article".into()),
        "_index.md" => {
            let cascade = fm.get("cascade")?;
            let cascades = match cascade {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            cascades
                .into_iter()
                .filter_map(|c| c.get("build").or(c.get("_build")))
                .any(never_rendered)
                .then(|| {
                    "inside a section whose cascade sets build.render: never, not an article".into()
                })
        }
        _ => None,
    }
}

fn never_rendered(build: &serde_json::Value) -> bool {
    matches!(build.get("render"), Some(serde_json::Value::Bool(false)))
        || build
            .get("render")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|r| r == "never" || r == "false")
}
