//! What one publish stores: a site of every kind of file, published into a new archive
//! and read back row by row.

use crate::common::*;

/// Every kind of file a site holds: articles in YAML and TOML, one dated by its name, a
/// bundle with an image, an author, a stream, a section index, a redirect stub and a
/// hidden file. Returns the site, published.
fn every_part() -> (Site, dispatches::publish::Report) {
    let site = Site::new();
    site.file("first-post.md", post("First post", "2026-01-02", "Hello *world*.\n\n```rust\nfn main() {}\n```"))
        .file("2026-03-04-dated-by-name.md", "+++\ntitle = \"Dated\"\naliases = [\"/old/dated.html\"]\n+++\nBody.\n")
        .file("bundle/index.md", "---\ntitle: Bundle\ndate: 2026-02-01\nhero: { src: pic.svg, alt: A picture, credit: Me }\n---\n![x](pic.svg)\n")
        .file("bundle/pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .file("authors/vera.md", "---\nname: Vera L.\nbio: Writes.\n---\nLong bio.\n")
        .file("streams/technical.md", "---\nname: Technical Dispatch\ndescription: Code.\n---\n")
        .file("_index.md", "+++\ntitle = \"Section\"\n+++\n")
        .file("old-name.md", "---\nredirect: /blog/first-post\n---\n")
        .file(".hidden.md", "---\ntitle: Hidden\n---\n");
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (site, report)
}

#[test]
fn articles_are_published_and_section_indexes_redirect_stubs_and_hidden_files_are_not() {
    let (site, report) = every_part();
    assert_eq!(report.new, 3, "{report:?}");
    assert_eq!(
        report.skipped.len(),
        2,
        "section index and redirect stub: {:?}",
        report.skipped
    );
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 3);
}

#[test]
fn an_article_carries_its_authors_and_streams_names() {
    let (site, _) = every_part();
    assert_eq!(
        site.one::<String>("SELECT author_name FROM articles WHERE slug = 'first-post'"),
        "Vera L."
    );
    assert_eq!(
        site.one::<String>("SELECT stream_name FROM articles WHERE slug = 'first-post'"),
        "Technical Dispatch"
    );
}

#[test]
fn tags_keep_the_order_they_were_written_in() {
    let (site, _) = every_part();
    assert_eq!(site.one::<String>("SELECT group_concat(tag, ',') FROM article_tags JOIN articles a ON a.id = article_id WHERE slug = 'first-post' ORDER BY position"), "sqlite,wal");
}

#[test]
fn old_addresses_are_kept_as_aliases_and_redirect_stubs() {
    let (site, _) = every_part();
    assert_eq!(site.one::<String>("SELECT a.slug FROM aliases JOIN articles a ON a.id = article_id WHERE path = '/old/dated.html'"), "dated-by-name");
    assert_eq!(
        site.one::<String>("SELECT target FROM redirects WHERE slug = 'old-name'"),
        "/blog/first-post"
    );
}

#[test]
fn files_beside_an_article_are_stored_and_linked_from_it() {
    let (site, _) = every_part();
    assert_eq!(
        site.one::<String>("SELECT content_type FROM files WHERE path = 'bundle/pic.svg'"),
        "image/svg+xml"
    );
    assert!(
        site.one::<String>("SELECT html FROM articles WHERE slug = 'bundle'")
            .contains("/files/bundle/pic.svg")
    );
}

#[test]
fn code_blocks_are_highlighted() {
    let (site, _) = every_part();
    assert!(
        site.one::<String>("SELECT html FROM articles WHERE slug = 'first-post'")
            .contains("<span class=\"k\">fn</span>")
    );
}

#[test]
fn a_date_in_the_file_name_dates_the_article() {
    let (site, _) = every_part();
    assert_eq!(
        site.one::<String>(
            "SELECT date(published_at, 'unixepoch') FROM articles WHERE slug = 'dated-by-name'"
        ),
        "2026-03-04"
    );
}

#[test]
fn markdown_html_text_and_front_matter_are_all_kept() {
    let (site, _) = every_part();
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles WHERE markdown <> '' AND html <> '' AND body_text <> '' AND front_matter_json LIKE '{%'"), 3);
}

#[test]
fn the_full_text_index_agrees_with_the_articles_and_finds_body_text() {
    let (site, _) = every_part();
    db::check_file(&site.archive()).unwrap();
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'world'"),
        1
    );
}

#[test]
fn the_archive_is_in_wal_mode_at_the_current_schema() {
    let (site, _) = every_part();
    assert_eq!(site.one::<String>("PRAGMA journal_mode"), "wal");
    assert_eq!(site.one::<i64>("PRAGMA user_version"), db::schema_version());
}

#[test]
fn a_draft_is_stored_as_a_draft() {
    let site = Site::new();
    site.file(
        "draft.md",
        "---\ntitle: Draft\ndraft: true\ndate: 2026-01-01\n---\n",
    )
    .publish();
    assert_eq!(
        site.one::<i64>("SELECT draft FROM articles WHERE slug = 'draft'"),
        1
    );
}

#[test]
fn a_scheduled_post_is_stored_with_its_future_date() {
    let site = Site::new();
    site.file("future.md", "---\ntitle: Later\ndate: 2099-01-01\n---\n")
        .publish();
    assert!(
        site.one::<i64>("SELECT published_at FROM articles WHERE slug = 'future'") > 4_000_000_000
    );
}

/// Rendering runs on every core, but rows are stored in date order, so a fresh publish
/// of the same files gives every article the same id (and listings the same ties).
#[test]
fn fresh_publishes_store_articles_in_the_same_order() {
    let ids = || {
        let site = Site::new();
        for i in 0..120 {
            // Same date for several, so the order within a day is the path's.
            site.file(
                &format!("p{i:03}.md"),
                post(
                    &format!("Post {i}"),
                    &format!("2026-01-{:02}", 1 + i % 7),
                    "Text.\n\n```rust\nfn main() {}\n```",
                ),
            );
        }
        site.publish();
        let conn = site.conn();
        let ids: Vec<(i64, String)> = conn
            .prepare("SELECT id, slug FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        ids
    };
    let first = ids();
    assert_eq!(first.len(), 120);
    assert_eq!(first, ids());
    // Date order: the seven posts of 1 January come first, by path.
    assert_eq!(first[0].1, "p000");
    assert_eq!(first[1].1, "p007");
}

#[tokio::test]
async fn a_jekyll_post_reads_as_jekyll_read_it() {
    let site = Site::new();
    std::fs::write(
        site.root().join("_config.yml"),
        "repository: someone/site\nbaseurl: /blog\nurl: https://example.org\n",
    )
    .unwrap();
    site.file(
        "_posts/2016-01-01-first.md",
        "---\ntitle: First\n---\nThe first.\n",
    )
    .file(
        "_posts/2023-01-29-second.md",
        "---\ntitle: Second\npublished: true\ndate: 2023-01-29 18:30:22 2023 -0800\npublished: true\n---\n\
         {% raw %}Literally {{ this }}.{% endraw %}\n\n\
         {% highlight ruby linenos %}\nputs \"{{ site.repository }}\"\n{% endhighlight %}\n\n\
         See [the first]({% post_url 2016-01-01-first %}) at {{ site.repository }}, \
         ![logo]({{ \"/logo.png\" | absolute_url }}).\n\n{% include footer.html %}\n",
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert_eq!(r.new, 2);
    let warned = |what: &str| {
        r.warnings
            .iter()
            .any(|w| w.contains("second.md") && w.contains(what))
    };
    assert!(
        warned("given twice") && warned("repeats its year"),
        "{:#?}",
        r.warnings
    );
    assert!(warned("`include`"), "{:#?}", r.warnings);
    let date: String =
        site.one("SELECT datetime(published_at, 'unixepoch') FROM articles WHERE slug = 'second'");
    assert_eq!(date, "2023-01-30 02:30:22");
    let page = site.get("/dispatches/second").await.body;
    assert!(
        page.contains("Literally {{ this }}."),
        "raw stays as written"
    );
    assert!(page.contains("href=\"/dispatches/first\""));
    assert!(page.contains("at someone/site,"));
    assert!(page.contains("https://example.org/blog/logo.png"));
    let code = html::text_of_code(&page);
    assert!(code.contains("puts \"{{ site.repository }}\""), "{code}");
    assert!(!html::text_outside_code(&page).contains("{%"));
}

#[test]
fn links_to_another_articles_file_become_its_url() {
    let site = Site::new();
    site.file(
        "sub/b.md",
        "---\ntitle: B\nslug: custom-b\ndate: 2026-03-01\n---\n## Part\n\nText.\n",
    );
    site.file(
        "a.md",
        "---\ntitle: A\ndate: 2026-03-02\n---\n[one](sub/b.md#part) [two](@/sub/b.md) [three](./missing.md) [four](sub/b.md)\n",
    );
    let report = site.publish();
    assert_eq!(report.new, 2, "{:?}", report.failed);
    let html: String = site.one("SELECT html FROM articles WHERE slug = 'a'");
    assert!(
        html.contains(r#"href="/dispatches/custom-b#part""#),
        "{html}"
    );
    assert!(html.contains(r#"href="/dispatches/custom-b""#), "{html}");
    assert!(
        html.contains(r#"href="/files/missing.md""#),
        "a missing file stays as written: {html}"
    );
}
