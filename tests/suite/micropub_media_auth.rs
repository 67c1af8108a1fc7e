//! Micropub's uploads and tokens, as the micropub.rocks server suite numbers them:
//! multipart creates 300–301, the media endpoint 700–702 and authentication 800–805.

use crate::common::micropub::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn case_300_multipart_photo() {
    let (site, t) = site();
    let (ct, body) = multipart(
        &[("h", "entry"), ("content", "Nice sunset tonight")],
        &[("photo", JPEG)],
    );
    let p = site
        .send(req("POST", "/micropub", Some(&t), &ct, body))
        .await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    let img = page
        .split("/files/media/")
        .nth(1)
        .expect("the photo is on the page");
    let name: String = img.chars().take_while(|c| *c != '"').collect();
    let file = site.get(&format!("/files/media/{name}")).await;
    assert_eq!((file.status, file.bytes.as_slice()), (StatusCode::OK, JPEG));
}

#[tokio::test]
async fn case_301_multipart_two_photos() {
    let (site, t) = site();
    let (ct, body) = multipart(
        &[("h", "entry"), ("content", "Two photos")],
        &[("photo[]", JPEG), ("photo[]", PNG)],
    );
    let p = site
        .send(req("POST", "/micropub", Some(&t), &ct, body))
        .await;
    let path = created(&site, &p).await;
    assert_eq!(
        site.get(&path).await.body.matches("/files/media/").count(),
        2
    );
}

async fn media_case(bytes: &[u8]) {
    let (site, t) = site();
    let (ct, body) = multipart(&[], &[("file", bytes)]);
    let p = site
        .send(req("POST", "/micropub/media", Some(&t), &ct, body))
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let path = p
        .header("location")
        .strip_prefix("http://127.0.0.1:3000")
        .unwrap()
        .to_string();
    let got = site.get(&path).await;
    assert_eq!((got.status, got.bytes.as_slice()), (StatusCode::OK, bytes));
    assert!(
        path.starts_with("/files/media/") && !path.contains("x.bin"),
        "a generated name: {path}"
    );
}

#[tokio::test]
async fn case_700_media_jpg() {
    media_case(JPEG).await;
}

#[tokio::test]
async fn case_701_media_png() {
    media_case(PNG).await;
}

#[tokio::test]
async fn case_702_media_gif() {
    media_case(GIF).await;
}

#[tokio::test]
async fn case_800_token_in_header() {
    let (site, t) = site();
    created(
        &site,
        &form(&site, &t, "h=entry&content=Header+token").await,
    )
    .await;
}

#[tokio::test]
async fn case_801_token_in_body() {
    let (site, t) = site();
    let p = site
        .send(req(
            "POST",
            "/micropub",
            None,
            FORM,
            format!("h=entry&content=Body+token&access_token={t}"),
        ))
        .await;
    created(&site, &p).await;
}

#[tokio::test]
async fn case_802_token_not_stored() {
    let (site, t) = site();
    let p = site
        .send(req(
            "POST",
            "/micropub",
            None,
            FORM,
            format!("h=entry&content=Testing+accepting+access+token+in+post+body&access_token={t}"),
        ))
        .await;
    let path = created(&site, &p).await;
    let src = source(&site, &t, &path).await;
    assert_eq!(
        src["properties"]["content"],
        json!(["Testing accepting access token in post body"])
    );
    assert!(src["properties"].get("access_token").is_none());
    assert!(!file_of(&site, &path).contains(&t));
}

#[tokio::test]
async fn case_803_unauthenticated() {
    let (site, _) = site();
    let p = site
        .send(req("POST", "/micropub", None, FORM, "h=entry&content=x"))
        .await;
    assert_eq!(
        (p.status, p.json()["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
}

#[tokio::test]
async fn case_804_insufficient_scope() {
    let (site, _) = site();
    let media_only = add_token(&site, "uploads", "media");
    let p = form(
        &site,
        &media_only,
        "h=entry&content=This+should+not+create+a+post",
    )
    .await;
    assert_eq!(
        (p.status, p.json()["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("insufficient_scope"))
    );
    assert_eq!(
        std::fs::read_dir(site.content()).unwrap().count(),
        1,
        "no post written"
    );
}

#[tokio::test]
async fn case_805_token_in_header_and_body() {
    let (site, t) = site();
    let p = site
        .send(req(
            "POST",
            "/micropub",
            Some(&t),
            FORM,
            format!("h=entry&content=Both&access_token={t}"),
        ))
        .await;
    assert_eq!(
        (p.status, p.json()["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
}
