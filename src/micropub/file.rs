//! A Micropub post as a Markdown file and back. The file is the source of truth: a post
//! is written with YAML front matter (each value written as JSON, which YAML reads as it
//! is) that the publish step reads like any other file, and `q=source` and updates read
//! the properties back from the file, whoever last edited it.

use serde_json::{Map, Value, json};

use super::{Invalid, Props, invalid};
use crate::content::html::strip_tags;
use crate::content::{dates, front_matter};

/// Photos are appended to the body after this line, so the page shows them and
/// `q=source` can give the content back without them.
pub const PHOTOS: &str = "<!-- photos -->";

/// Front-matter keys that Micropub properties own; every other key of a file is kept
/// as it is through an update.
const OWNED: &[&str] = &[
    "title",
    "date",
    "published",
    "tags",
    "dek",
    "draft",
    "photo",
    "untitled",
    "content_html",
    "properties",
];

/// The longest title made from a note's text.
const TITLE_CHARS: usize = 60;

/// The Markdown text of a post with `props`; `keep` holds the file's other front-matter
/// keys (its `slug`, say), and `now` dates a post that names no `published`.
pub fn to_markdown(props: &Props, keep: &Map<String, Value>, now: &str) -> Result<String, Invalid> {
    check_state(props)?;
    let mut front = Map::new();
    let (body, html) = content(props)?;
    match text(props, "name") {
        Some(name) => {
            front.insert("title".into(), json!(name));
        }
        None => {
            let from = text(props, "summary").unwrap_or_else(|| strip_tags(&body));
            front.insert("title".into(), json!(short_title(&from)));
            front.insert("untitled".into(), json!(true));
        }
    }
    for (k, v) in keep {
        if !OWNED.contains(&k.as_str()) {
            front.insert(k.clone(), v.clone());
        }
    }
    let date = text(props, "published").unwrap_or_else(|| now.to_string());
    front.insert("date".into(), json!(date));
    if let Some(tags) = props.get("category").and_then(Value::as_array) {
        let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
        front.insert("tags".into(), json!(tags));
    }
    if let Some(summary) = text(props, "summary") {
        front.insert("dek".into(), json!(summary));
    }
    if text(props, "post-status").as_deref() == Some("draft") {
        front.insert("draft".into(), json!(true));
    }
    if html {
        front.insert("content_html".into(), json!(true));
    }
    let photos = photos(props)?;
    if let Some(p) = props.get("photo") {
        front.insert("photo".into(), p.clone());
    }
    let rest: Map<String, Value> = props
        .iter()
        .filter(|(k, _)| !is_mapped(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !rest.is_empty() {
        front.insert("properties".into(), Value::Object(rest));
    }
    let mut out = String::from("---\n");
    for (k, v) in &front {
        out.push_str(&yaml_safe(&format!("{}: {}\n", json!(k), v)));
    }
    out.push_str("---\n");
    out.push_str(&body);
    if !photos.is_empty() {
        out.push_str(&format!("\n\n{PHOTOS}\n"));
        for (url, alt) in photos {
            out.push_str(&format!("\n![{}](<{url}>)\n", alt.replace(['[', ']'], "")));
        }
    }
    out.push('\n');
    Ok(out)
}

/// JSON is YAML, except for the characters YAML will not take unescaped inside a quoted
/// string (DEL, the C1 controls, the BOM and noncharacters) which JSON leaves as they are:
/// those are written as `\uXXXX`, which both read back the same.
fn yaml_safe(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        let printable = matches!(c, '\t' | '\n' | '\u{20}'..='\u{7e}' | '\u{85}')
            || matches!(c, '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
                && c != '\u{feff}';
        if printable {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// Refuses what the post would not be as asked: a status other than published or
/// draft, a visibility other than public (every post here is public; a private one must
/// not go live), and a `published` that is not a date (it would become now).
fn check_state(props: &Props) -> Result<(), Invalid> {
    match text(props, "post-status").as_deref() {
        None | Some("published" | "draft") => {}
        Some(other) => {
            return invalid(format!(
                "`post-status` is `published` or `draft`, not `{}`",
                other.chars().take(40).collect::<String>()
            ));
        }
    }
    match text(props, "visibility").as_deref() {
        None | Some("public") => {}
        Some(other) => {
            return invalid(format!(
                "every post here is public, so `visibility: {}` cannot be honoured; send \
                 `post-status: draft` to keep it off the site",
                other.chars().take(40).collect::<String>()
            ));
        }
    }
    if props.contains_key("published") {
        let when = text(props, "published").unwrap_or_default();
        if let Err(why) = dates::parse_datetime(&when, time_tz::timezones::db::UTC) {
            return invalid(format!(
                "`published` must be a date and time such as 2026-01-20T10:00:00Z: {}",
                why.chars().take(80).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// Properties the front matter or the body hold directly (the rest go under
/// `properties`); `mp-*` commands and the token are never stored.
fn is_mapped(k: &str) -> bool {
    matches!(
        k,
        "name" | "content" | "category" | "published" | "summary" | "post-status" | "photo"
    ) || k.starts_with("mp-")
        || k == "access_token"
}

/// The properties of the file `text`, and its other front-matter keys.
pub fn from_markdown(text: &str) -> Result<(Props, Map<String, Value>), String> {
    let split = front_matter::split(text).map_err(|e| e.to_string())?;
    let front = front_matter::to_map(&split).map_err(|e| e.to_string())?;
    let mut props = Props::new();
    let untitled = front.get("untitled") == Some(&Value::Bool(true));
    if let (Some(t), false) = (front.get("title").and_then(Value::as_str), untitled) {
        props.insert("name".into(), json!([t]));
    }
    let body = split.body.split(PHOTOS).next().unwrap_or("").trim();
    if !body.is_empty() {
        let v = if front.get("content_html") == Some(&Value::Bool(true)) {
            json!({ "html": body })
        } else {
            json!(body)
        };
        props.insert("content".into(), json!([v]));
    }
    match front.get("tags") {
        Some(Value::Array(t)) => {
            props.insert("category".into(), Value::Array(t.clone()));
        }
        Some(Value::String(t)) => {
            let t: Vec<&str> = t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            props.insert("category".into(), json!(t));
        }
        _ => {}
    }
    if let Some(d) = ["date", "published"]
        .iter()
        .find_map(|k| front.get(*k).and_then(Value::as_str))
    {
        props.insert("published".into(), json!([d]));
    }
    if let Some(d) = front.get("dek").and_then(Value::as_str) {
        props.insert("summary".into(), json!([d]));
    }
    if front.get("draft") == Some(&Value::Bool(true))
        || front.get("published") == Some(&Value::Bool(false))
    {
        props.insert("post-status".into(), json!(["draft"]));
    }
    if let Some(p) = front.get("photo") {
        props.insert("photo".into(), p.clone());
    }
    if let Some(Value::Object(rest)) = front.get("properties") {
        for (k, v) in rest {
            props.insert(k.clone(), v.clone());
        }
    }
    let keep = front
        .into_iter()
        .filter(|(k, _)| !OWNED.contains(&k.as_str()))
        .collect();
    Ok((props, keep))
}

/// Applies an update's `replace`, `add` and `delete` to `props`, in the spec's order.
pub fn apply_update(
    props: &mut Props,
    replace: &Props,
    add: &Props,
    remove_values: &Props,
    remove: &[String],
) {
    for (k, v) in replace {
        props.insert(k.clone(), v.clone());
    }
    for (k, v) in add {
        let list = props.entry(k.clone()).or_insert_with(|| json!([]));
        if let (Value::Array(list), Value::Array(more)) = (list, v) {
            list.extend(more.iter().cloned());
        }
    }
    for (k, v) in remove_values {
        if let (Some(Value::Array(list)), Value::Array(gone)) = (props.get_mut(k), v) {
            list.retain(|x| !gone.contains(x));
            if list.is_empty() {
                props.remove(k);
            }
        }
    }
    for k in remove {
        props.remove(k);
    }
}

/// The first value of a property, as text.
pub fn text(props: &Props, key: &str) -> Option<String> {
    match props.get(key)?.as_array()?.first()? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The body and whether it is HTML: `content` as text, `{"html": …}` or `{"value": …}`.
fn content(props: &Props) -> Result<(String, bool), Invalid> {
    let Some(first) = props
        .get("content")
        .and_then(|c| c.as_array()?.first().cloned())
    else {
        return Ok((String::new(), false));
    };
    match first {
        Value::String(s) => Ok((s, false)),
        Value::Object(o) => match (o.get("html"), o.get("value")) {
            (Some(Value::String(h)), _) => Ok((h.clone(), true)),
            (_, Some(Value::String(v))) => Ok((v.clone(), false)),
            _ => invalid("`content` must be text, {\"html\": …} or {\"value\": …}"),
        },
        _ => invalid("`content` must be text, {\"html\": …} or {\"value\": …}"),
    }
}

/// (URL, alt text) of every photo; only http(s) URLs and the site's own paths.
fn photos(props: &Props) -> Result<Vec<(String, String)>, Invalid> {
    let Some(list) = props.get("photo").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for p in list {
        let (url, alt) = match p {
            Value::String(u) => (u.clone(), String::new()),
            Value::Object(o) => (
                o.get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                o.get("alt")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => return invalid("`photo` must be a URL or {\"value\": URL, \"alt\": …}"),
        };
        let ok =
            (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
                && !url.starts_with("//")
                && !url.contains(['<', '>', '\n', '\r', ' ']);
        if !ok {
            return invalid("`photo` must be an http(s) URL or a path on this site");
        }
        out.push((url, alt));
    }
    Ok(out)
}

/// A note's title: its first line, cut at a word near `TITLE_CHARS`.
fn short_title(text: &str) -> String {
    let line = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .unwrap_or("Note");
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(TITLE_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_survives_the_file() {
        let props: Props = serde_json::from_value(json!({
            "name": ["Hello: \"world\""],
            "content": ["Line one.\n\nLine two."],
            "category": ["a", "b"],
            "published": ["2026-06-01T10:00:00Z"],
            "photo": [{"value": "https://e.org/a.jpg", "alt": "A"}],
            "x-weight": [{"type": ["h-measure"], "properties": {"num": ["70"]}}],
            "mp-slug": ["hello"]
        }))
        .unwrap();
        let text = to_markdown(&props, &Map::new(), "2026-01-01T00:00:00Z").unwrap();
        let (back, keep) = from_markdown(&text).unwrap();
        let mut expected = props.clone();
        expected.remove("mp-slug");
        assert_eq!(back, expected, "{text}");
        assert!(keep.is_empty());
    }

    #[test]
    fn photos_must_be_web_urls() {
        let props: Props =
            serde_json::from_value(json!({"photo": ["javascript:alert(1)"]})).unwrap();
        assert!(to_markdown(&props, &Map::new(), "2026-01-01").is_err());
    }
}
