//! Before load: the old site's own settings, a Jekyll `_config.yml` in the published
//! folder or any folder above it, so `{{ site.X }}` and its URL filters read as they did.

use std::path::Path;

use serde_json::{Map, Value};

use crate::content::front_matter;

/// The nearest `_config.yml` at or above `folder`: its settings and its text (which salts
/// content hashes, so a change of settings re-renders the posts that use them).
pub(super) fn find(folder: &Path) -> Option<(Map<String, Value>, String)> {
    let folder = std::fs::canonicalize(folder).ok()?;
    folder.ancestors().find_map(|dir| {
        let path = dir.join("_config.yml");
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > 1 << 20 {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        front_matter::site_settings(&text).map(|m| (m, text))
    })
}
