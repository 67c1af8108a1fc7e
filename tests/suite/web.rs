//! The site a reader sees: the fixture site published, then every kind of page asked for
//! through the whole router.

use crate::common::*;
use axum::http::{StatusCode, header};
use dispatches::config::Config;
use dispatches::web::AppState;

#[tokio::test]
async fn every_page_answers_with_its_content() {
    let site = Site::fixture();
    let cases: &[(&str, &str)] = &[
        ("/", "WAL explained"),
        ("/dispatches/wal", "Why readers never wait"),
        ("/streams/technical", "Technical Dispatch"),
        ("/tags/sqlite", "An older piece"),
        ("/authors/vera", "Writes about databases."),
        ("/archive", "May"),
        ("/search?q=readers", "<mark>readers</mark>"),
    ];
    for (uri, needle) in cases {
        let page = site.get(uri).await;
        let body = &page.body;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.content_type().starts_with("text/html"), "{uri}");
        assert!(body.contains(needle), "{uri} should contain {needle:?}");
        assert!(
            body.starts_with("<!doctype html>") && body.contains("<html lang=\"en\">"),
            "{uri}"
        );
        assert_eq!(body.matches("<h1").count(), 1, "{uri} has one h1");
    }
}

#[tokio::test]
async fn the_article_page_has_its_anatomy() {
    let site = Site::fixture();
    let body = site.get("/dispatches/wal").await.body;
    for part in [
        "← All dispatches",
        "Technical Dispatch",
        "1 min read",
        "12 May 2026",
        "<h1 class=\"p-name\">WAL explained</h1>",
        "href=\"/tags/sqlite\"",
        "<span class=\"k\">fn</span>",
        "Sources",
        "https://sqlite.org/wal.html",
        "Written by <span class=\"p-name\">Vera</span>",
        "More from Vera →",
        "Previous",
        "Related dispatches",
    ] {
        assert!(body.contains(part), "article page lacks {part:?}");
    }
}

#[tokio::test]
async fn drafts_and_scheduled_posts_never_show() {
    let site = Site::fixture();
    for uri in [
        "/",
        "/tags/sqlite",
        "/streams/technical",
        "/archive",
        "/search?q=body",
        "/search.json?q=words",
        "/dispatches/wal",
        "/dispatches/older",
    ] {
        let body = site.get(uri).await.body;
        assert!(
            !body.contains("Scheduled for later") && !body.contains("Future body"),
            "{uri} shows the scheduled post"
        );
        assert!(!body.contains("Draft body"), "{uri} shows the draft's text");
    }
    assert_eq!(
        site.get("/dispatches/draft").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get("/dispatches/future").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_drafts_title_shows_only_as_now_writing() {
    let site = Site::fixture();
    let body = site.get("/").await.body;
    assert!(body.contains("Now writing — Secret draft title"));
}

#[tokio::test]
async fn the_masthead_counts_only_streams_with_published_articles() {
    let site = Site::new();
    for (stream, date, draft) in [
        ("live", "2026-01-02", false),
        ("drafts", "2026-01-02", true),
        ("later", "2099-01-01", false),
    ] {
        site.file(&format!("streams/{stream}.md"), format!("---\nname: {stream}\n---\n"))
            .file(
                &format!("{stream}.md"),
                format!("---\ntitle: In {stream}\ndate: {date}\nstream: {stream}\ndraft: {draft}\ntags: [t]\n---\nWords.\n"),
            );
    }
    site.publish();
    // The home page counts from its stream list; the others ask the archive for the count.
    for uri in [
        "/",
        "/dispatches/live",
        "/tags/t",
        "/search?q=words",
        "/archive",
    ] {
        let body = site.get(uri).await.body;
        assert!(body.contains("· 1 stream<"), "{uri}: {body}");
    }
}

#[tokio::test]
async fn hostile_titles_and_tags_are_escaped() {
    let site = Site::fixture();
    for uri in [
        "/",
        "/dispatches/hostile",
        "/archive",
        "/search?q=alert",
        "/search?q=%3C%2Ftitle%3E%3Cscript%3E",
    ] {
        let page = site.get(uri).await;
        let body = &page.body;
        assert!(page.status.is_success(), "{uri}: {}", page.status);
        // Only our own script file and the article's JSON-LD data block may appear.
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..body[i..].find('>').map_or(body.len(), |j| i + j + 1)];
            assert!(
                tag == r#"<script type="application/ld+json">"#
                    || tag.starts_with(r#"<script type="module" src="/static/"#),
                "{uri} contains a foreign script tag: {tag}"
            );
        }
        assert!(
            !body.contains("alert(1)</script>"),
            "{uri} echoes the hostile title"
        );
    }
    let body = site.get("/dispatches/hostile").await.body;
    assert!(
        body.contains("<h1 class=\"p-name\">&#60;/title&#62;&#60;script&#62;alert(1)"),
        "{}",
        &body[body.find("<h1").unwrap()..][..200]
    );
}

#[tokio::test]
async fn an_unknown_page_is_a_404_that_helps() {
    let site = Site::fixture();
    let page = site.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.body.contains("role=\"search\"") && page.body.contains("WAL explained"),
        "a 404 that helps"
    );
}

#[tokio::test]
async fn an_alias_and_a_redirect_stub_answer_301() {
    let site = Site::fixture();
    let page = site.get("/2019/old-wal.html").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(page.headers[header::LOCATION], "/dispatches/wal");
    let page = site.get("/dispatches/moved").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(page.headers[header::LOCATION], "/dispatches/wal");
}

#[tokio::test]
async fn unknown_tags_streams_and_pages_past_the_end_are_404() {
    let site = Site::fixture();
    assert_eq!(site.get("/tags/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        site.get("/streams/nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(site.get("/?page=99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(site.get("/?page=banana").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_search_without_a_word_is_a_400_that_says_what_to_do() {
    let site = Site::fixture();
    let page = site.get("/search?q=-only").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Add a word"));
}

#[tokio::test]
async fn search_answers_json_too() {
    let site = Site::fixture();
    let page = site.get("/search.json?q=wal").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(json["hits"][0]["slug"], "wal");
}

#[tokio::test]
async fn the_health_check_answers() {
    let site = Site::fixture();
    assert_eq!(site.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn static_assets_are_fingerprinted_and_immutable() {
    let site = Site::fixture();
    let body = site.get("/").await.body;
    let start = body.find("/static/style.").unwrap();
    let href = &body[start..start + body[start..].find('"').unwrap()];
    let css = site.get(href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.body.contains("prefers-color-scheme: dark") && css.body.contains("pre.code .k{"));
    // The script is a module graph: every import, followed from the entry, is served
    // under its fingerprinted name, as a script, and immutable too.
    let start = body.find("/static/search.").unwrap();
    let mut todo = vec![body[start..start + body[start..].find('"').unwrap()].to_string()];
    let mut seen = 0;
    while let Some(src) = todo.pop() {
        let js = site.get(&src).await;
        assert_eq!(js.status, StatusCode::OK, "{src}");
        assert!(
            js.header("content-type").starts_with("text/javascript"),
            "{src}"
        );
        assert!(js.header("cache-control").contains("immutable"), "{src}");
        for (i, _) in js.body.match_indices(" from './") {
            let rest = &js.body[i + " from './".len()..];
            todo.push(format!("/static/{}", &rest[..rest.find('\'').unwrap()]));
        }
        seen += 1;
    }
    assert!(seen >= 5, "{seen} modules reached from the entry");
    assert_eq!(
        site.get("/static/style.css").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn no_path_reaches_outside_the_archive() {
    let site = Site::fixture();
    assert_eq!(
        site.get("/static/..%2f..%2fCargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get("/files/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let site = Site::fixture();
    for uri in ["/", "/dispatches/wal", "/nope"] {
        let get_status = site.get(uri).await.status;
        let head = site.head(uri).await;
        assert_eq!(head.status, get_status, "{uri}");
        assert!(head.bytes.is_empty(), "{uri}: HEAD has no body");
    }
}

/// The fixture with `older.md` renamed to `oldest.md`, `wal` given the slug
/// `wal-explained`, and `hostile.md` deleted, published again (pruning).
async fn moved_and_removed() -> Site {
    let site = Site::fixture();
    // Ask first, so the server has cached the old pages.
    for uri in [
        "/",
        "/dispatches/older",
        "/dispatches/wal",
        "/dispatches/hostile",
    ] {
        assert_eq!(site.get(uri).await.status, StatusCode::OK, "{uri}");
    }
    // Renaming the file (the slug comes from it) moves the article.
    site.rename("older.md", "oldest.md");
    // Changing `slug` in front matter moves it too.
    let wal = site.read("wal.md");
    site.file(
        "wal.md",
        wal.replacen(
            "title: WAL explained",
            "title: WAL explained\nslug: wal-explained",
            1,
        ),
    )
    .remove("hostile.md")
    .republish();
    site
}

#[tokio::test]
async fn a_moved_article_answers_301_at_its_old_address() {
    let site = moved_and_removed().await;
    for (old, new) in [
        ("/dispatches/older", "/dispatches/oldest"),
        ("/dispatches/wal", "/dispatches/wal-explained"),
    ] {
        let page = site.get(old).await;
        assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(page.headers.get(header::LOCATION).unwrap(), new);
        assert_eq!(site.get(new).await.status, StatusCode::OK, "{new}");
    }
    // The old alias follows the article to its new slug.
    let page = site.get("/2019/old-wal.html").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        page.headers.get(header::LOCATION).unwrap(),
        "/dispatches/wal-explained"
    );
    // Each moved article is listed once, under its new slug only.
    let home = site.get("/").await.body;
    assert_eq!(home.matches("href=\"/dispatches/oldest\"").count(), 1);
    assert!(!home.contains("href=\"/dispatches/older\""));
}

#[tokio::test]
async fn a_deleted_article_answers_410() {
    let site = moved_and_removed().await;
    let page = site.get("/dispatches/hostile").await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("was removed"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"));
}

#[tokio::test]
async fn a_new_article_may_take_a_slug_that_was_gone() {
    let site = moved_and_removed().await;
    site.file(
        "hostile.md",
        "---\ntitle: Back again\ndate: 2026-02-01\n---\nNew text.\n",
    )
    .republish();
    assert_eq!(site.get("/dispatches/hostile").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_tag_has_one_page_whatever_the_spelling() {
    let site = Site::fixture();
    let page = site.get("/tags/SQLite?page=2").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        page.headers.get(header::LOCATION).unwrap(),
        "/tags/sqlite?page=2"
    );
    assert_eq!(site.get("/tags/sqlite").await.status, StatusCode::OK);
    assert_eq!(
        site.get("/tags/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A replica written by another program (Litestream's follow mode does not move SQLite's
/// change counter) is noticed by its files' size and time.
#[test]
fn a_replica_notices_writes_behind_sqlites_back() {
    let site = Site::fixture();
    let state = AppState::replica(&site.archive(), Config::default()).unwrap();
    let before = db::generation(&state);
    assert_eq!(db::generation(&state), before);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(site.archive())
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(file);
    assert_ne!(db::generation(&state), before);
}

/// Five articles in two streams: `p1` and `p2` share a tag, `p3` to `p5` another.
fn two_families() -> Site {
    let site = Site::new();
    for (i, stream, tag) in [
        (1, "letters", "q"),
        (2, "letters", "q"),
        (3, "technical", "z"),
        (4, "technical", "z"),
        (5, "technical", "z"),
    ] {
        site.file(
            &format!("p{i}.md"),
            format!(
                "---\ntitle: P{i}\ndate: 2026-03-0{i}\nstream: {stream}\ntags: [{tag}]\n---\nText {i}.\n"
            ),
        );
    }
    site.publish();
    site
}

#[tokio::test]
async fn a_publish_drops_the_article_pages_it_changed_and_keeps_the_rest() {
    let site = two_families();
    for slug in ["p1", "p2", "p4"] {
        site.get(&format!("/dispatches/{slug}")).await;
    }
    // One publish: p1's text changes and a draft starts (shown as "Now writing").
    site.file(
        "p1.md",
        site.read("p1.md").replace("Text 1.", "Revised text."),
    )
    .file(
        "d.md",
        "---\ntitle: Secret plan\ndate: 2026-03-09\ndraft: true\n---\nSoon.\n",
    )
    .publish();
    // The edit is visible at once, and so is the page that links to it (p2: its
    // neighbour and its related article), both rendered again.
    let p1 = site.get("/dispatches/p1").await.body;
    assert!(p1.contains("Revised text.") && p1.contains("Now writing"));
    assert!(
        site.get("/dispatches/p2")
            .await
            .body
            .contains("Now writing")
    );
    // p4 shows nothing p1's publish changed: kept, with its chrome as it was.
    let p4 = site.get("/dispatches/p4").await.body;
    assert!(
        p4.contains("Text 4.") && !p4.contains("Now writing"),
        "{p4}"
    );
    // Other pages follow every publish.
    assert!(site.get("/").await.body.contains("Now writing"));
}

#[tokio::test]
async fn a_deleted_article_is_not_served_from_the_cache() {
    let site = two_families();
    assert_eq!(site.get("/dispatches/p4").await.status, StatusCode::OK);
    for slug in ["p3", "p5"] {
        let body = site.get(&format!("/dispatches/{slug}")).await.body;
        assert!(
            body.contains("/dispatches/p4\""),
            "{slug} does not link to p4"
        );
    }
    site.remove("p4.md");
    site.publish_with(dispatches::publish::Options {
        prune: true,
        ..Default::default()
    });
    assert_eq!(site.get("/dispatches/p4").await.status, StatusCode::GONE);
    // Its neighbours and its family no longer show it.
    for slug in ["p3", "p5"] {
        let body = site.get(&format!("/dispatches/{slug}")).await.body;
        assert!(
            !body.contains("/dispatches/p4\""),
            "{slug} still links to p4"
        );
    }
}

/// `two_families`, served by a state that writes the pages it renders into the archive.
async fn storing_pages(slugs: &[&str]) -> Site {
    let site = two_families().publishing();
    for slug in slugs {
        site.get(&format!("/dispatches/{slug}")).await;
    }
    for slug in slugs {
        let sql = format!("SELECT count(*) FROM stored_pages WHERE slug = '{slug}'");
        eventually("the page stored", || site.one::<i64>(&sql) == 1).await;
    }
    site
}

fn stored_pages(site: &Site) -> Vec<String> {
    let conn = site.conn();
    let mut stmt = conn
        .prepare("SELECT slug FROM stored_pages ORDER BY slug")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Marks a stored page: only an answer read from the archive carries this validator.
fn mark_stored(site: &Site, slug: &str) {
    rusqlite::Connection::open(site.archive())
        .unwrap()
        .execute(
            "UPDATE stored_pages SET digest = 'fromthearchive' WHERE slug = ?1",
            [slug],
        )
        .unwrap();
}

async fn send(router: axum::Router, uri: &str, headers: &[(&str, &str)]) -> Page {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let mut req = axum::http::Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = router
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Page::new(status, headers, bytes.to_vec())
}

fn etag(page: &Page) -> &str {
    page.headers[header::ETAG].to_str().unwrap()
}

const BROWSER: (&str, &str) = ("accept-encoding", "gzip, deflate, br, zstd");

#[tokio::test]
async fn a_stored_page_is_served_after_a_restart_without_rendering() {
    let site = storing_pages(&["p1"]).await;
    mark_stored(&site, "p1");
    let page = send(site.restarted(), "/dispatches/p1", &[BROWSER]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers[header::CONTENT_ENCODING], "br");
    assert!(etag(&page).contains("fromthearchive"), "{:?}", page.headers);
}

#[tokio::test]
async fn an_edit_deletes_its_stored_page_in_the_publish_and_is_served_at_once() {
    let site = storing_pages(&["p1", "p4"]).await;
    site.file(
        "p1.md",
        site.read("p1.md").replace("Text 1.", "Revised text."),
    )
    .publish();
    // Gone with the publish that changed it; p4, which shows nothing of p1, stays.
    assert_eq!(stored_pages(&site), ["p4"]);
    for router in [site.router(), site.restarted()] {
        let page = send(router, "/dispatches/p1", &[]).await;
        assert!(page.body.contains("Revised text."), "{}", page.body);
    }
}

#[tokio::test]
async fn a_deleted_articles_stored_page_is_gone() {
    let site = storing_pages(&["p4", "p5"]).await;
    site.remove("p4.md");
    site.publish_with(dispatches::publish::Options {
        prune: true,
        ..Default::default()
    });
    assert!(!stored_pages(&site).contains(&"p4".to_string()));
    let page = send(site.restarted(), "/dispatches/p4", &[BROWSER]).await;
    assert_eq!(page.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_chrome_change_is_picked_up_within_the_lag() {
    let site = storing_pages(&["p4"]).await;
    mark_stored(&site, "p4");
    // A draft starts: "Now writing" on every page, and no article page changed.
    site.file(
        "d.md",
        "---\ntitle: Secret plan\ndate: 2026-03-09\ndraft: true\n---\nSoon.\n",
    )
    .publish();
    assert!(stored_pages(&site).contains(&"p4".to_string()));
    // A server that never saw the old chrome does not serve the page rendered with it.
    let page = send(site.restarted(), "/dispatches/p4", &[BROWSER]).await;
    assert!(!etag(&page).contains("fromthearchive"));
    let page = send(site.restarted(), "/dispatches/p4", &[]).await;
    assert!(page.body.contains("Now writing"), "{}", page.body);
}

#[tokio::test]
async fn a_request_without_accept_encoding_gets_the_stored_page_decoded() {
    let site = storing_pages(&["p1"]).await;
    let rendered = site.get("/dispatches/p1").await.body;
    mark_stored(&site, "p1");
    for asked in [&[][..], &[("accept-encoding", "gzip")][..]] {
        let page = send(site.restarted(), "/dispatches/p1", asked).await;
        assert!(etag(&page).contains("fromthearchive"));
        let body = match page.headers.get(header::CONTENT_ENCODING) {
            None => page.body.clone(),
            Some(gzip) => {
                assert_eq!(gzip, "gzip");
                let mut out = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(&page.bytes[..]),
                    &mut out,
                )
                .unwrap();
                out
            }
        };
        assert_eq!(body, rendered);
    }
}

#[tokio::test]
async fn a_new_article_leaves_the_stored_pages_it_does_not_show_on() {
    let site = storing_pages(&["p4"]).await;
    mark_stored(&site, "p4");
    // Newer than every article, in the other family: p4 neither links to it nor lists it.
    site.file(
        "p6.md",
        "---\ntitle: P6\ndate: 2026-03-06\nstream: letters\ntags: [x]\n---\nText 6.\n",
    )
    .publish();
    let page = send(site.restarted(), "/dispatches/p4", &[BROWSER]).await;
    assert!(etag(&page).contains("fromthearchive"), "{:?}", page.headers);
}
