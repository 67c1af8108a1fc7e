//! Previews of what is not out yet: a signed, expiring, revocable link per article, and
//! `serve --drafts`; neither ever lets a draft into lists, feeds, the sitemap or search.

use crate::common::*;
use axum::http::StatusCode;

fn with_draft() -> Site {
    let site = Site::fixture();
    site.bin(&["preview", "--rotate"]).success();
    site
}

/// The path of the link `dispatches preview` prints for `slug`.
fn link(site: &Site, slug: &str, extra: &[&str]) -> String {
    let mut args = vec!["preview", slug];
    args.extend_from_slice(extra);
    let run = site.bin(&args);
    run.success();
    let url = run.stdout.trim().to_string();
    let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
    assert!(path.starts_with("/preview/"), "{url}");
    path
}

#[tokio::test]
async fn a_preview_link_shows_one_draft_to_whoever_has_it() {
    let site = with_draft();
    let path = link(&site, "draft", &[]);
    let page = site.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Secret draft title") && page.body.contains("Draft body words."));
    assert!(page.body.contains("Preview: a draft"), "a visible banner");
    assert_eq!(page.header("x-robots-tag"), "noindex");
    assert!(page.header("cache-control").contains("no-store"));
    assert!(
        page.body
            .contains(r#"<meta name="robots" content="noindex">"#)
    );
    let scheduled = site.get(&link(&site, "future", &[])).await;
    assert!(
        scheduled.body.contains("Preview: scheduled for"),
        "{}",
        scheduled.body
    );
}

#[tokio::test]
async fn a_tampered_expired_or_borrowed_link_shows_nothing() {
    let site = with_draft();
    let path = link(&site, "draft", &[]);
    // The signature's last digit changed (whatever it was).
    let last = if path.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &path[..path.len() - 1]);
    let borrowed = path.replacen("/preview/draft", "/preview/future", 1);
    let expired = link(&site, "draft", &["--hours", "0"]);
    for bad in [
        tampered.as_str(),
        borrowed.as_str(),
        expired.as_str(),
        "/preview/draft",
        "/preview/draft?expires=9999999999&sig=zz",
    ] {
        let page = site.get(bad).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(!page.body.contains("Draft body words."), "{bad}");
    }
}

#[tokio::test]
async fn rotating_the_secret_revokes_every_link() {
    let site = with_draft();
    let path = link(&site, "draft", &[]);
    assert_eq!(site.get(&path).await.status, StatusCode::OK);
    site.bin(&["preview", "--rotate"]).success();
    assert_eq!(site.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_previewed_draft_stays_out_of_every_list() {
    let site = with_draft();
    let path = link(&site, "draft", &[]);
    assert_eq!(site.get(&path).await.status, StatusCode::OK);
    for uri in [
        "/",
        "/tags/sqlite",
        "/feed.xml",
        "/feed.json",
        "/sitemap.xml",
        "/search?q=draft",
        "/archive",
    ] {
        let page = site.get(uri).await;
        // Its title may show as "Now writing"; the draft itself never does.
        assert!(
            !page.body.contains("/dispatches/draft"),
            "{uri} links the draft"
        );
        assert!(
            !page.body.contains("Draft body words."),
            "{uri} shows the draft"
        );
        assert!(
            !page.body.contains("/dispatches/future"),
            "{uri} links the scheduled article"
        );
    }
    assert_eq!(
        site.get("/dispatches/draft").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn serve_drafts_shows_drafts_at_their_address_with_a_banner() {
    let site = Site::fixture().with_config(|c| c.drafts = true);
    let page = site.get("/dispatches/draft").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Preview: a draft"));
    assert!(page.header("cache-control").contains("no-store"));
    let home = site.get("/").await;
    assert!(!home.body.contains("/dispatches/draft"), "still not listed");
}

#[test]
fn preview_of_a_slug_that_does_not_exist_says_so() {
    let site = with_draft();
    let run = site.bin(&["preview", "no-such-slug"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr.contains("no article has the slug"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn development_mode_shows_drafts_too() {
    let site = Site::fixture().with_config(|c| c.dev = true);
    let page = site.get("/dispatches/future").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Preview: scheduled for"),
        "{}",
        page.body
    );
}

#[test]
fn a_preview_link_lasts_at_most_a_year() {
    let site = with_draft();
    let run = site.bin(&["preview", "draft", "--hours", "999999999"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("8760"), "{}", run.stderr);
    site.bin(&["preview", "draft", "--hours", "8760"]).success();
}
