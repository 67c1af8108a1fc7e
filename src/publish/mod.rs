//! The import use case, shared by `dispatches publish`, `serve` and the watcher, as a
//! short list of named steps, each in its own module:
//!
//! 1. `discover`: files, folders and globs → the files to publish;
//! 2. `load`: read, hash (skip the unchanged) and read front matter, on every core;
//! 3. `slugs`: settle every changed article's slug before anything renders;
//! 4. `render`: render the articles on every core, in date order;
//! 5. `store`: stream them into one writer transaction that commits at the end;
//! 6. `report`: counts, skips, failures and the summary line.

mod authors_file;
mod bundles;
mod discover;
mod load;
mod render;
mod report;
pub mod seen;
mod site_config;
mod slugs;
mod store;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use time::OffsetDateTime;

pub use crate::error::FileError;
pub use report::Report;

use crate::config::Config;
use crate::content::images::ImageFacts;
use crate::content::import::obsidian::Vault;
use crate::content::{self, ContentSettings};
use crate::db::{self, DbError, Writer, read};

/// What to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Validate and report only; write nothing.
    pub dry_run: bool,
    /// Unpublish articles (and other rows) whose files are gone from the folders given.
    pub prune: bool,
    /// Show a progress bar (only ever on a terminal).
    pub progress: bool,
    /// Set to stop the publish early (a server shutting down): what rendered is thrown
    /// away and nothing is committed.
    pub cancel: Option<Arc<AtomicBool>>,
    /// What this process's earlier publishes found on disk (`seen`): files whose size
    /// and time have not moved are not read again.
    pub seen: Option<Arc<seen::Seen>>,
}

/// Errors that stop a whole publish (the database, not a file).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What the archive already holds, read before loading.
#[derive(Default)]
struct Stored {
    /// Content hash by source path: unchanged files are skipped without parsing.
    hashes: HashMap<String, String>,
    /// Source path by article slug: which file holds each slug.
    owners: HashMap<String, String>,
    /// The folder each source was published from, by source path.
    roots: HashMap<String, String>,
    /// The size and variants of every published image, by path.
    images: HashMap<String, ImageFacts>,
    /// The articles that show each published image, by the image's path.
    image_users: HashMap<String, Vec<String>>,
}

impl Stored {
    /// The widths of the variants stored under each key, whichever path holds them.
    fn variants_by_key(&self) -> HashMap<String, Vec<u32>> {
        self.images
            .values()
            .filter(|f| !f.variant_key.is_empty())
            .map(|f| (f.variant_key.clone(), f.variant_widths.clone()))
            .collect()
    }

    /// Reads the archive at `db_path`, bringing it to this version's schema first when
    /// the publish will write through a writer of its own.
    fn read(db_path: &Path, migrate: bool) -> Result<Stored, PublishError> {
        // A new file, an older archive, or one left empty by a crash during creation.
        if migrate {
            drop(db::open_writable(db_path)?);
        }
        match db::open_read_only(db_path) {
            Ok(conn) => Ok(Stored {
                hashes: read::source_hashes(&conn).map_err(DbError::from)?,
                owners: read::slug_owners(&conn).map_err(DbError::from)?,
                roots: read::source_roots(&conn).map_err(DbError::from)?,
                images: read::image_facts(&conn).map_err(DbError::from)?,
                image_users: read::image_users(&conn).map_err(DbError::from)?,
            }),
            // A new archive (or a dry run before the first publish) has nothing stored.
            Err(_) if !db_path.exists() => Ok(Stored::default()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Publishes `inputs` (files, folders, globs) from the site whose content folder is
/// `content_root`, through `writer` (or a writer of its own on `db_path`).
pub fn publish(
    inputs: &[String],
    content_root: &Path,
    config: &Config,
    writer: Option<&Writer>,
    db_path: &Path,
    options: &Options,
) -> Result<Report, PublishError> {
    let started = Instant::now();
    let mut report = Report {
        dry_run: options.dry_run,
        ..Report::default()
    };
    let found = discover::expand(inputs, content_root, &mut report);
    let stored = Stored::read(db_path, !options.dry_run && writer.is_none())?;
    // Files a post shows (Go's `{{code}}`, Hugo's `include`): only those this publish
    // found, by their names inside the content root, so nothing outside it is read.
    let beside: HashMap<String, std::path::PathBuf> = found
        .files
        .iter()
        .map(|f| (f.rel.clone(), f.path.clone()))
        .collect();
    let site = old_site(inputs, content_root, site_config::find);
    let emoji = config.emoji || old_site(inputs, content_root, site_config::emoji) == Some(true);
    let read_file = |rel: &str| -> Option<String> {
        let path = beside.get(rel)?;
        let meta = std::fs::metadata(path).ok()?;
        (meta.len() <= config.max_file_bytes)
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
    };
    let names = discover::names_under(content_root);
    let eleventy = site_config::eleventy(content_root, &names);
    let names_for_data = names.clone();
    let (tag_labels, tags_text) = authors_file::tag_labels(content_root, &names);
    let engine = site_config::old_site(
        content_root,
        &names,
        site.as_ref().map(|(m, _)| m),
        eleventy.is_some(),
    );
    let vault = Vault::new(
        old_site(inputs, content_root, site_config::obsidian_vault).is_some(),
        found
            .files
            .iter()
            .map(|f| f.rel.clone())
            .chain(names)
            .collect::<HashSet<String>>(),
    );
    let bar = report::progress_bar(options.progress, found.files.len());
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // Roots are recorded where they are new or changed, so `--prune` can tell folders apart.
    let new_roots: Vec<(String, String)> = found
        .files
        .iter()
        .filter(|f| stored.roots.get(&f.rel) != Some(&f.root))
        .map(|f| (f.rel.clone(), f.root.clone()))
        .collect();
    let hidden = bundles::hidden_folders(&found.files, config.timezone);
    let mut salt = render_salt(config, emoji);
    if let Some((_, text)) = &site {
        salt.push('|');
        salt.push_str(text);
    }
    if !tags_text.is_empty() {
        use sha2::Digest;
        salt.push_str(&format!(
            "|{:x}",
            sha2::Sha256::digest(tags_text.as_bytes())
        ));
    }
    // A change of the data files changes the posts that read them.
    if let Some(data) = &eleventy {
        use sha2::Digest;
        let text = format!("{:?}{:?}", data.global, data.folders);
        salt.push_str(&format!("|{:x}", sha2::Sha256::digest(text.as_bytes())));
    }
    // Files beside the articles first: the articles' pages carry their images' sizes.
    // The folder the files are named from: the content root, or a folder published as a
    // root of its own (an old site's `content/`).
    let root_pages = bundles::root_pages(
        found
            .files
            .first()
            .map_or(content_root, |f| Path::new(&f.root)),
    );
    let (assets, mut texts): (Vec<_>, Vec<_>) = found.files.into_iter().partition(|f| !f.markdown);
    let no_settings = ContentSettings {
        timezone: config.timezone,
        language: &config.language,
        trust_html: config.trust_html,
        highlight_max_bytes: config.highlight_max_bytes,
        emoji,
        read_file: Some(&read_file),
        site: site.as_ref().map(|(m, _)| m),
        article_slug: None,
        images: None,
        root_pages,
        work_path: &config.work_path,
        vault: Some(&vault),
        eleventy: eleventy.as_ref(),
        old_site: engine.as_ref(),
        tag_labels: Some(&tag_labels),
    };
    let mut ctx = load::LoadContext {
        config,
        salt: &salt,
        stored: &stored.hashes,
        settings: no_settings,
        hidden: &hidden,
        variants: &stored.variants_by_key(),
        seen: options.seen.as_deref(),
    };
    let mut loaded = load::load_all(assets, &ctx, &bar, &mut report, now);
    // An image pruned away changes the pages that showed it as much as a changed one.
    let removed_images = if options.prune {
        gone(
            stored.images.keys(),
            &stored,
            &loaded.seen,
            &found.walked,
            content_root,
        )
    } else {
        Vec::new()
    };
    let (images, users) = images_after(&stored, &loaded.batch.files, &removed_images);
    let lookup = |path: &str| images.get(path).cloned();
    let settings = ContentSettings {
        images: Some(&lookup),
        ..no_settings
    };
    ctx.settings = settings;
    // Articles showing a changed image are rendered again, found or not.
    let mut hashes_now;
    if !users.is_empty() {
        hashes_now = stored.hashes.clone();
        let found_already: HashSet<String> = texts.iter().map(|f| f.rel.clone()).collect();
        for rel in &users {
            hashes_now.remove(rel);
            if !found_already.contains(rel) {
                let root = stored.roots.get(rel).map_or(content_root, |r| Path::new(r));
                texts.extend(discover::found_again(root, rel));
            }
        }
        ctx.stored = &hashes_now;
    }
    loaded.absorb(load::load_all(texts, &ctx, &bar, &mut report, now));
    // Docusaurus's `authors.yml`: its authors, kept (not pruned) while the file is there.
    for row in authors_file::read(content_root, &names_for_data) {
        loaded.seen.insert(row.source_path.clone());
        loaded.batch.authors.push(row);
    }
    loaded.batch.roots = new_roots;
    if options.prune {
        loaded.batch.remove = gone(
            stored.hashes.keys(),
            &stored,
            &loaded.seen,
            &found.walked,
            content_root,
        );
    }
    let owners = stored.owners.clone();
    let planned = slugs::settle(
        loaded.articles,
        stored.owners,
        &loaded.batch.remove,
        &slugs::Present {
            seen: &loaded.seen,
            content_root,
        },
        &mut report,
    );
    let by_source = slugs_by_source(owners, &planned);
    let article_slug = |rel: &str| by_source.get(rel).cloned();
    let how = store::Rendering {
        settings: ContentSettings {
            article_slug: Some(&article_slug),
            ..settings
        },
        config,
        bar: &bar,
        cancel: options.cancel.as_deref(),
    };
    if options.dry_run {
        store::dry_run(planned, &loaded.batch, &stored.hashes, &how, &mut report);
    } else {
        store::store(planned, loaded.batch, writer, db_path, &how, &mut report)?;
    }
    bar.finish_and_clear();
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report.skipped.sort();
    report.elapsed = started.elapsed();
    Ok(report)
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

/// Every published image's facts once this publish's files are in, and the stored
/// articles that show an image whose facts changed.
fn images_after(
    stored: &Stored,
    files: &[db::FileRow],
    removed: &[String],
) -> (HashMap<String, ImageFacts>, Vec<String>) {
    let mut images = stored.images.clone();
    let mut users = Vec::new();
    let changes = files
        .iter()
        .map(|f| (&f.path, f.image.as_ref()))
        .chain(removed.iter().map(|p| (p, None)));
    for (path, now) in changes {
        let old = match now {
            Some(facts) => images.insert(path.clone(), facts.clone()),
            None => images.remove(path),
        };
        if old.as_ref() != now {
            users.extend(stored.image_users.get(path).into_iter().flatten().cloned());
        }
    }
    users.sort();
    users.dedup();
    (images, users)
}

/// Each article's slug by its source path, as they stand once this publish's slugs are
/// settled: links to another article's file become its URL.
fn slugs_by_source(
    owners: HashMap<String, String>,
    planned: &[render::Planned],
) -> HashMap<String, String> {
    let mut by_source: HashMap<String, String> =
        owners.into_iter().map(|(slug, src)| (src, slug)).collect();
    for p in planned {
        by_source.insert(p.found.rel.clone(), p.article.slug.clone());
    }
    by_source
}

/// What every content hash is salted with: a change of renderer or of a setting that
/// changes the HTML re-renders every file.
fn render_salt(config: &Config, emoji: bool) -> String {
    let salt = format!(
        "{}|{}|{}|{}|{}",
        content::RENDER_VERSION,
        config.timezone_name,
        config.language,
        config.trust_html,
        config.highlight_max_bytes
    );
    // Only when on, so that archives published before the setting existed stay unchanged.
    match emoji {
        true => salt + "|emoji",
        false => salt,
    }
}

/// Stored source paths under the folders walked whole that no file answers any more.
/// Only rows published from the same root are candidates: another folder's articles (a
/// second process publishing elsewhere) are never this publish's to prune.
fn gone<'s>(
    candidates: impl Iterator<Item = &'s String>,
    stored: &Stored,
    seen: &HashSet<String>,
    walked: &[(String, String)],
    content_root: &Path,
) -> Vec<String> {
    let same_root = |rel: &str, root: &str| stored.roots.get(rel).is_none_or(|r| r == root);
    let mut gone: Vec<String> = candidates
        .filter(|rel| {
            !seen.contains(*rel)
                && walked
                    .iter()
                    .any(|(root, p)| discover::under(rel, p) && same_root(rel, root))
        })
        // A file written since the folder was walked (a Micropub post published by
        // another publish meanwhile) is not gone.
        .filter(|rel| !content_root.join(rel).exists())
        .cloned()
        .collect();
    gone.sort();
    gone
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}
