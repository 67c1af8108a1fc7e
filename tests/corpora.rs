//! Real sites import without edits: the repository's sample content, and (beside the
//! repository, in `../shared/corpora`) the Rust and Go blogs as their authors wrote them.

mod common;

use common::*;

#[test]
fn the_sample_content_publishes_cleanly() {
    let site = Site::sample();
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert!(r.new >= 10);
    let drafts: i64 = site.one("SELECT count(*) FROM articles WHERE draft = 1");
    let scheduled: i64 = site.one("SELECT count(*) FROM articles WHERE published_at > unixepoch()");
    let streams: i64 = site.one("SELECT count(*) FROM streams WHERE source_path IS NOT NULL");
    let authors: i64 = site.one("SELECT count(*) FROM authors WHERE bio <> ''");
    assert_eq!((drafts, scheduled, streams, authors), (1, 1, 3, 2));
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_rust_blog_imports_without_edits() {
    let site = Site::corpus("rust-blog");
    let first = site.publish();
    let second = site.publish();
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 750);
    // Three section indexes and one template-only page.
    assert_eq!(first.skipped.len(), 4, "{:#?}", first.skipped);
    assert!(
        first
            .skipped
            .iter()
            .all(|(_, why)| why.contains("section") || why.contains("template"))
    );
    assert_eq!(
        (second.new, second.updated, second.unchanged),
        (0, 0, 754 - 4)
    );
    db::check_file(&site.archive()).unwrap();
    assert_eq!(
        site.one::<String>(
            "SELECT slug FROM articles WHERE source_path = 'inside-rust/all-hands.md'"
        ),
        "all-hands-2024-09-02",
        "the later of two posts sharing a path name is qualified"
    );
    let aliased: i64 = site.one("SELECT count(*) FROM aliases");
    assert!(aliased >= 623, "every Zola alias kept: {aliased}");
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_go_blog_imports_without_edits() {
    let site = Site::corpus("go-blog");
    let first = site.publish();
    let second = site.publish();
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 274);
    let redirects = first
        .skipped
        .iter()
        .filter(|(_, why)| why.contains("redirect"))
        .count();
    assert_eq!(
        (first.skipped.len(), redirects),
        (63, 60),
        "{:#?}",
        first.skipped
    );
    assert_eq!(second.new + second.updated, 0);
    db::check_file(&site.archive()).unwrap();
    let (author, date): (String, String) = site
        .conn()
        .query_row("SELECT author_name, date(published_at, 'unixepoch') FROM articles WHERE slug = 'survey2024-h1-results'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(!author.is_empty());
    assert_eq!(date, "2024-04-09", "unpadded month");
    assert_eq!(site.one::<i64>("SELECT count(*) FROM redirects"), 60);
}
