//! The site's contract with the web: validators and 304s, cache lifetimes, compression,
//! security headers on every response, feeds, sitemap and robots.

use std::io::Read as _;

use crate::common::*;
use axum::http::{HeaderMap, StatusCode};

/// A GET through the router: (status, headers, body bytes).
async fn fetch(
    site: &Site,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let page = site.get_with(uri, headers).await;
    (page.status, page.headers, page.bytes)
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
    let site = Site::fixture();
    for uri in [
        "/",
        "/dispatches/wal",
        "/feed.xml",
        "/feed.json",
        "/sitemap.xml",
    ] {
        let (status, h, body) = fetch(&site, uri, &[]).await;
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

        let (status, h, body) = fetch(&site, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri} If-None-Match");
        assert!(body.is_empty());
        assert_eq!(header(&h, "etag"), etag);

        let (status, ..) = fetch(&site, uri, &[("if-none-match", "\"stale\", W/\"old\"")]).await;
        assert_eq!(status, StatusCode::OK, "{uri} with a stale tag");

        let (status, ..) = fetch(&site, uri, &[("if-modified-since", &modified)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri} If-Modified-Since");
        let (status, ..) = fetch(
            &site,
            uri,
            &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{uri} modified since 2001");
    }
}

#[tokio::test]
async fn a_publish_changes_the_etag_of_what_it_changed() {
    let site = Site::fixture();
    let (_, before, body_before) = fetch(&site, "/dispatches/wal", &[]).await;
    let (_, archive_before, _) = fetch(&site, "/dispatches/older", &[]).await;
    let text = site.read("wal.md");
    site.file(
        "wal.md",
        text.replace("lets readers continue", "lets every reader continue"),
    )
    .republish();

    let (status, after, body) = fetch(&site, "/dispatches/wal", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("lets every reader continue"));
    assert_ne!(body, body_before);
    assert_ne!(header(&after, "etag"), header(&before, "etag"));
    // The old tag no longer validates.
    let (status, ..) = fetch(
        &site,
        "/dispatches/wal",
        &[("if-none-match", header(&before, "etag"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A page whose bytes did not change keeps its tag (the tag comes from the body).
    let (_, archive_after, _) = fetch(&site, "/dispatches/older", &[]).await;
    assert_eq!(
        header(&archive_after, "etag"),
        header(&archive_before, "etag")
    );
}

#[tokio::test]
async fn cache_control_fits_each_kind_of_response() {
    let site = Site::fixture();
    let css = {
        let (_, _, body) = fetch(&site, "/", &[]).await;
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
        let (status, h, _) = fetch(&site, uri, &[]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(header(&h, "cache-control"), *expected, "{uri}");
    }
}

#[tokio::test]
async fn text_is_compressed_as_the_client_asks() {
    let site = Site::fixture();
    let (_, plain_h, plain) = fetch(&site, "/dispatches/wal", &[]).await;
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
        let (status, h, body) =
            fetch(&site, "/dispatches/wal", &[("accept-encoding", accept)]).await;
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
    let site = Site::fixture();
    for uri in ROUTES {
        let (status, h, _) = fetch(&site, uri, &[]).await;
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

/// Every event-handler attribute (`onclick`, `onload`, `onerror`, … any attribute whose
/// name starts with `on`) in the page's tags, as the tag it sits in.
fn inline_handlers(page: &str) -> Vec<String> {
    html::tags(page)
        .into_iter()
        .filter(|tag| {
            tag.attributes
                .iter()
                .any(|(name, _)| name.starts_with("on"))
        })
        .map(|tag| tag.source)
        .collect()
}

#[tokio::test]
async fn pages_need_no_inline_script_or_style() {
    let site = Site::fixture();
    // Raw HTML in Markdown that tries every kind of handler, and prose about them.
    site.file(
        "handlers.md",
        "---\ntitle: Handlers\ndate: 2026-03-03\n---\nOn one=two, mention onclick= and onload=x in prose.\n\n<img src=x onerror=alert(1)>\n\n<a href=\"/\" ONMOUSEOVER='alert(2)'>here</a>\n\n<p onclick=\"alert(3)\" style=\"color: red\">para</p>\n\n<svg onload=alert(4)></svg>\n\n<body onfocus=alert(5)>\n",
    )
    .republish();
    let routes = ROUTES
        .iter()
        .chain(&["/dispatches/hostile", "/dispatches/handlers"]);
    for uri in routes {
        let (_, h, body) = fetch(&site, uri, &[]).await;
        if !header(&h, "content-type").starts_with("text/html") {
            continue;
        }
        let body = String::from_utf8(body).unwrap();
        assert!(!body.contains(" style="), "{uri} has a style attribute");
        assert!(!body.contains("<style"), "{uri} has a style element");
        let handlers = inline_handlers(&body);
        assert!(
            handlers.is_empty(),
            "{uri} has inline handlers: {handlers:?}"
        );
        for tag in html::tags(&body) {
            assert!(
                !tag.has("style"),
                "{uri}: style attribute in {}",
                tag.source
            );
        }
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..i + body[i..].find('>').unwrap() + 1];
            assert!(
                tag == r#"<script type="application/ld+json">"# || tag.contains(" src=\"/static/"),
                "{uri}: inline script {tag}"
            );
        }
    }
    let prose = site.get("/dispatches/handlers").await.body;
    assert!(
        prose.contains("mention onclick= and onload=x in prose"),
        "the prose is kept (and not taken for a handler)"
    );
}

/// The check above finds a handler however it is written, and never in text.
#[test]
fn the_inline_handler_check_finds_every_on_attribute_and_no_text() {
    let page = r#"<!doctype html><html lang="en"><body>
        <p>On one=two, a mention of onclick= and <code>onload=x</code> in text.</p>
        <!-- <a onclick="in a comment"> -->
        <script type="application/ld+json">{"a": "<b onclick=x>"}</script>
        <img src=x onerror=alert(1)>
        <a href="/" ONMOUSEOVER='alert(2)'>x</a>
        <div class="one" data-onclick="no" onclick = "alert(3)">x</div>
        <svg><g onload=alert(4) /></svg>
        <input value="a > b" onfocus="alert(5)">
        <details ontoggle>x</details>
        </body></html>"#;
    let found = inline_handlers(page);
    assert_eq!(found.len(), 6, "{found:#?}");
    for handler in [
        "onerror",
        "ONMOUSEOVER",
        "onclick =",
        "onload",
        "onfocus",
        "ontoggle",
    ] {
        assert!(
            found.iter().any(|tag| tag.contains(handler)),
            "{handler} not found: {found:#?}"
        );
    }
    assert!(
        inline_handlers(
            "<p>one= mention onclick=\"x\" online</p><a href=\"/on\" title=\"onclick=x\">"
        )
        .is_empty()
    );
}

#[tokio::test]
async fn the_atom_feed_carries_full_content_with_absolute_ids() {
    let site = Site::fixture();
    let (status, h, body) = fetch(&site, "/feed.xml", &[]).await;
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
}

#[tokio::test]
async fn the_json_feed_has_every_required_field() {
    let site = Site::fixture();
    let (status, h, body) = fetch(&site, "/feed.json", &[]).await;
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
}

/// Per stream, tag and author; unknown ones are 404.
#[tokio::test]
async fn each_stream_tag_and_author_has_its_own_feed() {
    let site = Site::fixture();
    for (uri, entries) in [
        ("/streams/technical/feed.xml", 2),
        ("/tags/sqlite/feed.xml", 2),
        ("/authors/vera/feed.xml", 2),
    ] {
        let (status, _, body) = fetch(&site, uri, &[]).await;
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
        assert_eq!(
            fetch(&site, uri, &[]).await.0,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
}

/// Every page offers the site's feeds; a stream page also its own.
#[tokio::test]
async fn pages_offer_their_feeds() {
    let site = Site::fixture();
    let (_, _, body) = fetch(&site, "/streams/technical", &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains(r#"type="application/atom+xml" title="dispatches (Atom)" href="http://127.0.0.1:3000/feed.xml""#));
    assert!(body.contains(r#"href="http://127.0.0.1:3000/streams/technical/feed.json""#));
}

#[tokio::test]
async fn relative_links_in_feed_content_become_absolute() {
    let site = Site::fixture();
    site.file(
        "links.md",
        "---\ntitle: Links\ndate: 2026-03-03\n---\nSee [WAL](/dispatches/wal) and a note[^1].\n\n[^1]: The note.\n",
    )
    .republish();
    let (_, _, body) = fetch(&site, "/feed.xml", &[]).await;
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
async fn the_sitemap_lists_every_published_page() {
    let site = Site::fixture();
    let (status, _, body) = fetch(&site, "/sitemap.xml", &[]).await;
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
}

#[tokio::test]
async fn robots_txt_points_to_the_sitemap() {
    let site = Site::fixture();
    let (_, h, body) = fetch(&site, "/robots.txt", &[]).await;
    assert!(header(&h, "content-type").starts_with("text/plain"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("Sitemap: http://127.0.0.1:3000/sitemap.xml")
    );
}

/// Canonical link, Open Graph and JSON-LD on an article.
#[tokio::test]
async fn an_article_describes_itself_to_machines() {
    let site = Site::fixture();
    let (_, _, body) = fetch(&site, "/dispatches/wal", &[]).await;
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
}

#[tokio::test]
async fn a_hostile_title_cannot_break_out_of_the_json_ld_block() {
    let site = Site::fixture();
    let (_, _, body) = fetch(&site, "/dispatches/hostile", &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(
        page.matches("</script>").count(),
        1 + page.matches(r#"<script type="module" src="#).count()
    );
}

#[tokio::test]
async fn browsers_can_add_the_sites_search() {
    let site = Site::fixture();
    let (_, h, body) = fetch(&site, "/opensearch.xml", &[]).await;
    assert!(header(&h, "content-type").starts_with("application/opensearchdescription+xml"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("/search?q={searchTerms}")
    );
}

#[tokio::test]
async fn search_results_are_not_indexed() {
    let site = Site::fixture();
    let (_, _, body) = fetch(&site, "/search?q=wal", &[]).await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains(r#"<meta name="robots" content="noindex">"#)
    );
}

#[tokio::test]
async fn head_gets_headers_and_the_next_get_its_body() {
    let site = Site::fixture();
    let head = site.head("/archive").await;
    assert_eq!(head.status, StatusCode::OK);
    let len: usize = head.header("content-length").parse().unwrap();
    assert!(len > 100);
    assert!(head.bytes.is_empty());
    // The HEAD must not have left an empty body in the cache.
    let (_, _, body) = fetch(&site, "/archive", &[]).await;
    assert_eq!(body.len(), len);
}

/// The response cache is the router's outermost layer: what serves most requests in
/// production is what a request through `app` meets.
#[tokio::test]
async fn a_conditional_get_and_an_encoded_hit_are_answered_through_app() {
    let site = Site::fixture();
    let br = [("accept-encoding", "gzip, deflate, br, zstd")];
    let (status, first_h, first) = fetch(&site, "/dispatches/wal", &br).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&first_h, "content-encoding"), "br");
    // The hit: the kept bytes, with their validator.
    let (status, h, body) = fetch(&site, "/dispatches/wal", &br).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, first);
    assert_eq!(header(&h, "etag"), header(&first_h, "etag"));
    assert!(header(&h, "etag").starts_with("W/\""));
    assert_eq!(header(&h, "content-length"), first.len().to_string());
    // The conditional GET of the same representation.
    let etag = header(&first_h, "etag").to_string();
    let (status, h, body) = fetch(
        &site,
        "/dispatches/wal",
        &[br[0], ("if-none-match", etag.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&h, "etag"), etag);
    assert_eq!(header(&h, "content-encoding"), "");
}
