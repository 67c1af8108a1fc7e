//! `dispatches serve`, the real binary on a free port: it publishes its content and
//! serves it, stops cleanly on SIGTERM, and shows another process's publish on the very
//! next request.

use crate::common::*;
use axum::http::StatusCode;

fn hello() -> Site {
    let site = Site::new();
    site.file(
        "hello.md",
        "---\ntitle: Hello there\ndate: 2026-01-01\n---\nHi.\n",
    );
    site
}

#[test]
fn the_binary_publishes_its_content_and_serves_it_on_a_free_port() {
    let site = hello();
    let server = site.serve();
    let page = server.get("/dispatches/hello");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hello there"), "{}", page.body);
    let health = server.get("/healthz");
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    assert!(health.body.contains("ok 1 articles"), "{}", health.body);
}

#[test]
fn the_binary_stops_gracefully_on_sigterm() {
    let site = hello();
    let server = site.serve();
    assert_eq!(server.get("/healthz").status, StatusCode::OK);
    let status = server.stop();
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
}

/// The piece at `version`.
fn piece(version: usize) -> String {
    post(&format!("Version {version}"), "2026-01-01", "Body.")
}

/// A server answers cached pages without asking SQLite while nothing changes; a publish
/// by another process must still show on the very next request.
#[test]
fn another_processes_publish_shows_on_the_next_request() {
    external_publishes_show_at_once(false);
}

/// The same when the server was given a symlink to the archive: SQLite writes the WAL
/// beside the real file, which is where the server must watch.
#[cfg(unix)]
#[test]
fn another_processes_publish_shows_through_a_symlinked_archive() {
    external_publishes_show_at_once(true);
}

fn external_publishes_show_at_once(symlink: bool) {
    let site = Site::new();
    site.file("piece.md", piece(0));
    let publish = || {
        site.bin_publish(&["-q"]).success();
    };
    publish();
    // The server may reach the archive through a link in another folder.
    let server = if symlink {
        let link_dir = site.root().join("elsewhere");
        std::fs::create_dir_all(&link_dir).unwrap();
        let link = link_dir.join("archive.db");
        #[cfg(unix)]
        std::os::unix::fs::symlink(site.archive(), &link).unwrap();
        site.serve_archive(&link)
    } else {
        site.serve()
    };

    let title = |body: &str| body.contains("<h1");
    for round in 1..=5 {
        // Ask twice, so the page is a cache hit when the publish lands.
        for _ in 0..2 {
            let page = server.get("/dispatches/piece");
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                page.body.contains(&format!("Version {}", round - 1)) && title(&page.body),
                "round {round}: before the publish"
            );
        }
        // Past the quiet period after the previous publish's file writes.
        std::thread::sleep(std::time::Duration::from_millis(1_100));
        let page = server.get("/dispatches/piece");
        assert!(page.body.contains(&format!("Version {}", round - 1)));
        site.file("piece.md", piece(round));
        publish();
        let page = server.get("/dispatches/piece");
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("Version {round}")),
            "round {round}: the next request after the publish shows it"
        );
    }
}

#[test]
fn the_server_stores_every_article_page_after_its_first_publish_and_a_restart_keeps_them() {
    let site = Site::fixture();
    let stored = |health: &dyn Fn() -> String| {
        let started = std::time::Instant::now();
        while health().contains("storing pages") {
            assert!(started.elapsed() < std::time::Duration::from_secs(30));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        site.one::<i64>("SELECT count(*) FROM stored_pages")
    };
    let server = site.serve();
    let live: i64 = site.one(
        "SELECT count(*) FROM articles WHERE kind = 'dispatch' AND draft = 0
           AND published_at <= CAST(strftime('%s', 'now') AS INTEGER)",
    );
    assert!(live > 0);
    assert_eq!(stored(&|| server.get("/healthz").body), live);
    drop(server);
    // Marked: a page rendered and stored again would lose the mark.
    rusqlite::Connection::open(site.archive())
        .unwrap()
        .execute("UPDATE stored_pages SET digest = 'kept'", [])
        .unwrap();
    // The same binary and content: nothing to render again.
    let server = site.serve();
    assert_eq!(stored(&|| server.get("/healthz").body), live);
    let kept: i64 = site.one("SELECT count(*) FROM stored_pages WHERE digest = 'kept'");
    assert_eq!(kept, live);
}
