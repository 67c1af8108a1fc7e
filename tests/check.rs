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
