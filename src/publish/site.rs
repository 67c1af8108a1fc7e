//! What a publish knows of the whole site before it loads a file: the old engine's
//! settings and data files, the files a post may include, the folders the old site never
//! rendered, and the salt every content hash carries.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::Digest;

use super::discover::{self, Found};
use super::{authors_file, bundles, render_salt, site_config};
use crate::config::Config;
use crate::content::ContentSettings;
use crate::content::import::eleventy;
use crate::content::import::obsidian::Vault;
use crate::content::import::old_paths::OldSite;

/// The site-wide facts, read once per publish.
pub(super) struct Site {
    /// Files a post shows (Go's `{{code}}`, Hugo's `include`): only those this publish
    /// found, by their names inside the content root, so nothing outside it is read.
    beside: HashMap<String, PathBuf>,
    /// The old site's own settings (a Jekyll `_config.yml`), parsed and as text.
    old: Option<(Map<String, Value>, String)>,
    emoji: bool,
    /// Every file name under the content root.
    pub names: Vec<String>,
    eleventy: Option<eleventy::Data>,
    tag_labels: HashMap<String, String>,
    engine: Option<OldSite>,
    vault: Vault,
    /// Folders whose pages the old site never rendered, with why.
    pub hidden: Vec<(String, String)>,
    /// Mixed into every content hash: a change of renderer, of a setting or of a data
    /// file re-renders the files whose text did not change.
    pub salt: String,
    root_pages: bool,
}

impl Site {
    pub(super) fn read(
        inputs: &[String],
        content_root: &Path,
        config: &Config,
        files: &[Found],
    ) -> Site {
        let old = old_site(inputs, content_root, site_config::find);
        let emoji =
            config.emoji || old_site(inputs, content_root, site_config::emoji) == Some(true);
        let names = discover::names_under(content_root);
        let eleventy = site_config::eleventy(content_root, &names);
        let (tag_labels, tags_text) = authors_file::tag_labels(content_root, &names);
        let engine = site_config::old_site(
            content_root,
            &names,
            old.as_ref().map(|(m, _)| m),
            eleventy.is_some(),
        );
        let vault = Vault::new(
            old_site(inputs, content_root, site_config::obsidian_vault).is_some(),
            files
                .iter()
                .map(|f| f.rel.clone())
                .chain(names.iter().cloned())
                .collect::<HashSet<String>>(),
        );
        let salt = salt(config, emoji, old.as_ref(), &tags_text, eleventy.as_ref());
        // The folder the files are named from: the content root, or a folder published as
        // a root of its own (an old site's `content/`).
        let root_pages =
            bundles::root_pages(files.first().map_or(content_root, |f| Path::new(&f.root)));
        Site {
            beside: files
                .iter()
                .map(|f| (f.rel.clone(), f.path.clone()))
                .collect(),
            old,
            emoji,
            names,
            eleventy,
            tag_labels,
            engine,
            vault,
            hidden: bundles::hidden_folders(files, config.timezone),
            salt,
            root_pages,
        }
    }

    /// The text of a file this publish found, if it is within the size limit.
    pub(super) fn read_file(&self, rel: &str, max_bytes: u64) -> Option<String> {
        let path = self.beside.get(rel)?;
        let meta = std::fs::metadata(path).ok()?;
        (meta.len() <= max_bytes)
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
    }

    /// The content stage's settings for this site, before images and slugs are known.
    pub(super) fn settings<'a>(
        &'a self,
        config: &'a Config,
        read_file: crate::content::import::ReadFile<'a>,
    ) -> ContentSettings<'a> {
        ContentSettings {
            timezone: config.timezone,
            language: &config.language,
            trust_html: config.trust_html,
            highlight_max_bytes: config.highlight_max_bytes,
            emoji: self.emoji,
            read_file: Some(read_file),
            site: self.old.as_ref().map(|(m, _)| m),
            article_slug: None,
            images: None,
            root_pages: self.root_pages,
            work_path: &config.work_path,
            vault: Some(&self.vault),
            eleventy: self.eleventy.as_ref(),
            old_site: self.engine.as_ref(),
            tag_labels: Some(&self.tag_labels),
        }
    }
}

/// The renderer's salt, with the old site's settings, its tag labels and its data files:
/// a change of any of them changes the posts that read them.
fn salt(
    config: &Config,
    emoji: bool,
    old: Option<&(Map<String, Value>, String)>,
    tags_text: &str,
    eleventy: Option<&eleventy::Data>,
) -> String {
    let mut salt = render_salt(config, emoji);
    if let Some((_, text)) = old {
        salt.push('|');
        salt.push_str(text);
    }
    if !tags_text.is_empty() {
        salt.push_str(&format!(
            "|{:x}",
            sha2::Sha256::digest(tags_text.as_bytes())
        ));
    }
    if let Some(data) = eleventy {
        let text = format!("{:?}{:?}", data.global, data.folders);
        salt.push_str(&format!("|{:x}", sha2::Sha256::digest(text.as_bytes())));
    }
    salt
}

/// What `find` reads of the old site's settings (see `site_config`) at or above the content
/// root, or else at or above a folder being published.
fn old_site<T>(
    inputs: &[String],
    content_root: &Path,
    find: impl Fn(&Path) -> Option<T>,
) -> Option<T> {
    find(content_root).or_else(|| {
        inputs
            .iter()
            .map(Path::new)
            .filter(|p| p.is_dir())
            .find_map(find)
    })
}
