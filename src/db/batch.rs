//! What one publish hands the writer: typed rows for every kind of source file, the
//! removals, and what the transaction reports back. Plain data, no SQL.

pub(crate) use crate::content::images::{ImageFacts, Variant};

/// An article ready to store.
#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub source_path: String,
    pub content_hash: String,
    pub slug: String,
    /// `dispatch`, `page`, `project` or `intro` (see `content::kind`).
    pub kind: &'static str,
    /// A page's label in the site's menu.
    pub menu: Option<String>,
    /// A page's or project's place in its list, smaller first.
    pub weight: Option<i64>,
    /// A project shown on the home page.
    pub featured: bool,
    pub title: String,
    pub dek: String,
    pub published_at: i64,
    pub updated_at: Option<i64>,
    pub stream_id: Option<String>,
    /// Byline author id and the name to use if no author file defines it.
    pub author: Option<(String, String)>,
    pub draft: bool,
    /// The article's language tag; empty for the site's own.
    pub lang: String,
    /// What the article's translations share.
    pub translation_key: String,
    pub hero_json: Option<String>,
    pub sources_json: String,
    pub authors_json: String,
    pub extra_json: String,
    pub front_matter_json: String,
    pub markdown: String,
    pub html: String,
    pub summary_html: String,
    pub toc_json: String,
    pub body_text: String,
    pub word_count: i64,
    pub reading_minutes: i64,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    /// Published images the page shows (paths in the content folder).
    pub images: Vec<String>,
}

/// An author file.
#[derive(Debug, Clone)]
pub struct AuthorRow {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links_json: String,
    pub html: String,
    /// The picture's address (`/files/authors/vera.jpg`), if the author names one.
    pub avatar: Option<String>,
    pub source_path: String,
    pub content_hash: String,
}

/// A stream file.
#[derive(Debug, Clone)]
pub struct StreamRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub html: String,
    pub source_path: String,
    pub content_hash: String,
}

/// A redirect stub.
#[derive(Debug, Clone)]
pub struct RedirectRow {
    pub slug: String,
    pub target: String,
    pub source_path: String,
    pub content_hash: String,
}

/// A file served beside articles.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub path: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub content_hash: String,
    /// An image's size and variant key; `None` for other files.
    pub image: Option<ImageFacts>,
    /// Variants made by this publish (none when the key's are stored already).
    pub variants: Vec<Variant>,
}

/// Everything one publish changes besides its articles, which stream into the same
/// transaction as they are rendered (`Writer::begin`); applied atomically with them.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub streams: Vec<StreamRow>,
    pub authors: Vec<AuthorRow>,
    pub redirects: Vec<RedirectRow>,
    pub files: Vec<FileRow>,
    /// Source paths whose files are gone (`--prune`): their rows are removed.
    pub remove: Vec<String>,
    /// (source path, canonical root folder) of files whose root is new or changed.
    pub roots: Vec<(String, String)>,
    /// The publish time (unix seconds).
    pub now: i64,
}

impl Batch {
    /// Whether anything but articles changes: removals, streams, authors, redirects or
    /// files.
    pub fn changes_besides_articles(&self) -> bool {
        !(self.remove.is_empty()
            && self.roots.is_empty()
            && self.streams.is_empty()
            && self.authors.is_empty()
            && self.redirects.is_empty()
            && self.files.is_empty())
    }
}

/// What the transaction did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Rows the database refused (e.g. a slug taken meanwhile by another process),
    /// as (source path, message). The rest of the batch still commits.
    pub refused: Vec<(String, String)>,
}
