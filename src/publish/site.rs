//! What a publish knows of the whole site before it loads a file: the old engine's
//! settings and data files, the files a post may include, the folders the old site never
//! rendered, and the salt every content hash carries.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// When named files publish alone with the folder's names known: the content root,
    /// whose published files a post may show too.
    beside_root: Option<PathBuf>,
    /// The old site's own settings (a Jekyll `_config.yml`), parsed and as text.
    old: Option<(Map<String, Value>, String)>,
    emoji: bool,
    /// Every file name under the content root (sorted when the caller knew them).
    pub names: Arc<Vec<String>>,
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
    /// The site's facts. `known` are the names of every file under the content root
    /// when the caller knows them (sorted); when `files` were named (no folder walked)
    /// and the names are known, what the folder decides for them (Hugo's main section,
    /// headless bundles, the files a post shows) is read from the names, as a publish
    /// of the whole folder decides it, without walking or listing the folder.
    pub(super) fn read(
        inputs: &[String],
        content_root: &Path,
        config: &Config,
        files: &[Found],
        known: Option<(Arc<Vec<String>>, bool)>,
    ) -> Site {
        let old = old_site(inputs, content_root, site_config::find);
        let emoji =
            config.emoji || old_site(inputs, content_root, site_config::emoji) == Some(true);
        let (names, named) = known.unwrap_or_else(|| {
            let names = discover::names_under(content_root);
            (Arc::new(names), false)
        });
        let eleventy = site_config::eleventy(content_root, &names);
        let (tag_labels, tags_text) = authors_file::tag_labels(content_root, &names);
        let engine = site_config::old_site(
            content_root,
            &names,
            old.as_ref().map(|(m, _)| m),
            eleventy.is_some(),
        );
        // Told from the names when known: the search below the root lists it.
        let obsidian = match named {
            true => site_config::obsidian_vault_named(content_root, &names),
            false => old_site(inputs, content_root, site_config::obsidian_vault).is_some(),
        };
        // The names are shared, not copied: a save's publish seldom resolves a link by
        // file name.
        let vault = Vault::of(
            obsidian,
            names.clone(),
            files.iter().map(|f| f.rel.clone()).collect(),
        );
        let salt = salt(config, emoji, old.as_ref(), &tags_text, eleventy.as_ref());
        // The folder the files are named from: the content root, or a folder published as
        // a root of its own (an old site's `content/`).
        let root_pages = match named {
            true => bundles::root_pages_named(&names),
            false => {
                bundles::root_pages(files.first().map_or(content_root, |f| Path::new(&f.root)))
            }
        };
        let hidden = match named {
            true => bundles::hidden_folders(
                &ancestor_indexes(content_root, files, &names),
                config.timezone,
            ),
            false => bundles::hidden_folders(files, config.timezone),
        };
        Site {
            beside: files
                .iter()
                .map(|f| (f.rel.clone(), f.path.clone()))
                .collect(),
            beside_root: named.then(|| content_root.to_path_buf()),
            old,
            emoji,
            names,
            eleventy,
            tag_labels,
            engine,
            vault,
            hidden,
            salt,
            root_pages,
        }
    }

    /// The text of a file this publish found, if it is within the size limit.
    pub(super) fn read_file(&self, rel: &str, max_bytes: u64) -> Option<String> {
        let path = match (self.beside.get(rel), &self.beside_root) {
            (Some(path), _) => path.clone(),
            (None, Some(root)) if self.names.binary_search_by(|n| n.as_str().cmp(rel)).is_ok() => {
                discover::published(rel).then(|| root.join(rel))?
            }
            _ => return None,
        };
        let meta = std::fs::metadata(&path).ok()?;
        (meta.len() <= max_bytes)
            .then(|| std::fs::read_to_string(&path).ok())
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

/// The section and bundle index files (`_index.md`, `index.md`) in the folders holding
/// `files`, up to the content root: those that can hide them.
fn ancestor_indexes(content_root: &Path, files: &[Found], names: &[String]) -> Vec<Found> {
    let mut candidates: Vec<String> = Vec::new();
    for f in files {
        let mut dir = f.rel.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            candidates.extend([format!("{parent}/index.md"), format!("{parent}/_index.md")]);
            dir = parent;
        }
        candidates.extend(["index.md".to_string(), "_index.md".to_string()]);
    }
    candidates.sort();
    candidates.dedup();
    candidates
        .iter()
        .filter(|c| names.binary_search(c).is_ok())
        .filter_map(|rel| discover::found_again(content_root, rel))
        .collect()
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
