//! Reader queries to safe FTS5: the query language (words, `"phrases"`, `prefix*`,
//! `-exclude`, `OR`, and the filters `stream:` `tag:` `author:` `year:` `before:`
//! `after:`), its compilation to quoted FTS5 so no input is a syntax error, the time
//! budget, snippets (sentinels → escape → `<mark>`) and help when nothing matches.
//!
//! `query` compiles what a reader typed; `crate::db::search` runs it; `snippet` marks the
//! matches safely; `suggest` offers what would find something when nothing did.

mod query;
mod snippet;
mod suggest;

use std::time::Duration;

use rusqlite::Connection;
use serde::Serialize;
use time_tz::Tz;

use crate::content::dates;
use crate::content::html::decode_entities;
use crate::db::search as sql;

pub use query::{Compiled, compile};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most terms (words, phrases and filters) in one query.
pub const MAX_TERMS: usize = 12;
/// Fewest letters before a prefix's `*`: the index keeps prefixes of two and three
/// letters ready, so from two on a prefix is a lookup rather than a merge.
pub const MIN_PREFIX_CHARS: usize = 2;
/// Most prefixes (`word*`) in one query: each expands to many words, and together they
/// multiply.
pub const MAX_PREFIXES: usize = 3;
/// How long one search may run before it is stopped. Typical searches take a few
/// milliseconds; this is wall time, so it leaves room for a machine busy publishing.
pub const TIME_BUDGET: Duration = Duration::from_millis(1000);

/// A query that cannot be searched, with a message for the reader.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    BadQuery(Refusal),
    #[error("search failed: {0}")]
    Db(#[from] rusqlite::Error),
}

/// Why a query was refused: a key of the strings table and the values its message names,
/// so the search page says it in the site's language; shown in English elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    pub(crate) fn new(key: &'static str, args: &[(&'static str, &dyn std::fmt::Display)]) -> Self {
        Refusal {
            key,
            args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    /// The message in `words`' language.
    pub fn in_words(&self, words: &crate::strings::Words) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        words.fill(self.key, &args)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let english = crate::strings::Words::new("en", &std::sync::Arc::default());
        f.write_str(&self.in_words(&english))
    }
}

/// One page of results.
#[derive(Debug, Serialize)]
pub struct Results {
    pub query: String,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub hits: Vec<Hit>,
    /// The filters in effect, each with the query that drops it.
    pub filters: Vec<Chip>,
    /// When nothing matched: other queries that would find something.
    pub suggestions: Vec<Suggestion>,
    /// The words to highlight on an article reached from a result.
    pub terms: Vec<String>,
}

/// One matching article.
#[derive(Debug, Serialize)]
pub struct Hit {
    pub slug: String,
    /// A dispatch, a page or a project: results label the last two.
    pub kind: crate::content::kind::Kind,
    pub url: String,
    pub title: String,
    pub dek: String,
    pub date: String,
    /// Unix time of publication, for pages that write the date in another language.
    #[serde(skip)]
    pub published_at: i64,
    pub stream: String,
    pub source_path: String,
    /// Escaped HTML whose only markup is `<mark>` around matches.
    pub snippet_html: String,
}

/// An active filter: its label (`tag:sqlite`) and the query without it.
#[derive(Debug, Serialize)]
pub struct Chip {
    pub label: String,
    pub without: String,
}

/// A query worth trying instead, and why.
#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub label: String,
    pub query: String,
    pub total: i64,
}

impl Hit {
    /// The snippet as plain text, matches in `[brackets]`.
    pub fn snippet_text(&self) -> String {
        decode_entities(
            &self
                .snippet_html
                .replace("<mark>", "[")
                .replace("</mark>", "]"),
        )
    }
}

/// Runs `query` over published articles (not drafts, not scheduled after `now`).
pub fn search(
    conn: &Connection,
    query: &str,
    page: i64,
    per_page: i64,
    now: i64,
    tz: &Tz,
    work: &str,
) -> Result<Results, SearchError> {
    let page = page.clamp(1, 1000);
    let c = compile(query, tz)?;
    let mut results = Results {
        query: query.to_string(),
        total: 0,
        page,
        per_page,
        hits: Vec::new(),
        filters: c
            .pieces
            .iter()
            .enumerate()
            .filter(|(_, (_, is_filter))| *is_filter)
            .map(|(i, (raw, _))| Chip {
                label: raw.clone(),
                without: c.without(i),
            })
            .collect(),
        suggestions: Vec::new(),
        terms: c.words.clone(),
    };
    if c.fts.is_none() && c.filters.is_empty() {
        return Ok(results);
    }
    let (total, rows) = budgeted(|| {
        sql::search(
            conn,
            &sql::SearchSpec {
                fts: c.fts.as_deref(),
                phrase: c.phrase.as_deref(),
                filters: &c.filters,
                now,
                limit: per_page,
                offset: (page - 1) * per_page,
            },
        )
    })?;
    results.total = total;
    results.hits = rows
        .into_iter()
        .map(|r| Hit {
            kind: crate::content::kind::Kind::parse(&r.kind),
            url: crate::content::kind::Kind::parse(&r.kind).url(&r.slug, work),
            slug: r.slug,
            title: r.title,
            dek: r.dek,
            // As the rest of the site writes dates: `12 May 2026`, in the site's zone.
            date: dates::long_date(dates::local_date(r.published_at, tz)),
            published_at: r.published_at,
            stream: r.stream_name,
            source_path: r.source_path,
            snippet_html: snippet::mark(&r.snippet),
        })
        .collect();
    if total == 0 {
        results.suggestions = suggest::suggest(conn, &c, now, tz)?;
    }
    Ok(results)
}

/// Runs `f` under the search time budget; a query stopped by it is the reader's to
/// narrow, so it becomes a `BadQuery` with advice.
pub(crate) fn budgeted<T>(f: impl FnOnce() -> rusqlite::Result<T>) -> Result<T, SearchError> {
    match crate::db::with_deadline(TIME_BUDGET, f) {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            Err(SearchError::BadQuery(Refusal::new("search_too_broad", &[])))
        }
        other => Ok(other?),
    }
}
