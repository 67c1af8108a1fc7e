//! Article pages kept in the archive as served (`stored_pages`, schema_14.sql): read on
//! a memory-cache miss, written by the server through the writer after it renders one,
//! deleted by the publish that changes them.

use rusqlite::{Connection, OptionalExtension, params};

use super::changes::ALL;

/// One stored page.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub slug: String,
    pub stamp: String,
    pub digest: String,
    pub size: i64,
    pub headers: String,
    pub br: Vec<u8>,
    pub gzip: Vec<u8>,
    pub rendered_at: i64,
}

/// A rendered page to keep, and the last page change (`page_changes.seq`) its render
/// could see: a publish after that may have changed it.
pub(crate) struct Rendered {
    pub page: Page,
    pub seen: i64,
}

/// The stored page of article `slug`, if any.
pub(crate) fn get(conn: &Connection, slug: &str) -> rusqlite::Result<Option<Page>> {
    conn.prepare_cached(
        "SELECT slug, stamp, digest, size, headers, br, gzip, rendered_at
         FROM stored_pages WHERE slug = ?1",
    )?
    .query_row([slug], |r| {
        Ok(Page {
            slug: r.get(0)?,
            stamp: r.get(1)?,
            digest: r.get(2)?,
            size: r.get(3)?,
            headers: r.get(4)?,
            br: r.get(5)?,
            gzip: r.get(6)?,
            rendered_at: r.get(7)?,
        })
    })
    .optional()
}

/// Keeps each page unless a publish changed it after its render saw the archive (or the
/// record of changes no longer reaches back that far), or it is no published dispatch.
/// Returns how many were kept.
pub(crate) fn put(conn: &Connection, pages: &[Rendered]) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO stored_pages (slug, stamp, digest, size, headers, br, gzip, rendered_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
         WHERE NOT EXISTS (SELECT 1 FROM page_changes WHERE seq > ?9 AND slug IN (?1, ?10))
           AND ifnull((SELECT min(seq) FROM page_changes), 0) <= ?9 + 1
           AND EXISTS (SELECT 1 FROM articles WHERE slug = ?1 AND draft = 0 AND kind = 'dispatch')
         ON CONFLICT (slug) DO UPDATE SET stamp = excluded.stamp, digest = excluded.digest,
             size = excluded.size, headers = excluded.headers, br = excluded.br,
             gzip = excluded.gzip, rendered_at = excluded.rendered_at",
    )?;
    let mut kept = 0;
    for Rendered { page: p, seen } in pages {
        kept += stmt.execute(params![
            p.slug,
            p.stamp,
            p.digest,
            p.size,
            p.headers,
            p.br,
            p.gzip,
            p.rendered_at,
            seen,
            ALL
        ])?;
    }
    Ok(kept)
}

/// Deletes the pages of the changes recorded after `seq`, in the publish's transaction.
pub(super) fn forget_since(conn: &Connection, seq: i64) -> rusqlite::Result<()> {
    let all: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM page_changes WHERE seq > ?1 AND slug = ?2)")?
        .query_row(params![seq, ALL], |r| r.get(0))?;
    if all {
        conn.execute("DELETE FROM stored_pages", [])?;
    } else {
        conn.prepare_cached(
            "DELETE FROM stored_pages WHERE slug IN (SELECT slug FROM page_changes WHERE seq > ?1)",
        )?
        .execute([seq])?;
    }
    Ok(())
}

/// Up to `limit` published dispatches live at `now` without a page of `stamp`.
pub(crate) fn missing(
    conn: &Connection,
    stamp: &str,
    now: i64,
    limit: i64,
) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT a.slug FROM articles a
         WHERE a.draft = 0 AND a.published_at <= ?1 AND a.kind = 'dispatch'
           AND NOT EXISTS (SELECT 1 FROM stored_pages s WHERE s.slug = a.slug AND s.stamp = ?2)
         ORDER BY a.published_at DESC LIMIT ?3",
    )?
    .query_map(params![now, stamp, limit], |r| r.get(0))?
    .collect()
}

/// Those of `slugs` that are published dispatches live at `now` without a page of
/// `stamp`, each once: what a publish's changes left to store.
pub(crate) fn missing_among(
    conn: &Connection,
    stamp: &str,
    now: i64,
    slugs: &[String],
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM articles a
         WHERE a.slug = ?1 AND a.draft = 0 AND a.published_at <= ?2 AND a.kind = 'dispatch'
           AND NOT EXISTS (SELECT 1 FROM stored_pages s WHERE s.slug = a.slug AND s.stamp = ?3)",
    )?;
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for slug in slugs {
        if seen.insert(slug) && stmt.exists(params![slug, now, stamp])? {
            out.push(slug.clone());
        }
    }
    Ok(out)
}
