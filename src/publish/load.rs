//! Step 2, load: read and hash every file on every core, skip the unchanged ones, and read
//! the rest's front matter. Authors, streams, redirects and other files go straight into
//! the batch; articles wait, their Markdown unrendered, for their slugs to be settled.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::SystemTime;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::discover::Found;
use super::json;
use super::render::RENDERER_CRASHED;
use super::report::Report;
use crate::config::Config;
use crate::content::images::{self, ImageFacts};
use crate::content::{self, ContentSettings, Parsed, Prepared, PreparedArticle, SourceFile};
use crate::db::{AuthorRow, Batch, FileRow, RedirectRow, StreamRow};
use crate::error::FileError;

/// Files beside articles larger than this (or than `media_max_bytes`, if that is
/// larger) are not published.
const MAX_ASSET_BYTES: u64 = 20 * 1024 * 1024;

/// What every file's load needs to know.
#[derive(Clone, Copy)]
pub(super) struct LoadContext<'a> {
    pub config: &'a Config,
    /// Mixed into every content hash, so a change of rendering or of a setting that
    /// changes the output re-renders files whose text did not change.
    pub salt: &'a str,
    /// The stored content hash of every source path.
    pub stored: &'a HashMap<String, String>,
    pub settings: ContentSettings<'a>,
    /// Folders whose pages the old site never rendered, with why.
    pub hidden: &'a [(String, String)],
    /// The widths of the variants stored under each key (a hash of an image's bytes):
    /// an image whose bytes are stored already, under any path, is not made again.
    pub variants: &'a HashMap<String, Vec<u32>>,
    /// What earlier publishes of this process found (`seen`), when trusted.
    pub seen: Option<&'a super::seen::Seen>,
}

/// An article whose front matter is read, waiting for its slug to be settled.
pub(super) struct Loaded {
    pub found: Found,
    pub hash: String,
    pub modified: SystemTime,
    pub article: Box<PreparedArticle>,
}

/// What loading every file gave.
pub(super) struct LoadedAll {
    /// The batch's head: authors, streams, redirects and files (no articles yet).
    pub batch: Batch,
    pub articles: Vec<Loaded>,
    /// Every source path found, changed or not (for `--prune`).
    pub seen: HashSet<String>,
}

impl LoadedAll {
    /// Adds what another round of loading gave.
    pub(super) fn absorb(&mut self, other: LoadedAll) {
        let b = other.batch;
        self.batch.streams.extend(b.streams);
        self.batch.authors.extend(b.authors);
        self.batch.redirects.extend(b.redirects);
        self.batch.files.extend(b.files);
        self.articles.extend(other.articles);
        self.seen.extend(other.seen);
    }
}

/// Loads `files` on every core; unchanged files are counted, failures and skips reported.
pub(super) fn load_all(
    files: Vec<Found>,
    ctx: &LoadContext<'_>,
    bar: &indicatif::ProgressBar,
    report: &mut Report,
    now: i64,
) -> LoadedAll {
    let outcomes: Vec<(Found, Outcome)> = files
        .into_par_iter()
        .map(|f| {
            let outcome = load(&f, ctx);
            // Articles tick the bar when they are rendered.
            if !matches!(outcome, Outcome::Article(_)) {
                bar.inc(1);
            }
            (f, outcome)
        })
        .collect();
    let mut all = LoadedAll {
        batch: Batch {
            now,
            ..Batch::default()
        },
        articles: Vec::new(),
        seen: HashSet::new(),
    };
    for (f, outcome) in outcomes {
        all.seen.insert(f.rel.clone());
        match outcome {
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Failed(failure) => report.failed.push(failure),
            Outcome::File(row, warning) => {
                if let Some(why) = warning {
                    report.warnings.push(format!("{}: {why}", f.shown));
                }
                all.batch.files.push(row);
            }
            Outcome::Article(loaded) => all.articles.push(loaded),
            Outcome::Parsed { hash, parsed } => add_parsed(&mut all.batch, report, f, hash, parsed),
        }
    }
    all
}

/// Puts a file that is not an article into the batch (or the report's skipped list).
fn add_parsed(batch: &mut Batch, report: &mut Report, f: Found, hash: String, parsed: Parsed) {
    match parsed {
        // `prepare` hands articles back unrendered, as `Prepared::Article`.
        Parsed::Article(_) => {}
        Parsed::Author(a) => batch.authors.push(AuthorRow {
            id: a.id,
            name: a.name,
            bio: a.bio,
            links_json: json(&a.links),
            html: a.html,
            avatar: a.avatar,
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
    }
}

enum Outcome {
    Unchanged,
    Failed(FileError),
    /// A file beside the articles, and a warning about it if there is one.
    File(FileRow, Option<String>),
    Parsed {
        hash: String,
        parsed: Parsed,
    },
    /// An article to render once slugs are settled.
    Article(Loaded),
}

/// Reads, hashes and (if changed) parses one file. Never panics: a renderer panic on one
/// file is caught and reported as that file's failure.
fn load(f: &Found, ctx: &LoadContext<'_>) -> Outcome {
    let LoadContext {
        config,
        salt,
        stored,
        settings,
        hidden,
        ..
    } = *ctx;
    let fail = |line: Option<usize>, message: String| {
        Outcome::Failed(FileError {
            path: f.shown.clone(),
            line,
            field: None,
            message,
        })
    };
    if f.markdown
        && let Some(why) = super::bundles::hidden_reason(&f.rel, hidden)
    {
        return skipped(why.to_string());
    }
    let meta = match std::fs::metadata(&f.path) {
        Ok(m) => m,
        Err(e) => return fail(None, format!("cannot read: {e}")),
    };
    if f.markdown && meta.len() > config.max_file_bytes {
        return fail(
            None,
            format!(
                "{} bytes is over the limit of {} bytes; split it or raise `max_file_bytes`",
                meta.len(),
                config.max_file_bytes
            ),
        );
    }
    // A file beside the posts that is too large is left out with a warning, not failed:
    // it must never stand in the way of the other files (or of the uploads) beside it.
    let cap = MAX_ASSET_BYTES.max(config.media_max_bytes);
    if !f.markdown && meta.len() > cap {
        return skipped(format!(
            "{} bytes is over the limit of {cap} bytes for files other than Markdown, so it \
             is not published; shrink it or raise `media_max_bytes`",
            meta.len()
        ));
    }
    if ctx
        .seen
        .is_some_and(|seen| seen.unchanged(&f.path, &meta, stored.get(&f.rel)))
    {
        return Outcome::Unchanged;
    }
    let bytes = match std::fs::read(&f.path) {
        Ok(b) => b,
        Err(e) => return fail(None, format!("cannot read: {e}")),
    };
    // The site's icon is stored with its icons: naming it (or no longer) changes its hash,
    // so it is stored again, with them (or without).
    let icon = !f.markdown && is_icon_source(config, &f.rel);
    let hash = salted_hash(salt, &bytes, icon);
    if let Some(seen) = ctx.seen {
        seen.record(&f.path, &meta, &hash);
    }
    if stored.get(&f.rel) == Some(&hash) {
        return Outcome::Unchanged;
    }
    if !f.markdown {
        let (mut row, mut warning) = file_row(f, bytes, hash, ctx.variants);
        if icon {
            warning = add_icons(&mut row).or(warning);
        }
        return Outcome::File(row, warning);
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_and_column(&bytes[..e.valid_up_to()]);
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
        Ok(Ok(Prepared::Article(article))) => Outcome::Article(Loaded {
            found: f.clone(),
            hash,
            modified,
            article,
        }),
        Ok(Err(e)) => Outcome::Failed(e.in_file(&f.shown)),
        Err(_) => fail(None, RENDERER_CRASHED.into()),
    }
}

/// A file left out, with why (a warning, not a failure).
fn skipped(reason: String) -> Outcome {
    Outcome::Parsed {
        hash: String::new(),
        parsed: Parsed::Skipped {
            reason,
            redirect: None,
        },
    }
}

/// The file's identity for "unchanged": its bytes, salted with what changes the output.
fn salted_hash(salt: &str, bytes: &[u8], icon: bool) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0]);
    hasher.update(bytes);
    if icon {
        hasher.update(b"|icon");
    }
    crate::hex::encode(&hasher.finalize())
}

/// The 1-based line and column just after `good`, the bytes before a bad one.
fn line_and_column(good: &[u8]) -> (usize, usize) {
    let line = good.iter().filter(|b| **b == b'\n').count() + 1;
    let column = good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// A file beside the articles; an image with its size and (unless its variants are
/// stored already) its variants, made here on every core; and why it has none, if it
/// is too large for them.
fn file_row(
    f: &Found,
    bytes: Vec<u8>,
    hash: String,
    stored: &HashMap<String, Vec<u32>>,
) -> (FileRow, Option<String>) {
    let content_type = content_type(&f.rel);
    let mut row = FileRow {
        path: f.rel.clone(),
        content_type: content_type.to_string(),
        bytes,
        content_hash: hash,
        image: None,
        variants: Vec::new(),
    };
    if !images::is_image(content_type) {
        return (row, None);
    }
    let Some((width, height)) = images::measure(&row.bytes, content_type) else {
        return (row, None);
    };
    let mut warning = None;
    let mut facts = ImageFacts {
        width,
        height,
        variant_key: String::new(),
        variant_widths: Vec::new(),
    };
    if images::makes_variants(content_type) && width > images::VARIANT_WIDTHS[0] {
        // Named by the bytes alone: the same picture keeps its variants' addresses
        // across renames, copies and upgrades, and a changed one gets new ones.
        let key = crate::hex::encode(&Sha256::digest(&row.bytes))[..20].to_string();
        facts.variant_widths = match stored.get(&key) {
            Some(widths) => widths.clone(),
            None => {
                row.variants = images::variants(&row.bytes, content_type).unwrap_or_else(|why| {
                    warning = Some(why);
                    Vec::new()
                });
                row.variants.iter().map(|v| v.width).collect()
            }
        };
        if !facts.variant_widths.is_empty() {
            facts.variant_key = key;
        }
    }
    row.image = Some(facts);
    (row, warning)
}

/// Whether the file at `rel` is the one the site's icons are made of.
fn is_icon_source(config: &Config, rel: &str) -> bool {
    config.icon_source() == Some(rel)
}

/// Makes the site's icons of a raster image, stored among its variants under its key;
/// why not, when it cannot be decoded within the bounds.
fn add_icons(row: &mut FileRow) -> Option<String> {
    let image = row.image.as_mut()?;
    match images::icons(&row.bytes, &row.content_type) {
        Ok(icons) if !icons.is_empty() => {
            image.variant_key = crate::hex::encode(&Sha256::digest(&row.bytes))[..20].to_string();
            row.variants.extend(icons);
            None
        }
        Ok(_) => None,
        Err(why) => Some(format!("no icons are made of it: {why}")),
    }
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
        // A stylesheet of one's own (the `css` setting) and web fonts for it.
        "css" => "text/css; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn found(rel: &str) -> Found {
        Found {
            path: std::path::PathBuf::from(rel),
            rel: rel.into(),
            shown: rel.into(),
            root: String::new(),
            markdown: false,
        }
    }

    /// Variants are known by the image's bytes: a copy or a rename of a stored image
    /// under a new path reuses them instead of encoding them again.
    #[test]
    fn an_image_stored_under_another_path_is_not_encoded_again() {
        let bytes = png(1000, 500);
        let (first, _) = file_row(&found("a.png"), bytes.clone(), "h".into(), &HashMap::new());
        let facts = first.image.clone().unwrap();
        assert_eq!(facts.variant_widths, [480, 960]);
        assert_eq!(first.variants.len(), 2);
        let stored = HashMap::from([(facts.variant_key.clone(), facts.variant_widths.clone())]);
        let (copy, _) = file_row(&found("copy/b.png"), bytes, "h2".into(), &stored);
        assert!(copy.variants.is_empty(), "encoded again");
        assert_eq!(copy.image, Some(facts));
        // Too narrow for a variant: measured, and no key computed.
        let (small, _) = file_row(&found("s.png"), png(300, 200), "h3".into(), &HashMap::new());
        let small = small.image.unwrap();
        assert_eq!((small.width, small.variant_key.as_str()), (300, ""));
    }
}
