//! What `dispatches check` reads of the archive: every entry, an article's HTML (for its
//! ids) and whether a file is published.

use rusqlite::{Connection, OptionalExtension};

use super::read::PUBLISHED;

/// Every entry's kind, slug, source path and whether it is published now, for
/// `dispatches check`.
pub(crate) fn link_targets(
    conn: &Connection,
    now: i64,
) -> rusqlite::Result<Vec<(String, String, String, bool)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT a.kind, a.slug, a.source_path, ({PUBLISHED}) FROM articles a"
    ))?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The HTML of the article at `slug`, whatever its state (for its ids).
pub(crate) fn article_html(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT html FROM articles WHERE slug = ?1", [slug], |r| {
        r.get(0)
    })
    .optional()
}

/// Whether a file published beside the articles has this path.
pub(crate) fn has_file(conn: &Connection, path: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM files WHERE path = ?1)",
        [path],
        |r| r.get(0),
    )
}
