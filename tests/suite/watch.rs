//! Live publishing: the real watcher on the fixture site, driven through the save
//! patterns of real editors, with the router asked after each what it serves; and
//! readers fetching pages while a thousand files publish.

use std::sync::Arc;
use std::time::Instant;

use crate::common::*;
use axum::http::StatusCode;

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2026-03-01\ntags: [live]\n---\n{body}\n")
}

/// The fixture site, watched.
fn live() -> (Site, Watching) {
    let site = Site::fixture();
    let watching = site.watch();
    (site, watching)
}

/// The fixture site, watched, with `fresh.md` ("First words.") saved and live.
async fn live_with_fresh() -> (Site, Watching) {
    let (site, watching) = live();
    site.file("fresh.md", article("Fresh", "First words."));
    site.until("/dispatches/fresh", "published", |p| {
        p.status == StatusCode::OK && p.body.contains("First words.")
    })
    .await;
    (site, watching)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_file_is_published() {
    let (site, _watching) = live();
    site.file("fresh.md", article("Fresh", "First words."));
    site.until("/dispatches/fresh", "published", |p| {
        p.status == StatusCode::OK && p.body.contains("First words.")
    })
    .await;
}

/// nano, gedit and most tools: truncate the file and write it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_in_place_reaches_the_site() {
    let (site, _watching) = live_with_fresh().await;
    site.file("fresh.md", article("Fresh", "Second words."));
    site.until("/dispatches/fresh", "updated", |p| {
        p.body.contains("Second words.")
    })
    .await;
}

/// vim: probe file 4913, swap file, backup by rename, write anew, drop the backup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vim_save_reaches_the_site() {
    let (site, _watching) = live_with_fresh().await;
    site.file("4913", "")
        .remove("4913")
        .file(".fresh.md.swp", "swap")
        .rename("fresh.md", "fresh.md~")
        .file("fresh.md", article("Fresh", "Vim words."))
        .remove("fresh.md~");
    site.until("/dispatches/fresh", "saved by vim", |p| {
        p.status == StatusCode::OK && p.body.contains("Vim words.")
    })
    .await;
    site.remove(".fresh.md.swp");
}

/// Emacs: a lock link `.#fresh.md`, an auto-save file `#fresh.md#`, the original renamed
/// to the backup `fresh.md~`, the new text written, then the auto-save and lock dropped.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emacs_save_reaches_the_site() {
    let (site, _watching) = live_with_fresh().await;
    std::os::unix::fs::symlink("vera@desk.4242:1700000000", site.path(".#fresh.md")).unwrap();
    site.file("#fresh.md#", article("Fresh", "Auto-saved words."))
        .rename("fresh.md", "fresh.md~")
        .file("fresh.md", article("Fresh", "Emacs words."))
        .remove("#fresh.md#");
    std::fs::remove_file(site.path(".#fresh.md")).unwrap();
    site.until("/dispatches/fresh", "saved by Emacs", |p| {
        p.status == StatusCode::OK && p.body.contains("Emacs words.")
    })
    .await;
}

/// VS Code (and most atomic savers): write a temporary file, rename it over the original.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vs_code_atomic_save_reaches_the_site() {
    let (site, _watching) = live_with_fresh().await;
    site.file("fresh.md.tmp.1234", article("Fresh", "Code words."))
        .rename("fresh.md.tmp.1234", "fresh.md");
    site.until("/dispatches/fresh", "saved atomically", |p| {
        p.body.contains("Code words.")
    })
    .await;
}

/// JetBrains IDEs: the same dance with their own temporary name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jetbrains_save_reaches_the_site() {
    let (site, _watching) = live_with_fresh().await;
    site.file("fresh.md___jb_tmp___", article("Fresh", "JetBrains words."))
        .rename("fresh.md___jb_tmp___", "fresh.md");
    site.until("/dispatches/fresh", "saved by JetBrains", |p| {
        p.body.contains("JetBrains words.")
    })
    .await;
}

/// A bad save keeps the last good version live and says why; a good one follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_save_is_reported_and_the_last_good_version_stays_live() {
    let (site, watching) = live_with_fresh().await;
    site.file(
        "fresh.md",
        "---\ntitle: Fresh\ndate: 2026-02-30\n---\nBroken.\n",
    );
    eventually("the bad save reported", || {
        watching.problems.for_source("fresh.md").is_some()
    })
    .await;
    let problem = watching.problems.for_source("fresh.md").unwrap();
    assert!(
        problem.contains("date") && problem.contains(":3"),
        "{problem}"
    );
    let page = site.get("/dispatches/fresh").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("First words."),
        "the last good version stays live"
    );
    site.file("fresh.md", article("Fresh", "Fixed words."));
    site.until("/dispatches/fresh", "fixed", |p| {
        p.body.contains("Fixed words.")
    })
    .await;
    assert!(watching.problems.for_source("fresh.md").is_none());
}

/// Rename: the old URL answers 301 to the new one, and the article is listed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_file_moves_its_article_and_the_old_address_answers_301() {
    let (site, _watching) = live_with_fresh().await;
    site.rename("fresh.md", "renamed.md");
    site.until("/dispatches/renamed", "renamed", |p| {
        p.status == StatusCode::OK
    })
    .await;
    let page = site.get("/dispatches/fresh").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(page.header("location"), "/dispatches/renamed");
    let tag = site.get("/tags/live").await.body;
    assert_eq!(tag.matches("href=\"/dispatches/renamed\"").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_file_answers_410() {
    let (site, _watching) = live_with_fresh().await;
    site.remove("fresh.md");
    site.until("/dispatches/fresh", "gone", |p| {
        p.status == StatusCode::GONE
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authors_page_follows_its_file() {
    let (site, _watching) = live();
    site.file(
        "authors/vera.md",
        "---\nname: Vera\nbio: Now writes about caches.\n---\n",
    );
    site.until("/authors/vera", "updated", |p| {
        p.body.contains("Now writes about caches.")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_bundle_serves_its_article_and_its_images() {
    let (site, _watching) = live();
    site.file("pics/index.md", article("Pictures", "![A dot](dot.svg)"))
        .file(
            "pics/dot.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>",
        );
    site.until("/files/pics/dot.svg", "served", |p| {
        p.status == StatusCode::OK
    })
    .await;
    site.until("/dispatches/pics", "published", |p| {
        p.body.contains("src=\"/files/pics/dot.svg\"")
    })
    .await;
}

/// A file still being written is published whole once it is complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_still_being_written_is_published_whole() {
    let (site, _watching) = live();
    site.file(
        "slow.md",
        "---\ntitle: Slow\ndate: 2026-03-02\n---\nThe beginning",
    );
    for i in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(15));
        let text = site.read("slow.md");
        site.file("slow.md", format!("{text} part {i}"));
    }
    site.until("/dispatches/slow", "complete", |p| {
        p.body.contains("part 4")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_of_a_thousand_files_lands_in_a_few_transactions() {
    let (site, _watching) = live();
    let publishes = || -> i64 { site.one("SELECT count(*) FROM publishes") };
    let before = publishes();
    for i in 0..1000 {
        site.file(
            &format!("burst/b{i:04}.md"),
            article(&format!("Burst {i}"), "Text."),
        );
    }
    site.until("/dispatches/b0999", "published", |p| {
        p.status == StatusCode::OK
    })
    .await;
    site.until("/tags/live", "listing all", |p| {
        p.body.contains("Page 1 of 100<")
    })
    .await;
    let batches = publishes() - before;
    // Debounced: a handful of transactions, not a thousand.
    assert!(
        (1..=10).contains(&batches),
        "{batches} transactions for 1,000 files"
    );
}

/// Readers keep reading while 1,000 files publish: no request fails, and every
/// response is a whole page, the old one or the new one. The test counts the reads
/// that ran wholly inside the publish (started after it began, finished before it
/// ended) and fails if there were none, since then it would have tested nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_never_see_a_broken_page_during_a_publish() {
    let site = Arc::new(Site::fixture());
    // Long enough to render that a publish takes many reads' time.
    let text = |version: &str| {
        format!(
            "{version} text.\n\n{}\n\n```rust\nfn main() {{\n    println!(\"{version}\");\n}}\n```\n",
            "Words that readers read while the archive changes. ".repeat(40)
        )
    };
    let write_all = |version: &str| {
        for i in 0..1000 {
            site.file(
                &format!("many/m{i:04}.md"),
                article(&format!("Many {i}"), &text(version)),
            );
        }
        site.file(
            "wal.md",
            article("WAL explained", &format!("Version {version}.")),
        );
    };
    write_all("OLD");
    site.republish();
    write_all("NEW");

    let uris = [
        "/dispatches/wal",
        "/",
        "/dispatches/m0500",
        "/search?q=text",
    ];
    // Every page once before, so that reads during the publish are quick.
    for uri in uris {
        assert_eq!(site.get(uri).await.status, StatusCode::OK, "{uri}");
    }
    let publisher = std::thread::spawn({
        let site = site.clone();
        move || {
            let began = Instant::now();
            site.republish();
            (began, Instant::now())
        }
    });
    let mut reads = Vec::new();
    let mut seen_old = 0;
    let mut seen_new = 0;
    while !publisher.is_finished() || seen_new == 0 {
        for uri in uris {
            let read_began = Instant::now();
            let page = site.get(uri).await;
            reads.push((read_began, Instant::now()));
            assert_eq!(
                page.status,
                StatusCode::OK,
                "{uri} failed during the publish"
            );
            assert!(
                page.body.trim_end().ends_with("</html>"),
                "{uri}: a partial page"
            );
            if uri == "/dispatches/wal" {
                let (old, new) = (
                    page.body.contains("Version OLD."),
                    page.body.contains("Version NEW."),
                );
                assert!(old ^ new, "the page mixes versions");
                seen_old += usize::from(old);
                seen_new += usize::from(new);
            }
        }
        assert!(reads.len() < 100_000);
    }
    let (began, ended) = publisher.join().unwrap();
    assert!(seen_new > 0, "the new version never appeared");
    let during = reads
        .iter()
        .filter(|(start, end)| *start >= began && *end <= ended)
        .count();
    eprintln!(
        "{} reads, {during} of them inside the {:?} publish: {seen_old} old, {seen_new} new",
        reads.len(),
        ended - began
    );
    assert!(
        during > 0,
        "no read ran while the publish did ({} reads, publish {:?})",
        reads.len(),
        ended - began
    );
}

/// The fixture site with 200 more articles, published, and watched.
async fn live_and_large() -> (Site, Watching) {
    let site = Site::fixture();
    for i in 0..200 {
        site.file(
            &format!("many/m{i:03}.md"),
            article(&format!("Many {i}"), "Text."),
        );
    }
    site.republish();
    let watching = site.watch();
    (site, watching)
}

/// How many files the watcher's next publish (after `forget`) looked at, unchanged or
/// not.
async fn considered(watching: &Watching) -> usize {
    eventually("a publish", || watching.problems.last_report().is_some()).await;
    let r = watching.problems.last_report().unwrap();
    r.new + r.updated + r.unchanged + r.failed.len()
}

/// Forgets the watcher's last publish, so that `considered` reads the next one.
fn forget(watching: &Watching) {
    watching.problems.take_last_report();
}

/// Waits until the watcher's last publish is one that looked at more than one file.
async fn until_folder_published(watching: &Watching, what: &str) {
    eventually(what, || {
        watching
            .problems
            .last_report()
            .is_some_and(|r| r.new + r.updated + r.unchanged > 100)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_of_one_file_in_a_large_folder_publishes_only_that_file() {
    let (site, watching) = live_and_large().await;
    forget(&watching);
    site.file("many/m007.md", article("Many 7", "Saved again."));
    site.until("/dispatches/m007", "saved", |p| {
        p.body.contains("Saved again.")
    })
    .await;
    assert_eq!(considered(&watching).await, 1);
    // A new file, too, and the vim dance that ends in one written file.
    forget(&watching);
    site.file("fresh.md", article("Fresh", "First words."));
    site.until("/dispatches/fresh", "published", |p| {
        p.status == StatusCode::OK
    })
    .await;
    assert_eq!(considered(&watching).await, 1);
    forget(&watching);
    site.file("4913", "")
        .remove("4913")
        .file("fresh.md.tmp.77", article("Fresh", "Atomic words."))
        .rename("fresh.md.tmp.77", "fresh.md");
    site.until("/dispatches/fresh", "saved atomically", |p| {
        p.body.contains("Atomic words.")
    })
    .await;
    assert_eq!(considered(&watching).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_or_removed_file_publishes_the_whole_folder() {
    let (site, watching) = live_and_large().await;
    site.rename("many/m001.md", "many/moved.md");
    site.until("/dispatches/moved", "renamed", |p| {
        p.status == StatusCode::OK
    })
    .await;
    until_folder_published(&watching, "the rename published the folder").await;
    forget(&watching);
    site.file("many/m002.md", article("Many 2", "Saved."));
    site.until("/dispatches/m002", "saved", |p| p.body.contains("Saved."))
        .await;
    assert_eq!(considered(&watching).await, 1);
    site.remove("many/m003.md");
    site.until("/dispatches/m003", "gone", |p| p.status != StatusCode::OK)
        .await;
    until_folder_published(&watching, "the removal published the folder").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_settings_or_data_file_publishes_the_whole_folder() {
    let (site, watching) = live_and_large().await;
    for (name, text) in [
        ("authors.yml", "ada:\n  name: Ada\n"),
        ("dispatches.toml", "title = \"Other\"\n"),
        ("_data/site.json", "{\"name\": \"x\"}\n"),
    ] {
        forget(&watching);
        site.file("many/m004.md", article("Many 4", name));
        site.until("/dispatches/m004", "saved", |p| p.body.contains(name))
            .await;
        assert_eq!(considered(&watching).await, 1, "{name}");
        site.file(name, text);
        until_folder_published(&watching, name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_article_with_a_slug_another_file_holds_is_refused_naming_that_file() {
    let (site, watching) = live_and_large().await;
    forget(&watching);
    site.file(
        "clash.md",
        "---\ntitle: Clash\ndate: 2026-03-03\nslug: m005\n---\nMine.\n",
    );
    eventually("the clash reported", || {
        watching.problems.for_source("clash.md").is_some()
    })
    .await;
    let problem = watching.problems.for_source("clash.md").unwrap();
    assert!(
        problem.contains("slug `m005` is already used by many/m005.md; give one of them"),
        "{problem}"
    );
    assert_eq!(considered(&watching).await, 1);
    assert!(!site.get("/dispatches/m005").await.body.contains("Mine."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_between_a_saved_article_and_the_others_resolve() {
    let (site, watching) = live_and_large().await;
    forget(&watching);
    site.file(
        "linker.md",
        article("Linker", "See [the log](wal.md) and [many](many/m006.md)."),
    );
    let page = site
        .until("/dispatches/linker", "published", |p| {
            p.status == StatusCode::OK
        })
        .await;
    assert_eq!(considered(&watching).await, 1);
    assert!(
        page.body.contains("href=\"/dispatches/wal\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("href=\"/dispatches/m006\""),
        "{}",
        page.body
    );
    // An article that links to the saved one by its file keeps resolving it.
    forget(&watching);
    site.file(
        "many/m006.md",
        article("Many 6", "Saved [back](../linker.md)."),
    );
    let page = site
        .until("/dispatches/m006", "saved", |p| p.body.contains("Saved"))
        .await;
    assert_eq!(considered(&watching).await, 1);
    assert!(
        page.body.contains("href=\"/dispatches/linker\""),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_of_another_file_keeps_a_failing_files_problem() {
    let (site, watching) = live_and_large().await;
    site.file(
        "broken.md",
        "---\ntitle: Broken\ndate: 2026-02-30\n---\nBroken.\n",
    );
    eventually("the bad save reported", || {
        watching.problems.for_source("broken.md").is_some()
    })
    .await;
    forget(&watching);
    site.file("many/m008.md", article("Many 8", "Saved again."));
    site.until("/dispatches/m008", "saved", |p| {
        p.body.contains("Saved again.")
    })
    .await;
    assert_eq!(considered(&watching).await, 1);
    assert!(watching.problems.for_source("broken.md").is_some());
}
