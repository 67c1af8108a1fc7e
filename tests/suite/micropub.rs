//! Micropub, case by case as the micropub.rocks server suite numbers them: form creates
//! 100–107, JSON creates 200–206, updates 400–405, deletes 500–503 and queries 600–603.
//! Uploads and tokens are in `micropub_media_auth`, attacks in `micropub_attacks`.

use crate::common::micropub::*;
use crate::common::{Page, Site};
use axum::http::StatusCode;
use serde_json::{Value, json};

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
