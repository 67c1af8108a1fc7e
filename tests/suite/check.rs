//! `dispatches check`: on the untouched sample site nothing, and on a copy with three
//! planted breaks (a missing file, a missing slug, a missing anchor) exactly those three,
//! each at its file and line.

use crate::common::*;

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
    let run = site.bin(&["check", "--external", "--local", "--content", &content]);
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

/// A post may link to this machine or its network (`localhost`, `127.0.0.1`, the same
/// written as one number): `--external` reports those links unasked unless `--local`.
#[test]
fn external_links_to_local_addresses_are_not_asked() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = Site::new();
    site.file(
        "links.md",
        format!("---\ntitle: Links\ndate: 2026-03-01\n---\n[a](http://127.0.0.1:{port}/a)\n[b](http://localhost:{port}/b)\n[c](http://2130706433:{port}/c)\n[d](http://[::1]:{port}/d)\n"),
    );
    site.publish();
    let content = site.content().display().to_string();
    let run = site.bin(&["check", "--external", "--content", &content]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    for line in run.stdout.lines() {
        assert!(line.contains("local address"), "{line}");
    }
    assert!(
        listener.accept().is_err(),
        "nothing connected to the local server"
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

/// A picture that exists and is published, for the images that do resolve.
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"></svg>\n";

/// Every way an article names an image, each pointing at nothing, beside one that works.
fn a_site_with_missing_images() -> Site {
    let site = Site::new();
    site.file("pictures/here.svg", SVG).file(
        "pictures/gallery.md",
        "---\ntitle: Gallery\ndate: 2026-03-01\nhero:\n  alt: The bay\n  src: bay.jpg\n---\n\
         ![here](here.svg) and ![gone](gone.png)\n\n\
         <figure>\n<img alt=\"a boat\"\n     src=\"boat.webp\">\n</figure>\n\n\
         Inline <img src=\"here.svg\" alt=\"fine\"> is fine.\n",
    );
    site
}

fn image_lines(site: &Site) -> (Run, Vec<String>) {
    site.republish();
    let run = check(site);
    let lines = run.stdout.lines().map(str::to_string).collect();
    (run, lines)
}

#[test]
fn a_hero_that_resolves_to_nothing_is_reported_at_its_src_line() {
    let (run, lines) = image_lines(&a_site_with_missing_images());
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("gallery.md:6: image bay.jpg: ") && l.contains("pictures/bay.jpg")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_markdown_image_that_resolves_to_nothing_is_reported_and_one_that_does_is_not() {
    let (run, lines) = image_lines(&a_site_with_missing_images());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("gallery.md:8: image gone.png: ")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("here.svg"), "{}", run.stdout);
}

#[test]
fn a_raw_img_that_resolves_to_nothing_is_reported_at_its_line() {
    let (run, lines) = image_lines(&a_site_with_missing_images());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("gallery.md:11: image boat.webp: ")),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines.len(),
        3,
        "hero, Markdown image, raw img: {}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("0 broken internal links, 3 images that resolve to nothing"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_image_in_an_authors_bio_that_resolves_to_nothing_is_reported() {
    let site = Site::new();
    site.file("authors/here.png", b"\x89PNG\r\n\x1a\n").file(
        "authors/mira.md",
        "---\nname: Mira\n---\nWrites.\n\n![Here](here.png)\n\n![Gone](gone.png)\n",
    );
    let (run, lines) = image_lines(&site);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].contains("authors/mira.md:8: image gone.png: "),
        "{}",
        lines[0]
    );
}

#[test]
fn a_project_image_and_an_author_avatar_that_resolve_to_nothing_are_reported() {
    let site = Site::new();
    site.file(
        "work/harbour.md",
        "---\ntitle: Harbour\ndate: 2026-03-01\nimage: harbour.png\n---\nBuilt it.\n",
    )
    .file(
        "authors/mira.md",
        "---\nname: Mira\navatar: mira.jpg\n---\nWrites.\n",
    );
    let (run, lines) = image_lines(&site);
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].contains("work/harbour.md:4: image harbour.png: "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("authors/mira.md:3: image mira.jpg: "),
        "{}",
        lines[1]
    );
}

#[test]
fn an_image_at_an_address_nothing_serves_says_where_pictures_go() {
    let site = Site::new();
    site.file(
        "a.md",
        "---\ntitle: A\ndate: 2026-03-01\n---\n![a gopher](/doc/gopher.png)\n",
    );
    let (run, lines) = image_lines(&site);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].contains("a.md:5: image /doc/gopher.png: nothing is served at this address"),
        "{}",
        lines[0]
    );
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
