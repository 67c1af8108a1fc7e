//! YAML front matter and site settings read with serde-saphyr, keys given twice read as
//! Jekyll reads them (the later wins).

use serde_json::{Map, Value};

use super::Split;
use crate::error::FileError;

/// Warnings, each with its 1-based line in the file.
pub(super) type Warnings = Vec<(usize, String)>;

/// A YAML block as a map. A key given twice is an error in YAML, but Jekyll reads such
/// files with the later value winning, so we do too, with a warning.
pub(super) fn parse_yaml(split: &Split<'_>) -> Result<(Map<String, Value>, Warnings), FileError> {
    if split.front.trim().is_empty() {
        return Ok((Map::new(), Vec::new()));
    }
    let line_of = |l: Option<serde_saphyr::Location>| {
        split.front_line + l.map_or(0, |l| (l.line() as usize).saturating_sub(1))
    };
    let mut warnings = Vec::new();
    let mut parsed = serde_saphyr::from_str::<Value>(split.front);
    if let Err(e) = &parsed
        && let serde_saphyr::Error::DuplicateMappingKey { key, location } = e.without_snippet()
    {
        let key = key.clone().unwrap_or_else(|| "a key".into());
        warnings.push((
            line_of(Some(*location)),
            format!("`{key}` is given twice; the later value is used, as Jekyll does; remove one"),
        ));
        let options = serde_saphyr::options! {
            duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
        };
        parsed = serde_saphyr::from_str_with_options::<Value>(split.front, options);
    }
    if parsed.is_err()
        && let Some(fixed) = indent_quoted_continuations(split.front)
        && let Ok(v) = serde_saphyr::from_str::<Value>(&fixed)
    {
        // A quoted scalar continued on an unindented line: YAML folds its lines, and
        // the site's generator read it so.
        parsed = Ok(v);
    }
    let map = |m| Ok((m, warnings));
    match parsed {
        Ok(Value::Object(m)) => map(m),
        Ok(Value::Null) => map(Map::new()),
        Ok(_) => Err(FileError {
            path: String::new(),
            line: Some(split.front_line),
            field: None,
            message: "front matter must be a mapping of `key: value` lines".into(),
        }),
        Err(e) => Err(FileError {
            path: String::new(),
            line: Some(
                split.front_line
                    + e.location()
                        .map_or(0, |l| (l.line() as usize).saturating_sub(1)),
            ),
            field: None,
            message: format!(
                "YAML front matter: {}",
                e.to_string().lines().next().unwrap_or("syntax error")
            ),
        }),
    }
}

/// An old site's settings file (Jekyll's `_config.yml`) as a map, keys given twice read
/// as Jekyll reads them (the later wins); `None` when it is not a YAML mapping.
pub fn site_settings(text: &str) -> Option<Map<String, Value>> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
    };
    match serde_saphyr::from_str_with_options::<Value>(text, options) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The block with every line that continues an open quoted scalar (`title: "A long`,
/// then `title"` at the margin) indented, so a strict parser folds it as YAML's flow
/// scalars fold; `None` when no line needed it.
fn indent_quoted_continuations(front: &str) -> Option<String> {
    let mut out = String::with_capacity(front.len() + 64);
    let mut open: Option<char> = None;
    let mut changed = false;
    for line in front.split_inclusive('\n') {
        let text = match open {
            Some(_) => {
                if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
                    out.push_str("  ");
                    changed = true;
                }
                line
            }
            None => match line.split_once(": ") {
                Some((key, value)) if !key.trim_start().starts_with('#') => {
                    let value = value.trim_start();
                    open = value.chars().next().filter(|c| matches!(c, '"' | '\''));
                    value.get(1..).unwrap_or("")
                }
                _ => "",
            },
        };
        out.push_str(line);
        if let Some(q) = open {
            open = still_open(text, q).then_some(q);
        }
    }
    changed.then_some(out)
}

/// Whether a scalar quoted with `q` is still open after `text` (its inside so far).
fn still_open(text: &str, q: char) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if q == '"' => {
                chars.next();
            }
            c if c == q => {
                if q == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                } else {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_title_continued_at_the_margin_is_folded() {
        let front = "title: \"Pair a model\nand a workflow\"\ndate: 2025-09-12\n";
        let fixed = indent_quoted_continuations(front).unwrap();
        assert_eq!(
            fixed,
            "title: \"Pair a model\n  and a workflow\"\ndate: 2025-09-12\n"
        );
        assert_eq!(indent_quoted_continuations("title: 'It''s'\nx: 1\n"), None);
        assert_eq!(indent_quoted_continuations("title: \"a\\\" b\"\n"), None);
    }
}
