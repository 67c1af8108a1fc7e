//! Publishing over an archive that already holds the site: unchanged files cost nothing,
//! changes land in place, pruning and dry runs do what they say, and a publish that
//! stops half way changes nothing.

use crate::common::*;
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

// ---------------------------------------------------------------------------------------
// Related lists, ranked at publish time and kept up to date one publish at a time

/// An article with `tags` in `stream` on day `day` of 2026.
fn tagged(title: &str, day: u32, stream: &str, tags: &[&str]) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-03-{day:02}\nstream: {stream}\ntags: [{}]\n---\nWords.\n",
        tags.join(", ")
    )
}

/// Thirty articles over five tags and two streams, some sharing a day.
fn tagged_site() -> Site {
    let site = Site::new();
    let names = ["ant", "bee", "cod", "doe", "elk"];
    for i in 0..30u32 {
        let tags: Vec<&str> = (0..5)
            .filter(|t| (i * 7 + t * 3) % 5 < 2)
            .map(|t| names[t as usize])
            .collect();
        let stream = if i % 3 == 0 { "letters" } else { "technical" };
        site.file(
            &format!("p{i:02}.md"),
            tagged(&format!("P{i}"), 1 + i % 20, stream, &tags),
        );
    }
    site.publish();
    site
}

type Rows = Vec<(String, String, i64)>;

/// Every kept list entry as (article, related article, score), in order.
fn lists(conn: &rusqlite::Connection) -> Rows {
    let mut stmt = conn
        .prepare(
            "SELECT a.slug, b.slug, r.score FROM related r
             JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.related_id
             ORDER BY a.slug, r.score DESC, r.published_at DESC, r.related_id DESC",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The lists as ranking the whole archive from scratch makes them (nothing is kept).
fn ranked_from_scratch(site: &Site) -> Rows {
    let conn = dispatches::db::open_writable(&site.archive()).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    dispatches::db::related::rank_all(&conn).unwrap();
    let rows = lists(&conn);
    conn.execute_batch("ROLLBACK").unwrap();
    rows
}

/// The articles whose lists differ between `a` and `b`.
fn changed_lists(a: &Rows, b: &Rows) -> std::collections::BTreeSet<String> {
    let of = |rows: &Rows, slug: &str| -> Rows {
        rows.iter().filter(|r| r.0 == slug).cloned().collect()
    };
    a.iter()
        .chain(b)
        .map(|r| r.0.clone())
        .filter(|slug| of(a, slug) != of(b, slug))
        .collect()
}

#[test]
fn ranking_the_whole_archive_agrees_with_ranking_each_article() {
    let site = tagged_site();
    let conn = dispatches::db::open_writable(&site.archive()).unwrap();
    let whole = lists(&conn);
    assert!(whole.len() > 100, "{} entries", whole.len());
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM articles")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for id in ids {
        dispatches::db::related::rank_one(&conn, id).unwrap();
    }
    assert_eq!(lists(&conn), whole);
}

#[test]
fn publishing_one_article_changes_exactly_the_lists_it_should() {
    let site = tagged_site();
    let before = lists(&site.conn());
    site.file("new.md", tagged("New", 25, "letters", &["ant", "bee"]));
    assert_eq!(site.publish().new, 1);
    let after = lists(&site.conn());
    // Kept up to date one article at a time, the lists are what ranking everything
    // again would make: every list it entered changed, and no other.
    assert_eq!(after, ranked_from_scratch(&site));
    let changed = changed_lists(&before, &after);
    assert!(changed.contains("new"));
    assert!(changed.len() > 3 && changed.len() < 31, "{changed:?}");
    for slug in &changed {
        let entered = after.iter().any(|r| &r.0 == slug && r.1 == "new");
        assert!(slug == "new" || entered, "{slug}'s list changed without it");
    }
}

#[test]
fn a_changed_tag_or_date_re_ranks_the_lists_it_left_and_entered() {
    let site = tagged_site();
    site.file("p04.md", tagged("P4", 28, "technical", &["cod", "elk"]));
    site.publish();
    assert_eq!(lists(&site.conn()), ranked_from_scratch(&site));
    site.file("p07.md", tagged("P7", 1, "letters", &["ant"]));
    site.publish();
    assert_eq!(lists(&site.conn()), ranked_from_scratch(&site));
}

#[test]
fn an_edit_of_the_text_alone_re_ranks_nothing() {
    let site = tagged_site();
    let before = lists(&site.conn());
    let text = site.read("p05.md").replace("Words.", "Other words.");
    site.file("p05.md", text);
    assert_eq!(site.publish().updated, 1);
    assert_eq!(lists(&site.conn()), before);
}

#[test]
fn a_deleted_article_disappears_from_every_related_list() {
    let site = tagged_site();
    assert!(lists(&site.conn()).iter().any(|r| r.1 == "p03"));
    site.remove("p03.md");
    let r = site.publish_with(Options {
        prune: true,
        ..Options::default()
    });
    assert_eq!(r.removed, 1);
    let after = lists(&site.conn());
    assert!(!after.iter().any(|r| r.0 == "p03" || r.1 == "p03"));
    // Its place in each list went to the next best, as a fresh ranking has it.
    assert_eq!(after, ranked_from_scratch(&site));
}

#[test]
fn a_draft_takes_no_place_in_any_list() {
    let site = tagged_site();
    let text = site
        .read("p06.md")
        .replace("---\nWords", "draft: true\n---\nWords");
    site.file("p06.md", text);
    site.publish();
    let after = lists(&site.conn());
    assert!(!after.iter().any(|r| r.0 == "p06" || r.1 == "p06"));
    assert_eq!(after, ranked_from_scratch(&site));
}
