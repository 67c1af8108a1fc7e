//! The binary as an operator meets it: one summary line, each problem on stderr with
//! its file and line, and exit codes a script can act on (0 done, 1 a file or the
//! archive failed, 2 the command line was wrong).

use crate::common::*;
use axum::http::StatusCode;

fn a_good_and_a_bad_file() -> Site {
    let site = Site::new();
    site.file("good.md", post("Good", "2026-01-01", "x"))
        .file("bad.md", "---\ntitle: [\n---\n");
    site
}

#[test]
fn a_file_that_fails_makes_publish_exit_1_and_is_named_with_its_line() {
    let site = a_good_and_a_bad_file();
    let content = site.content().to_str().unwrap();
    let out = site.bin(&["publish", content, "--content", content]);
    assert_eq!(
        out.code(),
        Some(1),
        "a failed file means exit 1: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("1 new") && out.stdout.contains("1 failed"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("bad.md:2"), "{}", out.stderr);
}

#[test]
fn a_dry_run_over_a_glob_says_so_and_exits_1_on_a_bad_file() {
    let site = a_good_and_a_bad_file();
    let glob = format!("{}/*.md", site.content().display());
    let out = site.bin(&["publish", "--dry-run", &glob]);
    assert_eq!(out.code(), Some(1));
    assert!(out.stdout.contains("dry run"), "{}", out.stdout);
}

#[test]
fn a_publish_without_paths_is_a_usage_error_exit_2() {
    let out = Site::new().bin(&["publish"]);
    assert_eq!(out.code(), Some(2), "usage error");
}

#[test]
fn a_path_that_does_not_exist_exits_1_and_says_so() {
    let out = Site::new().bin(&["publish", "/no/such/file.md"]);
    assert_eq!(out.code(), Some(1));
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
}

/// Errors an operator can act on: the file named, the cause in words, once.
#[test]
fn a_publish_into_a_file_that_is_not_an_archive_says_so_once() {
    let site = Site::new();
    site.file("a.md", post("A", "2026-01-01", "a"));
    std::fs::create_dir_all(site.archive().parent().unwrap()).unwrap();
    std::fs::write(
        site.archive(),
        "not a database at all, but long enough to look like one....",
    )
    .unwrap();
    let out = site.bin_publish(&[]);
    assert!(!out.status.success());
    let err = &out.stderr;
    assert!(
        err.contains("archive.db") && err.contains("not an SQLite database"),
        "{err}"
    );
    assert_eq!(err.matches("not an SQLite database").count(), 1, "{err}");
}

/// `serve --dev` is development mode for one run: drafts answer, pages reload live.
#[test]
fn serve_dev_shows_drafts_and_reloads_live() {
    let site = Site::new();
    site.file(
        "draft.md",
        "---\ntitle: Not yet\ndate: 2026-01-01\ndraft: true\n---\nSoon.\n",
    );
    let server = site.serve_with(&["--dev"]);
    let page = server.get("/dispatches/draft");
    assert_eq!(page.status, StatusCode::OK, "{}", server.log());
    assert!(page.body.contains("Not yet"));
    assert!(page.body.contains("/live."), "the live-reload script");
}
