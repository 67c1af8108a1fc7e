//! Micropub, case by case as the micropub.rocks server suite numbers them (form creates
//! 100–107, JSON 200–206, multipart 300–301, updates 400–405, deletes 500–503, queries
//! 600–603, media 700–702, auth 800–805), then the attacks: oversized and malformed
//! bodies, 100 concurrent creates, the token kept out of the archive and the log, a
//! revoked token, the brake on guessing, and no content folder.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{Value, json};

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00rest of a tiny jpeg";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";

/// A publishing site with a token of every scope.
fn site() -> (Site, String) {
    let site = Site::new().publishing();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n",
    )
    .republish();
    let token = add_token(&site, "all", "create,update,delete,undelete,media");
    (site, token)
}

fn add_token(site: &Site, name: &str, scope: &str) -> String {
    let run = site.bin(&["token", "add", name, "--scope", scope]);
    run.success();
    run.stdout.trim().to_string()
}

fn req(
    method: &str,
    uri: &str,
    token: Option<&str>,
    ctype: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if !ctype.is_empty() {
        r = r.header("content-type", ctype);
    }
    let mut r = r.body(body.into()).unwrap();
    r.extensions_mut()
        .insert(ConnectInfo("192.0.2.7:1234".parse::<SocketAddr>().unwrap()));
    r
}

async fn form(site: &Site, token: &str, body: &str) -> Page {
    site.send(req(
        "POST",
        "/micropub",
        Some(token),
        FORM,
        body.to_string(),
    ))
    .await
}

async fn json_post(site: &Site, token: &str, body: Value) -> Page {
    site.send(req(
        "POST",
        "/micropub",
        Some(token),
        "application/json",
        body.to_string(),
    ))
    .await
}

async fn query(site: &Site, token: &str, q: &str) -> Page {
    site.send(req(
        "GET",
        &format!("/micropub?{q}"),
        Some(token),
        "",
        Body::empty(),
    ))
    .await
}

fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let b = "XbOuNdArYx";
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend(
            format!("--{b}\r\ncontent-disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    for (k, bytes) in files {
        out.extend(format!("--{b}\r\ncontent-disposition: form-data; name=\"{k}\"; filename=\"x.bin\"\r\ncontent-type: application/octet-stream\r\n\r\n").bytes());
        out.extend_from_slice(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{b}--\r\n").bytes());
    (format!("multipart/form-data; boundary={b}"), out)
}

/// The path of a 201's Location, after checking it answers 200 at once.
async fn created(site: &Site, page: &Page) -> String {
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let location = page.header("location").to_string();
    let path = location
        .strip_prefix("http://127.0.0.1:3000")
        .expect("absolute Location")
        .to_string();
    assert_eq!(
        site.get(&path).await.status,
        StatusCode::OK,
        "{path} must answer at once"
    );
    path
}

async fn source(site: &Site, token: &str, path: &str) -> Value {
    let url = format!("http://127.0.0.1:3000{path}");
    let page = query(
        site,
        token,
        &format!("q=source&url={}", dispatches::urls::encode(&url)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()
}

fn file_of(site: &Site, path: &str) -> String {
    let slug = path.rsplit('/').next().unwrap();
    site.read(&format!("{slug}.md"))
}

#[tokio::test]
async fn case_100_form_create() {
    let (site, t) = site();
    let p = form(
        &site,
        &t,
        "h=entry&content=Micropub+test+of+creating+a+basic+h-entry",
    )
    .await;
    let path = created(&site, &p).await;
    assert!(
        site.get(&path)
            .await
            .body
            .contains("Micropub test of creating a basic h-entry")
    );
    assert!(
        file_of(&site, &path).contains("Micropub test of creating"),
        "the file holds the post"
    );
}

#[tokio::test]
async fn case_101_form_categories_array() {
    let (site, t) = site();
    let p = form(
        &site,
        &t,
        "h=entry&content=Two+categories&category[]=test1&category[]=test2",
    )
    .await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(
        page.contains("/tags/test1") && page.contains("/tags/test2"),
        "{page}"
    );
}

#[tokio::test]
async fn case_102_form_categories_numbered() {
    let (site, t) = site();
    let p = form(
        &site,
        &t,
        "h=entry&content=Numbered&category[0]=test1&category[1]=test2",
    )
    .await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(page.contains("/tags/test1") && page.contains("/tags/test2"));
}

#[tokio::test]
async fn case_103_form_html_content() {
    let (site, t) = site();
    let p = form(&site, &t, "h=entry&content[html]=%3Cp%3EThis+post+has+%3Cb%3Ebold%3C%2Fb%3E+and+%3Ci%3Eitalic%3C%2Fi%3E+text.%3C%2Fp%3E").await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(
        page.contains("<b>bold</b>") && page.contains("<i>italic</i>"),
        "rendered, not escaped"
    );
}

#[tokio::test]
async fn case_104_form_photo_url() {
    let (site, t) = site();
    let p = form(
        &site,
        &t,
        "h=entry&content=Photo&photo=https%3A%2F%2Fmicropub.rocks%2Fmedia%2Fsunset.jpg",
    )
    .await;
    let path = created(&site, &p).await;
    assert!(
        site.get(&path)
            .await
            .body
            .contains("https://micropub.rocks/media/sunset.jpg")
    );
}

#[tokio::test]
async fn case_105_form_photo_with_alt() {
    let (site, t) = site();
    let p = form(&site, &t, "h=entry&content=Photo&photo[value]=https%3A%2F%2Fmicropub.rocks%2Fmedia%2Fsunset.jpg&photo[alt]=Photo+of+a+sunset").await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(
        page.contains("sunset.jpg") && page.contains("alt=\"Photo of a sunset\""),
        "{page}"
    );
}

#[tokio::test]
async fn case_106_form_nested_object() {
    let (site, t) = site();
    let p = form(&site, &t, "h=entry&summary=Weighed+70.64+kg&x-weight[type]=h-measure&x-weight[properties][num]=70.64&x-weight[properties][unit]=kg").await;
    let path = created(&site, &p).await;
    let src = source(&site, &t, &path).await;
    assert_eq!(
        src["properties"]["x-weight"],
        json!([{"type": ["h-measure"], "properties": {"num": ["70.64"], "unit": ["kg"]}}])
    );
}

#[tokio::test]
async fn case_107_form_one_category() {
    let (site, t) = site();
    let p = form(&site, &t, "h=entry&content=One+category&category=test1").await;
    let path = created(&site, &p).await;
    assert!(site.get(&path).await.body.contains("/tags/test1"));
}

#[tokio::test]
async fn case_200_json_create() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Micropub test of creating an h-entry with a JSON request"]}})).await;
    let path = created(&site, &p).await;
    assert!(site.get(&path).await.body.contains("with a JSON request"));
}

#[tokio::test]
async fn case_201_json_categories() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Cats"], "category": ["test1", "test2"]}})).await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(page.contains("/tags/test1") && page.contains("/tags/test2"));
}

#[tokio::test]
async fn case_202_json_html_content() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": [{"html": "<p>This post has <b>bold</b> and <i>italic</i> text.</p>"}]}})).await;
    let path = created(&site, &p).await;
    assert!(site.get(&path).await.body.contains("<b>bold</b>"));
}

#[tokio::test]
async fn case_203_json_photo_url() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Photo"], "photo": ["https://micropub.rocks/media/sunset.jpg"]}})).await;
    let path = created(&site, &p).await;
    assert!(site.get(&path).await.body.contains("sunset.jpg"));
}

#[tokio::test]
async fn case_204_json_nested_object() {
    let (site, t) = site();
    let nested = json!([{"type": ["h-measure"], "properties": {"num": ["70.64"], "unit": ["kg"]}}]);
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"summary": ["Weighed 70.64 kg"], "x-weight": nested}})).await;
    let path = created(&site, &p).await;
    assert_eq!(
        source(&site, &t, &path).await["properties"]["x-weight"],
        nested
    );
}

#[tokio::test]
async fn case_205_json_photo_with_alt() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Sunset"], "photo": [{"value": "https://micropub.rocks/media/sunset.jpg", "alt": "Photo of a sunset"}]}})).await;
    let path = created(&site, &p).await;
    assert!(
        site.get(&path)
            .await
            .body
            .contains("alt=\"Photo of a sunset\"")
    );
}

#[tokio::test]
async fn case_206_json_two_photos() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Two"], "photo": ["https://micropub.rocks/media/sunset.jpg", "https://micropub.rocks/media/city-at-night.jpg"]}})).await;
    let path = created(&site, &p).await;
    let page = site.get(&path).await.body;
    assert!(page.contains("sunset.jpg") && page.contains("city-at-night.jpg"));
}

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

async fn update_case(before: Value, update: Value) -> (Site, String, Value, Page) {
    let (site, t) = site();
    let p = json_post(
        &site,
        &t,
        json!({"type": ["h-entry"], "properties": before}),
    )
    .await;
    let path = created(&site, &p).await;
    let mut update = update;
    update["url"] = json!(format!("http://127.0.0.1:3000{path}"));
    let answer = json_post(&site, &t, update).await;
    let src = source(&site, &t, &path).await;
    (site, path, src, answer)
}

#[tokio::test]
async fn case_400_replace() {
    let (site, path, src, answer) = update_case(
        json!({"content": ["This text should be replaced."]}),
        json!({"action": "update", "replace": {"content": ["This is the updated text."]}}),
    )
    .await;
    assert!(answer.status.is_success(), "{}", answer.body);
    assert_eq!(
        src["properties"]["content"],
        json!(["This is the updated text."])
    );
    assert!(
        site.get(&path)
            .await
            .body
            .contains("This is the updated text.")
    );
}

#[tokio::test]
async fn case_401_add_value() {
    let (_, _, src, answer) = update_case(
        json!({"content": ["Add"], "category": ["test1"]}),
        json!({"action": "update", "add": {"category": ["test2"]}}),
    )
    .await;
    assert!(answer.status.is_success());
    assert_eq!(src["properties"]["category"], json!(["test1", "test2"]));
}

#[tokio::test]
async fn case_402_add_new_property() {
    let (_, _, src, answer) = update_case(
        json!({"content": ["Add"]}),
        json!({"action": "update", "add": {"category": ["test1"]}}),
    )
    .await;
    assert!(answer.status.is_success());
    assert_eq!(src["properties"]["category"], json!(["test1"]));
}

#[tokio::test]
async fn case_403_remove_value() {
    let (_, _, src, answer) = update_case(
        json!({"content": ["Del"], "category": ["test1", "test2"]}),
        json!({"action": "update", "delete": {"category": ["test2"]}}),
    )
    .await;
    assert!(answer.status.is_success());
    assert_eq!(src["properties"]["category"], json!(["test1"]));
}

#[tokio::test]
async fn case_404_remove_property() {
    let (_, _, src, answer) = update_case(
        json!({"content": ["Del"], "category": ["test1", "test2"]}),
        json!({"action": "update", "delete": ["category"]}),
    )
    .await;
    assert!(answer.status.is_success());
    assert!(src["properties"].get("category").is_none(), "{src}");
}

#[tokio::test]
async fn case_405_reject_non_array_update() {
    let (_, _, src, answer) = update_case(
        json!({"content": ["Micropub update test #405."]}),
        json!({"action": "update", "replace": "This is not a valid update request."}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"], "invalid_request");
    assert_eq!(
        src["properties"]["content"],
        json!(["Micropub update test #405."])
    );
}

async fn delete_case(json_body: bool, undelete: bool) {
    let (site, t) = site();
    let p = form(&site, &t, "h=entry&content=This+post+will+be+deleted").await;
    let path = created(&site, &p).await;
    let url = format!("http://127.0.0.1:3000{path}");
    let send = |action: &'static str| {
        let (site, t, url) = (&site, &t, url.clone());
        async move {
            if json_body {
                json_post(site, t, json!({"action": action, "url": url})).await
            } else {
                form(
                    site,
                    t,
                    &format!("action={action}&url={}", dispatches::urls::encode(&url)),
                )
                .await
            }
        }
    };
    assert!(send("delete").await.status.is_success());
    assert_eq!(site.get(&path).await.status, StatusCode::GONE);
    assert!(
        !site
            .path(&format!("{}.md", path.rsplit('/').next().unwrap()))
            .exists(),
        "the file is gone"
    );
    if undelete {
        assert!(send("undelete").await.status.is_success());
        assert_eq!(site.get(&path).await.status, StatusCode::OK);
        assert!(file_of(&site, &path).contains("will be deleted"));
    }
}

#[tokio::test]
async fn case_500_delete_form() {
    delete_case(false, false).await;
}

#[tokio::test]
async fn case_501_delete_json() {
    delete_case(true, false).await;
}

#[tokio::test]
async fn case_502_undelete_form() {
    delete_case(false, true).await;
}

#[tokio::test]
async fn case_503_undelete_json() {
    delete_case(true, true).await;
}

#[tokio::test]
async fn case_600_config_query() {
    let (site, t) = site();
    let p = query(&site, &t, "q=config").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        p.json()["media-endpoint"],
        "http://127.0.0.1:3000/micropub/media"
    );
    assert_eq!(p.header("cache-control"), "no-store");
}

#[tokio::test]
async fn case_601_syndicate_to_query() {
    let (site, t) = site();
    let p = query(&site, &t, "q=syndicate-to").await;
    assert_eq!(
        (p.status, p.json()),
        (StatusCode::OK, json!({"syndicate-to": []}))
    );
}

#[tokio::test]
async fn case_602_source_all_properties() {
    let (site, t) = site();
    let p = json_post(&site, &t, json!({"type": ["h-entry"], "properties": {"content": ["Source"], "category": ["a"], "published": ["2026-03-01T10:00:00Z"]}})).await;
    let path = created(&site, &p).await;
    let src = source(&site, &t, &path).await;
    assert_eq!(src["type"], json!(["h-entry"]));
    assert_eq!(src["properties"]["content"], json!(["Source"]));
    assert_eq!(src["properties"]["category"], json!(["a"]));
}

#[tokio::test]
async fn case_603_source_some_properties() {
    let (site, t) = site();
    let p = json_post(
        &site,
        &t,
        json!({"type": ["h-entry"], "properties": {"content": ["Source"], "category": ["a"]}}),
    )
    .await;
    let path = created(&site, &p).await;
    let url = dispatches::urls::encode(&format!("http://127.0.0.1:3000{path}"));
    let p = query(
        &site,
        &t,
        &format!("q=source&properties[]=content&properties[]=category&url={url}"),
    )
    .await;
    assert_eq!(
        p.json(),
        json!({"properties": {"content": ["Source"], "category": ["a"]}})
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
