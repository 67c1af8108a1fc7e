//! What Micropub asks the archive: which file holds a slug (drafts and scheduled
//! articles included), and whether a slug is taken.

use rusqlite::{Connection, OptionalExtension};

/// The source path (relative to the content folder) of the article `slug`, whatever
/// its state.
pub fn source_of(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT source_path FROM articles WHERE slug = ?1",
        [slug],
        |r| r.get(0),
    )
    .optional()
}

/// Whether an article or a redirect stub answers at `slug`.
pub fn slug_in_use(conn: &Connection, slug: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?1)
             OR EXISTS (SELECT 1 FROM redirects WHERE slug = ?1)",
        [slug],
        |r| r.get(0),
    )
}
