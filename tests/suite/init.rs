//! Starting a site: `dispatches init` makes one that publishes and checks clean, and
//! never overwrites what a folder holds.

use crate::common::*;
use axum::http::StatusCode;
use dispatches::config::Config;

/// Every file `init` makes, relative to the site's folder (the author is named by the
/// owner, so it is found by its folder).
const MADE: &[&str] = &[
    "dispatches.toml",
    "content/_index.md",
    "content/pages/about.md",
    "content/hello-world.md",
    "content/work/example-project.md",
    "content/work/example-project.svg",
];

/// A site made by `dispatches init .` in the test's folder, with the settings it wrote.
fn initialised() -> Site {
    let site = Site::new();
    site.bin(&["init", "."]).success();
    let settings = site.root().join("dispatches.toml");
    site.with_config(move |c| {
        *c = Config::load(&settings, true, std::iter::empty()).unwrap();
    })
}

#[test]
fn init_into_an_empty_folder_makes_a_whole_site_and_says_how_to_serve_and_publish_it() {
    let site = Site::new();
    let run = site.bin(&["init", "fresh"]);
    run.success();
    let dir = site.root().join("fresh");
    for rel in MADE {
        assert!(dir.join(rel).is_file(), "{rel} not made: {}", run.stdout);
        assert!(
            run.stdout.contains(&format!("made {rel}")),
            "{}",
            run.stdout
        );
    }
    assert!(dir.join("content/media").is_dir());
    let authors: Vec<_> = std::fs::read_dir(dir.join("content/authors"))
        .unwrap()
        .collect();
    assert_eq!(authors.len(), 1, "one author, the owner");
    let settings = std::fs::read_to_string(dir.join("dispatches.toml")).unwrap();
    assert!(settings.contains("title = \"Fresh\""), "{settings}");
    assert!(settings.contains("default_author = "), "{settings}");
    assert!(
        run.stdout.contains("cd fresh && dispatches serve --dev")
            && run
                .stdout
                .contains("cd fresh && dispatches publish content"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_new_site_publishes_with_no_failure_or_warning_and_checks_clean() {
    let site = initialised();
    let publish = site.bin(&["publish", "content"]);
    assert_eq!(publish.code(), Some(0), "{}", publish.stderr);
    assert!(publish.stdout.contains(" 0 failed"), "{}", publish.stdout);
    assert!(!publish.stderr.contains("warning"), "{}", publish.stderr);
    let check = site.bin(&["check"]);
    assert_eq!(check.code(), Some(0), "{}{}", check.stdout, check.stderr);
    assert_eq!(check.stdout, "");
}

#[tokio::test]
async fn a_new_site_shows_its_introduction_about_page_and_portfolio() {
    let site = initialised();
    site.republish();
    let home = site.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body
            .contains("this is where I write and show what I make"),
        "the introduction is on the home page"
    );
    assert!(
        home.body.contains("Hello, world"),
        "the first post is listed"
    );
    for path in ["/about", "/work", "/work/example-project"] {
        assert_eq!(site.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[test]
fn init_into_a_folder_with_files_keeps_each_byte_for_byte_and_names_it() {
    let site = Site::new();
    let mine = [
        ("dispatches.toml", "title = \"Mine\"\n"),
        (
            "content/pages/about.md",
            "---\ntitle: Me\n---\nMy own words.\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
    ];
    for (rel, text) in mine {
        let path = site.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let run = site.bin(&["init", "."]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    for (rel, text) in mine {
        assert_eq!(
            std::fs::read_to_string(site.root().join(rel)).unwrap(),
            text
        );
        assert!(
            run.stdout.contains(&format!("kept {rel}: it exists")),
            "{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("made content/hello-world.md"),
        "{}",
        run.stdout
    );
    assert!(
        site.root()
            .join("content/work/example-project.md")
            .is_file()
    );
}

#[test]
fn init_into_a_file_is_a_usage_error() {
    let site = Site::new();
    std::fs::write(site.root().join("notes.txt"), "x").unwrap();
    let run = site.bin(&["init", "notes.txt"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("notes.txt is a file"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.root().join("notes.txt")).unwrap(),
        "x"
    );
}
