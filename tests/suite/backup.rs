//! `dispatches backup` and `restore`: a copy is always a whole, checked archive, even
//! while a publish runs, and a restore never leaves the live archive broken.

use std::path::{Path, PathBuf};

use crate::common::*;

/// A site with one article, published.
fn one_article() -> Site {
    let site = Site::new();
    site.file("a.md", post("A", "2026-01-01", "a")).publish();
    site
}

/// `dispatches backup OUT`, which must succeed.
fn backup(site: &Site, out: &Path) {
    site.bin(&["backup", out.to_str().unwrap()]).success();
}

#[test]
fn backup_writes_a_checked_copy() {
    let site = one_article();
    let out_path = site.root().join("backups/copy.db");
    backup(&site, &out_path);
    db::check_file(&out_path).unwrap();
    assert_eq!(db::article_count(&out_path), 1);
}

/// A backup taken while 1,000 articles publish is a whole archive: it passes both
/// checks and holds all of the old batch or all of the new.
#[test]
fn backup_during_a_large_publish_is_consistent() {
    let site = Site::new();
    site.file("seed.md", post("Seed", "2026-01-01", "seed"))
        .publish();
    for i in 0..1000 {
        site.file(
            &format!("many/p{i:04}.md"),
            post(
                &format!("Post {i}"),
                "2026-02-01",
                "Many words. ```not code```",
            ),
        );
    }
    let (published, copies) = std::thread::scope(|scope| {
        let publisher = scope.spawn(|| site.bin_publish(&["--quiet"]));
        let mut copies: Vec<PathBuf> = Vec::new();
        // Keep copying until the publish has finished, then once more.
        for n in 0.. {
            let done = publisher.is_finished();
            let out_path = site.root().join(format!("backups/copy{n}.db"));
            backup(&site, &out_path);
            copies.push(out_path);
            if done || n > 200 {
                break;
            }
        }
        (publisher.join().unwrap(), copies)
    });
    published.success();
    let mut counts = Vec::new();
    for path in &copies {
        db::check_file(path).unwrap();
        let n = db::article_count(path);
        assert!(
            n == 1 || n == 1001,
            "{}: {n} articles, a torn batch",
            path.display()
        );
        counts.push(n);
    }
    assert_eq!(
        *counts.last().unwrap(),
        1001,
        "the last copy has the whole publish"
    );
    // No temporary file is left beside the copies.
    let leftovers: Vec<_> = std::fs::read_dir(site.root().join("backups"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

/// `restore` puts a checked backup back, migrating nothing it need not.
#[test]
fn restore_brings_a_backup_back() {
    let site = one_article();
    let backup_path = site.root().join("b.db");
    backup(&site, &backup_path);
    site.file("b.md", post("B", "2026-01-02", "b")).publish();
    assert_eq!(db::article_count(&site.archive()), 2);

    let out = site.bin(&["restore", backup_path.to_str().unwrap()]);
    out.success();
    assert!(out.stdout.contains("1 articles"), "{}", out.stdout);
    db::check_file(&site.archive()).unwrap();
    assert_eq!(db::article_count(&site.archive()), 1);
}

/// A file that is not an archive is refused, named, and the live archive left alone.
#[test]
fn restore_refuses_a_file_that_is_not_an_archive() {
    let site = one_article();
    let junk = site.root().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let out = site.bin(&["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stderr.contains("junk.db"), "{}", out.stderr);
    assert_eq!(db::article_count(&site.archive()), 1);
}
