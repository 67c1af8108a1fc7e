//! What Micropub asks the archive: which file holds a slug (drafts and scheduled
//! articles included), and whether a slug is taken.

use rusqlite::{Connection, OptionalExtension};

/// The source path (relative to the content folder) of the article `slug`, whatever
/// its state.
pub(crate) fn source_of(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT source_path FROM articles WHERE slug = ?1",
        [slug],
        |r| r.get(0),
    )
    .optional()
}

/// Whether an article or a redirect stub answers at `slug`.
pub(crate) fn slug_in_use(conn: &Connection, slug: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?1)
             OR EXISTS (SELECT 1 FROM redirects WHERE slug = ?1)",
        [slug],
        |r| r.get(0),
    )
}

/// Whether an article other than `rel` has its source under the folder `dir`: a
/// bundle's folder that holds other posts is not moved as a whole.
pub(crate) fn others_under(conn: &Connection, dir: &str, rel: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM articles
             WHERE substr(source_path, 1, length(?1) + 1) = ?1 || '/' AND source_path <> ?2)",
        [dir, rel],
        |r| r.get(0),
    )
}
