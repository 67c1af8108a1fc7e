//! Search under load, black-box through the router: searches have slots and a short
//! queue of their own, a search past them is refused at once with 503 and `Retry-After`
//! while pages and `/healthz` keep answering, an abandoned search gives its slot back,
//! and the costliest query shapes are refused with a message that says what to do.
//!
//! A slow search needs no timing trick: the archive below has half a million distinct
//! words starting with `q`, so a misspelt `q…` word sends "did you mean" through all of
//! them, which runs until the search's time budget stops it (about a second).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use dispatches::config::Config;
use dispatches::publish::{Options, publish};
use dispatches::web::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A search that takes about a second: no article holds the word, and the words it
/// could be a misspelling of are many.
const SLOW: &str = "/search.json?q=qzzzzzzz";
/// Generous: what "at once" and "still answers" must beat, on any machine.
const PROMPT: Duration = Duration::from_secs(2);

struct Site {
    _dir: tempfile::TempDir,
    state: AppState,
}

/// An archive with a few ordinary articles and many articles of distinct `q` words,
/// served with `slots` search slots and `queue` places to wait.
fn site(slots: usize, queue: usize) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = archive(dir.path());
    let config = Config {
        search_slots: slots,
        search_queue: queue,
        ..Config::default()
    };
    Site {
        state: AppState::new(&db, config).unwrap(),
        _dir: dir,
    }
}

/// Writes and publishes the archive in `dir`; its path.
fn archive(dir: &std::path::Path) -> std::path::PathBuf {
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("harbour.md"),
        "---\ntitle: The harbour ferry\ndate: 2026-05-12\n---\nThe ferry leaves the harbour at dawn; the keeper writes the log.\n",
    )
    .unwrap();
    // 100 articles × 5,000 words: 500,000 distinct eight-letter words from a fixed
    // sequence (the same bytes on every run).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for a in 0..100 {
        let mut body = String::with_capacity(5000 * 9);
        for _ in 0..5000 {
            body.push('q');
            for _ in 0..7 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                body.push((b'a' + (x % 26) as u8) as char);
            }
            body.push(' ');
        }
        std::fs::write(
            content.join(format!("words-{a}.md")),
            format!("---\ntitle: Word list {a}\ndate: 2026-01-02\n---\n{body}\n"),
        )
        .unwrap();
    }
    let db = dir.join("archive.db");
    let report = publish(
        &[content.display().to_string()],
        &content,
        &Config::default(),
        None,
        &db,
        &Options::default(),
    )
    .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    db
}

async fn send(site: &Site, uri: &str) -> Response {
    app(site.state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

/// Status, `Retry-After` and body of `uri`, and how long the answer took.
async fn fetch(site: &Site, uri: &str) -> (StatusCode, Option<String>, String, Duration) {
    let t = Instant::now();
    let resp = send(site, uri).await;
    let status = resp.status();
    let retry = resp
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_string());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        retry,
        String::from_utf8_lossy(&body).into_owned(),
        t.elapsed(),
    )
}

/// Starts the slow search in the background and waits until it holds its slot.
async fn start_slow(site: &Site) -> tokio::task::JoinHandle<StatusCode> {
    let state = site.state.clone();
    let slow = tokio::spawn(async move {
        app(state)
            .oneshot(Request::get(SLOW).body(Body::empty()).unwrap())
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        !slow.is_finished(),
        "the slow search finished before the test could use it"
    );
    slow
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_limit_a_search_is_refused_at_once_and_pages_still_answer() {
    let site = site(1, 0);
    let slow = start_slow(&site).await;

    // The one slot is taken and there is no queue: refused at once, as JSON for JSON.
    let (status, retry, body, took) = fetch(&site, "/search.json?q=ferry").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("1"));
    assert!(took < PROMPT, "refused after {took:?}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["error"].as_str().unwrap().contains("try again"), "{v}");

    // The page is a page: the layout, the search box with the query, the notice.
    let (status, retry, body, took) = fetch(&site, "/search?q=ferry").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry.as_deref(), Some("1"));
    assert!(took < PROMPT, "refused after {took:?}");
    assert!(body.contains(r#"class="notice" role="alert""#), "{body}");
    assert!(body.contains(r#"value="ferry""#) && body.trim_end().ends_with("</html>"));

    // Pages and the health check have readers of their own.
    for uri in ["/dispatches/harbour", "/healthz", "/archive"] {
        let (status, _, _, took) = fetch(&site, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(took < PROMPT, "{uri} took {took:?}");
    }
    assert!(
        !slow.is_finished(),
        "the slow search ended before the checks did; they proved nothing"
    );

    // The slow search itself ends by its budget, with advice rather than an error page.
    let status = tokio::time::timeout(Duration::from_secs(10), slow)
        .await
        .expect("the slow search was not stopped by its budget")
        .unwrap();
    assert!(
        status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
        "{status}"
    );
    // And the slot is free again.
    assert_eq!(fetch(&site, "/search.json?q=ferry").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_holds_as_many_as_it_says_and_no_more() {
    let site = site(1, 1);
    let slow = start_slow(&site).await;
    // One place in the queue: this search waits there for the slot...
    let state = site.state.clone();
    let queued = tokio::spawn(async move {
        app(state)
            .oneshot(
                Request::get("/search.json?q=harbour+ferry")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // ...so the next one finds no place and is refused at once.
    let (status, retry, _, took) = fetch(&site, "/search.json?q=keeper").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry.as_deref(), Some("1"));
    assert!(took < PROMPT, "refused after {took:?}");
    assert!(!queued.is_finished(), "the queued search did not wait");
    // The queued one is answered when the slot frees, or refused after its wait.
    let status = queued.await.unwrap();
    assert!(
        status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status}"
    );
    slow.await.unwrap();
    assert_eq!(
        fetch(&site, "/search.json?q=harbour").await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_search_releases_its_slot() {
    let site = site(1, 0);
    let slow = start_slow(&site).await;
    assert_eq!(
        fetch(&site, "/search.json?q=ferry").await.0,
        StatusCode::SERVICE_UNAVAILABLE,
        "the slow search should hold the only slot"
    );
    // The client goes away: its request's future is dropped mid-search.
    slow.abort();
    let _ = slow.await;
    // Its query stops at the next progress check, a few milliseconds; well before the
    // time budget would have stopped it, the slot serves the next search.
    let t = Instant::now();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    while status == StatusCode::SERVICE_UNAVAILABLE && t.elapsed() < Duration::from_millis(500) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = fetch(&site, "/search.json?q=ferry").await.0;
    }
    assert_eq!(status, StatusCode::OK, "the slot was not given back");
}

#[tokio::test]
async fn costly_query_shapes_get_a_400_that_says_what_to_do() {
    let site = site(1, 0);
    for (query, advice) in [
        ("k*", "at least 2 letters"),
        ("k* l* m* r*", "at least 2 letters"),
        ("ferry -h*", "at least 2 letters"),
        ("ha* fe* ke* lo*", "at most 3"),
        ("harbour* ferry* keeper* log*", "at most 3"),
    ] {
        let uri = format!("/search.json?q={}", query.replace(' ', "+"));
        let (status, _, body, _) = fetch(&site, &uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let message = v["error"].as_str().unwrap();
        assert!(message.contains(advice), "{query}: {message}");
        let (status, _, body, _) =
            fetch(&site, &format!("/search?q={}", query.replace(' ', "+"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body.contains(advice), "{query}");
    }
    // Within the bounds, prefixes search as before.
    for query in ["ha*", "ha* fe* ke*", "harbour ferry ke*"] {
        let uri = format!("/search.json?q={}", query.replace(' ', "+"));
        let (status, _, body, _) = fetch(&site, &uri).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["total"], 1, "{query}");
    }
}

/// The binary serving `db` read-only on a free loopback port with one search slot and
/// no queue; stopped (SIGTERM) when dropped.
struct RealServer {
    child: std::process::Child,
    port: u16,
}

impl RealServer {
    fn start(dir: &std::path::Path, db: &std::path::Path) -> RealServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_dispatches"))
            .current_dir(dir)
            .env("DISPATCHES_SEARCH_SLOTS", "1")
            .env("DISPATCHES_SEARCH_QUEUE", "0")
            .arg("--db")
            .arg(db)
            .args([
                "serve",
                "--read-only",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let server = RealServer { child, port };
        let up = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            server.status_of("/healthz") == Some(200)
        });
        assert!(up, "the server did not start");
        server
    }

    fn connect(&self) -> std::net::TcpStream {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap()
    }

    /// The status of `path` on a connection of its own.
    fn status_of(&self, path: &str) -> Option<u16> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        out.split(' ').nth(1)?.parse().ok()
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Sends `path` on a kept-alive connection and reads one response's status (the body is
/// read to its `content-length`).
fn ask(conn: &mut std::net::TcpStream, path: &str) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    write!(conn, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    status
}

/// The same through the real server: a client that hangs up mid-search (the connection
/// closes, hyper drops the request) frees the slot for the next reader.
#[test]
fn a_client_that_hangs_up_frees_its_slot_on_the_real_server() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let db = archive(dir.path());
    let server = RealServer::start(dir.path(), &db);
    // The slow search, from a client that will hang up.
    let mut slow = server.connect();
    write!(slow, "GET {SLOW} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    // Until the server has read it, a probe may still find the slot free.
    let held = (0..10).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        server.status_of("/search.json?q=ferry") == Some(503)
    });
    assert!(held, "the slow search should hold the only slot");
    drop(slow);
    let t = Instant::now();
    let mut status = Some(503);
    while status == Some(503) && t.elapsed() < Duration::from_millis(500) {
        std::thread::sleep(Duration::from_millis(20));
        status = server.status_of("/search.json?q=ferry");
    }
    assert_eq!(status, Some(200), "the slot was not given back");
}

/// A client that ignores `Retry-After` and asks again at once on the same connection has
/// that search held until the time it was told; another connection is answered at once.
#[test]
fn a_connection_that_ignores_retry_after_waits_it_out_and_no_other_does() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let db = archive(dir.path());
    let server = RealServer::start(dir.path(), &db);
    let mut slow = server.connect();
    write!(slow, "GET {SLOW} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut eager = server.connect();
    let refused = (0..10).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        ask(&mut eager, "/search.json?q=ferry") == 503
    });
    assert!(refused, "the slow search should hold the only slot");
    // At once again, on the same connection: held in the background.
    let t = Instant::now();
    let again = std::thread::spawn(move || {
        let status = ask(&mut eager, "/search.json?q=ferry");
        (status, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(100));
    // Meanwhile another connection is answered (a 503 while the slot is held, or a 200
    // once it is free), and a page too.
    let other = server.status_of("/search.json?q=harbour");
    let other_done = Instant::now();
    assert!(matches!(other, Some(200 | 503)), "{other:?}");
    assert_eq!(server.status_of("/healthz"), Some(200));
    let (status, done) = again.join().unwrap();
    assert!(matches!(status, 200 | 503), "{status}");
    assert!(
        done > other_done,
        "the held search answered before the other connection's"
    );
    assert!(
        done - t >= Duration::from_millis(500),
        "the repeated search was answered after {:?}, not held",
        done - t
    );
    drop(slow);
}
