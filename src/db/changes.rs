//! Which article pages a publish changed (`page_changes`, schema_12.sql): written in the
//! publish's transaction, read by the response cache when the generation moves, so that
//! a publish drops the pages it changed and not every page.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

/// Rows kept: a cache further behind than this forgets every article page.
const KEPT_ROWS: i64 = 100_000;
/// The slug that stands for every article page.
pub(crate) const ALL: &str = "*";

/// The article pages one publish changed.
#[derive(Debug, Default)]
pub struct Touched {
    /// Articles whose pages changed (their own text, a list or a neighbour they show).
    pub ids: BTreeSet<i64>,
    /// Slugs whose answers changed, including those no article holds any more.
    pub slugs: BTreeSet<String>,
    /// Every article page may have changed (a stream, an author, a removal).
    pub all: bool,
}

/// The published-or-scheduled articles just before and after `(published_at, id)`, whose
/// pages link to it as their neighbour.
pub(crate) fn neighbours(
    conn: &Connection,
    published_at: i64,
    id: i64,
) -> rusqlite::Result<[Option<i64>; 2]> {
    let older = conn
        .prepare_cached(
            "SELECT id FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1
               AND (a.published_at, a.id) < (?1, ?2)
             ORDER BY a.published_at DESC, a.id DESC LIMIT 1",
        )?
        .query_row(params![published_at, id], |r| r.get(0))
        .optional()?;
    let newer = conn
        .prepare_cached(
            "SELECT id FROM articles a WHERE a.draft = 0 AND a.published_at >= ?1
               AND (a.published_at, a.id) > (?1, ?2)
             ORDER BY a.published_at ASC, a.id ASC LIMIT 1",
        )?
        .query_row(params![published_at, id], |r| r.get(0))
        .optional()?;
    Ok([older, newer])
}

/// The other versions of article `id` (sharing its translation key), whose pages link
/// to it.
pub(crate) fn translations(conn: &Connection, id: i64) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT t.article_id FROM article_languages me
           JOIN article_languages t ON t.translation_key = me.translation_key
         WHERE me.article_id = ?1 AND t.article_id <> ?1",
    )?
    .query_map([id], |r| r.get(0))?
    .collect()
}

/// Records what a publish touched, in its transaction, and deletes the stored pages it
/// changed.
pub(crate) fn record(conn: &Connection, touched: &Touched) -> rusqlite::Result<()> {
    let before = latest(conn)?;
    if touched.all {
        conn.execute("INSERT INTO page_changes (slug) VALUES (?1)", [ALL])?;
    } else {
        let ids = serde_json::to_string(&touched.ids).expect("integers serialise");
        conn.execute(
            "INSERT INTO page_changes (slug)
             SELECT slug FROM articles WHERE id IN (SELECT value FROM json_each(?1))",
            [ids],
        )?;
        let mut one = conn.prepare_cached("INSERT INTO page_changes (slug) VALUES (?1)")?;
        for slug in &touched.slugs {
            one.execute([slug])?;
        }
    }
    // The stored pages it changed go with the change itself: never served stale once
    // the publish has committed.
    super::stored::forget_since(conn, before)?;
    conn.execute(
        "DELETE FROM page_changes WHERE seq <= (SELECT max(seq) FROM page_changes) - ?1",
        [KEPT_ROWS],
    )?;
    Ok(())
}

/// What changed after change `seq`: the latest change and the slugs, or `None` when the
/// rows after `seq` are gone (the reader must forget every article page).
pub(crate) fn since(conn: &Connection, seq: i64) -> rusqlite::Result<Option<(i64, Vec<String>)>> {
    let (first, last): (Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT min(seq), max(seq) FROM page_changes")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Some((seq.max(0), Vec::new())));
    };
    if last <= seq {
        return Ok(Some((seq, Vec::new())));
    }
    if first > seq + 1 {
        return Ok(None);
    }
    let slugs = conn
        .prepare_cached("SELECT slug FROM page_changes WHERE seq > ?1 ORDER BY seq")?
        .query_map([seq], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some((last, slugs)))
}

/// The latest change, for a reader starting with nothing kept.
pub(crate) fn latest(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT ifnull(max(seq), 0) FROM page_changes", [], |r| {
        r.get(0)
    })
}

/// How many articles are scheduled after `now`, and the first one's time: one going live
/// changes its neighbours' pages with no publish to record it, and lowers the count.
/// (A new article dated in the past does not count: its publish records its neighbours.)
pub(crate) fn scheduled(conn: &Connection, now: i64) -> rusqlite::Result<(i64, Option<i64>)> {
    conn.prepare_cached(
        "SELECT count(*), min(published_at) FROM articles WHERE draft = 0 AND published_at > ?1",
    )?
    .query_row([now], |r| Ok((r.get(0)?, r.get(1)?)))
}
