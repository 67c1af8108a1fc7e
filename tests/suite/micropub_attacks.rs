//! Micropub under attack and under load: bad tokens, oversized and malformed bodies,
//! 100 concurrent creates, the raw token kept out of the archive and the log, and a
//! server without a content folder.

use std::net::SocketAddr;

use crate::common::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

const FORM: &str = "application/x-www-form-urlencoded";

fn req(
    uri: &str,
    token: Option<&str>,
    ctype: &str,
    body: impl Into<Body>,
    from: &str,
) -> Request<Body> {
    let mut r = Request::post(uri);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    let mut r = r.header("content-type", ctype).body(body.into()).unwrap();
    r.extensions_mut()
        .insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    r
}

fn site() -> (Site, String) {
    let site = Site::new().publishing();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n",
    )
    .republish();
    let run = site.bin(&["token", "add", "all"]);
    run.success();
    (site, run.stdout.trim().to_string())
}

#[tokio::test]
async fn a_flood_of_wrong_tokens_never_locks_out_the_right_one() {
    let (site, t) = site();
    // Behind a proxy every client has the proxy's address: all of these share one.
    for i in 0..30 {
        let p = site
            .send(req(
                "/micropub",
                Some(&format!("dsp_guess{i}")),
                FORM,
                "h=entry&content=x",
                "127.0.0.1:1",
            ))
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    }
    let p = site
        .send(req(
            "/micropub",
            Some(&t),
            FORM,
            "h=entry&content=x",
            "127.0.0.1:1",
        ))
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
}

#[tokio::test]
async fn a_token_refused_again_and_again_waits_and_is_told_how_long() {
    let (site, t) = site();
    let send = |token: String| {
        site.send(req(
            "/micropub",
            Some(&token),
            FORM,
            "h=entry&content=x",
            "198.51.100.1:1",
        ))
    };
    for _ in 0..10 {
        let p = send("dsp_revoked".into()).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    }
    let p = send("dsp_revoked".into()).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.body);
    let wait: u64 = p
        .header("retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=15 * 60 + 1).contains(&wait), "{wait}");
    assert_eq!(p.json()["error"], "too_many_requests", "{}", p.body);
    assert!(p.body.contains("refused too many times"), "{}", p.body);
    let p = send(t).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
}

#[tokio::test]
async fn a_token_in_the_url_is_refused() {
    let (site, t) = site();
    let p = site
        .get(&format!("/micropub?q=config&access_token={t}"))
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_the_next_request() {
    let (site, t) = site();
    let ok = site
        .send(req(
            "/micropub",
            Some(&t),
            FORM,
            "h=entry&content=before",
            "192.0.2.1:1",
        ))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    site.bin(&["token", "revoke", "all"]).success();
    let p = site
        .send(req(
            "/micropub",
            Some(&t),
            FORM,
            "h=entry&content=after",
            "192.0.2.1:1",
        ))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn oversized_bodies_are_413_and_malformed_ones_400_with_a_sentence() {
    let (site, t) = site();
    let site = site.with_config(|_| {});
    let big = format!("h=entry&content={}", "a".repeat(5 * 1024 * 1024));
    let p = site
        .send(req("/micropub", Some(&t), FORM, big, "192.0.2.1:1"))
        .await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", p.body);
    let p = site
        .send(req(
            "/micropub",
            Some(&t),
            "application/json",
            "{\"type\": [",
            "192.0.2.1:1",
        ))
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{}",
        p.body
    );
    let p = site
        .send(req(
            "/micropub",
            Some(&t),
            "multipart/form-data; boundary=zz",
            "--zz\r\nbroken",
            "192.0.2.1:1",
        ))
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
    assert!(
        p.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("multipart"),
        "{}",
        p.body
    );
    let p = site.send(req("/micropub/media", Some(&t), "multipart/form-data; boundary=b", "--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n<svg onload=alert(1)>\r\n--b--\r\n", "192.0.2.1:1")).await;
    assert_eq!(
        p.status,
        StatusCode::BAD_REQUEST,
        "the type comes from the bytes: {}",
        p.body
    );
}

#[tokio::test]
async fn a_hundred_concurrent_creates_give_a_hundred_posts_and_files() {
    let (site, t) = site();
    let site = std::sync::Arc::new(site);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (site, t) = (site.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            let p = site
                .send(req(
                    "/micropub",
                    Some(&t),
                    FORM,
                    format!("h=entry&name=Same+title&content=Post+{i}"),
                    "192.0.2.1:1",
                ))
                .await;
            assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
            p.header("location").to_string()
        }));
    }
    let mut locations = std::collections::HashSet::new();
    for task in tasks {
        locations.insert(task.await.unwrap());
    }
    assert_eq!(locations.len(), 100);
    let files = std::fs::read_dir(site.content())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("same-title"))
        .count();
    assert_eq!(files, 100);
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles WHERE title = 'Same title'"),
        100
    );
}

#[tokio::test]
async fn without_a_content_folder_writes_answer_503() {
    let site = Site::new();
    site.republish();
    let run = site.bin(&["token", "add", "all"]);
    let t = run.stdout.trim().to_string();
    let p = site
        .send(req(
            "/micropub",
            Some(&t),
            FORM,
            "h=entry&content=x",
            "192.0.2.1:1",
        ))
        .await;
    assert_eq!(p.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        p.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("content folder")
    );
}

#[tokio::test]
async fn every_page_names_the_endpoint() {
    let (site, _) = site();
    let home = site.get("/").await;
    assert!(
        home.header("link").contains("rel=\"micropub\""),
        "{:?}",
        home.headers
    );
    assert!(
        home.body
            .contains("<link rel=\"micropub\" href=\"http://127.0.0.1:3000/micropub\">")
    );
    assert!(
        site.get("/dispatches/hello")
            .await
            .body
            .contains("rel=\"micropub\"")
    );
}

/// The real binary: a post made over HTTP is a file, survives a restart, an edit of the
/// file changes the page, and the token is in neither the archive, its WAL nor the log.
#[test]
fn the_real_server_keeps_posts_as_files_and_never_the_token() {
    let (site, t) = site();
    let server = site.serve();
    let created = server.request_with(
        "POST",
        "/micropub",
        &[
            ("authorization", &format!("Bearer {t}")),
            ("content-type", FORM),
        ],
        b"h=entry&name=Over+HTTP&content=Made+remotely",
    );
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(server.get("/dispatches/over-http").status, StatusCode::OK);
    let refused = server.request_with(
        "POST",
        "/micropub",
        &[
            ("authorization", "Bearer dsp_wrong"),
            ("content-type", FORM),
        ],
        b"h=entry&content=x",
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(site.path("over-http.md").exists());
    let log = server.log();
    drop(server);
    for f in ["data/archive.db", "data/archive.db-wal"] {
        let bytes = std::fs::read(site.root().join(f)).unwrap_or_default();
        assert!(
            !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
            "token in {f}"
        );
    }
    assert!(
        !log.contains(&t) && !log.contains("dsp_wrong"),
        "token in the log"
    );
    let text = site
        .read("over-http.md")
        .replace("Made remotely", "Edited by hand");
    site.file("over-http.md", text);
    let server = site.serve();
    assert!(
        server
            .get("/dispatches/over-http")
            .body
            .contains("Edited by hand")
    );
}

/// A crash between writing a post's file and publishing it: the file is in place (the
/// rename is the last step of writing it), its half-written scratch file is hidden, and
/// the next start publishes the one and ignores the other.
#[test]
fn a_crash_between_writing_and_publishing_is_healed_by_the_next_start() {
    let site = Site::new();
    site.file(
        "written-not-published.md",
        "---\ntitle: Written, not published\ndate: 2026-03-01\n---\nThe crash came after the rename.\n",
    );
    site.file(
        ".half-written.md.123.tmp",
        "---\ntitle: Half written\n---\nThe crash came before the rename.",
    );
    let server = site.serve();
    assert_eq!(
        server.get("/dispatches/written-not-published").status,
        StatusCode::OK
    );
    assert_eq!(
        server.get("/dispatches/half-written").status,
        StatusCode::NOT_FOUND
    );
    let scratch: i64 = site.one("SELECT count(*) FROM articles WHERE title = 'Half written'");
    assert_eq!(scratch, 0);
}
