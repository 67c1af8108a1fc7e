//! Search, black-box: the shared corpora's search cases, filters and suggestions through
//! the router, and every naughty string and FTS5 operator form against both endpoints.

use crate::common::*;
use axum::http::StatusCode;

/// `/search.json` through the router: (status, the JSON or `Null`).
async fn get_json(site: &Site, uri: &str) -> (StatusCode, serde_json::Value) {
    let page = site.get(uri).await;
    (page.status, page.json())
}

fn q(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Publishes a shared corpus and checks that every case's expected files are on the
/// first page of results (ten, as a reader sees them).
fn corpus_cases(name: &str) {
    let site = Site::corpus(name);
    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(corpora().join(format!("{name}.search-cases.json"))).unwrap(),
    )
    .unwrap();
    site.publish();
    let conn = site.conn();
    let utc = time_tz::timezones::db::UTC;
    let mut failures = Vec::new();
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let query = case["query"].as_str().unwrap();
        let results = dispatches::search::search(&conn, query, 1, 10, i64::MAX / 2, utc, "work")
            .unwrap_or_else(|e| panic!("{query:?}: {e}"));
        let found: Vec<String> = results
            .hits
            .iter()
            .map(|h| format!("content/{}", h.source_path))
            .collect();
        for expected in case["expected_paths"].as_array().unwrap() {
            let expected = expected.as_str().unwrap();
            if !found.iter().any(|f| f == expected) {
                failures.push(format!(
                    "{} {query:?}: {expected} not in the first page {found:?} (total {})",
                    case["id"], results.total
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn rust_blog_search_cases() {
    corpus_cases("rust-blog");
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn go_blog_search_cases() {
    corpus_cases("go-blog");
}

#[tokio::test]
async fn filters_narrow_the_results() {
    let site = Site::fixture();
    let slugs = |v: &serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap().to_string())
            .collect()
    };
    for (query, expected) in [
        ("sqlite", vec!["wal", "older"]),
        ("tag:wal", vec!["wal"]),
        ("tag:SQLITE", vec!["wal", "older"]),
        ("readers tag:sqlite", vec!["wal"]),
        ("-tag:wal tag:sqlite", vec!["older"]),
        ("stream:technical", vec!["wal", "older"]),
        ("stream:\"Technical Dispatch\"", vec!["wal", "older"]),
        ("author:vera year:2026", vec!["wal", "older"]),
        ("author:Vera before:2026-02", vec!["older"]),
        ("tag:sqlite after:2026-05-11", vec!["wal"]),
        ("tag:sqlite after:2026-05-12", vec![]),
        ("year:2025", vec![]),
        ("tag:sqlite -author:vera", vec![]),
    ] {
        let (status, v) = get_json(&site, &format!("/search.json?q={}", q(query))).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let mut got = slugs(&v);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{query}");
        // The draft and the scheduled post never appear.
        assert_eq!(v["total"].as_i64().unwrap() as usize, want.len(), "{query}");
    }
}

#[tokio::test]
async fn a_filter_shows_as_a_chip_that_removes_it() {
    let site = Site::fixture();
    let (_, v) = get_json(
        &site,
        &format!("/search.json?q={}", q("readers tag:sqlite year:2026")),
    )
    .await;
    assert_eq!(v["filters"][0]["label"], "tag:sqlite");
    assert_eq!(v["filters"][0]["without"], "readers year:2026");
    let page = site
        .get(&format!("/search?q={}", q("readers tag:sqlite")))
        .await
        .body;
    assert!(
        page.contains(r#"<a href="/search?q=readers" aria-label="Remove filter tag:sqlite">"#),
        "{page}"
    );
}

#[tokio::test]
async fn bad_filters_and_long_queries_get_a_400_with_a_message() {
    let site = Site::fixture();
    for query in [
        "year:twenty",
        "before:2026-13",
        &"word ".repeat(20),
        &"x".repeat(301),
        "-gone",
    ] {
        let (status, v) = get_json(&site, &format!("/search.json?q={}", q(query))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(v["error"].as_str().unwrap().len() > 10, "{query}");
        let page = site.get(&format!("/search?q={}", q(query))).await;
        let (status, page) = (page.status, page.body);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains(r#"class="notice" role="alert""#));
    }
}

#[tokio::test]
async fn no_results_suggest_what_would_find_something() {
    let site = Site::fixture();
    // A misspelling finds its neighbour in the index.
    let (_, v) = get_json(&site, &format!("/search.json?q={}", q("checkpionts"))).await;
    assert_eq!(v["total"], 0);
    let labels: Vec<&str> = v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"checkpoints"), "{labels:?}");
    // A word as a prefix, and dropping a filter.
    for (query, expected) in [
        ("checkpoints tag:wal", "checkpoints"),
        ("checkpoint", "checkpoint*"),
    ] {
        let (_, v) = get_json(&site, &format!("/search.json?q={}", q(query))).await;
        let suggestions = v["suggestions"].as_array().unwrap();
        assert!(
            suggestions.iter().any(|s| s["query"] == expected),
            "{query}: {suggestions:?}"
        );
    }
    let page = site
        .get(&format!("/search?q={}", q("checkpionts")))
        .await
        .body;
    assert!(
        page.contains(r#"<a href="/search?q=checkpoints">checkpoints</a>"#),
        "{page}"
    );
}

#[tokio::test]
async fn results_link_to_the_article_with_the_words_to_mark() {
    let site = Site::fixture();
    let page = site.get("/search?q=readers+continue").await.body;
    assert!(
        page.contains(r#"href="/dispatches/wal#hl=readers%20continue""#),
        "{page}"
    );
    assert!(page.contains("<mark>readers</mark>"));
}

/// Every string of the Big List of Naughty Strings and every FTS5 operator form, against
/// both endpoints: no 5xx, well-formed answers, and no markup of the query's own.
#[tokio::test]
async fn naughty_strings_never_break_search() {
    let site = Site::fixture();
    let blns: Vec<String> = serde_json::from_str(include_str!("../data/blns.json")).unwrap();
    let operators = [
        "NEAR(wal readers)",
        "NEAR(wal readers, 2)",
        "wal NOT readers",
        "wal AND",
        "AND wal",
        "OR",
        "NOT",
        "(wal",
        "wal)",
        "\"",
        "\"\"",
        "\"wal",
        "*",
        "wal**",
        "^wal",
        "title:wal",
        "{title}: wal",
        "- -",
        "-\"x\"",
        "col:",
        ":",
        "wal + readers",
        "a OR OR b",
        "\\",
        "\0",
        "' OR 1=1 --",
        "%",
        "_",
        "wal*\"",
        "\"wal\"*",
        "tag:",
        "tag:\"",
        "year:",
        "after:-1",
        "before:99999-01-01",
        "stream:\"\"",
        "-stream:x",
        "author:*",
    ];
    let mut queries: Vec<String> = blns;
    queries.extend(operators.iter().map(|s| s.to_string()));
    assert!(queries.len() > 500);
    for query in &queries {
        let uri = format!("/search?q={}", q(query));
        let page = site.get(&uri).await;
        let (status, page) = (page.status, page.body);
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{query:?}: {status}"
        );
        assert!(
            page.ends_with("</html>\n") || page.ends_with("</html>"),
            "{query:?}: truncated page"
        );
        // The query comes back escaped: no tag of its own survives.
        if query.contains('<') {
            let visible = page.replace(r#"<script type="module" src="/static/"#, "");
            assert!(
                !visible.contains("<script>alert") && !visible.contains("<img src=x"),
                "{query:?}"
            );
        }
        let (status, v) = get_json(&site, &format!("/search.json?q={}", q(query))).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{query:?}: {status}"
        );
        assert!(v.is_object(), "{query:?}: not JSON");
        if status == StatusCode::OK {
            for hit in v["hits"].as_array().unwrap() {
                let s = hit["snippet_html"].as_str().unwrap();
                let without_marks = s.replace("<mark>", "").replace("</mark>", "");
                assert!(
                    !without_marks.contains('<'),
                    "{query:?}: markup in snippet {s}"
                );
            }
        }
    }
}
