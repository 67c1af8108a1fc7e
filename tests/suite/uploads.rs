//! Uploads that once jammed the media endpoint: a file over `media_max_bytes` was a 400
//! left in `content/media`, after which every upload failed naming it (and the wrong
//! setting); an upload cut off mid-way left its bytes behind.

use crate::common;

use std::time::Duration;

use crate::common::Site;
use crate::common::micropub::*;
use axum::body::Body;
use axum::http::StatusCode;
use futures_util::StreamExt as _;

const LIMIT: u64 = 4_096;

fn small_site() -> (Site, String) {
    let site = Site::new()
        .with_config(|c| c.media_max_bytes = LIMIT)
        .publishing();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n",
    )
    .republish();
    let token = add_token(&site, "all", "create,media");
    (site, token)
}

/// The files in `content/media`, hidden ones included.
fn media_files(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.content().join("media"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn png_of(len: usize) -> Vec<u8> {
    let mut bytes = PNG.to_vec();
    bytes.resize(len, 0);
    bytes
}

async fn upload(site: &Site, token: &str, bytes: &[u8]) -> common::Page {
    let (ct, body) = multipart(&[], &[("file", bytes)]);
    site.send(req("POST", "/micropub/media", Some(token), &ct, body))
        .await
}

#[tokio::test]
async fn an_upload_over_media_max_bytes_is_413_and_leaves_nothing_behind() {
    let (site, t) = small_site();
    for len in [LIMIT as usize + 1, LIMIT as usize + 60_000] {
        let p = upload(&site, &t, &png_of(len)).await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", p.body);
        assert!(p.body.contains("media_max_bytes"), "{}", p.body);
        assert_eq!(media_files(&site), Vec::<String>::new());
    }
    let p = upload(&site, &t, &png_of(LIMIT as usize)).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    assert_eq!(media_files(&site).len(), 1, "{:?}", media_files(&site));
}

#[tokio::test]
async fn a_refused_upload_leaves_nothing_behind() {
    let (site, t) = small_site();
    let p = upload(&site, &t, b"not an image at all").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
    let (ct, body) = multipart(&[], &[("file", PNG)]);
    let p = site
        .send(req("POST", "/micropub/media", Some("wrong"), &ct, body))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    assert_eq!(media_files(&site), Vec::<String>::new());
}

#[tokio::test]
async fn an_upload_cut_off_mid_way_leaves_nothing_behind() {
    let (site, t) = small_site();
    let (ct, body) = multipart(&[], &[("file", &png_of(3_000))]);
    let head = body[..1_500].to_vec();
    // The client sends half of the body, then nothing more: the request is given up.
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(head)])
        .chain(futures_util::stream::pending());
    let request = req(
        "POST",
        "/micropub/media",
        Some(&t),
        &ct,
        Body::from_stream(stream),
    );
    let sent = tokio::time::timeout(Duration::from_millis(500), site.send(request)).await;
    assert!(sent.is_err(), "the body never ends");
    assert_eq!(media_files(&site), Vec::<String>::new());
    // And a body that breaks off with an error.
    let (ct, body) = multipart(&[], &[("file", &png_of(3_000))]);
    let head = body[..1_500].to_vec();
    let stream =
        futures_util::stream::iter([Ok(head), Err(std::io::Error::other("connection reset"))]);
    let p = site
        .send(req(
            "POST",
            "/micropub/media",
            Some(&t),
            &ct,
            Body::from_stream(stream),
        ))
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
    assert_eq!(media_files(&site), Vec::<String>::new());
}

#[tokio::test]
async fn a_file_over_the_limit_in_the_media_folder_is_skipped_and_blocks_no_upload() {
    let (site, t) = small_site();
    std::fs::create_dir_all(site.content().join("media")).unwrap();
    // Sparse: over every limit without writing 20 MiB.
    let big = std::fs::File::create(site.content().join("media/huge.png")).unwrap();
    big.set_len(21 * 1024 * 1024).unwrap();
    drop(big);
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    let (_, why) = report
        .skipped
        .iter()
        .find(|(p, _)| p.ends_with("huge.png"))
        .expect("the large file is skipped");
    assert!(why.contains("media_max_bytes"), "{why}");
    for _ in 0..2 {
        let p = upload(&site, &t, &png_of(100)).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    }
}

/// A body over the limit is answered the same way, in Micropub's JSON, whether it
/// announced its length or came in chunks.
#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413_with_or_without_a_length() {
    let (site, t) = small_site();
    let (ct, body) = multipart(&[], &[("file", &png_of(200_000))]);
    let mut with_length = req("POST", "/micropub/media", Some(&t), &ct, body.clone());
    with_length
        .headers_mut()
        .insert("content-length", body.len().into());
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(8_192).map(|c| Ok(c.to_vec())).collect();
    let chunked = req(
        "POST",
        "/micropub/media",
        Some(&t),
        &ct,
        Body::from_stream(futures_util::stream::iter(chunks)),
    );
    for request in [with_length, chunked] {
        let p = site.send(request).await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", p.body);
        assert_eq!(p.json()["error"], "invalid_request", "{}", p.body);
        assert!(p.body.contains("media_max_bytes"), "{}", p.body);
    }
    assert_eq!(media_files(&site), Vec::<String>::new());
}

#[tokio::test]
async fn an_upload_left_unfinished_by_a_killed_server_is_removed_when_it_starts_again() {
    let site = Site::new()
        .with_config(|c| c.media_max_bytes = LIMIT)
        .publishing();
    std::fs::create_dir_all(site.content().join("media")).unwrap();
    site.file("media/.upload-0123abcd.tmp", png_of(1_000));
    site.file("media/kept.png", png_of(1_000));
    assert_eq!(site.get("/").await.status, StatusCode::OK);
    assert_eq!(media_files(&site), vec!["kept.png".to_string()]);
}
