//! What a post asks to be, honoured or refused (never published as something else), and
//! what each scope lets a token do.

use crate::common;

use crate::common::micropub::*;
use axum::http::StatusCode;
use serde_json::json;

/// The Markdown files of the content folder.
fn posts(site: &common::Site) -> usize {
    std::fs::read_dir(site.content())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .count()
}

#[tokio::test]
async fn a_private_post_or_an_unknown_status_is_refused_not_published() {
    let (site, t) = site();
    let before = posts(&site);
    for (body, says) in [
        ("h=entry&name=a&content=x&visibility=private", "public"),
        ("h=entry&name=b&content=x&visibility=unlisted", "public"),
        (
            "h=entry&name=c&content=x&post-status=pending",
            "post-status",
        ),
    ] {
        let p = form(&site, &t, body).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{body}: {}", p.body);
        assert!(p.body.contains(says), "{}", p.body);
    }
    assert_eq!(posts(&site), before, "no file was written");
    let p = form(&site, &t, "h=entry&name=d&content=x&visibility=public").await;
    created(&site, &p).await;
}

#[tokio::test]
async fn a_published_that_is_not_a_date_is_refused_not_replaced_by_now() {
    let (site, t) = site();
    let p = json_post(
        &site,
        &t,
        json!({"type": ["h-entry"], "properties": {"content": ["x"], "published": [12345]}}),
    )
    .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
    assert!(p.body.contains("published"), "{}", p.body);
    for when in ["12345", "0000-01-01T00:00:00Z", "yesterday"] {
        let p = form(&site, &t, &format!("h=entry&content=x&published={when}")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{when}: {}", p.body);
    }
}

#[tokio::test]
async fn a_media_only_token_cannot_read_a_draft_source() {
    let (site, t) = site();
    let p = form(
        &site,
        &t,
        "h=entry&name=secret&content=Hidden&post-status=draft",
    )
    .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let url = p.header("location").to_string();
    let media = add_token(&site, "uploads", "media");
    let q = format!("q=source&url={}", dispatches::urls::encode(&url));
    let p = query(&site, &media, &q).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.body);
    assert_eq!(p.json()["error"], "insufficient_scope");
    assert!(!p.body.contains("Hidden"));
    let p = query(&site, &t, &q).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
}

#[tokio::test]
async fn a_create_only_token_cannot_upload() {
    let (site, _) = site();
    let create = add_token(&site, "writer", "create");
    let (ct, body) = multipart(&[], &[("file", PNG)]);
    let p = site
        .send(req("POST", "/micropub/media", Some(&create), &ct, body))
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.body);
    assert_eq!(p.json()["error"], "insufficient_scope");
}
