//! Ghost's JSON export (`db[0].data`, or `data` in the oldest): posts and pages with
//! their tags (`posts_tags`), authors (`posts_authors`, or a post's `author_id`) and
//! users. A post's body is its `html`; without one, its lexical or mobiledoc document
//! rendered, or (Ghost 0.x) its Markdown as it is.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::mobiledoc::{self, Dropped};
use super::{Author, BodyFormat, Entry, Export, ImportError, Kind};

/// The largest export read (it is read whole); far past any blog's.
const MAX_BYTES: u64 = 512 << 20;

/// Reads the Ghost export at `path`.
pub(super) fn read(path: &Path) -> Result<Export, ImportError> {
    let shown = path.display().to_string();
    let unreadable = |message: String| ImportError::Unreadable {
        path: shown.clone(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_BYTES {
        return Err(unreadable(format!(
            "{} MiB is past the {} MiB a Ghost export is read to",
            size >> 20,
            MAX_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let doc: Value = serde_json::from_str(&text).map_err(|e| ImportError::Malformed {
        path: shown.clone(),
        line: e.line() as u64,
        message: format!("not valid JSON: {e}"),
    })?;
    let data = doc
        .pointer("/db/0/data")
        .or_else(|| doc.get("data"))
        .filter(|d| d.get("posts").is_some())
        .ok_or_else(|| {
            unreadable(
                "not a Ghost export: no db[0].data.posts; export the site from Ghost's \
                 Settings → Labs → Export and pass that file"
                    .into(),
            )
        })?;
    Ok(Reader::new(data).export())
}

fn rows<'a>(data: &'a Value, key: &str) -> &'a [Value] {
    data.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Ids are strings in Ghost 1+ and numbers in 0.x.
fn id(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

struct Reader<'a> {
    data: &'a Value,
    /// Tag names by tag id (public tags only).
    tags: HashMap<String, String>,
    /// User slugs by user id.
    users: HashMap<String, String>,
    /// `(post id, sort order, tag name)`.
    post_tags: HashMap<String, Vec<(u64, String)>>,
    post_authors: HashMap<String, Vec<(u64, String)>>,
}

impl<'a> Reader<'a> {
    fn new(data: &'a Value) -> Reader<'a> {
        let tags = rows(data, "tags")
            .iter()
            .filter(|t| text(t, "visibility") != "internal" && !text(t, "name").starts_with('#'))
            .map(|t| (id(t.get("id")), text(t, "name").to_string()))
            .collect();
        let users = rows(data, "users")
            .iter()
            .map(|u| (id(u.get("id")), user_slug(u)))
            .collect();
        let mut r = Reader {
            data,
            tags,
            users,
            post_tags: HashMap::new(),
            post_authors: HashMap::new(),
        };
        r.post_tags = r.joined("posts_tags", "tag_id", |r, id| r.tags.get(id).cloned());
        r.post_authors = r.joined("posts_authors", "author_id", |r, id| {
            r.users.get(id).cloned()
        });
        r
    }

    /// A join table as `post id → [(sort order, value)]`, sorted.
    fn joined(
        &self,
        table: &str,
        key: &str,
        value: impl Fn(&Reader<'_>, &str) -> Option<String>,
    ) -> HashMap<String, Vec<(u64, String)>> {
        let mut map: HashMap<String, Vec<(u64, String)>> = HashMap::new();
        for row in rows(self.data, table) {
            if let Some(v) = value(self, &id(row.get(key))) {
                let order = row.get("sort_order").and_then(Value::as_u64).unwrap_or(0);
                map.entry(id(row.get("post_id")))
                    .or_default()
                    .push((order, v));
            }
        }
        for list in map.values_mut() {
            list.sort();
        }
        map
    }

    fn export(self) -> Export {
        let mut export = Export::default();
        for u in rows(self.data, "users") {
            export.authors.push(Author {
                id: user_slug(u),
                name: text(u, "name").trim().to_string(),
                bio: text(u, "bio").trim().to_string(),
            });
        }
        for (n, post) in rows(self.data, "posts").iter().enumerate() {
            let what = format!(
                "{} {} {:?}",
                post_kind_word(post),
                id(post.get("id")),
                text(post, "title")
            );
            let status = text(post, "status");
            match status {
                "published" | "draft" | "scheduled" | "" => {}
                "sent" => {
                    export
                        .skipped
                        .push((what, "sent by email only, never on the site".into()));
                    continue;
                }
                s => {
                    export
                        .skipped
                        .push((what, format!("status {s} is not one Ghost publishes")));
                    continue;
                }
            }
            let entry = self.entry(post, n, &what, &mut export.warnings);
            export.entries.push(entry);
        }
        export
    }

    fn entry(&self, post: &Value, n: usize, what: &str, warnings: &mut Vec<String>) -> Entry {
        let post_id = id(post.get("id"));
        let kind = if post_kind_word(post) == "page" {
            Kind::Page
        } else {
            Kind::Post
        };
        let members_only = !matches!(text(post, "visibility"), "" | "public");
        if members_only {
            warnings.push(format!(
                "{what}: only for members in Ghost; imported as a draft so that nothing is shown to everyone"
            ));
        }
        let (body, format) = body(post, what, warnings);
        let slug = text(post, "slug").to_string();
        let author = self
            .post_authors
            .get(&post_id)
            .and_then(|a| a.first().map(|(_, s)| s.clone()))
            .or_else(|| self.users.get(&id(post.get("author_id"))).cloned());
        Entry {
            kind,
            title: text(post, "title").trim().to_string(),
            date: date(post.get("published_at")).or_else(|| date(post.get("created_at"))),
            tags: self
                .post_tags
                .get(&post_id)
                .map(|t| t.iter().map(|(_, name)| name.clone()).collect())
                .unwrap_or_default(),
            categories: Vec::new(),
            author,
            excerpt: text(post, "custom_excerpt").to_string(),
            draft: text(post, "status") == "draft" || members_only,
            aliases: if slug.is_empty() {
                vec![]
            } else {
                vec![format!("/{slug}/")]
            },
            slug,
            body,
            format,
            image: Some(ghost_url(text(post, "feature_image"))).filter(|s| !s.is_empty()),
            thumbnail_id: None,
            id: if post_id.is_empty() {
                format!("#{n}")
            } else {
                post_id
            },
            origin: what.to_string(),
        }
    }
}

fn user_slug(u: &Value) -> String {
    let slug = text(u, "slug");
    if slug.is_empty() {
        id(u.get("id"))
    } else {
        slug.to_string()
    }
}

fn post_kind_word(post: &Value) -> &'static str {
    let page = text(post, "type") == "page"
        || matches!(post.get("page"), Some(Value::Bool(true)))
        || post.get("page").and_then(Value::as_u64) == Some(1);
    if page { "page" } else { "post" }
}

/// The post's body: `html`, else its lexical or mobiledoc rendered, else (Ghost 0.x)
/// its `markdown`, as HTML for the converter.
fn body(post: &Value, what: &str, warnings: &mut Vec<String>) -> (String, BodyFormat) {
    let mut dropped = Dropped::new();
    let html = Some(text(post, "html"))
        .filter(|h| !h.trim().is_empty())
        .map(str::to_string)
        .or_else(|| mobiledoc::lexical(text(post, "lexical"), &mut dropped))
        .or_else(|| mobiledoc::mobiledoc(text(post, "mobiledoc"), &mut dropped))
        .unwrap_or_else(|| {
            let md = text(post, "markdown");
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
            html
        });
    if !dropped.is_empty() {
        let names: Vec<String> = dropped.into_iter().collect();
        warnings.push(format!(
            "{what}: card {} left out (no equivalent here)",
            names.join(", ")
        ));
    }
    (ghost_url(&html), BodyFormat::Html)
}

/// `__GHOST_URL__/content/images/a.png` (how Ghost 4+ exports its own URLs) as a path.
fn ghost_url(s: &str) -> String {
    s.replace("__GHOST_URL__", "")
}

/// `2026-03-03T09:30:00.000Z`, or milliseconds since 1970 (Ghost 0.x), as RFC 3339.
fn date(v: Option<&Value>) -> Option<String> {
    let t = match v? {
        Value::String(s) => {
            time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
                .ok()?
        }
        Value::Number(n) => time::OffsetDateTime::from_unix_timestamp(n.as_i64()? / 1000).ok()?,
        _ => return None,
    };
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_either_shape_become_rfc3339() {
        let s = Value::String("2026-03-03T09:30:00.000Z".into());
        assert_eq!(date(Some(&s)).as_deref(), Some("2026-03-03T09:30:00Z"));
        let ms = Value::from(1_772_530_200_000i64);
        assert_eq!(date(Some(&ms)).as_deref(), Some("2026-03-03T09:30:00Z"));
        assert_eq!(date(Some(&Value::Null)), None);
    }
}
