//! `dispatches import`: another engine's export (a WordPress WXR file or a Ghost JSON
//! export) read into one model, its HTML bodies turned into Markdown, and written as
//! Markdown files with front matter that `dispatches publish` takes as they are.

mod autop;
mod body;
mod ghost;
mod html_md;
mod lossy;
mod mobiledoc;
mod shortcodes;
mod write;
mod wxr;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::slugify;

pub(crate) use write::Summary;

/// What an item becomes on the new site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Post,
    Page,
    Project,
}

impl Kind {
    /// The folder of DIR its files go to.
    fn folder(self) -> &'static str {
        match self {
            Kind::Post => "",
            Kind::Page => "pages",
            Kind::Project => "work",
        }
    }
}

/// How an entry's body is written in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    /// WordPress post content: HTML whose blank lines are paragraphs, with shortcodes.
    WordPress,
    /// Finished HTML (Ghost's `html`, or what its mobiledoc or lexical documents render to).
    Html,
}

/// One post, page or project as the export gives it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub kind: Kind,
    /// The export's own id (WordPress post ID, Ghost id).
    pub id: String,
    pub title: String,
    /// Front matter date text: RFC 3339 in UTC, or a local time read in the site's zone.
    pub date: Option<String>,
    /// The slug as the export has it (not yet made safe or unique).
    pub slug: String,
    pub tags: Vec<String>,
    /// `(slug, display name)` of each category, the first one the stream.
    pub categories: Vec<(String, String)>,
    /// The author's login or slug.
    pub author: Option<String>,
    /// The excerpt, as HTML or text.
    pub excerpt: String,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub body: String,
    pub format: BodyFormat,
    /// The featured image's URL, or the attachment id that gives it.
    pub image: Option<String>,
    pub thumbnail_id: Option<String>,
    /// Where the entry is in the export, for messages (`item 12 (line 340)`).
    pub origin: String,
}

/// A person named in the export.
#[derive(Debug, Clone)]
pub(crate) struct Author {
    /// The login or slug entries name them by.
    pub id: String,
    pub name: String,
    pub bio: String,
}

/// A media file the export lists.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub id: String,
    pub url: String,
    pub title: String,
    pub caption: String,
    /// The post it was uploaded to, by id.
    pub parent: Option<String>,
}

/// Everything read from one export, before any file is written.
#[derive(Debug, Default)]
pub(crate) struct Export {
    pub entries: Vec<Entry>,
    pub authors: Vec<Author>,
    pub attachments: Vec<Attachment>,
    /// Items not imported: what they are, and why.
    pub skipped: Vec<(String, String)>,
    /// Items that could not be read: where, and why.
    pub failed: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// An export that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: String,
        line: u64,
        message: String,
    },
}

/// What `dispatches import` was asked to do.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub export: PathBuf,
    pub into: PathBuf,
    pub force: bool,
}

/// Reads the export at `options.export` and writes its entries under `options.into`.
pub(crate) fn import(options: &Options) -> Result<Summary, ImportError> {
    let export = read(&options.export)?;
    Ok(write::write(export, &options.into, options.force))
}

/// Reads an export of either kind, told apart by its first character.
pub(crate) fn read(path: &Path) -> Result<Export, ImportError> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| ImportError::Unreadable {
        path: shown.clone(),
        message: e.to_string(),
    };
    let first = first_byte(path).map_err(unreadable)?;
    let mut export = match first {
        Some(b'{') => ghost::read(path)?,
        Some(b'<') => wxr::read(path)?,
        _ => {
            return Err(ImportError::Unreadable {
                path: shown,
                message: "not a WordPress export (WXR, an XML file) nor a Ghost export (JSON); \
                          export the site from its admin screens and pass that file"
                    .into(),
            });
        }
    };
    settle(&mut export);
    Ok(export)
}

/// The first byte that is not white space or a byte-order mark.
fn first_byte(path: &Path) -> std::io::Result<Option<u8>> {
    use std::io::Read;
    let mut head = [0u8; 512];
    let mut file = std::fs::File::open(path)?;
    let n = file.read(&mut head)?;
    Ok(head[..n]
        .strip_prefix(&[0xEF, 0xBB, 0xBF])
        .unwrap_or(&head[..n])
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace()))
}

/// Makes every slug safe and unique across the export (two items that share a slug
/// keep both: the later one by its id), and featured images resolved from attachments.
fn settle(export: &mut Export) {
    let urls: HashMap<String, String> = export
        .attachments
        .iter()
        .map(|a| (a.id.clone(), a.url.clone()))
        .collect();
    let mut taken: HashSet<String> = HashSet::new();
    for e in &mut export.entries {
        let mut slug = slugify(&percent_decode(&e.slug));
        if slug.is_empty() {
            slug = slugify(&e.title);
        }
        if slug.is_empty() {
            slug = format!("{}-{}", kind_word(e.kind), slugify(&e.id));
        }
        slug.truncate(floor_char_boundary(&slug, 120));
        let slug = slug.trim_end_matches('-').to_string();
        let mut unique = slug.clone();
        let mut n = 2;
        while !taken.insert(unique.clone()) {
            unique = if n == 2 {
                format!("{slug}-{}", slugify(&e.id))
            } else {
                format!("{slug}-{}-{n}", slugify(&e.id))
            };
            n += 1;
        }
        if unique != slug {
            export.warnings.push(format!(
                "{}: the slug {slug:?} is taken by an earlier item; written as {unique:?}",
                e.origin
            ));
        }
        e.slug = unique;
        if e.image.is_none() {
            e.image = e.thumbnail_id.as_ref().and_then(|id| urls.get(id)).cloned();
        }
    }
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
        Kind::Project => "project",
    }
}

/// The largest index at most `max` that is a char boundary of `s`.
fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    (0..=max)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// `%e2%80%99` → `’`: WordPress stores non-ASCII slugs percent-encoded.
fn percent_decode(s: &str) -> String {
    crate::urls::decode_lossy(s)
}

/// Counts of skipped items by reason, for the summary line.
fn reasons(skipped: &[(String, String)]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, why) in skipped {
        *counts.entry(why.clone()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
pub(super) mod tests;
