//! The site's signing secrets (the preview links' key), kept in the archive so a backup
//! or a replica carries them, and replaced in one statement to revoke what they signed.

use rusqlite::{Connection, OptionalExtension, params};

/// The secret named `name`, if one was made.
pub(crate) fn get(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
        r.get(0)
    })
    .optional()
}

/// Sets (or replaces) the secret named `name`.
pub(crate) fn set(conn: &Connection, name: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}
