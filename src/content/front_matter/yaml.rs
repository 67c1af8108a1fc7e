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
