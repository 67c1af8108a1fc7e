//! Between discover and store: Docusaurus's `authors.yml` (an author id → `name`,
//! `title`, `url`, `image_url`, `socials`) read into author rows, so a post's `authors:
//! [id]` shows the author's name, title and links. Each author's row is known by the
//! file and its id (`blog/authors.yml#jo`). And its `tags.yml` (a tag key → `label`),
//! so a post's `tags: [key]` shows the label.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::json;
use crate::content::{Source, front_matter, slugify};
use crate::db::AuthorRow;

/// The authors of every `authors.yml` among `names` (paths inside `root`).
pub(super) fn read(root: &Path, names: &[String]) -> Vec<AuthorRow> {
    names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some("authors.yml"))
        .flat_map(|rel| {
            let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
            rows(rel, &text)
        })
        .collect()
}

/// Every `tags.yml` among `names`: tag key → label; and the files' text (a change of
/// labels re-renders the posts).
pub(super) fn tag_labels(root: &Path, names: &[String]) -> (HashMap<String, String>, String) {
    let mut labels = HashMap::new();
    let mut texts = String::new();
    for rel in names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some("tags.yml"))
    {
        let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        for (key, v) in front_matter::site_settings(&text).unwrap_or_default() {
            if let Some(label) = v.get("label").and_then(Value::as_str) {
                labels.insert(key, label.trim().to_string());
            }
        }
        texts.push_str(&text);
    }
    (labels, texts)
}

/// The rows of one `authors.yml` at `rel`.
fn rows(rel: &str, text: &str) -> Vec<AuthorRow> {
    let Some(map) = front_matter::site_settings(text) else {
        return Vec::new();
    };
    let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
    map.iter()
        .filter_map(|(key, v)| {
            let m = v.as_object()?;
            let id = slugify(key);
            (!id.is_empty()).then(|| AuthorRow {
                name: text_of(m, "name").unwrap_or_else(|| key.clone()),
                bio: text_of(m, "title").unwrap_or_default(),
                links_json: json(&links(m)),
                html: String::new(),
                // Docusaurus's `image_url`: an address, kept as written.
                avatar: text_of(m, "image_url").filter(|u| crate::content::html::is_safe_url(u)),
                source_path: format!("{rel}#{id}"),
                content_hash: hash.clone(),
                id,
            })
        })
        .collect()
}

fn text_of(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The author's page and social accounts, as links.
fn links(m: &Map<String, Value>) -> Vec<Source> {
    let mut out: Vec<Source> = text_of(m, "url")
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|url| Source {
            title: "Website".into(),
            url,
        })
        .into_iter()
        .collect();
    if let Some(Value::Object(socials)) = m.get("socials") {
        for (network, handle) in socials {
            let Some(handle) = handle.as_str() else {
                continue;
            };
            let url = if handle.starts_with("https://") {
                handle.to_string()
            } else {
                match network.as_str() {
                    "github" => format!("https://github.com/{handle}"),
                    "linkedin" => format!("https://www.linkedin.com/in/{handle}"),
                    "x" | "twitter" => format!("https://x.com/{handle}"),
                    _ => continue,
                }
            };
            out.push(Source {
                title: network.clone(),
                url,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_yml_gives_names_titles_and_links() {
        let rows = rows(
            "blog/authors.yml",
            "jo:\n  name: Jo Doe\n  title: Engineer\n  url: https://jo.example\n  image_url: https://jo.example/a.png\n  socials:\n    github: jodoe\n",
        );
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (r.id.as_str(), r.name.as_str(), r.bio.as_str()),
            ("jo", "Jo Doe", "Engineer")
        );
        assert_eq!(r.source_path, "blog/authors.yml#jo");
        assert!(r.links_json.contains("https://github.com/jodoe"));
    }
}
