//! `dispatches check`: on the untouched sample site nothing, and on a copy with three
//! planted breaks (a missing file, a missing slug, a missing anchor) exactly those three,
//! each at its file and line.

mod common;

use common::*;

fn copy_of_the_sample() -> Site {
    let site = Site::new();
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(&from)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&from)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            site.file(&rel, std::fs::read(entry.path()).unwrap());
        }
    }
    site
}

fn check(site: &Site) -> Run {
    let content = site.content().display().to_string();
    site.bin(&["check", "--content", &content])
}

#[test]
fn the_untouched_sample_site_has_no_broken_link() {
    let site = copy_of_the_sample();
    assert!(site.publish().failed.is_empty());
    let run = check(&site);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn exactly_the_planted_breaks_are_reported_at_their_lines() {
    let site = copy_of_the_sample();
    let page = "2026-01-20-salt-marsh-survey.md";
    let mut text = site.read(page);
    text.push_str(
        "\nSee [the missing file](no-such-post.md),\n[a slug that was never published](/dispatches/never-written)\nand [a heading that is not there](#no-such-heading).\nAlso [the ferry](2026-04-18-the-ferry-timetable.md) and [the archive](/archive).\n",
    );
    site.file(page, text.clone());
    assert!(site.publish().failed.is_empty());
    let run = check(&site);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    let first = text.lines().count() - 3;
    for (i, target) in [
        "no-such-post.md",
        "/dispatches/never-written",
        "#no-such-heading",
    ]
    .iter()
    .enumerate()
    {
        let line = lines[i];
        assert!(
            line.contains(&format!("{page}:{}: link {target}: ", first + i)),
            "{line}"
        );
    }
    assert!(run.stderr.contains("3 broken internal links"));
}

/// `--external` asks each outside link once: a page that answers 200 is fine, a 404 and a
/// port where nothing listens are reported where they were written.
#[test]
fn external_links_are_asked_and_the_dead_ones_reported() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(16) {
            let mut stream = stream;
            let mut buf = [0u8; 2048];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let status = if head.contains(" /alive ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = Site::new();
    site.file(
        "links.md",
        format!("---\ntitle: Links\ndate: 2026-03-01\n---\n[alive](http://127.0.0.1:{port}/alive)\n[gone](http://127.0.0.1:{port}/gone)\n[nobody](http://127.0.0.1:{dead_port}/)\n[alive again](http://127.0.0.1:{port}/alive)\n"),
    );
    site.publish();
    let content = site.content().display().to_string();
    let run = site.bin(&["check", "--external", "--content", &content]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].contains("links.md:6: link") && lines[0].contains("/gone: the site answers 404"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("links.md:7: link") && lines[1].contains("no answer"),
        "{}",
        lines[1]
    );
    assert!(
        run.stderr.contains("4 outside links asked"),
        "{}",
        run.stderr
    );
}

#[test]
fn publish_counts_the_broken_links_of_what_it_wrote() {
    let site = Site::new();
    site.file(
        "a.md",
        "---\ntitle: A\ndate: 2026-03-01\n---\n[gone](/dispatches/nowhere) and [fine](/archive).\n",
    );
    let content = site.content().display().to_string();
    let run = site.bin(&["publish", "--content", &content, &content]);
    assert!(
        run.stdout
            .contains("1 broken internal link in what was published"),
        "{}",
        run.stdout
    );
    // Nothing written the second time: nothing to count.
    let again = site.bin(&["publish", "--content", &content, &content]);
    assert!(!again.stdout.contains("broken"), "{}", again.stdout);
}

#[test]
fn the_paths_named_are_checked_and_no_others() {
    let site = copy_of_the_sample();
    let planted = "\nSee [nothing](/dispatches/never-written).\n";
    for page in [
        "2026-01-20-salt-marsh-survey.md",
        "lighthouse-keepers/index.md",
    ] {
        let text = site.read(page) + planted;
        site.file(page, text);
    }
    assert!(site.publish().failed.is_empty());
    let content = site.content().display().to_string();
    for (path, found) in [
        (content.clone(), 2),
        (format!("{content}/lighthouse-keepers"), 1),
        (format!("{content}/2026-01-20-salt-marsh-survey.md"), 1),
        (format!("{content}/2026-04-18-the-ferry-timetable.md"), 0),
    ] {
        let run = site.bin(&["check", "--content", &content, &path]);
        assert_eq!(run.stdout.lines().count(), found, "{path}: {}", run.stdout);
    }
}

/// `dispatches check PATH` reads a folder outside the content folder as `publish PATH`
/// did: as a content folder of its own.
#[test]
fn check_finds_the_content_folder_as_publish_does() {
    let site = Site::new();
    let blog = site.root().join("blog");
    std::fs::create_dir_all(&blog).unwrap();
    std::fs::write(
        blog.join("a.md"),
        "---\ntitle: A\ndate: 2024-01-01\n---\nSee [b](b.md) and [gone](gone.md).\n",
    )
    .unwrap();
    std::fs::write(
        blog.join("b.md"),
        "---\ntitle: B\ndate: 2024-01-02\n---\nB.\n",
    )
    .unwrap();
    site.bin(&["publish", "blog"]).success();
    let run = site.bin(&["check", "blog"]);
    assert_eq!(run.code(), Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("a.md:5: link gone.md"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("b.md"), "{}", run.stdout);
}
