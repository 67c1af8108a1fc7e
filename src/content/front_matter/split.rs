//! Cutting a file in two: the front matter block (YAML `---`, TOML `+++`, or
//! Python-Markdown headers) and the Markdown body, with their first lines.

use super::{Format, meta};
use crate::error::FileError;

/// A file cut in two: front matter text and Markdown body, with their first line numbers.
#[derive(Debug)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// 1-based line of the first front-matter line (after the opening fence).
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

/// Cuts the first `---`/`+++` block off `text` (a BOM is ignored). We do this ourselves
/// rather than with pulldown-cmark's metadata options, which also match `---` mid-document.
pub fn split(text: &str) -> Result<Split<'_>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let (format, fences): (Format, &[&str]) = match first {
        "---" => (Format::Yaml, &["---", "..."]),
        "+++" => (Format::Toml, &["+++"]),
        _ if meta::header_len(text).is_some() => {
            let len = meta::header_len(text).unwrap_or(0);
            let front = &text[..len];
            return Ok(Split {
                format: Format::Meta,
                front,
                front_line: 1,
                body: &text[len..],
                body_line: 1 + front.matches('\n').count(),
            });
        }
        _ => {
            return Ok(Split {
                format: Format::None,
                front: "",
                front_line: 1,
                body: text,
                body_line: 1,
            });
        }
    };
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    for (line, raw) in (2..).zip(text[front_start..].split_inclusive('\n')) {
        if fences.contains(&raw.trim_end()) {
            return Ok(Split {
                format,
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[offset + raw.len()..],
                body_line: line + 1,
            });
        }
        offset += raw.len();
    }
    Err(FileError {
        path: String::new(),
        line: Some(1),
        field: None,
        message: format!("front matter opened with `{first}` is never closed"),
    })
}
