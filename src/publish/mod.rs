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
mod site;
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
pub(crate) use discover::{is_editor_junk, names_under};
pub use report::Report;

use crate::config::Config;
use crate::content::images::ImageFacts;
use crate::content::{self, ContentSettings};
use crate::db::{self, DbError, Writer};
use site::Site;

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
    /// The names of every file under the content root, sorted, when the caller knows
    /// them (the watcher keeps them between saves): the folder is not walked for them.
    pub names: Option<Arc<Vec<String>>>,
}

/// What the archive already holds, read before loading.
#[derive(Default)]
struct Stored {
    /// Content hash by source path: unchanged files are skipped without parsing.
    hashes: HashMap<String, String>,
    /// Source path by article slug: which file holds each slug (empty when `asked`).
    owners: HashMap<String, String>,
    /// A publish of named files asks the archive for the owners it needs, one slug or
    /// source at a time, rather than reading every article's.
    asked: Option<std::sync::Mutex<rusqlite::Connection>>,
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
    /// the publish will write through a writer of its own. With `only` (a publish of
    /// named Markdown files, nothing pruned) the hashes and roots are those of those
    /// files alone, and no image's users: no image changes.
    fn read(db_path: &Path, migrate: bool, only: Option<&[String]>) -> Result<Stored, DbError> {
        // A new file, an older archive, or one left empty by a crash during creation.
        if migrate {
            drop(db::open_writable(db_path)?);
        }
        match db::open_read_only(db_path) {
            Ok(conn) => {
                let mut stored = Self::read_from(&conn, only).map_err(DbError::from)?;
                stored.asked = only.map(|_| std::sync::Mutex::new(conn));
                Ok(stored)
            }
            // A new archive (or a dry run before the first publish) has nothing stored.
            Err(_) if !db_path.exists() => Ok(Stored::default()),
            Err(e) => Err(e),
        }
    }

    fn read_from(conn: &rusqlite::Connection, only: Option<&[String]>) -> rusqlite::Result<Stored> {
        let Some(only) = only else {
            return Ok(Stored {
                hashes: db::prior::source_hashes(conn)?,
                owners: db::prior::slug_owners(conn)?,
                roots: db::prior::source_roots(conn)?,
                images: db::prior::image_facts(conn)?,
                image_users: db::prior::image_users(conn)?,
                asked: None,
            });
        };
        Ok(Stored {
            hashes: db::prior::source_hashes_of(conn, only)?,
            owners: HashMap::new(),
            roots: db::prior::source_roots_of(conn, only)?,
            images: db::prior::image_facts(conn)?,
            image_users: HashMap::new(),
            asked: None,
        })
    }

    /// The source file that holds the article slug `slug`.
    fn owner(&self, slug: &str) -> Option<String> {
        match &self.asked {
            None => self.owners.get(slug).cloned(),
            Some(conn) => {
                let conn = conn
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                db::prior::slug_owner(&conn, slug).ok().flatten()
            }
        }
    }

    /// The slug of the stored article from the source file `rel`, when the owners were
    /// not read whole (else they are in `slugs_by_source`).
    fn asked_slug(&self, rel: &str) -> Option<String> {
        let conn = self.asked.as_ref()?;
        let conn = conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        db::prior::slug_of_source(&conn, rel).ok().flatten()
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
) -> Result<Report, DbError> {
    let mut run = Run::new(content_root, config, options);
    let found = run.discover(inputs);
    // Named Markdown files, nothing pruned: only their rows and the slugs are needed.
    let named: Option<Vec<String>> = (!options.prune && found.walked.is_empty())
        .then(|| found.files.iter().map(|f| f.rel.clone()).collect());
    let migrate = !options.dry_run && writer.is_none();
    let stored = Stored::read(db_path, migrate, named.as_deref())?;
    let known = options.names.clone().map(|n| (n, named.is_some()));
    let site = Site::read(inputs, content_root, config, &found.files, known);
    let read_file = |rel: &str| site.read_file(rel, config.max_file_bytes);
    let settings = site.settings(config, &read_file);
    let new_roots = new_roots(&found.files, &stored);
    // Files beside the articles first: the articles' pages carry their images' sizes.
    let (assets, texts): (Vec<_>, Vec<_>) = found.files.into_iter().partition(|f| !f.markdown);
    let mut loaded = run.load(assets, &site, &stored, &stored.hashes, settings);
    let removed_images = run.pruned(stored.images.keys(), &stored, &loaded, &found.walked);
    let (images, users) = images_after(&stored, &loaded.batch.files, &removed_images);
    let lookup = |path: &str| images.get(path).cloned();
    let settings = ContentSettings {
        images: Some(&lookup),
        ..settings
    };
    // Articles showing a changed image are rendered again, found or not, changed or not.
    let texts = run.with_image_users(texts, &users, &stored);
    let mut hashes = stored.hashes.clone();
    for rel in &users {
        hashes.remove(rel);
    }
    loaded.absorb(run.load(texts, &site, &stored, &hashes, settings));
    // Docusaurus's `authors.yml`: its authors, kept (not pruned) while the file is there.
    for row in authors_file::read(content_root, &site.names) {
        loaded.seen.insert(row.source_path.clone());
        loaded.batch.authors.push(row);
    }
    loaded.batch.roots = new_roots;
    loaded.batch.remove = run.pruned(stored.hashes.keys(), &stored, &loaded, &found.walked);
    let by_source = run.settle_slugs(&mut loaded, &stored);
    let article_slug = |rel: &str| {
        by_source
            .get(rel)
            .cloned()
            .or_else(|| stored.asked_slug(rel))
    };
    let settings = ContentSettings {
        article_slug: Some(&article_slug),
        ..settings
    };
    run.render_and_store(loaded, &stored.hashes, settings, writer, db_path)?;
    Ok(run.finish())
}

/// One publish, as the module's numbered steps: each method is one step.
struct Run<'a> {
    content_root: &'a Path,
    config: &'a Config,
    options: &'a Options,
    report: Report,
    bar: indicatif::ProgressBar,
    now: i64,
    started: Instant,
    /// The articles whose slugs are settled (step 3), waiting to render (step 4).
    planned: Vec<render::Planned>,
}

impl<'a> Run<'a> {
    fn new(content_root: &'a Path, config: &'a Config, options: &'a Options) -> Run<'a> {
        Run {
            content_root,
            config,
            options,
            report: Report {
                dry_run: options.dry_run,
                ..Report::default()
            },
            bar: indicatif::ProgressBar::hidden(),
            now: OffsetDateTime::now_utc().unix_timestamp(),
            started: Instant::now(),
            planned: Vec::new(),
        }
    }

    /// Step 1: the files to publish.
    fn discover(&mut self, inputs: &[String]) -> discover::Discovered {
        let found = discover::expand(inputs, self.content_root, &mut self.report);
        self.bar = report::progress_bar(self.options.progress, found.files.len());
        found
    }

    /// Step 2: read, hash (skipping files unchanged against `hashes`) and parse `files`.
    fn load(
        &mut self,
        files: Vec<discover::Found>,
        site: &Site,
        stored: &Stored,
        hashes: &HashMap<String, String>,
        settings: ContentSettings<'_>,
    ) -> load::LoadedAll {
        let ctx = load::LoadContext {
            config: self.config,
            salt: &site.salt,
            stored: hashes,
            settings,
            hidden: &site.hidden,
            variants: &stored.variants_by_key(),
            seen: self.options.seen.as_deref(),
        };
        load::load_all(files, &ctx, &self.bar, &mut self.report, self.now)
    }

    /// Step 2 for images: the stored articles showing a changed image join the files to
    /// load.
    fn with_image_users(
        &self,
        mut texts: Vec<discover::Found>,
        users: &[String],
        stored: &Stored,
    ) -> Vec<discover::Found> {
        let found_already: HashSet<String> = texts.iter().map(|f| f.rel.clone()).collect();
        for rel in users.iter().filter(|rel| !found_already.contains(*rel)) {
            let root = stored
                .roots
                .get(rel)
                .map_or(self.content_root, |r| Path::new(r));
            texts.extend(discover::found_again(root, rel));
        }
        texts
    }

    /// With `--prune`, the `candidates` (stored sources or images) whose files are gone.
    fn pruned<'s>(
        &self,
        candidates: impl Iterator<Item = &'s String>,
        stored: &Stored,
        loaded: &load::LoadedAll,
        walked: &[(String, String)],
    ) -> Vec<String> {
        if !self.options.prune {
            return Vec::new();
        }
        gone(candidates, stored, &loaded.seen, walked, self.content_root)
    }

    /// Step 3: every changed article's slug, settled before anything renders; returns
    /// each article's slug by its source path, for links between articles.
    fn settle_slugs(
        &mut self,
        loaded: &mut load::LoadedAll,
        stored: &Stored,
    ) -> HashMap<String, String> {
        self.planned = slugs::settle(
            std::mem::take(&mut loaded.articles),
            &|slug| stored.owner(slug),
            &loaded.batch.remove,
            &slugs::Present {
                seen: &loaded.seen,
                content_root: self.content_root,
            },
            &mut self.report,
        );
        slugs_by_source(stored.owners.clone(), &self.planned)
    }

    /// Steps 4 and 5: render the settled articles on every core and stream them into
    /// one writer transaction (or, in a dry run, count what would change).
    fn render_and_store(
        &mut self,
        loaded: load::LoadedAll,
        hashes: &HashMap<String, String>,
        settings: ContentSettings<'_>,
        writer: Option<&Writer>,
        db_path: &Path,
    ) -> Result<(), DbError> {
        let how = store::Rendering {
            settings,
            config: self.config,
            bar: &self.bar,
            cancel: self.options.cancel.as_deref(),
        };
        let planned = std::mem::take(&mut self.planned);
        if self.options.dry_run {
            store::dry_run(planned, &loaded.batch, hashes, &how, &mut self.report);
            Ok(())
        } else {
            store::store(
                planned,
                loaded.batch,
                writer,
                db_path,
                &how,
                &mut self.report,
            )
        }
    }

    /// Step 6: the report, in a stable order.
    fn finish(mut self) -> Report {
        self.bar.finish_and_clear();
        self.report.failed.sort_by(|a, b| a.path.cmp(&b.path));
        self.report.skipped.sort();
        self.report.elapsed = self.started.elapsed();
        self.report
    }
}

/// Roots are recorded where they are new or changed, so `--prune` can tell folders apart.
fn new_roots(files: &[discover::Found], stored: &Stored) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|f| stored.roots.get(&f.rel) != Some(&f.root))
        .map(|f| (f.rel.clone(), f.root.clone()))
        .collect()
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
