//! Files that cannot publish: each is named with the line and the field at fault, the
//! others still publish, and a bad save never takes down what was live.

use crate::common::*;

const NO_TITLE: &str = "---\ndate: 2026-01-01\n---\nJust text.\n";
const BAD_YAML: &str = "---\ntitle: [unclosed\ndate: 2026-01-01\n---\n";
const BAD_TYPE: &str = "---\ntitle: T\ntags: { a: 1 }\n---\n";
const LATIN1: &[u8] = b"---\ntitle: T\n---\ncaf\xe9\n";
const DUP_ONE: &str = "---\ntitle: One\nslug: same\ndate: 2026-01-01\n---\n";
const DUP_TWO: &str = "---\ntitle: Two\nslug: same\ndate: 2026-01-02\n---\n";

/// Larger than the 10,000 bytes these sites allow.
fn huge() -> String {
    format!("---\ntitle: Huge\n---\n{}", "x".repeat(20_000))
}

/// A site whose files may be at most 10,000 bytes, with one good article.
fn site() -> Site {
    let site = Site::new().with_config(|c| c.max_file_bytes = 10_000);
    site.file("fine.md", post("Fine", "2026-01-01", "ok"));
    site
}

/// Publishes `site`; the one failure's message, once the good article has published.
fn the_failure(site: &Site) -> String {
    let r = site.publish();
    let messages: Vec<String> = r.failed.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(r.new >= 1, "the good file publishes: {r:?}");
    messages[0].clone()
}

#[test]
fn a_missing_title_is_named_and_the_page_titled_by_its_name() {
    let site = site();
    site.file("no-title.md", NO_TITLE);
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let warning = r.warnings.iter().find(|w| w.contains("no-title.md:1:"));
    assert!(
        warning.is_some_and(|w| w.contains("`title:`") && w.contains("\"No title\"")),
        "{:#?}",
        r.warnings
    );
    let title: String = site.one("SELECT title FROM articles WHERE slug = 'no-title'");
    assert_eq!(title, "No title");
}

#[test]
fn broken_yaml_is_named() {
    let message = the_failure(site().file("bad-yaml.md", BAD_YAML));
    assert!(
        message.contains("bad-yaml.md") && message.contains("YAML"),
        "{message}"
    );
}

#[test]
fn a_field_of_the_wrong_type_is_named_with_its_line() {
    let message = the_failure(site().file("bad-type.md", BAD_TYPE));
    assert!(message.contains("bad-type.md:3: `tags`"), "{message}");
}

#[test]
fn text_that_is_not_utf8_is_named_with_its_line() {
    let message = the_failure(site().file("latin1.md", LATIN1));
    assert!(
        message.contains("latin1.md:4") && message.contains("UTF-8"),
        "{message}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_named() {
    let message = the_failure(site().file("huge.md", huge()));
    assert!(
        message.contains("huge.md") && message.contains("limit"),
        "{message}"
    );
}

#[test]
fn a_slug_taken_twice_names_both_files() {
    let dup = the_failure(
        site()
            .file("dup-one.md", DUP_ONE)
            .file("dup-two.md", DUP_TWO),
    );
    assert!(
        dup.contains("dup-two.md") && dup.contains("dup-one.md") && dup.contains("`slug`"),
        "both files named: {dup}"
    );
}

#[test]
fn every_bad_file_is_reported_and_the_good_ones_publish() {
    let site = site();
    site.file("bad-yaml.md", BAD_YAML)
        .file("bad-type.md", BAD_TYPE)
        .file("latin1.md", LATIN1)
        .file("huge.md", huge())
        .file("dup-one.md", DUP_ONE)
        .file("dup-two.md", DUP_TWO);
    let r = site.publish();
    let messages: Vec<String> = r.failed.iter().map(ToString::to_string).collect();
    let find = |file: &str| {
        messages
            .iter()
            .find(|m| m.contains(file))
            .cloned()
            .unwrap_or_else(|| panic!("no error for {file}: {messages:#?}"))
    };
    assert!(find("bad-yaml.md").contains("YAML"));
    assert!(find("bad-type.md").contains(":3: `tags`"));
    assert!(find("latin1.md").contains(":4") && find("latin1.md").contains("UTF-8"));
    assert!(find("huge.md").contains("limit"));
    let dup = find("dup-two.md");
    assert!(
        dup.contains("dup-one.md") && dup.contains("`slug`"),
        "both files named: {dup}"
    );
    assert_eq!(r.failed.len(), 5, "{messages:#?}");
    assert_eq!(r.new, 2, "fine.md and dup-one.md publish");
}

#[test]
fn a_bad_save_keeps_the_previous_version_live() {
    let site = Site::new();
    site.file("a.md", post("Good", "2026-01-01", "good text"))
        .publish();
    site.file(
        "a.md",
        "---\ntitle: Broken\ndate: 2026-02-30\n---\nnew text\n",
    )
    .file("other.md", post("Other", "2026-01-03", "still publishes"));
    let r = site.publish();
    assert_eq!(r.failed.len(), 1);
    let msg = r.failed[0].to_string();
    assert!(
        msg.contains("a.md:3: `date`") && msg.contains("February 2026 has 28 days"),
        "{msg}"
    );
    assert_eq!(r.new, 1, "the other file still publishes");
    assert_eq!(
        site.one::<String>("SELECT title FROM articles WHERE slug = 'a'"),
        "Good"
    );
}

/// Images with no text alternative are published (as decoration) but named, with the
/// line, so the author can describe them.
#[test]
fn images_without_alt_text_are_named_with_their_line() {
    let site = Site::new();
    site.file(
        "pictures.md",
        "---\ntitle: Pictures\ndate: 2026-01-01\n---\nIntro.\n\n![](pic.png)\n\n![A heron](heron.png)\n\n<img src=\"raw.png\">\n\n<img src=\"rule.png\" alt=\"\">\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let about: Vec<&String> = report
        .warnings
        .iter()
        .filter(|w| w.contains("no text alternative"))
        .collect();
    assert_eq!(about.len(), 2, "{:?}", report.warnings);
    assert!(about[0].ends_with("pictures.md:7: image `pic.png` has no text alternative, so screen readers skip it; describe it (`![what it shows](pic.png)`), or give raw HTML `alt=\"\"` if it is decoration"), "{}", about[0]);
    assert!(
        about[1].contains("pictures.md:11: image `raw.png`"),
        "{}",
        about[1]
    );
}
