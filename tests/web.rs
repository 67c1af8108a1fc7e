//! Router tests: publish a fixture site, then drive `app(state)` with `oneshot`, and one
//! test that runs the real binary on a free port.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use dispatches::web::app;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn every_page_answers_with_its_content() {
    let f = fixture();
    let cases: &[(&str, &str)] = &[
        ("/", "WAL explained"),
        ("/dispatches/wal", "Why readers never wait"),
        ("/streams/technical", "Technical Dispatch"),
        ("/tags/sqlite", "An older piece"),
        ("/authors/vera", "Writes about databases."),
        ("/archive", "May"),
        ("/search?q=readers", "<mark>readers</mark>"),
    ];
    for (uri, needle) in cases {
        let (status, body, headers) = get(&f, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(content_type(&headers).starts_with("text/html"), "{uri}");
        assert!(body.contains(needle), "{uri} should contain {needle:?}");
        assert!(
            body.starts_with("<!doctype html>") && body.contains("<html lang=\"en\">"),
            "{uri}"
        );
        assert_eq!(body.matches("<h1").count(), 1, "{uri} has one h1");
    }
}

#[tokio::test]
async fn the_article_page_has_its_anatomy() {
    let f = fixture();
    let (_, body, _) = get(&f, "/dispatches/wal").await;
    for part in [
        "← All dispatches",
        "Technical Dispatch",
        "1 min read",
        "12 May 2026",
        "<h1>WAL explained</h1>",
        "href=\"/tags/sqlite\"",
        "<span class=\"k\">fn</span>",
        "Sources",
        "https://sqlite.org/wal.html",
        "Written by Vera",
        "More from Vera →",
        "Previous",
        "Related dispatches",
    ] {
        assert!(body.contains(part), "article page lacks {part:?}");
    }
}

#[tokio::test]
async fn drafts_and_scheduled_posts_never_show() {
    let f = fixture();
    for uri in [
        "/",
        "/tags/sqlite",
        "/streams/technical",
        "/archive",
        "/search?q=body",
        "/search.json?q=words",
        "/dispatches/wal",
        "/dispatches/older",
    ] {
        let (_, body, _) = get(&f, uri).await;
        assert!(
            !body.contains("Scheduled for later") && !body.contains("Future body"),
            "{uri} shows the scheduled post"
        );
        assert!(!body.contains("Draft body"), "{uri} shows the draft's text");
    }
    // The draft's title appears only as "Now writing".
    let (_, body, _) = get(&f, "/").await;
    assert!(body.contains("Now writing — Secret draft title"));
    assert_eq!(get(&f, "/dispatches/draft").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&f, "/dispatches/future").await.0, StatusCode::NOT_FOUND);
    // The masthead counts only streams with published articles.
    assert!(body.contains("dispatches · 1 stream"));
}

#[tokio::test]
async fn hostile_titles_and_tags_are_escaped() {
    let f = fixture();
    for uri in [
        "/",
        "/dispatches/hostile",
        "/archive",
        "/search?q=alert",
        "/search?q=%3C%2Ftitle%3E%3Cscript%3E",
    ] {
        let (status, body, _) = get(&f, uri).await;
        assert!(status.is_success(), "{uri}: {status}");
        // Only our own script file and the article's JSON-LD data block may appear.
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..body[i..].find('>').map_or(body.len(), |j| i + j + 1)];
            assert!(
                tag == r#"<script type="application/ld+json">"#
                    || tag.starts_with(r#"<script type="module" src="/static/"#),
                "{uri} contains a foreign script tag: {tag}"
            );
        }
        assert!(
            !body.contains("alert(1)</script>"),
            "{uri} echoes the hostile title"
        );
    }
    let (_, body, _) = get(&f, "/dispatches/hostile").await;
    assert!(
        body.contains("<h1>&#60;/title&#62;&#60;script&#62;alert(1)"),
        "{}",
        &body[body.find("<h1").unwrap()..][..200]
    );
}

#[tokio::test]
async fn not_found_redirects_and_errors() {
    let f = fixture();
    let (status, body, _) = get(&f, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains("role=\"search\"") && body.contains("WAL explained"),
        "a 404 that helps"
    );
    let (status, _, headers) = get(&f, "/2019/old-wal.html").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers[header::LOCATION], "/dispatches/wal");
    let (status, _, headers) = get(&f, "/dispatches/moved").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers[header::LOCATION], "/dispatches/wal");
    assert_eq!(get(&f, "/tags/nope").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&f, "/streams/nope").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&f, "/?page=99").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&f, "/?page=banana").await.0, StatusCode::OK);
    let (status, body, _) = get(&f, "/search?q=-only").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Add a word"));
    let (status, body, headers) = get(&f, "/search.json?q=wal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["hits"][0]["slug"], "wal");
    assert_eq!(get(&f, "/healthz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn static_assets_are_fingerprinted_and_immutable() {
    let f = fixture();
    let (_, body, _) = get(&f, "/").await;
    let start = body.find("/static/style.").unwrap();
    let href = &body[start..start + body[start..].find('"').unwrap()];
    let (status, css, headers) = get(&f, href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(css.contains("prefers-color-scheme: dark") && css.contains("pre.code .k{"));
    // The script is a module graph: every import, followed from the entry, is served
    // under its fingerprinted name, as a script, and immutable too.
    let start = body.find("/static/search.").unwrap();
    let mut todo = vec![body[start..start + body[start..].find('"').unwrap()].to_string()];
    let mut seen = 0;
    while let Some(src) = todo.pop() {
        let (status, js, headers) = get(&f, &src).await;
        assert_eq!(status, StatusCode::OK, "{src}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        for (i, _) in js.match_indices(" from './") {
            let rest = &js[i + " from './".len()..];
            todo.push(format!("/static/{}", &rest[..rest.find('\'').unwrap()]));
        }
        seen += 1;
    }
    assert!(seen >= 5, "{seen} modules reached from the entry");
    assert_eq!(get(&f, "/static/style.css").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&f, "/static/..%2f..%2fCargo.toml").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&f, "/files/../Cargo.toml").await.0,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn the_real_binary_serves_on_a_free_port() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("hello.md"),
        "---\ntitle: Hello there\ndate: 2026-01-01\n---\nHi.\n",
    )
    .unwrap();
    // Port 0 is not allowed by the CLI's address; find a free one and hand it over.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dispatches"))
        .arg("--db")
        .arg(dir.path().join("data/archive.db"))
        .args([
            "serve",
            "--no-watch",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--content",
        ])
        .arg(&content)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let body = (0..100)
        .find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            http_get(port, "/dispatches/hello")
        })
        .unwrap_or_default();
    let health = http_get(port, "/healthz").unwrap_or_default();
    // SIGTERM for a graceful stop.
    unsafe_kill(child.id());
    let status = child.wait().unwrap();
    assert!(body.contains("Hello there"), "{body}");
    assert!(
        health.contains("200 OK") && health.contains("ok 1 articles"),
        "{health}"
    );
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn unsafe_kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let f = fixture();
    for uri in ["/", "/dispatches/wal", "/nope"] {
        let get_status = get(&f, uri).await.0;
        let resp = app(f.state.clone())
            .oneshot(Request::head(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), get_status, "{uri}");
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(body.is_empty(), "{uri}: HEAD has no body");
    }
}

#[tokio::test]
async fn renamed_articles_answer_301_and_deleted_ones_410() {
    let f = fixture();
    // Renaming the file (the slug comes from it) moves the article.
    std::fs::rename(f.content.join("older.md"), f.content.join("oldest.md")).unwrap();
    // Changing `slug` in front matter moves it too.
    let wal = std::fs::read_to_string(f.content.join("wal.md")).unwrap();
    std::fs::write(
        f.content.join("wal.md"),
        wal.replacen(
            "title: WAL explained",
            "title: WAL explained\nslug: wal-explained",
            1,
        ),
    )
    .unwrap();
    std::fs::remove_file(f.content.join("hostile.md")).unwrap();
    republish(&f.content, &f.db);

    for (old, new) in [
        ("/dispatches/older", "/dispatches/oldest"),
        ("/dispatches/wal", "/dispatches/wal-explained"),
    ] {
        let (status, _, h) = get(&f, old).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(h.get(header::LOCATION).unwrap(), new);
        assert_eq!(get(&f, new).await.0, StatusCode::OK, "{new}");
    }
    // The old alias follows the article to its new slug.
    let (status, _, h) = get(&f, "/2019/old-wal.html").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        h.get(header::LOCATION).unwrap(),
        "/dispatches/wal-explained"
    );

    let (status, body, _) = get(&f, "/dispatches/hostile").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("was removed"), "{body}");
    assert!(!body.contains("<script>alert"));
    // Each moved or removed article is listed once, under its new slug only.
    let (_, home, _) = get(&f, "/").await;
    assert_eq!(home.matches("href=\"/dispatches/oldest\"").count(), 1);
    assert!(!home.contains("href=\"/dispatches/older\""));

    // A new article may take a slug that was gone.
    std::fs::write(
        f.content.join("hostile.md"),
        "---\ntitle: Back again\ndate: 2026-02-01\n---\nNew text.\n",
    )
    .unwrap();
    republish(&f.content, &f.db);
    assert_eq!(get(&f, "/dispatches/hostile").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_tag_has_one_page_whatever_the_spelling() {
    let f = fixture();
    let (status, _, h) = get(&f, "/tags/SQLite?page=2").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(h.get(header::LOCATION).unwrap(), "/tags/sqlite?page=2");
    assert_eq!(get(&f, "/tags/sqlite").await.0, StatusCode::OK);
    assert_eq!(get(&f, "/tags/nothing-here").await.0, StatusCode::NOT_FOUND);
}

/// A replica written by another program (Litestream's follow mode does not move SQLite's
/// change counter) is noticed by its files' size and time.
#[test]
fn a_replica_notices_writes_behind_sqlites_back() {
    let f = fixture();
    let state =
        dispatches::web::AppState::replica(&f.db, dispatches::config::Config::default()).unwrap();
    let before = state.generation.current().unwrap().number;
    assert_eq!(state.generation.current().unwrap().number, before);
    let file = std::fs::OpenOptions::new().write(true).open(&f.db).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(file);
    assert_ne!(state.generation.current().unwrap().number, before);
}
