//! Publishing over an archive that already holds the site: unchanged files cost nothing,
//! changes land in place, pruning and dry runs do what they say, and a publish that
//! stops half way changes nothing.

mod common;

use common::*;
use dispatches::db::{Writer, open_read_only};
use dispatches::publish::Options;

fn two_posts() -> Site {
    let site = Site::new();
    site.file("a.md", post("A", "2026-01-01", "alpha"))
        .file("b.md", post("B", "2026-01-02", "beta"));
    assert_eq!(site.publish().new, 2);
    site
}

#[test]
fn unchanged_files_are_skipped() {
    let site = two_posts();
    let again = site.publish();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 2));
}

#[test]
fn a_changed_file_updates_its_article_in_place() {
    let site = two_posts();
    site.file("a.md", post("A, revised", "2026-01-01", "gamma"));
    let r = site.publish();
    assert_eq!((r.new, r.updated, r.unchanged), (0, 1, 1));
    assert_eq!(
        site.one::<String>("SELECT title FROM articles WHERE slug = 'a'"),
        "A, revised"
    );
    let hits = |w: &str| -> i64 {
        site.conn()
            .query_row(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
                [w],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        (hits("alpha"), hits("gamma")),
        (0, 1),
        "the index follows updates"
    );
    db::check_file(&site.archive()).unwrap();
}

#[test]
fn without_prune_articles_whose_files_are_gone_stay() {
    let site = two_posts();
    site.remove("b.md");
    let without_prune = site.publish();
    assert_eq!(without_prune.removed, 0);
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 2);
}

#[test]
fn a_dry_run_writes_nothing() {
    let site = two_posts();
    site.remove("b.md");
    let dry = site.publish_with(Options {
        prune: true,
        dry_run: true,
        ..Options::default()
    });
    assert_eq!(dry.removed, 1);
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles"),
        2,
        "a dry run writes nothing"
    );
}

#[test]
fn prune_unpublishes_articles_whose_files_are_gone() {
    let site = two_posts();
    site.remove("b.md");
    let pruned = site.publish_with(Options {
        prune: true,
        ..Options::default()
    });
    assert_eq!(pruned.removed, 1);
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 1);
    db::check_file(&site.archive()).unwrap();
}

#[test]
fn a_dry_run_against_a_new_archive_creates_nothing() {
    let fresh = Site::new();
    fresh.file("c.md", post("C", "2026-01-01", "c"));
    let r = fresh.publish_with(Options {
        dry_run: true,
        ..Options::default()
    });
    assert_eq!(r.new, 1);
    assert!(!fresh.archive().exists());
}

/// Articles stream into the writer's open transaction while others still render: the
/// rows commit only when the stream says it has ended, so a publish that stops half
/// way (a renderer that panics, a process that dies) changes nothing.
#[test]
fn a_streamed_publish_commits_all_or_nothing() {
    let site = Site::new();
    let path = site.archive();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let writer = Writer::start(&path).unwrap();
    let count = || {
        open_read_only(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };

    let stream = writer.begin(db::batch()).unwrap();
    assert!(stream.send(vec![db::article_row("a", 1), db::article_row("b", 2)]));
    assert!(stream.send(vec![db::article_row("c", 3)]));
    drop(stream);
    // The next job runs only after the abandoned one has rolled back.
    let next = writer.begin(db::batch()).unwrap();
    assert!(next.send(vec![db::article_row("d", 4)]));
    let applied = next.finish().unwrap();
    assert_eq!(applied.added, 1);
    assert_eq!(count(), 1, "nothing of the abandoned stream");

    let stream = writer.begin(db::batch()).unwrap();
    assert!(stream.send(vec![db::article_row("a", 1), db::article_row("b", 2)]));
    assert!(stream.send(vec![db::article_row("c", 3)]));
    let applied = stream.finish().unwrap();
    assert_eq!((applied.added, applied.updated), (3, 0));
    assert_eq!(count(), 4);
    writer.shutdown();
}
