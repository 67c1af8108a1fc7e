//! The SQL of publishing tokens: add, list, revoke, the hashes a request is checked
//! against, and when a token was last used. Hashing and checking are `crate::tokens`.

use rusqlite::{Connection, params};

/// One stored token, without any way back to the token itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenRow {
    pub name: String,
    /// Hex SHA-256 of the token.
    pub hash: String,
    /// Space-separated scopes.
    pub scopes: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Stores a new token; false when `name` is taken.
pub(crate) fn add(
    conn: &Connection,
    name: &str,
    hash: &str,
    scopes: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let added = conn.execute(
        "INSERT INTO tokens (name, hash, scopes, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO NOTHING",
        params![name, hash, scopes, now],
    )?;
    Ok(added == 1)
}

/// Every token, by name.
pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<TokenRow>> {
    let mut stmt = conn
        .prepare("SELECT name, hash, scopes, created_at, last_used_at FROM tokens ORDER BY name")?;
    stmt.query_map([], |r| {
        Ok(TokenRow {
            name: r.get(0)?,
            hash: r.get(1)?,
            scopes: r.get(2)?,
            created_at: r.get(3)?,
            last_used_at: r.get(4)?,
        })
    })?
    .collect()
}

/// Deletes the token `name`; false when there was none.
pub(crate) fn revoke(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM tokens WHERE name = ?1", [name])? == 1)
}

/// Records that `name` was used at `now`.
pub(crate) fn touch(conn: &Connection, name: &str, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE tokens SET last_used_at = ?2 WHERE name = ?1",
        params![name, now],
    )?;
    Ok(())
}

/// Records through the server's writer that `name` was used at `now` (dropped when the
/// writer is busy: the time is bookkeeping, not worth holding a request for).
pub(crate) fn touch_through(writer: &super::Writer, name: String, now: i64) {
    let _ = writer.try_small(move |conn| touch(conn, &name, now));
}
