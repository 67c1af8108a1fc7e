//! The import use case, shared by `dispatches publish` and the watcher: find the files,
//! skip the unchanged, read the rest's front matter in parallel, settle slugs, then render
//! the articles on every core while the writer stores them in one transaction.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::config::Config;
use crate::content::{
    self, Article, ContentSettings, Draft, Parsed, Prepared, SlugOrigin, SourceFile,
};
use crate::db::writer::{ArticleRow, AuthorRow, Batch, FileRow, RedirectRow, StreamRow};
use crate::db::{self, DbError, Writer, queries};

/// Files beside articles larger than this are not published.
const MAX_ASSET_BYTES: u64 = 20 * 1024 * 1024;

/// What to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Validate and report only; write nothing.
    pub dry_run: bool,
    /// Unpublish articles (and other rows) whose files are gone from the folders given.
    pub prune: bool,
    /// Show a progress bar (only ever on a terminal).
    pub progress: bool,
}

/// One problem with one file, in the `path:line: field: message` form editors understand.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub path: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The outcome of one publish.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files that are not articles, with why.
    pub skipped: Vec<(String, String)>,
    pub failed: Vec<Failure>,
    /// Things that published but deserve a look (no date, slug qualified with its date).
    pub warnings: Vec<String>,
    pub dry_run: bool,
    pub elapsed: Duration,
}

impl Report {
    /// The one summary line.
    pub fn summary(&self) -> String {
        format!(
            "{}{} new, {} updated, {} unchanged, {} skipped, {} failed, {} removed in {:.2} s",
            if self.dry_run {
                "dry run (nothing written): "
            } else {
                "published: "
            },
            self.new,
            self.updated,
            self.unchanged,
            self.skipped.len(),
            self.failed.len(),
            self.removed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Errors that stop a whole publish (the database, not a file).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A file found on disk, with its name inside the content root.
#[derive(Debug, Clone)]
struct Found {
    path: PathBuf,
    /// Path relative to the content root, `/`-separated; the row's identity.
    rel: String,
    /// The path as the user would recognise it.
    shown: String,
    markdown: bool,
}

/// Publishes `inputs` (files, folders, globs) from the site whose content folder is
/// `content_root`, through `writer`; `db_path` is read to skip unchanged files.
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
    let (found, walked_prefixes) = expand(inputs, content_root, &mut report);

    // A publish that will write brings the archive to this version's schema first (a
    // new file, an older archive, or one left empty by a crash during creation).
    if !options.dry_run && writer.is_none() {
        drop(db::open_writable(db_path)?);
    }
    let (stored, owners) = match db::open_read_only(db_path) {
        Ok(conn) => (
            queries::source_hashes(&conn).map_err(DbError::from)?,
            queries::slug_owners(&conn).map_err(DbError::from)?,
        ),
        // A new archive (or a dry run before the first publish) has nothing stored yet.
        Err(_) if !db_path.exists() => (HashMap::new(), HashMap::new()),
        Err(e) => return Err(e.into()),
    };

    let bar = progress_bar(options.progress, found.len());
    let settings = ContentSettings {
        timezone: config.timezone,
        trust_html: config.trust_html,
        highlight_max_bytes: config.highlight_max_bytes,
    };
    let salt = format!(
        "{}|{}|{}|{}",
        content::RENDER_VERSION,
        config.timezone_name,
        config.trust_html,
        config.highlight_max_bytes
    );
    let outcomes: Vec<(Found, Outcome)> = found
        .into_par_iter()
        .map(|f| {
            let outcome = load(&f, config, &salt, &stored, settings);
            if !matches!(outcome, Outcome::Draft { .. }) {
                bar.inc(1);
            }
            (f, outcome)
        })
        .collect();

    let now = OffsetDateTime::now_utc();
    let mut batch = Batch {
        now: now.unix_timestamp(),
        ..Batch::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut articles: Vec<(Found, String, SystemTime, Box<Draft>)> = Vec::new();
    for (f, outcome) in outcomes {
        seen.insert(f.rel.clone());
        match outcome {
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Failed(failure) => report.failed.push(failure),
            Outcome::File(row) => batch.files.push(row),
            Outcome::Draft {
                hash,
                draft,
                modified,
            } => articles.push((f, hash, modified, draft)),
            Outcome::Parsed { hash, parsed } => match parsed {
                // `prepare` hands articles back as drafts.
                Parsed::Article(_) => {}
                Parsed::Author(a) => batch.authors.push(AuthorRow {
                    id: a.id,
                    name: a.name,
                    bio: a.bio,
                    links_json: json(&a.links),
                    html: a.html,
                    source_path: f.rel,
                    content_hash: hash,
                }),
                Parsed::Stream(s) => batch.streams.push(StreamRow {
                    id: s.id,
                    name: s.name,
                    description: s.description,
                    html: s.html,
                    source_path: f.rel,
                    content_hash: hash,
                }),
                Parsed::Skipped { reason, redirect } => {
                    if let Some(r) = redirect {
                        batch.redirects.push(RedirectRow {
                            slug: r.from,
                            target: r.target,
                            source_path: f.rel.clone(),
                            content_hash: hash,
                        });
                    }
                    report.skipped.push((f.shown, reason));
                }
            },
        }
    }

    if options.prune {
        batch.remove = stored
            .keys()
            .filter(|rel| !seen.contains(*rel) && walked_prefixes.iter().any(|p| under(rel, p)))
            .cloned()
            .collect();
        batch.remove.sort();
    }
    let removed: HashSet<&str> = batch.remove.iter().map(String::as_str).collect();
    let changing: HashSet<&str> = articles.iter().map(|(f, ..)| f.rel.as_str()).collect();
    // Slugs held by stored articles that this batch neither rewrites nor removes.
    let mut taken: HashMap<String, String> = owners
        .into_iter()
        .filter(|(_, src)| !changing.contains(src.as_str()) && !removed.contains(src.as_str()))
        .collect();
    // Earliest first, so the older of two posts sharing a Zola path name keeps it; this
    // is also the order in which they are stored.
    articles.sort_by(|a, b| (a.3.date, &a.0.rel).cmp(&(b.3.date, &b.0.rel)));
    let mut planned: Vec<Planned> = Vec::with_capacity(articles.len());
    for (f, hash, modified, mut a) in articles {
        let published_at = match a.date {
            Some(d) => d,
            None => {
                let t = OffsetDateTime::from(modified);
                report.warnings.push(format!("{}: no date in front matter, path or file name; using the file's modification time", f.shown));
                t
            }
        };
        if let Some(holder) = taken.get(&a.slug).cloned() {
            let qualified = format!("{}-{}", a.slug, published_at.date());
            if a.slug_origin == SlugOrigin::Path && !taken.contains_key(&qualified) {
                report.warnings.push(format!(
                    "{}: slug `{}` is also the name of {holder}; published as `{qualified}`",
                    f.shown, a.slug
                ));
                a.slug = qualified;
            } else {
                let gone = if content_root.join(&holder).exists() {
                    ""
                } else {
                    " (that file is gone: publish with --prune to release its slug)"
                };
                report.failed.push(Failure {
                    path: f.shown.clone(),
                    line: None,
                    field: Some("slug".into()),
                    message: format!("slug `{}` is already used by {holder}{gone}; give one of them another `slug:`", a.slug),
                });
                bar.inc(1);
                continue;
            }
        }
        taken.insert(a.slug.clone(), f.rel.clone());
        planned.push(Planned {
            found: f,
            hash,
            published_at,
            draft: a,
        });
    }

    let render = |planned: Vec<Planned>,
                  report: &mut Report,
                  deliver: &mut dyn FnMut(Vec<ArticleRow>) -> bool| {
        render_in_order(planned, settings, config, &bar, report, deliver)
    };
    if options.dry_run {
        // (updated, new)
        let mut report_counts = (0, 0);
        render(planned, &mut report, &mut |rows| {
            for row in rows {
                if stored.contains_key(&row.source_path) {
                    report_counts.0 += 1;
                } else {
                    report_counts.1 += 1;
                }
            }
            true
        });
        report.updated += report_counts.0;
        report.new += report_counts.1;
        report.removed = batch.remove.len();
    } else if !planned.is_empty() || batch.changes_besides_articles() {
        let own_writer = match writer {
            Some(_) => None,
            None => Some(Writer::start(db_path)?),
        };
        let stream = writer
            .or(own_writer.as_ref())
            .expect("one of the two")
            .start_stream(batch)?;
        render(planned, &mut report, &mut |rows| stream.send(rows));
        let applied = stream.finish();
        // Our own writer is shut down, not dropped: its last act folds the WAL back
        // into the archive.
        if let Some(w) = own_writer {
            w.shutdown();
        }
        let applied = applied?;
        report.new += applied.added;
        report.updated += applied.updated;
        report.removed += applied.removed;
        for (path, message) in applied.refused {
            report.failed.push(Failure {
                path,
                line: None,
                field: None,
                message,
            });
        }
    } else if !db_path.exists() {
        // Still create an empty, migrated archive so the server can start.
        Writer::start(db_path)?.shutdown();
    }
    bar.finish_and_clear();
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report.skipped.sort();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// An article with its settled slug, waiting to be rendered.
struct Planned {
    found: Found,
    hash: String,
    published_at: OffsetDateTime,
    draft: Box<Draft>,
}

/// Renders `planned` on every core and hands the rows to `deliver` in `planned`'s order
/// (ids, and so ties in listings, stay the same from one publish to the next), while
/// later ones still render. Failures and warnings go to `report`; when `deliver` says
/// no (the writer stopped), rendering stops.
fn render_in_order(
    planned: Vec<Planned>,
    settings: ContentSettings<'_>,
    config: &Config,
    bar: &indicatif::ProgressBar,
    report: &mut Report,
    deliver: &mut dyn FnMut(Vec<ArticleRow>) -> bool,
) {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    type Rendered = Result<(ArticleRow, Vec<String>), Failure>;
    /// Articles per unit of work: few enough to keep both cores busy to the end, enough
    /// that threads do not wake each other for every article.
    const CHUNK: usize = 8;

    let mut chunks: Vec<Mutex<Vec<Planned>>> = Vec::new();
    let mut planned = planned.into_iter().peekable();
    while planned.peek().is_some() {
        chunks.push(Mutex::new(planned.by_ref().take(CHUNK).collect()));
    }
    // Workers take the next chunk in order, so chunks finish nearly in order and the
    // reordering below holds only a few.
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(chunks.len().max(1));
    std::thread::scope(|scope| {
        let (done, results) = std::sync::mpsc::sync_channel::<(usize, Vec<Rendered>)>(8);
        for _ in 0..threads {
            let done = done.clone();
            let (chunks, next) = (&chunks, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i).and_then(|c| c.lock().ok()) else {
                        break;
                    };
                    let work = std::mem::take(&mut *{ chunk });
                    let rendered = work
                        .into_iter()
                        .map(|p| render_one(p, settings, config))
                        .collect();
                    if done.send((i, rendered)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting: std::collections::BTreeMap<usize, Vec<Rendered>> = Default::default();
        let mut wanted = 0;
        'receive: for (i, rendered) in results.iter() {
            waiting.insert(i, rendered);
            while let Some(chunk) = waiting.remove(&wanted) {
                wanted += 1;
                bar.inc(chunk.len() as u64);
                let mut rows = Vec::with_capacity(chunk.len());
                for rendered in chunk {
                    match rendered {
                        Ok((row, warnings)) => {
                            report.warnings.extend(warnings);
                            rows.push(row);
                        }
                        Err(failure) => report.failed.push(failure),
                    }
                }
                if !deliver(rows) {
                    break 'receive;
                }
            }
        }
        // Leaving early drops `results`, which stops the workers at their next send.
    });
}

/// Renders one planned article into its row (and its warnings), or says why it failed.
fn render_one(
    p: Planned,
    settings: ContentSettings<'_>,
    config: &Config,
) -> Result<(ArticleRow, Vec<String>), Failure> {
    let Planned {
        found: f,
        hash,
        published_at,
        draft,
    } = p;
    match catch_unwind(AssertUnwindSafe(|| draft.render(settings))) {
        Ok(Ok(mut a)) => {
            let warnings = std::mem::take(&mut a.warnings)
                .into_iter()
                .map(|(line, message)| format!("{}:{line}: {message}", f.shown))
                .collect();
            Ok((article_row(&f, hash, published_at, a, config), warnings))
        }
        Ok(Err(e)) => Err(Failure {
            path: f.shown.clone(),
            line: Some(e.line),
            field: e.field,
            message: e.message,
        }),
        Err(_) => Err(Failure {
            path: f.shown.clone(),
            line: None,
            field: None,
            message: "the Markdown renderer crashed on this file; the previous version stays live (please report it)".into(),
        }),
    }
}

fn under(rel: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || rel == prefix
        || rel.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'))
}

enum Outcome {
    Unchanged,
    Failed(Failure),
    File(FileRow),
    Parsed {
        hash: String,
        parsed: Parsed,
    },
    /// An article to render once slugs are settled.
    Draft {
        hash: String,
        draft: Box<Draft>,
        modified: SystemTime,
    },
}

/// Reads, hashes and (if changed) parses one file. Never panics: a renderer panic on one
/// file is caught and reported as that file's failure.
fn load(
    f: &Found,
    config: &Config,
    salt: &str,
    stored: &HashMap<String, String>,
    settings: ContentSettings<'_>,
) -> Outcome {
    let fail = |line: Option<usize>, message: String| {
        Outcome::Failed(Failure {
            path: f.shown.clone(),
            line,
            field: None,
            message,
        })
    };
    let meta = match std::fs::metadata(&f.path) {
        Ok(m) => m,
        Err(e) => return fail(None, format!("cannot read: {e}")),
    };
    let cap = if f.markdown {
        config.max_file_bytes
    } else {
        MAX_ASSET_BYTES
    };
    if meta.len() > cap {
        return fail(
            None,
            format!(
                "{} bytes is over the limit of {cap} bytes; split it or raise `max_file_bytes`",
                meta.len()
            ),
        );
    }
    let bytes = match std::fs::read(&f.path) {
        Ok(b) => b,
        Err(e) => return fail(None, format!("cannot read: {e}")),
    };
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = hex(&hasher.finalize());
    if stored.get(&f.rel) == Some(&hash) {
        return Outcome::Unchanged;
    }
    if !f.markdown {
        return Outcome::File(FileRow {
            path: f.rel.clone(),
            content_type: content_type(&f.rel).to_string(),
            bytes,
            content_hash: hash,
        });
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column =
                good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
            return fail(
                Some(line),
                format!("not UTF-8 text (bad byte at column {column}); save the file as UTF-8"),
            );
        }
    };
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        content::prepare(
            SourceFile {
                rel_path: &f.rel,
                text,
            },
            settings,
        )
    }));
    let modified = meta.modified().unwrap_or(SystemTime::now());
    match parsed {
        Ok(Ok(Prepared::Done(parsed))) => Outcome::Parsed { hash, parsed },
        Ok(Ok(Prepared::Article(draft))) => Outcome::Draft { hash, draft, modified },
        Ok(Err(e)) => Outcome::Failed(Failure { path: f.shown.clone(), line: Some(e.line), field: e.field, message: e.message }),
        Err(_) => fail(None, "the Markdown renderer crashed on this file; the previous version stays live (please report it)".into()),
    }
}

fn article_row(
    f: &Found,
    hash: String,
    published_at: OffsetDateTime,
    a: Article,
    config: &Config,
) -> ArticleRow {
    let author = a
        .authors
        .first()
        .cloned()
        .or_else(|| config.default_author.clone())
        .map(|name| {
            let id = content::slugify(&name);
            (
                if id.is_empty() {
                    "anonymous".into()
                } else {
                    id
                },
                name,
            )
        });
    ArticleRow {
        source_path: f.rel.clone(),
        content_hash: hash,
        slug: a.slug,
        title: a.title,
        dek: a.dek.unwrap_or_default(),
        published_at: published_at.unix_timestamp(),
        updated_at: a.updated.map(|t| t.unix_timestamp()),
        stream_id: a.stream,
        author,
        draft: a.draft,
        hero_json: a.hero.as_ref().map(json),
        sources_json: json(&a.sources),
        authors_json: json(&a.authors),
        extra_json: a.extra.to_string(),
        front_matter_json: a.front_matter.to_string(),
        markdown: a.markdown,
        html: a.html,
        summary_html: a.summary_html,
        toc_json: json(&a.toc),
        body_text: a.text,
        word_count: a.word_count as i64,
        reading_minutes: a.reading_minutes as i64,
        tags: a.tags,
        aliases: a.aliases.iter().map(|p| normalize_alias(p)).collect(),
    }
}

/// Aliases are stored as absolute paths: `2019/old.html` → `/2019/old.html`.
fn normalize_alias(p: &str) -> String {
    let p = p.trim();
    let p = p
        .split_once("://")
        .map_or(p, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Expands files, folders and globs into the files to publish, and the folder prefixes
/// (relative to the content root) that were walked whole, for `--prune`.
fn expand(inputs: &[String], root: &Path, report: &mut Report) -> (Vec<Found>, Vec<String>) {
    // Canonicalised once; each input is placed relative to it.
    let root = std::fs::canonicalize(root).ok();
    let mut found = Vec::new();
    let mut prefixes = Vec::new();
    let mut seen = HashSet::new();
    let mut fail = |input: &str, message: String| {
        report.failed.push(Failure {
            path: input.to_string(),
            line: None,
            field: None,
            message,
        })
    };
    for input in inputs {
        let path = Path::new(input);
        let mut files: Vec<Found> = Vec::new();
        if path.is_dir() {
            // A folder inside the content root keeps its place in it; any other folder is
            // a root of its own.
            let prefix = std::fs::canonicalize(path)
                .ok()
                .zip(root.as_deref())
                .and_then(|(dir, root)| rel_within(root, &dir))
                .unwrap_or_default();
            let walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter();
            for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let Some(inner) = e.path().strip_prefix(path).ok().map(slash_path) else {
                            continue;
                        };
                        let rel = if prefix.is_empty() {
                            inner
                        } else {
                            format!("{prefix}/{inner}")
                        };
                        let junk = is_editor_junk(&e.file_name().to_string_lossy());
                        files.extend(found_file(e.path(), rel).filter(|f| f.markdown || !junk));
                    }
                    Ok(_) => {}
                    Err(e) => fail(input, format!("cannot read folder: {e}")),
                }
            }
            prefixes.push(prefix);
        } else if path.is_file() {
            match explicit_file(path, root.as_deref()) {
                Some(f) => files.push(f),
                None => fail(input, "not a Markdown file (.md)".into()),
            }
        } else if input.contains(['*', '?', '[']) {
            match glob::glob(input) {
                Ok(paths) => {
                    let matches: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    if matches.is_empty() {
                        fail(input, "the pattern matches no file".into());
                    }
                    files.extend(
                        matches
                            .iter()
                            .filter_map(|p| explicit_file(p, root.as_deref())),
                    );
                }
                Err(e) => fail(input, format!("bad pattern: {e}")),
            }
        } else {
            fail(input, "no such file or folder".into());
        }
        found.extend(files.into_iter().filter(|f| seen.insert(f.rel.clone())));
    }
    (found, prefixes)
}

/// A Markdown file named on the command line (or by a glob): placed in the content root
/// if it lies inside it; otherwise a bundle's `index.md` keeps its folder name and any
/// other file its own name.
fn explicit_file(path: &Path, root: Option<&Path>) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let inside = std::fs::canonicalize(path)
        .ok()
        .zip(root)
        .and_then(|(p, root)| rel_within(root, &p));
    let rel = inside.unwrap_or_else(|| {
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy());
        match folder {
            Some(folder) if name == "index.md" => format!("{folder}/{name}"),
            _ => name.clone(),
        }
    });
    found_file(path, rel).filter(|f| f.markdown)
}

/// `path` relative to `root` (both canonical), `/`-separated.
fn rel_within(root: &Path, path: &Path) -> Option<String> {
    path.strip_prefix(root).ok().map(slash_path)
}

fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn found_file(path: &Path, rel: String) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy();
    let markdown = name.ends_with(".md") || name.ends_with(".markdown");
    Some(Found {
        path: path.to_path_buf(),
        rel,
        shown: path.display().to_string(),
        markdown,
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Editor swap, backup and probe files are never published.
fn is_editor_junk(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with(".#")
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

fn progress_bar(wanted: bool, len: usize) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_absolute_paths() {
        assert_eq!(
            normalize_alias("2014/12/12/1.0-Timeline.html"),
            "/2014/12/12/1.0-Timeline.html"
        );
        assert_eq!(normalize_alias("/old"), "/old");
        assert_eq!(normalize_alias("https://example.org/a/b"), "/a/b");
    }

    #[test]
    fn failures_read_like_compiler_errors() {
        let f = Failure {
            path: "content/a.md".into(),
            line: Some(3),
            field: Some("date".into()),
            message: "bad".into(),
        };
        assert_eq!(f.to_string(), "content/a.md:3: `date`: bad");
    }

    #[test]
    fn prefixes() {
        assert!(under("a/b.md", ""));
        assert!(under("a/b.md", "a"));
        assert!(!under("ab/c.md", "a"));
    }
}
