//! Python-Markdown's `meta` headers, as Pelican reads them: `Key: value` lines at the very
//! top of a file without `---`, ended by the first blank line, a line indented four
//! spaces continuing the value above it. Keys are case-insensitive; Pelican's are mapped
//! onto the content contract's (`Category` → stream, `Modified` → updated, `Status:
//! draft` → draft, `save_as`/`URL` → old addresses).

use serde_json::{Map, Value};

/// Keys only Pelican (or Python-Markdown) headers start with: a file whose first line is
/// `Note: …` is prose, not headers.
const KNOWN: &[&str] = &[
    "title",
    "date",
    "modified",
    "category",
    "tags",
    "slug",
    "author",
    "authors",
    "summary",
    "status",
    "save_as",
    "url",
    "lang",
    "translation",
];

/// The byte length of the header block at the top of `text` (blank line included), when
/// the text starts with one.
pub(super) fn header_len(text: &str) -> Option<usize> {
    let mut len = 0;
    let mut keys = 0;
    let mut known = false;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            len += line.len();
            break;
        }
        if keys > 0 && line.starts_with("    ") {
            len += line.len();
            continue;
        }
        // As Python-Markdown: a line that is not a header ends the block too.
        let Some(key) = header_key(line) else { break };
        known |= KNOWN.contains(&key.to_ascii_lowercase().as_str());
        keys += 1;
        len += line.len();
    }
    (keys > 0 && known).then_some(len)
}

/// The key of a `Key: value` line: a letter, then letters, digits, `_` or `-`.
fn header_key(line: &str) -> Option<&str> {
    let (key, rest) = line.split_once(':')?;
    let ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (ok && (rest.starts_with([' ', '\t', '\n', '\r']) || rest.is_empty())).then_some(key)
}

/// The header block as front-matter keys.
pub(super) fn parse(front: &str) -> Map<String, Value> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in front.lines() {
        if line.starts_with("    ")
            && let Some((_, value)) = pairs.last_mut()
        {
            value.push(' ');
            value.push_str(line.trim());
        } else if let Some((key, value)) = line.split_once(':') {
            pairs.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut map = Map::new();
    for (key, value) in pairs {
        put(&mut map, &key, value);
    }
    map
}

/// One header under the name the content contract reads.
fn put(map: &mut Map<String, Value>, key: &str, value: String) {
    let list = |v: &str| -> Value {
        v.split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_string()))
            .collect()
    };
    match key {
        "category" => {
            map.insert("categories".into(), Value::Array(vec![value.into()]));
        }
        "modified" => {
            map.insert("updated".into(), value.into());
        }
        "tags" | "author" | "authors" => {
            map.insert(key.into(), list(&value));
        }
        "status" => {
            let draft = matches!(value.to_ascii_lowercase().as_str(), "draft" | "hidden");
            map.insert("draft".into(), Value::Bool(draft));
            map.insert("status".into(), value.into());
        }
        "save_as" | "url" => {
            let old = format!("/{}", value.trim_start_matches('/'));
            let aliases = map
                .entry("aliases")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = aliases
                && !a.contains(&Value::String(old.clone()))
            {
                a.push(old.into());
            }
            map.insert(key.into(), value.into());
        }
        _ => {
            map.insert(key.into(), value.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pelican_headers_are_read_until_the_blank_line() {
        let text = "Title: My super title\nDate: 2010-12-03 10:20\nModified: 2010-12-05 19:30\n\
                    Category: Python\nTags: pelican, publishing\nSlug: my-super-post\n\
                    Authors: Alexis Metaireau, Conan Doyle\nSummary: Short version\n    \
                    for index and feeds\nStatus: draft\nsave_as: posts/super.html\n\nBody: text\n";
        let len = header_len(text).unwrap();
        assert_eq!(&text[len..], "Body: text\n");
        let m = parse(&text[..len]);
        assert_eq!(m["title"], "My super title");
        assert_eq!(m["categories"][0], "Python");
        assert_eq!(m["tags"][1], "publishing");
        assert_eq!(m["authors"][1], "Conan Doyle");
        assert_eq!(m["summary"], "Short version for index and feeds");
        assert_eq!(m["draft"], true);
        assert_eq!(m["updated"], "2010-12-05 19:30");
        assert_eq!(m["aliases"][0], "/posts/super.html");
    }

    #[test]
    fn prose_that_starts_like_a_header_is_not_one() {
        assert_eq!(header_len("Note: this is prose.\n\nMore.\n"), None);
        assert_eq!(header_len("# Title\n\nText\n"), None);
        assert_eq!(header_len("Title: T\nnot a header line\n\n"), Some(9));
        assert_eq!(header_len("title: About\nslug: about\n\nText"), Some(26));
    }
}
