//! `dispatches import` through the real binary: a WordPress export (WXR) or a Ghost
//! export becomes Markdown files that `publish` takes with no failure, whose pages show
//! nothing of WordPress's syntax, whose old addresses answer 301; a second import
//! changes nothing, and hostile exports are refused or contained.

use std::path::{Path, PathBuf};

use crate::common::*;
use axum::http::StatusCode;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
}

/// `dispatches import EXPORT --into CONTENT EXTRA…`.
fn import(site: &Site, export: &Path, extra: &[&str]) -> Run {
    let content = site.content().to_str().unwrap();
    let mut args = vec!["import", export.to_str().unwrap(), "--into", content];
    args.extend_from_slice(extra);
    site.bin(&args)
}

/// A site whose content folder holds the WXR fixture, imported and published.
fn imported_wordpress() -> (Site, Run) {
    let site = Site::new();
    let run = import(&site, &fixture("wordpress.xml"), &[]);
    (site, run)
}

/// A WXR 1.1 export around `items`.
fn wxr(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:excerpt=\"http://wordpress.org/export/1.1/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.1/\">\n<channel>\n<title>T</title>\n\
         <wp:wxr_version>1.1</wp:wxr_version>\n\
         <wp:base_blog_url>https://old.example</wp:base_blog_url>\n{items}</channel>\n</rss>\n"
    )
}

fn item(id: u32, slug: &str, title: &str, body: &str) -> String {
    format!(
        "<item><title>{title}</title><link>https://old.example/{slug}/</link>\
         <dc:creator>ed</dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>\
         <excerpt:encoded></excerpt:encoded><wp:post_id>{id}</wp:post_id>\
         <wp:post_date>2026-01-0{d} 10:00:00</wp:post_date>\
         <wp:post_date_gmt>2026-01-0{d} 09:00:00</wp:post_date_gmt>\
         <wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>\
         <wp:post_type>post</wp:post_type></item>\n",
        d = id % 9 + 1
    )
}

fn write_export(site: &Site, text: &str) -> PathBuf {
    let path = site.root().join("export.xml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The page at `uri`, following one redirect (a page may live under another path).
async fn page(site: &Site, uri: &str) -> Page {
    let p = site.get(uri).await;
    if p.status.is_redirection() {
        let to = p.header("location").to_string();
        return site.get(&to).await;
    }
    p
}

#[test]
fn a_wordpress_export_becomes_posts_pages_and_projects_that_publish_cleanly() {
    let (site, run) = imported_wordpress();
    run.success();
    assert_eq!(
        run.stdout.trim(),
        "imported 3 posts, 1 page, 1 project; 0 unchanged; 4 skipped \
         (2 attachment (listed in media/ATTACHMENTS.txt), 1 in the trash, 1 menu item)"
    );
    for file in [
        "spring-tides.md",
        "pages/tide-tables.md",
        "work/slipway.md",
        "authors/ines.md",
        "streams/tides.md",
    ] {
        assert!(site.path(file).is_file(), "{file} written");
    }
    assert!(site.read("pages/tide-tables.md").contains("type: page"));
    let project = site.read("work/slipway.md");
    assert!(project.contains("type: project"), "{project}");
    assert!(
        project.contains("summary: \"New stone on the old slipway.\""),
        "{project}"
    );
    assert!(
        project.contains("image: \"https://harbour.example/wp-content/uploads/2025/11/slip.jpg\"")
    );
    assert!(project.contains("tags: [\"Stone\"]"), "{project}");
    assert!(
        !project.contains("categories"),
        "a project's types are not streams"
    );
    assert!(
        site.read("authors/ines.md")
            .contains("name: \"Inês Albuquerque\"")
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    assert_eq!(report.new, 5);
}

#[test]
fn front_matter_carries_title_date_author_stream_tags_and_dek() {
    let (site, _) = imported_wordpress();
    let post = site.read("spring-tides.md");
    for line in [
        "title: \"Spring tides at the north pier\"",
        "date: 2026-03-03T09:30:00Z",
        "slug: \"spring-tides\"",
        "author: \"ines\"",
        "stream: \"tides\"",
        "categories: [\"Tides & Currents\"]",
        "tags: [\"Boats\"]",
        "dek: \"Two floods in a week, and what they left behind.\"",
    ] {
        assert!(post.lines().any(|l| l == line), "{line} in\n{post}");
    }
    site.publish();
    let (author, stream): (String, String) = site
        .conn()
        .query_row(
            "SELECT author_name, stream_name FROM articles WHERE slug = 'spring-tides'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (author.as_str(), stream.as_str()),
        ("Inês Albuquerque", "Tides & Currents")
    );
}

#[test]
fn drafts_stay_drafts_a_future_post_waits_and_trash_is_skipped_with_a_reason() {
    let (site, run) = imported_wordpress();
    assert!(
        run.stderr
            .contains("skipped post 15 \"A post thrown away\": in the trash"),
        "{}",
        run.stderr
    );
    let draft = site.read("notes-on-a-new-mooring.md");
    assert!(draft.contains("draft: true"), "{draft}");
    // No GMT date for a draft: its local date, read in the site's zone.
    assert!(draft.contains("date: 2026-03-05T18:00:00\n"), "{draft}");
    site.publish();
    let drafts: i64 = site.one("SELECT count(*) FROM articles WHERE draft = 1");
    let scheduled: String =
        site.one("SELECT slug FROM articles WHERE published_at > unixepoch() AND draft = 0");
    assert_eq!((drafts, scheduled.as_str()), (1, "autumn-regatta"));
}

#[tokio::test]
async fn shortcodes_and_block_comments_never_reach_a_page() {
    let (site, run) = imported_wordpress();
    assert!(
        run.stderr.contains("shortcode [newsletter_signup] removed"),
        "a removed shortcode is named: {}",
        run.stderr
    );
    site.publish();
    let post = page(&site, "/dispatches/spring-tides").await;
    assert_eq!(post.status, StatusCode::OK);
    assert!(
        post.body
            .contains("<figcaption>The north pier at high water</figcaption>"),
        "{}",
        post.body
    );
    assert!(
        post.body.contains("wp-content/uploads/2025/11/slip.jpg"),
        "the gallery's images"
    );
    assert!(
        post.body
            .contains("href=\"https://video.example/watch/tide-cam\""),
        "the embed"
    );
    assert!(post.body.contains("gulls.mp3"), "the audio");
    let pre = post
        .body
        .find("<pre")
        .expect("the <pre> stays a code block");
    assert!(post.body[pre..].contains("18:41"), "{}", post.body);
    let page_body = page(&site, "/dispatches/tide-tables").await.body;
    assert!(
        page_body.contains("colspan=\"2\""),
        "a table with merged cells stays a table"
    );
    for body in [&post.body, &page_body] {
        for leak in [
            "[caption",
            "[gallery",
            "[embed",
            "[audio",
            "[newsletter",
            "wp:",
            "[/",
        ] {
            assert!(!body.contains(leak), "{leak} on a page");
        }
    }
}

#[tokio::test]
async fn old_wordpress_addresses_answer_301() {
    let (site, _) = imported_wordpress();
    site.publish();
    let old = site.get("/2026/03/spring-tides/").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert!(
        old.header("location").ends_with("spring-tides"),
        "{}",
        old.header("location")
    );
    // `?p=ID` and `?page_id=ID` are written for the router to match with their query.
    let queries: i64 = site.one(
        "SELECT count(*) FROM aliases WHERE path IN ('/?p=12', '/?p=13', '/?p=14', '/?page_id=20', '/?p=30')",
    );
    assert_eq!(queries, 5);
}

#[test]
fn the_attachments_are_listed_with_the_posts_that_use_them() {
    let (site, _) = imported_wordpress();
    let manifest = site.read("media/ATTACHMENTS.txt");
    assert!(
        manifest.contains(
            "https://harbour.example/wp-content/uploads/2026/03/pier.jpg\tspring-tides\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains(
            "https://harbour.example/wp-content/uploads/2025/11/slip.jpg\tspring-tides, slipway\n"
        ),
        "{manifest}"
    );
    assert!(site.publish().failed.is_empty());
}

#[test]
fn importing_twice_changes_nothing() {
    let (site, _) = imported_wordpress();
    let before = site.read("spring-tides.md");
    let again = import(&site, &fixture("wordpress.xml"), &[]);
    again.success();
    assert!(
        again
            .stdout
            .starts_with("imported 0 posts, 0 pages, 0 projects; 5 unchanged;"),
        "{}",
        again.stdout
    );
    assert_eq!(site.read("spring-tides.md"), before);
}

#[test]
fn a_file_that_differs_is_kept_unless_forced() {
    let (site, _) = imported_wordpress();
    site.file(
        "spring-tides.md",
        "---\ntitle: Mine\n---\nEdited by hand.\n",
    );
    let run = import(&site, &fixture("wordpress.xml"), &[]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("spring-tides.md") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 failed"), "{}", run.stdout);
    assert!(site.read("spring-tides.md").contains("Edited by hand."));
    let forced = import(&site, &fixture("wordpress.xml"), &["--force"]);
    forced.success();
    assert!(
        forced
            .stdout
            .starts_with("imported 1 post, 0 pages, 0 projects; 4 unchanged;"),
        "{}",
        forced.stdout
    );
    assert!(!site.read("spring-tides.md").contains("Edited by hand."));
}

#[test]
fn malformed_xml_is_refused_with_its_line_and_writes_nothing() {
    let site = Site::new();
    let text = wxr(&item(1, "a", "A", "x"))
        .replace("</channel>", "<item><title>B</titel></item></channel>");
    let run = import(&site, &write_export(&site, &text), &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("export.xml:") && run.stderr.contains("malformed XML"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(site.content()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn a_file_that_is_neither_export_is_refused() {
    let site = Site::new();
    let path = site.root().join("notes.md");
    std::fs::write(&path, "# Not an export\n").unwrap();
    let run = import(&site, &path, &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("not a WordPress export"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new();
    assert_eq!(site.bin(&["import", "x.xml"]).code(), Some(2), "no --into");
    let file = site.root().join("file");
    std::fs::write(&file, "").unwrap();
    let run = site.bin(&["import", "x.xml", "--into", file.to_str().unwrap()]);
    assert_eq!(run.code(), Some(2), "--into a file: {}", run.stderr);
}

#[test]
fn an_entity_expansion_bomb_is_not_expanded() {
    let site = Site::new();
    let mut dtd = String::from("<!DOCTYPE rss [\n<!ENTITY a0 \"lol\">\n");
    for i in 1..=12 {
        let prev = format!("&a{};", i - 1);
        dtd.push_str(&format!("<!ENTITY a{i} \"{}\">\n", prev.repeat(10)));
    }
    dtd.push_str("]>\n");
    let text =
        wxr(&item(1, "bomb", "Laughs &a12;", "x")).replacen("<rss", &format!("{dtd}<rss"), 1);
    let run = import(&site, &write_export(&site, &text), &[]);
    run.success();
    let post = site.read("bomb.md");
    assert!(post.len() < 1_000 && !post.contains("lol"), "{post}");
    assert!(
        run.stderr.contains("&a12;"),
        "the unexpanded entity is named: {}",
        run.stderr
    );
}

#[test]
fn a_field_past_the_limit_fails_its_item_not_the_import() {
    let site = Site::new();
    let huge = "word ".repeat((16 << 20) / 5 + 10);
    let items = item(1, "huge", "Huge", &huge) + &item(2, "small", "Small", "fine");
    let run = import(&site, &write_export(&site, &wxr(&items)), &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("post 1") && run.stderr.contains("16 MiB"),
        "{}",
        run.stderr
    );
    assert!(site.path("small.md").is_file() && !site.path("huge.md").exists());
}

#[test]
fn bytes_that_are_not_utf8_are_replaced_not_a_refusal() {
    let site = Site::new();
    let mut text = wxr(&item(1, "latin", "Cafe", "caf\u{e9} au lait")).into_bytes();
    // The same words written in Latin-1 (é as one byte), as an old plugin might have.
    let at = text
        .windows(6)
        .position(|w| w == "caf\u{e9} ".as_bytes())
        .unwrap();
    text.splice(at + 3..at + 5, [0xE9u8]);
    let path = site.root().join("export.xml");
    std::fs::write(&path, text).unwrap();
    let run = import(&site, &path, &[]);
    run.success();
    assert!(
        run.stderr.contains("1 bytes that are not UTF-8"),
        "{}",
        run.stderr
    );
    let post = site.read("latin.md");
    assert!(post.contains("caf\u{FFFD} au lait"), "{post}");
    assert!(site.publish().failed.is_empty());
}

#[test]
fn a_slug_that_climbs_out_of_the_folder_stays_inside_it() {
    let site = Site::new();
    let items =
        item(1, "../../../escaped", "Climb", "x") + &item(2, "%2e%2e%2fescaped2", "Climb 2", "y");
    let run = import(&site, &write_export(&site, &wxr(&items)), &[]);
    run.success();
    assert!(site.path("escaped.md").is_file() && site.path("escaped2.md").is_file());
    assert!(!site.root().join("escaped.md").exists());
    assert!(site.publish().failed.is_empty());
}

#[test]
fn two_items_with_one_slug_are_both_written() {
    let site = Site::new();
    let items = item(1, "twin", "First", "one") + &item(2, "twin", "Second", "two");
    let run = import(&site, &write_export(&site, &wxr(&items)), &[]);
    run.success();
    assert!(site.read("twin.md").contains("one") && site.read("twin-2.md").contains("two"));
    assert!(run.stderr.contains("twin-2"), "{}", run.stderr);
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    assert_eq!(report.new, 2);
}

#[tokio::test]
async fn a_ghost_export_becomes_posts_and_pages_that_publish_cleanly() {
    let site = Site::new();
    let run = import(&site, &fixture("ghost.json"), &[]);
    run.success();
    assert_eq!(
        run.stdout.trim(),
        "imported 4 posts, 1 page, 0 projects; 0 unchanged; 1 skipped (1 sent by email only, never on the site)"
    );
    let post = site.read("lanterns-on-the-quay.md");
    for line in [
        "date: 2026-03-03T09:30:00Z",
        "author: \"rui\"",
        "tags: [\"Lights\"]",
        "dek: \"Lamps, a quay, an evening.\"",
    ] {
        assert!(post.lines().any(|l| l == line), "{line} in\n{post}");
    }
    assert!(
        !post.contains("__GHOST_URL__") && !post.contains("#hidden"),
        "{post}"
    );
    assert!(site.read("pages/about.md").contains("type: page"));
    assert!(
        site.read("ropes.md")
            .contains("```text\nbowline = loop + hitch\n```"),
        "lexical rendered"
    );
    assert!(
        site.read("winter-timetable.md")
            .contains("[Ferry winter times](https://ferry.example/winter)"),
        "mobiledoc rendered"
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    let page = site.get("/dispatches/lanterns-on-the-quay").await;
    assert!(
        page.body
            .contains("<figcaption>Evening on the quay</figcaption>"),
        "{}",
        page.body
    );
    let old = site.get("/lanterns-on-the-quay/").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    let scheduled: String =
        site.one("SELECT slug FROM articles WHERE published_at > unixepoch() AND draft = 0");
    assert_eq!(scheduled, "winter-timetable");
}

#[test]
fn a_ghost_post_for_members_only_is_imported_as_a_draft() {
    let site = Site::new();
    let run = import(&site, &fixture("ghost.json"), &[]);
    assert!(
        run.stderr.contains("\"For members\": only for members"),
        "{}",
        run.stderr
    );
    assert!(site.read("for-members.md").contains("draft: true"));
    site.publish();
    let drafts = column(
        &site,
        "SELECT slug FROM articles WHERE draft = 1 ORDER BY slug",
    );
    assert_eq!(drafts, ["for-members", "ropes"]);
}

#[test]
fn a_ghost_export_that_is_not_json_says_where() {
    let site = Site::new();
    let path = site.root().join("ghost.json");
    std::fs::write(&path, "{\n  \"db\": [\n    {,}\n").unwrap();
    let run = import(&site, &path, &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("ghost.json:3: not valid JSON"),
        "{}",
        run.stderr
    );
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_wordpress_demo_export_imports_and_publishes_cleanly() {
    let export = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/wordpress-modern-demo/export/demo-content.xml");
    let site = Site::new();
    let run = import(&site, &export, &[]);
    run.success();
    assert!(
        run.stdout
            .starts_with("imported 16 posts, 4 pages, 9 projects; 0 unchanged;"),
        "{}",
        run.stdout
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    assert_eq!(report.new, 29);
    let again = import(&site, &export, &[]);
    assert!(
        again
            .stdout
            .starts_with("imported 0 posts, 0 pages, 0 projects; 29 unchanged;"),
        "{}",
        again.stdout
    );
    let slugs = column(
        &site,
        "SELECT slug FROM articles WHERE draft = 0 AND published_at <= unixepoch()",
    );
    let aliases = column(&site, "SELECT path FROM aliases WHERE path NOT LIKE '%?%'");
    assert_eq!((slugs.len(), aliases.len()), (29, 28));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        for slug in &slugs {
            let p = page(&site, &format!("/dispatches/{slug}")).await;
            assert_eq!(p.status, StatusCode::OK, "{slug}");
            for leak in [
                "[gallery",
                "[caption",
                "[playlist",
                "[audio",
                "[video",
                "[contact-",
                "[embed",
                "[/",
                "wp:",
                "&lt;!--",
            ] {
                assert!(!p.body.contains(leak), "{leak} on /dispatches/{slug}");
            }
        }
        for alias in &aliases {
            let old = site.get(alias).await;
            assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY, "{alias}");
        }
    });
}

fn column(site: &Site, sql: &str) -> Vec<String> {
    site.conn()
        .prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
