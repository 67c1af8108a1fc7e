//! The settings that name a file of the content folder, checked against the folder when a
//! server starts or a publish runs: a font that is missing, is not WOFF2 or leads out of
//! the folder (through a symlink) is refused with the setting named, before anything is
//! served with a typeface the browser would throw away.

use std::path::Path;

use super::{Config, ConfigError, Font};

/// Every WOFF2 file starts with this signature.
const WOFF2_SIGNATURE: &[u8] = b"wOF2";

/// Largest font file read: a Latin WOFF2 is tens of kilobytes, a CJK one a few megabytes.
const MAX_FONT_BYTES: u64 = 16 * 1024 * 1024;

impl Config {
    /// The font settings as (key, path) for those that name a file.
    pub fn font_files(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [("font", &self.font), ("heading_font", &self.heading_font)]
            .into_iter()
            .filter_map(|(key, font)| match font {
                Some(Font::File(path)) => Some((key, path.as_str())),
                _ => None,
            })
    }

    /// The image the site's PNG icons are made of: the `favicon` if it is a raster image,
    /// else the `logo` if it is one (an SVG favicon stays the tab's icon, and a raster
    /// logo still gives phones their home-screen icon).
    pub fn icon_source(&self) -> Option<&str> {
        [&self.favicon, &self.logo]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|path| {
                let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
                ["png", "jpg", "jpeg", "webp", "gif"]
                    .iter()
                    .any(|r| ext.eq_ignore_ascii_case(r))
            })
    }

    /// Checks the files the settings name against the content folder `content`.
    pub fn check_files(&self, content: &Path) -> Result<(), ConfigError> {
        for (key, path) in self.font_files() {
            check_font(content, path).map_err(|message| ConfigError::Invalid {
                key,
                origin: format!("content folder {}", content.display()),
                message,
            })?;
        }
        Ok(())
    }
}

/// The font at `rel` in `content` exists, stays inside the folder and is WOFF2.
fn check_font(content: &Path, rel: &str) -> Result<(), String> {
    let shown = content.join(rel);
    let missing = |e: std::io::Error| {
        format!(
            "{}: {e}; put the .woff2 file there or change the setting",
            shown.display()
        )
    };
    let folder = std::fs::canonicalize(content).map_err(missing)?;
    let file = std::fs::canonicalize(&shown).map_err(missing)?;
    if !file.starts_with(&folder) {
        return Err(format!(
            "{} leads out of the content folder; a font must be a file inside it",
            shown.display()
        ));
    }
    let meta = std::fs::metadata(&file).map_err(missing)?;
    if !meta.is_file() || meta.len() > MAX_FONT_BYTES {
        return Err(format!(
            "{} is not a font file of at most {} MB",
            shown.display(),
            MAX_FONT_BYTES / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(&file).map_err(missing)?;
    if !bytes.starts_with(WOFF2_SIGNATURE) {
        return Err(format!(
            "{} is not a WOFF2 file (it does not start with wOF2); convert it, for example \
             with woff2_compress",
            shown.display()
        ));
    }
    Ok(())
}
