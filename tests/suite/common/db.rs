//! The one place the tests reach past the crate's stable API (`publish`, `config`, `web`,
//! `watch`, `search` and `db::{open_read_only, open_writable, Writer}`): when the crate's
//! layout changes, only this module changes. The archive's checks are plain SQL.

use std::path::Path;

use dispatches::db::{ArticleRow, Batch};
use dispatches::web::AppState;
use rusqlite::Connection;

/// The schema version this build of the program writes (`PRAGMA user_version`).
pub fn schema_version() -> i64 {
    dispatches::db::SCHEMA_VERSION
}

/// The SQL that created or migrated the archive to `version` (1 is the first schema),
/// for building an archive as an older program left it.
pub fn schema_sql(version: u32) -> String {
    let file = if version == 1 {
        "schema.sql".to_string()
    } else {
        format!("schema_{version}.sql")
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/db")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Passes when SQLite's `integrity_check` says `ok`, no foreign key dangles, and the
/// full-text index agrees with the articles it indexes. Needs a connection that may
/// write (the FTS5 check is a command written as an insert; it changes nothing).
pub fn check_integrity(conn: &Connection) -> Result<(), String> {
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if verdict != "ok" {
        return Err(format!("integrity_check: {verdict}"));
    }
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    if dangling != 0 {
        return Err(format!("{dangling} rows point at nothing"));
    }
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .map_err(|e| format!("full-text index: {e}"))?;
    Ok(())
}

/// [`check_integrity`] on the archive (or a copy of it) at `path`.
pub fn check_file(path: &Path) -> Result<(), String> {
    check_integrity(&Connection::open(path).map_err(|e| e.to_string())?)
}

/// Articles in the archive at `path`, drafts and scheduled ones included.
pub fn article_count(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A rendered article as the writer stores it: `slug.md`, titled `Title slug`, tagged
/// `wal`, with a one-word body.
pub fn article_row(slug: &str, published_at: i64) -> ArticleRow {
    ArticleRow {
        kind: "dispatch",
        menu: None,
        weight: None,
        featured: false,
        source_path: format!("{slug}.md"),
        content_hash: "h".into(),
        slug: slug.into(),
        title: format!("Title {slug}"),
        dek: String::new(),
        published_at,
        updated_at: None,
        stream_id: None,
        author: None,
        draft: false,
        lang: String::new(),
        translation_key: slug.into(),
        hero_json: None,
        sources_json: "[]".into(),
        authors_json: "[]".into(),
        extra_json: "{}".into(),
        front_matter_json: "{}".into(),
        markdown: "Body.".into(),
        html: "<p>Body.</p>".into(),
        summary_html: "<p>Body.</p>".into(),
        toc_json: "[]".into(),
        body_text: "Body.".into(),
        word_count: 1,
        reading_minutes: 1,
        tags: vec!["wal".into()],
        aliases: Vec::new(),
        images: Vec::new(),
    }
}

/// The head of a publish that changes nothing but the articles streamed into it.
pub fn batch() -> Batch {
    Batch::default()
}

/// The number of the server's current generation (what its caches are keyed on).
pub fn generation(state: &AppState) -> u64 {
    state.generation.current().unwrap().number
}
