//! The fixture site shared by the router tests: published into a temp archive, driven
//! through `app(state)` with `oneshot`.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dispatches::config::Config;
use dispatches::publish::{self, Options};
use dispatches::web::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub content: std::path::PathBuf,
    pub db: std::path::PathBuf,
    pub state: AppState,
}

pub const HOSTILE: &str = "</title><script>alert(1)</script>";

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let write = |rel: &str, text: &str| {
        let p = content.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "streams/technical.md",
        "---\nname: Technical Dispatch\ndescription: Code.\n---\n",
    );
    write(
        "authors/vera.md",
        "---\nname: Vera\nbio: Writes about databases.\n---\nLong bio.\n",
    );
    write(
        "wal.md",
        "---\ntitle: WAL explained\ndate: 2026-05-12\nstream: technical\ntags: [sqlite, wal]\nauthor: vera\ndek: Why readers never wait\naliases: [/2019/old-wal.html]\nsources: [{ title: SQLite docs, url: \"https://sqlite.org/wal.html\" }]\n---\nThe write-ahead log lets readers continue.\n\n| Mode | Readers |\n|:--|--:|\n| WAL | many |\n\n```rust\nfn main() {}\n```\n",
    );
    write(
        "older.md",
        "---\ntitle: An older piece\ndate: 2026-01-02\nstream: technical\ntags: [sqlite]\nauthor: vera\n---\nOlder text about checkpoints.\n",
    );
    write(
        "hostile.md",
        &format!(
            "---\ntitle: \"{HOSTILE}\"\ndate: 2026-02-01\ntags: [\"{HOSTILE}\"]\ndek: \"{HOSTILE}\"\n---\nBody <script>alert(2)</script> text.\n"
        ),
    );
    write(
        "draft.md",
        "---\ntitle: Secret draft title\ndraft: true\ndate: 2026-01-01\ntags: [sqlite]\n---\nDraft body words.\n",
    );
    write(
        "future.md",
        "---\ntitle: Scheduled for later\ndate: 2099-01-01\nstream: technical\ntags: [sqlite]\n---\nFuture body words.\n",
    );
    write("moved.md", "---\nredirect: /blog/wal\n---\n");
    let db = dir.path().join("archive.db");
    republish(&content, &db);
    let state = AppState::new(&db, Config::default()).unwrap();
    Fixture {
        dir,
        content,
        db,
        state,
    }
}

/// Publishes the content folder again (pruning what is gone), as another process would.
pub fn republish(content: &std::path::Path, db: &std::path::Path) {
    let report = publish::publish(
        &[content.display().to_string()],
        content,
        &Config::default(),
        None,
        db,
        &Options {
            prune: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

/// Sends `req` through the whole router.
pub async fn send(f: &Fixture, req: Request<Body>) -> axum::response::Response {
    app(f.state.clone()).oneshot(req).await.unwrap()
}

pub async fn get(f: &Fixture, uri: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    let resp = app(f.state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

pub fn content_type(h: &axum::http::HeaderMap) -> &str {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
