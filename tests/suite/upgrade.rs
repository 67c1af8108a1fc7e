//! An archive written by an older version of the program opens in this one: upgraded in
//! place, nothing lost, and compacted afterwards.

use crate::common;

use std::path::Path;

use crate::common::*;
use dispatches::db::{open_read_only, open_writable};
use rusqlite::Connection;

/// Writes an archive as schema 3 left it (Markdown and HTML in the middle of each
/// row): 200 large articles tagged `wal`, and one alias to the eighth.
fn schema_3_archive(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    for v in 1..=3 {
        let sql = db::schema_sql(v);
        conn.execute_batch(&format!("BEGIN; {sql} PRAGMA user_version = {v}; COMMIT;"))
            .unwrap();
    }
    let big = "lorem ipsum ".repeat(4000);
    for i in 0..200 {
        conn.execute(
            "INSERT INTO articles (source_path, content_hash, slug, title, published_at,
                 markdown, html, summary_html, body_text, word_count, reading_minutes,
                 touched_at)
             VALUES (?1, 'h', ?2, ?3, 1700000000, ?4, ?5, '<p>s</p>', ?6, 3, 1, 0)",
            rusqlite::params![
                format!("p{i}.md"),
                format!("p{i}"),
                format!("Title {i}"),
                format!("# md {i}\n{big}"),
                format!("<p>html {i}</p>{big}"),
                format!("heron{i} text {big}"),
            ],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO article_tags (article_id, tag, position) VALUES (?1, 'wal', 0)",
            [conn.last_insert_rowid()],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO aliases (path, article_id) VALUES ('/old/p7', 8)",
        [],
    )
    .unwrap();
}

/// A schema 3 archive, opened (and so upgraded) by this program.
fn upgraded() -> (Site, Connection) {
    let site = Site::new();
    let path = site.archive();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    schema_3_archive(&path);
    drop(open_writable(&path).unwrap());
    let conn = open_read_only(&path).unwrap();
    (site, conn)
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap()
}

/// Nothing is lost: every article with its Markdown and HTML (now the last columns),
/// tags and aliases kept (no cascade fires), search still works, and the file checks.
#[test]
fn a_schema_3_archive_upgrades_without_loss() {
    let (_site, conn) = upgraded();
    assert_eq!(one(&conn, "PRAGMA user_version"), db::schema_version());
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('articles')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&columns[columns.len() - 2..], ["html", "markdown"]);
    assert_eq!(one(&conn, "SELECT count(*) FROM articles"), 200);
    assert_eq!(one(&conn, "SELECT count(*) FROM article_tags"), 200);
    assert_eq!(one(&conn, "SELECT count(*) FROM aliases"), 1);
    let (md, html): (String, String) = conn
        .query_row(
            "SELECT markdown, html FROM articles WHERE slug = 'p7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(md.starts_with("# md 7\n") && html.starts_with("<p>html 7</p>"));
    assert_eq!(
        one(
            &conn,
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'heron7'"
        ),
        1
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        one(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
}

/// Every row was rewritten; the file must not keep the space the old rows took.
#[test]
fn an_upgraded_archive_is_compacted() {
    let (_site, conn) = upgraded();
    assert!(
        one(&conn, "PRAGMA freelist_count") * 4 <= one(&conn, "PRAGMA page_count"),
        "compacted after the upgrade"
    );
}

/// Articles stored before languages were (schema 8) have no language row until their next
/// publish: their pages read as the site's language, with no translations.
#[tokio::test]
async fn articles_from_before_languages_read_as_the_sites_language() {
    let (site, conn) = upgraded();
    assert_eq!(one(&conn, "SELECT count(*) FROM article_languages"), 0);
    let page = site.get("/dispatches/p7").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    assert!(page.body.contains(r#"<html lang="en">"#));
    assert!(!page.body.contains("hreflang"));
    let feed = site.get("/feed.json").await.body;
    assert!(feed.contains(r#""language":"en""#));
}

/// Since schema 10 the publish, not a trigger, writes a new article's full-text row: an
/// upgraded archive's new and changed articles are found, its old ones still are, and
/// FTS5's own check passes.
#[test]
fn articles_published_after_the_upgrade_are_searchable() {
    let (site, _) = upgraded();
    site.file(
        "kingfisher.md",
        "---\ntitle: New after the upgrade\ndate: 2026-03-01\n---\nA kingfisher by the weir.\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let conn = open_read_only(&site.archive()).unwrap();
    for (word, found) in [("kingfisher", 1), ("heron7", 1)] {
        let sql = format!("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '{word}'");
        assert_eq!(one(&conn, &sql), found, "{word}");
    }
    common::db::check_file(&site.archive()).unwrap();
}

#[test]
fn an_upgraded_archive_has_its_related_lists_ranked() {
    let (_site, conn) = upgraded();
    // 200 articles sharing one tag: each keeps its best eight (the newest others).
    assert_eq!(
        one(&conn, "SELECT count(DISTINCT article_id) FROM related"),
        200
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM related"), 200 * 8);
}
