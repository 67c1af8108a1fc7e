//! Reader queries to safe FTS5: every word is quoted, so no input is an FTS5 syntax
//! error; snippets are marked with private-use sentinels, escaped, then given `<mark>`.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::content::highlight::escape;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most terms in one query.
pub const MAX_TERMS: usize = 12;

const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// A query that cannot be searched, with a message for the reader.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    BadQuery(String),
    #[error("search failed: {0}")]
    Db(#[from] rusqlite::Error),
}

/// One page of results.
#[derive(Debug, Serialize)]
pub struct Results {
    pub query: String,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub hits: Vec<Hit>,
}

/// One matching article.
#[derive(Debug, Serialize)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub date: String,
    pub stream: String,
    pub source_path: String,
    /// Escaped HTML whose only markup is `<mark>` around matches.
    pub snippet_html: String,
}

impl Hit {
    /// The snippet as plain text, matches in `[brackets]`.
    pub fn snippet_text(&self) -> String {
        self.snippet_html
            .replace("<mark>", "[")
            .replace("</mark>", "]")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
}

/// Compiles a reader's query to an FTS5 expression: words must all match, `"a phrase"`,
/// `prefix*`, `-excluded`, `a OR b`. `None` when there is nothing to search for.
pub fn compile(query: &str) -> Result<Option<String>, SearchError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::BadQuery(format!(
            "That query is too long; keep it under {MAX_QUERY_CHARS} characters."
        )));
    }
    let mut positive: Vec<String> = Vec::new();
    let mut negative: Vec<String> = Vec::new();
    let mut pending_or = false;
    let mut rest = query.trim();
    while !rest.is_empty() {
        let (raw, next) =
            if let Some(after) = rest.strip_prefix('"').or_else(|| rest.strip_prefix("-\"")) {
                let end = after.find('"').unwrap_or(after.len());
                let neg = rest.starts_with('-');
                (
                    Token {
                        text: after[..end].to_string(),
                        negative: neg,
                        phrase: true,
                    },
                    after.get(end + 1..).unwrap_or(""),
                )
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let word = &rest[..end];
                let (negative, word) = match word.strip_prefix('-') {
                    Some(w) if !w.is_empty() => (true, w),
                    _ => (false, word),
                };
                (
                    Token {
                        text: word.to_string(),
                        negative,
                        phrase: false,
                    },
                    &rest[end..],
                )
            };
        rest = next.trim_start();
        if !raw.phrase && !raw.negative && raw.text == "OR" {
            pending_or = !positive.is_empty();
            continue;
        }
        let Some(expr) = raw.to_fts() else { continue };
        if positive.len() + negative.len() >= MAX_TERMS {
            return Err(SearchError::BadQuery(format!(
                "That query has too many terms; use at most {MAX_TERMS}."
            )));
        }
        if raw.negative {
            negative.push(expr);
        } else if pending_or {
            let last = positive.pop().expect("pending_or needs a term");
            positive.push(format!("({last} OR {expr})"));
            pending_or = false;
        } else {
            positive.push(expr);
        }
    }
    if positive.is_empty() {
        return if negative.is_empty() {
            Ok(None)
        } else {
            Err(SearchError::BadQuery(
                "Add a word to search for; a query of only exclusions matches nothing.".into(),
            ))
        };
    }
    let mut expr = positive.join(" AND ");
    if !negative.is_empty() {
        expr = format!("({expr}) NOT ({})", negative.join(" OR "));
    }
    Ok(Some(expr))
}

struct Token {
    text: String,
    negative: bool,
    phrase: bool,
}

impl Token {
    /// The token as a quoted FTS5 string (a prefix keeps its `*` outside the quotes).
    fn to_fts(&self) -> Option<String> {
        let (body, prefix) = match self.text.strip_suffix('*') {
            Some(b) if !self.phrase => (b, true),
            _ => (self.text.as_str(), false),
        };
        // Words only: what the tokenizer would drop anyway is dropped here, so a token of
        // pure punctuation (`-`, `:`, `c++`'s `++`) cannot become an empty phrase.
        if !body.chars().any(char::is_alphanumeric) {
            return None;
        }
        let quoted = format!("\"{}\"", body.replace('"', "\"\""));
        Some(if prefix { format!("{quoted}*") } else { quoted })
    }
}

/// Runs `query` over published articles (not drafts, not scheduled after `now`).
pub fn search(
    conn: &Connection,
    query: &str,
    page: i64,
    per_page: i64,
    now: i64,
) -> Result<Results, SearchError> {
    let page = page.max(1);
    let mut results = Results {
        query: query.to_string(),
        total: 0,
        page,
        per_page,
        hits: Vec::new(),
    };
    let Some(expr) = compile(query)? else {
        return Ok(results);
    };
    results.total = conn.query_row(
        "SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
         WHERE articles_fts MATCH ?1 AND a.draft = 0 AND a.published_at <= ?2",
        params![expr, now],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.slug, a.title, a.dek, a.published_at, a.stream_name, a.source_path,
                snippet(articles_fts, 2, char(57344), char(57345), '…', 24)
         FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
         WHERE articles_fts MATCH ?1 AND a.draft = 0 AND a.published_at <= ?2
         ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0, 3.0, 2.0, 2.0)
         LIMIT ?3 OFFSET ?4",
    )?;
    let rows = stmt.query_map(params![expr, now, per_page, (page - 1) * per_page], |r| {
        let ts: i64 = r.get(3)?;
        Ok(Hit {
            slug: r.get(0)?,
            title: r.get(1)?,
            dek: r.get(2)?,
            date: time::OffsetDateTime::from_unix_timestamp(ts)
                .map(|t| t.date().to_string())
                .unwrap_or_default(),
            stream: r.get(4)?,
            source_path: r.get(5)?,
            snippet_html: mark(&r.get::<_, String>(6)?),
        })
    })?;
    results.hits = rows.collect::<Result<_, _>>()?;
    Ok(results)
}

/// Escapes a snippet, then turns the sentinels into `<mark>`: only our markup survives.
fn mark(snippet: &str) -> String {
    escape(snippet)
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_compile_to_quoted_fts() {
        let c = |q: &str| compile(q).unwrap();
        assert_eq!(c("wal mode").as_deref(), Some("\"wal\" AND \"mode\""));
        assert_eq!(c("\"write ahead\"").as_deref(), Some("\"write ahead\""));
        assert_eq!(c("wal*").as_deref(), Some("\"wal\"*"));
        assert_eq!(
            c("sqlite -postgres").as_deref(),
            Some("(\"sqlite\") NOT (\"postgres\")")
        );
        assert_eq!(c("a OR b").as_deref(), Some("(\"a\" OR \"b\")"));
        assert_eq!(
            c("Box<dyn Error>").as_deref(),
            Some("\"Box<dyn\" AND \"Error>\"")
        );
        assert_eq!(c("say \"hi").as_deref(), Some("\"say\" AND \"hi\""));
        assert_eq!(c("-"), None);
        assert_eq!(c("  "), None);
        assert_eq!(c("NOT AND OR :").as_deref(), Some("\"NOT\" AND \"AND\""));
        assert!(compile("-only").is_err());
        assert!(compile(&"a ".repeat(40)).is_err());
        assert!(compile(&"a".repeat(400)).is_err());
    }

    #[test]
    fn snippets_escape_everything_but_marks() {
        assert_eq!(
            mark("a \u{E000}<b>\u{E001} c"),
            "a <mark>&lt;b&gt;</mark> c"
        );
    }
}
