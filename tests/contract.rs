//! The site's contract with the web: validators and 304s, cache lifetimes, compression,
//! security headers on every response, feeds, sitemap and robots.

mod common;

use std::io::Read as _;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;

async fn fetch(
    f: &Fixture,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = send(f, req.body(Body::empty()).unwrap()).await;
    let status = resp.status();
    let h = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, h, body)
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Every URL the fixture exposes, one of each kind.
const ROUTES: &[&str] = &[
    "/",
    "/?page=2",
    "/dispatches/wal",
    "/streams/technical",
    "/tags/sqlite",
    "/authors/vera",
    "/archive",
    "/search?q=readers",
    "/search.json?q=readers",
    "/feed.xml",
    "/feed.json",
    "/tags/sqlite/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/opensearch.xml",
    "/healthz",
    "/no/such/page",
    "/2019/old-wal.html",
];

#[tokio::test]
async fn conditional_requests_answer_304() {
    let f = fixture();
    for uri in [
        "/",
        "/dispatches/wal",
        "/feed.xml",
        "/feed.json",
        "/sitemap.xml",
    ] {
        let (status, h, body) = fetch(&f, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let etag = header(&h, "etag").to_string();
        let modified = header(&h, "last-modified").to_string();
        assert!(
            etag.starts_with('"') && etag.len() > 10,
            "{uri}: strong ETag {etag:?}"
        );
        assert!(
            modified.ends_with("GMT"),
            "{uri}: Last-Modified {modified:?}"
        );
        assert!(!body.is_empty());

        let (status, h, body) = fetch(&f, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri} If-None-Match");
        assert!(body.is_empty());
        assert_eq!(header(&h, "etag"), etag);

        let (status, ..) = fetch(&f, uri, &[("if-none-match", "\"stale\", W/\"old\"")]).await;
        assert_eq!(status, StatusCode::OK, "{uri} with a stale tag");

        let (status, ..) = fetch(&f, uri, &[("if-modified-since", &modified)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri} If-Modified-Since");
        let (status, ..) = fetch(
            &f,
            uri,
            &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{uri} modified since 2001");
    }
}

#[tokio::test]
async fn a_publish_changes_the_etag_of_what_it_changed() {
    let f = fixture();
    let (_, before, body_before) = fetch(&f, "/dispatches/wal", &[]).await;
    let (_, archive_before, _) = fetch(&f, "/dispatches/older", &[]).await;
    let path = f.content.join("wal.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("lets readers continue", "lets every reader continue"),
    )
    .unwrap();
    republish(&f.content, &f.db);

    let (status, after, body) = fetch(&f, "/dispatches/wal", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("lets every reader continue"));
    assert_ne!(body, body_before);
    assert_ne!(header(&after, "etag"), header(&before, "etag"));
    // The old tag no longer validates.
    let (status, ..) = fetch(
        &f,
        "/dispatches/wal",
        &[("if-none-match", header(&before, "etag"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A page whose bytes did not change keeps its tag (the tag comes from the body).
    let (_, archive_after, _) = fetch(&f, "/dispatches/older", &[]).await;
    assert_eq!(
        header(&archive_after, "etag"),
        header(&archive_before, "etag")
    );
}

#[tokio::test]
async fn cache_control_fits_each_kind_of_response() {
    let f = fixture();
    let css = {
        let (_, _, body) = fetch(&f, "/", &[]).await;
        let body = String::from_utf8(body).unwrap();
        let i = body.find("/static/style.").unwrap();
        body[i..i + body[i..].find('"').unwrap()].to_string()
    };
    let cases: &[(&str, &str)] = &[
        ("/", "no-cache"),
        ("/dispatches/wal", "no-cache"),
        ("/search?q=readers", "no-cache"),
        ("/feed.xml", "public, max-age=300"),
        ("/feed.json", "public, max-age=300"),
        ("/sitemap.xml", "public, max-age=3600"),
        ("/healthz", "no-store"),
        (&css, "public, max-age=31536000, immutable"),
    ];
    for (uri, expected) in cases {
        let (status, h, _) = fetch(&f, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(header(&h, "cache-control"), *expected, "{uri}");
    }
}

#[tokio::test]
async fn text_is_compressed_as_the_client_asks() {
    let f = fixture();
    let (_, plain_h, plain) = fetch(&f, "/dispatches/wal", &[]).await;
    assert_eq!(header(&plain_h, "content-encoding"), "");
    assert_eq!(header(&plain_h, "vary"), "Accept-Encoding");
    let cases = [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("zstd, gzip;q=0.5", "zstd"),
        ("br;q=0, gzip", "gzip"),
        ("identity", ""),
    ];
    for (accept, expected) in cases {
        let (status, h, body) = fetch(&f, "/dispatches/wal", &[("accept-encoding", accept)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&h, "content-encoding"), expected, "{accept}");
        assert_eq!(header(&h, "content-length"), body.len().to_string());
        let decoded = match expected {
            "br" => {
                let mut out = Vec::new();
                brotli::Decompressor::new(&body[..], 4096)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            "gzip" => {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            "zstd" => zstd::stream::decode_all(&body[..]).unwrap(),
            _ => body.clone(),
        };
        assert_eq!(decoded, plain, "{accept}: decoded body differs");
        if !expected.is_empty() {
            assert!(body.len() < plain.len(), "{accept}: not smaller");
            // Each representation has its own validator.
            assert_ne!(header(&h, "etag"), header(&plain_h, "etag"));
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let f = fixture();
    for uri in ROUTES {
        let (status, h, _) = fetch(&f, uri, &[]).await;
        assert!(!status.is_server_error(), "{uri}: {status}");
        let csp = header(&h, "content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{uri}: CSP {csp:?}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{uri}"
        );
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(
            header(&h, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{uri}"
        );
        assert_eq!(header(&h, "x-frame-options"), "DENY", "{uri}");
        // HSTS is a setting, off by default (plain HTTP).
        assert_eq!(header(&h, "strict-transport-security"), "", "{uri}");
    }
}

#[tokio::test]
async fn pages_need_no_inline_script_or_style() {
    let f = fixture();
    for uri in ROUTES {
        let (_, h, body) = fetch(&f, uri, &[]).await;
        if !header(&h, "content-type").starts_with("text/html") {
            continue;
        }
        let body = String::from_utf8(body).unwrap();
        assert!(!body.contains(" style="), "{uri} has a style attribute");
        assert!(!body.contains("<style"), "{uri} has a style element");
        assert!(!body.contains(" on") || !body.contains("onclick="), "{uri}");
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..i + body[i..].find('>').unwrap() + 1];
            assert!(
                tag == r#"<script type="application/ld+json">"# || tag.contains(" src=\"/static/"),
                "{uri}: inline script {tag}"
            );
        }
    }
}

#[tokio::test]
async fn feeds_carry_full_content_with_absolute_links() {
    let f = fixture();
    let (status, h, body) = fetch(&f, "/feed.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&h, "content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let atom = String::from_utf8(body).unwrap();
    assert!(atom.starts_with("<?xml"));
    assert_eq!(atom.matches("<entry>").count(), 3, "3 published articles");
    assert!(atom.contains("<id>tag:127.0.0.1,2023-01-01:/dispatches/wal</id>"));
    assert!(
        atom.contains("The write-ahead log lets readers continue"),
        "full content"
    );
    assert!(atom.contains("<category term=\"wal\"/>"));
    assert!(!atom.contains("Secret draft") && !atom.contains("Scheduled for later"));
    // The hostile title is escaped once in XML, and its markup never appears raw.
    assert!(!atom.contains("<script>"));

    let (status, h, body) = fetch(&f, "/feed.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&h, "content-type"),
        "application/feed+json; charset=utf-8"
    );
    let feed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert!(feed["title"].is_string());
    assert_eq!(feed["feed_url"], "http://127.0.0.1:3000/feed.json");
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        assert!(item["id"].is_string(), "item id is required");
        assert!(item["content_html"].is_string(), "content is required");
        assert!(item["date_published"].as_str().unwrap().contains('T'));
    }
    let wal = items
        .iter()
        .find(|i| i["title"] == "WAL explained")
        .unwrap();
    assert_eq!(wal["url"], "http://127.0.0.1:3000/dispatches/wal");
    assert_eq!(wal["tags"], serde_json::json!(["sqlite", "wal"]));
    assert_eq!(wal["authors"][0]["name"], "Vera");

    // Per stream, tag and author; unknown ones are 404.
    for (uri, entries) in [
        ("/streams/technical/feed.xml", 2),
        ("/tags/sqlite/feed.xml", 2),
        ("/authors/vera/feed.xml", 2),
    ] {
        let (status, _, body) = fetch(&f, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(
            String::from_utf8(body).unwrap().matches("<entry>").count(),
            entries,
            "{uri}"
        );
    }
    for uri in [
        "/streams/nope/feed.xml",
        "/tags/nope/feed.json",
        "/feed.xml?page=9",
    ] {
        assert_eq!(fetch(&f, uri, &[]).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    // Every page offers the site's feeds; a stream page also its own.
    let (_, _, body) = fetch(&f, "/streams/technical", &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains(r#"type="application/atom+xml" title="dispatches (Atom)" href="http://127.0.0.1:3000/feed.xml""#));
    assert!(body.contains(r#"href="http://127.0.0.1:3000/streams/technical/feed.json""#));
}

#[tokio::test]
async fn relative_links_in_feed_content_become_absolute() {
    let f = fixture();
    std::fs::write(
        f.content.join("links.md"),
        "---\ntitle: Links\ndate: 2026-03-03\n---\nSee [WAL](/dispatches/wal) and a note[^1].\n\n[^1]: The note.\n",
    )
    .unwrap();
    republish(&f.content, &f.db);
    let (_, _, body) = fetch(&f, "/feed.xml", &[]).await;
    let atom = String::from_utf8(body).unwrap();
    assert!(
        atom.contains("href=&#34;http://127.0.0.1:3000/dispatches/wal&#34;"),
        "{atom}"
    );
    assert!(
        atom.contains("href=&#34;http://127.0.0.1:3000/dispatches/links#fn-"),
        "{atom}"
    );
}

#[tokio::test]
async fn sitemap_robots_and_discovery_metadata() {
    let f = fixture();
    let (status, _, body) = fetch(&f, "/sitemap.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let map = String::from_utf8(body).unwrap();
    for loc in [
        "http://127.0.0.1:3000/dispatches/wal",
        "http://127.0.0.1:3000/streams/technical",
        "http://127.0.0.1:3000/tags/sqlite",
        "http://127.0.0.1:3000/authors/vera",
    ] {
        assert!(map.contains(&format!("<loc>{loc}</loc>")), "{loc}");
    }
    assert!(!map.contains("draft") && !map.contains("future"));
    assert!(map.contains("<lastmod>2026-05-12T"));

    let (_, h, body) = fetch(&f, "/robots.txt", &[]).await;
    assert!(header(&h, "content-type").starts_with("text/plain"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("Sitemap: http://127.0.0.1:3000/sitemap.xml")
    );

    let (_, _, body) = fetch(&f, "/dispatches/wal", &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(r#"<link rel="canonical" href="http://127.0.0.1:3000/dispatches/wal">"#));
    assert!(page.contains(r#"<meta property="og:type" content="article">"#));
    assert!(page.contains(r#"<meta property="og:description" content="Why readers never wait">"#));
    let start = page.find(r#"<script type="application/ld+json">"#).unwrap();
    let json = &page[start..][35..];
    let json = &json[..json.find("</script>").unwrap()];
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], "WAL explained");
    assert_eq!(ld["author"]["name"], "Vera");
    assert!(
        ld["datePublished"]
            .as_str()
            .unwrap()
            .starts_with("2026-05-12")
    );

    // The hostile title cannot break out of the JSON-LD block.
    let (_, _, body) = fetch(&f, "/dispatches/hostile", &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(
        page.matches("</script>").count(),
        1 + page.matches(r#"<script type="module" src="#).count()
    );

    let (_, h, body) = fetch(&f, "/opensearch.xml", &[]).await;
    assert!(header(&h, "content-type").starts_with("application/opensearchdescription+xml"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("/search?q={searchTerms}")
    );
    let (_, _, body) = fetch(&f, "/search?q=wal", &[]).await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains(r#"<meta name="robots" content="noindex">"#)
    );
}

#[tokio::test]
async fn head_gets_headers_and_the_next_get_its_body() {
    let f = fixture();
    let resp = send(&f, Request::head("/archive").body(Body::empty()).unwrap()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let len: usize = header(resp.headers(), "content-length").parse().unwrap();
    assert!(len > 100);
    assert!(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
    );
    // The HEAD must not have left an empty body in the cache.
    let (_, _, body) = fetch(&f, "/archive", &[]).await;
    assert_eq!(body.len(), len);
}
