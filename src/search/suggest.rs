//! Help when nothing matched: the query without each filter, each word as a prefix, and
//! close spellings from the index's own vocabulary, each counted and offered only when
//! it finds something.

use rusqlite::Connection;
use time_tz::Tz;

use super::{Compiled, SearchError, Suggestion, budgeted, compile};
use crate::db::search as sql;

/// Queries worth trying when nothing matched: without each filter, each word as a
/// prefix, and close spellings from the index's own vocabulary. Each is counted, and
/// only those that find something are offered.
pub(super) fn suggest(
    conn: &Connection,
    c: &Compiled,
    now: i64,
    tz: &Tz,
) -> Result<Vec<Suggestion>, SearchError> {
    let mut candidates: Vec<(String, String)> = Vec::new();
    for (i, (raw, is_filter)) in c.pieces.iter().enumerate() {
        if *is_filter {
            candidates.push((format!("without {raw}"), c.without(i)));
        }
    }
    for (i, (raw, is_filter)) in c.pieces.iter().enumerate() {
        let word = raw.as_str();
        if *is_filter || word.starts_with('-') || word.starts_with('"') || word.ends_with('*') {
            continue;
        }
        if word.chars().count() >= 3 && word.chars().all(char::is_alphanumeric) {
            let mut pieces: Vec<String> = c.pieces.iter().map(|(r, _)| r.clone()).collect();
            pieces[i] = format!("{word}*");
            candidates.push((format!("{word}*"), pieces.join(" ")));
        }
        // A vocabulary too large to scan in the time left offers no spelling, and the
        // search still answers with what it found.
        if let Ok(Some(close)) = budgeted(|| sql::closest_term(conn, &word.to_lowercase())) {
            let mut pieces: Vec<String> = c.pieces.iter().map(|(r, _)| r.clone()).collect();
            pieces[i] = close.clone();
            candidates.push((close, pieces.join(" ")));
        }
    }
    let mut out = Vec::new();
    for (label, query) in candidates {
        if out.iter().any(|s: &Suggestion| s.query == query) {
            continue;
        }
        let Ok(alt) = compile(&query, tz) else {
            continue;
        };
        if alt.fts.is_none() && alt.filters.is_empty() {
            continue;
        }
        let Ok((total, _)) = budgeted(|| {
            sql::search(
                conn,
                &sql::SearchSpec {
                    fts: alt.fts.as_deref(),
                    phrase: None,
                    filters: &alt.filters,
                    now,
                    limit: 0,
                    offset: 0,
                },
            )
        }) else {
            continue;
        };
        if total > 0 {
            out.push(Suggestion {
                label,
                query,
                total,
            });
        }
    }
    Ok(out)
}
