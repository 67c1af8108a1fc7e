//! Live publishing: the real watcher on a temp folder, driven through the save patterns
//! of real editors, with the router asked after each what it serves; and readers
//! fetching pages while a thousand files publish.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;
use dispatches::config::Config;
use dispatches::db::Writer;
use dispatches::watch::{ContentWatcher, Problems};

struct Live {
    f: Fixture,
    watcher: Option<ContentWatcher>,
    writer: Option<Writer>,
    problems: Arc<Problems>,
}

impl Live {
    fn start() -> Live {
        let f = fixture();
        let writer = Writer::start(&f.db).unwrap();
        let problems = Arc::new(Problems::default());
        let watcher = ContentWatcher::start(
            &f.content,
            Arc::new(Config::default()),
            writer.clone(),
            f.db.clone(),
            problems.clone(),
        )
        .unwrap();
        Live {
            f,
            watcher: Some(watcher),
            writer: Some(writer),
            problems,
        }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.f.content.join(rel)
    }

    /// Polls `uri` until `check` holds (or fails after five seconds).
    async fn until(&self, uri: &str, what: &str, check: impl Fn(StatusCode, &str) -> bool) {
        let started = Instant::now();
        loop {
            let (status, body, _) = get(&self.f, uri).await;
            if check(status, &body) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{uri}: still not {what} after 5 s (status {status})"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
        if let Some(w) = self.writer.take() {
            w.shutdown();
        }
    }
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2026-03-01\ntags: [live]\n---\n{body}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_save_pattern_reaches_the_site() {
    let live = Live::start();

    // Create.
    std::fs::write(live.path("fresh.md"), article("Fresh", "First words.")).unwrap();
    live.until("/dispatches/fresh", "published", |s, b| {
        s == StatusCode::OK && b.contains("First words.")
    })
    .await;

    // Modify in place.
    std::fs::write(live.path("fresh.md"), article("Fresh", "Second words.")).unwrap();
    live.until("/dispatches/fresh", "updated", |_, b| {
        b.contains("Second words.")
    })
    .await;

    // vim: probe file 4913, swap file, backup by rename, write anew, drop the backup.
    std::fs::write(live.path("4913"), "").unwrap();
    std::fs::remove_file(live.path("4913")).unwrap();
    std::fs::write(live.path(".fresh.md.swp"), "swap").unwrap();
    std::fs::rename(live.path("fresh.md"), live.path("fresh.md~")).unwrap();
    std::fs::write(live.path("fresh.md"), article("Fresh", "Vim words.")).unwrap();
    std::fs::remove_file(live.path("fresh.md~")).unwrap();
    live.until("/dispatches/fresh", "saved by vim", |s, b| {
        s == StatusCode::OK && b.contains("Vim words.")
    })
    .await;
    std::fs::remove_file(live.path(".fresh.md.swp")).unwrap();

    // VS Code and JetBrains: write a temporary file, then rename it over the original.
    std::fs::write(
        live.path("fresh.md.tmp.1234"),
        article("Fresh", "Code words."),
    )
    .unwrap();
    std::fs::rename(live.path("fresh.md.tmp.1234"), live.path("fresh.md")).unwrap();
    live.until("/dispatches/fresh", "saved atomically", |_, b| {
        b.contains("Code words.")
    })
    .await;
    std::fs::write(
        live.path("fresh.md___jb_tmp___"),
        article("Fresh", "JetBrains words."),
    )
    .unwrap();
    std::fs::rename(live.path("fresh.md___jb_tmp___"), live.path("fresh.md")).unwrap();
    live.until("/dispatches/fresh", "saved by JetBrains", |_, b| {
        b.contains("JetBrains words.")
    })
    .await;

    // A bad save keeps the last good version live and says why; a good one follows.
    std::fs::write(
        live.path("fresh.md"),
        "---\ntitle: Fresh\ndate: 2026-02-30\n---\nBroken.\n",
    )
    .unwrap();
    let started = Instant::now();
    while live.problems.for_source("fresh.md").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the bad save was not reported"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let problem = live.problems.for_source("fresh.md").unwrap();
    assert!(
        problem.contains("date") && problem.contains(":3"),
        "{problem}"
    );
    let (status, body, _) = get(&live.f, "/dispatches/fresh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("JetBrains words."),
        "the last good version stays live"
    );
    std::fs::write(live.path("fresh.md"), article("Fresh", "Fixed words.")).unwrap();
    live.until("/dispatches/fresh", "fixed", |_, b| {
        b.contains("Fixed words.")
    })
    .await;
    assert!(live.problems.for_source("fresh.md").is_none());

    // Rename: the old URL answers 301 to the new one, and the article is listed once.
    std::fs::rename(live.path("fresh.md"), live.path("renamed.md")).unwrap();
    live.until("/dispatches/renamed", "renamed", |s, _| s == StatusCode::OK)
        .await;
    let (status, _, h) = get(&live.f, "/dispatches/fresh").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(h.get("location").unwrap(), "/dispatches/renamed");
    let (_, tag, _) = get(&live.f, "/tags/live").await;
    assert_eq!(tag.matches("href=\"/dispatches/renamed\"").count(), 1);

    // Delete: 410 Gone.
    std::fs::remove_file(live.path("renamed.md")).unwrap();
    live.until("/dispatches/renamed", "gone", |s, _| s == StatusCode::GONE)
        .await;

    // Authors, streams and images beside articles.
    std::fs::write(
        live.path("authors/vera.md"),
        "---\nname: Vera\nbio: Now writes about caches.\n---\n",
    )
    .unwrap();
    live.until("/authors/vera", "updated", |_, b| {
        b.contains("Now writes about caches.")
    })
    .await;
    std::fs::create_dir_all(live.path("pics")).unwrap();
    std::fs::write(
        live.path("pics/index.md"),
        article("Pictures", "![A dot](dot.svg)"),
    )
    .unwrap();
    std::fs::write(
        live.path("pics/dot.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>",
    )
    .unwrap();
    live.until("/files/pics/dot.svg", "served", |s, _| s == StatusCode::OK)
        .await;
    live.until("/dispatches/pics", "published", |_, b| {
        b.contains("src=\"/files/pics/dot.svg\"")
    })
    .await;

    // A file still being written is published whole once it is complete.
    let slow = live.path("slow.md");
    std::fs::write(
        &slow,
        "---\ntitle: Slow\ndate: 2026-03-02\n---\nThe beginning",
    )
    .unwrap();
    for i in 0..5 {
        std::thread::sleep(Duration::from_millis(15));
        let mut text = std::fs::read_to_string(&slow).unwrap();
        text.push_str(&format!(" part {i}"));
        std::fs::write(&slow, text).unwrap();
    }
    live.until("/dispatches/slow", "complete", |_, b| b.contains("part 4"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_of_a_thousand_files_lands_in_a_few_transactions() {
    let live = Live::start();
    let publishes = |db: &Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT count(*) FROM publishes", [], |r| r.get(0))
            .unwrap()
    };
    let before = publishes(&live.f.db);
    let dir = live.path("burst");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..1000 {
        std::fs::write(
            dir.join(format!("b{i:04}.md")),
            article(&format!("Burst {i}"), "Text."),
        )
        .unwrap();
    }
    live.until("/dispatches/b0999", "published", |s, _| s == StatusCode::OK)
        .await;
    live.until("/tags/live", "listing all", |_, b| {
        b.contains("Page 1 of 100<")
    })
    .await;
    let batches = publishes(&live.f.db) - before;
    // Debounced: a handful of transactions, not a thousand.
    assert!(
        (1..=10).contains(&batches),
        "{batches} transactions for 1,000 files"
    );
}

/// Readers keep reading while 1,000 files publish: no request fails, and every
/// response is a whole page, the old one or the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_never_see_a_broken_page_during_a_publish() {
    let f = fixture();
    let dir = f.content.join("many");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..1000 {
        std::fs::write(
            dir.join(format!("m{i:04}.md")),
            article(&format!("Many {i}"), "Old text."),
        )
        .unwrap();
    }
    std::fs::write(
        f.content.join("wal.md"),
        article("WAL explained", "Version OLD."),
    )
    .unwrap();
    republish(&f.content, &f.db);
    for i in 0..1000 {
        std::fs::write(
            dir.join(format!("m{i:04}.md")),
            article(&format!("Many {i}"), "New text."),
        )
        .unwrap();
    }
    std::fs::write(
        f.content.join("wal.md"),
        article("WAL explained", "Version NEW."),
    )
    .unwrap();
    let (content, db) = (f.content.clone(), f.db.clone());
    let publisher = std::thread::spawn(move || republish(&content, &db));
    let mut seen_old = 0;
    let mut seen_new = 0;
    let mut requests = 0;
    while !publisher.is_finished() || seen_new == 0 {
        for uri in [
            "/dispatches/wal",
            "/",
            "/dispatches/m0500",
            "/search?q=text",
        ] {
            let (status, body, _) = get(&f, uri).await;
            requests += 1;
            assert_eq!(status, StatusCode::OK, "{uri} failed during the publish");
            assert!(
                body.trim_end().ends_with("</html>"),
                "{uri}: a partial page"
            );
            if uri == "/dispatches/wal" {
                let (old, new) = (body.contains("Version OLD."), body.contains("Version NEW."));
                assert!(old ^ new, "the page mixes versions");
                seen_old += usize::from(old);
                seen_new += usize::from(new);
            }
        }
        assert!(requests < 100_000);
    }
    publisher.join().unwrap();
    assert!(seen_new > 0, "the new version never appeared");
    eprintln!("{requests} requests during the publish: {seen_old} old, {seen_new} new");
}
