//! Pages as rich as what writers put in them: GitHub alerts as labelled asides, TeX as
//! MathML with no script, emoji shortcodes where the site wants them, and each article as
//! one h-entry for IndieWeb readers.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_github_alert_is_a_labelled_aside() {
    let site = Site::new();
    site.file(
        "alert.md",
        post(
            "Alert",
            "2026-03-01",
            "Before.\n\n> [!CAUTION]\n> Mind the gap.\n",
        ),
    );
    site.publish();
    let page = site.get("/dispatches/alert").await;
    assert!(
        page.body.contains(
            r#"<aside class="callout callout-caution" role="note"><p class="callout-label">Caution</p>"#
        ),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn math_is_mathml_on_the_page_with_no_script() {
    let site = Site::new();
    site.file(
        "euler.md",
        post("Euler", "2026-03-01", "Inline $e^{i\\pi} + 1 = 0$.\n\n$$\\sum_{n=0}^\\infty \\frac{1}{n!}$$\n\nA price: $5 and $6.\n"),
    );
    site.publish();
    let page = site.get("/dispatches/euler").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<math display="inline">"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<math display="block">"#));
    assert!(page.body.contains("A price: $5 and $6."));
    assert!(!page.body.contains("katex") && !page.body.contains("mathjax"));
}

#[test]
fn a_formula_that_does_not_parse_is_code_and_a_warning_at_its_line() {
    let site = Site::new();
    site.file(
        "broken.md",
        "---\ntitle: Broken\ndate: 2026-03-01\n---\nFirst line.\n\nThen $\\frac{1}$ here.\n",
    );
    let report = site.publish();
    assert_eq!(report.new, 1);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.contains("formula"))
        .unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert!(warning.contains("broken.md:7:"), "{warning}");
    let html: String = site.one("SELECT html FROM articles WHERE slug = 'broken'");
    assert!(html.contains(r"<code>\frac{1}</code>"), "{html}");
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn hugos_math_typesetting_page_becomes_mathml() {
    let site = Site::corpus("hugo-basic");
    site.publish();
    let html: String =
        site.one("SELECT html FROM articles WHERE source_path = 'post/math-typesetting.md'");
    assert!(
        html.contains(r#"<math display="inline">"#),
        "the \\(…\\) formula"
    );
    assert!(
        html.contains(r#"<math display="block">"#),
        "the $$…$$ formula"
    );
}

#[tokio::test]
async fn an_article_page_is_exactly_one_h_entry() {
    let site = Site::fixture();
    let page = site.get("/dispatches/wal").await;
    assert_eq!(page.body.matches("h-entry").count(), 1, "{}", page.body);
    for class in [
        "p-name",
        "e-content",
        "dt-published",
        "dt-updated",
        "u-url",
        "p-summary",
        "p-category",
        "p-author h-card",
    ] {
        assert!(page.body.contains(class), "the h-entry lacks {class}");
    }
    let home = site.get("/").await;
    assert!(home.body.contains("h-feed") && home.body.contains("h-entry"));
}

const EMOJI_BODY: &str = "Shipped :tada: at 10:30:00, says `:tada:` and :not_an_emoji:.";

/// The stored HTML of the article `emoji`.
fn emoji_html(site: &Site) -> String {
    site.one("SELECT html FROM articles WHERE slug = 'emoji'")
}

#[tokio::test]
async fn emoji_shortcodes_are_emoji_only_when_the_site_turns_them_on() {
    let off = Site::new();
    off.file("emoji.md", post("Emoji", "2026-03-01", EMOJI_BODY));
    off.publish();
    assert!(
        emoji_html(&off).contains("Shipped :tada: at"),
        "{}",
        emoji_html(&off)
    );

    let on = Site::new().with_config(|c| c.emoji = true);
    on.file("emoji.md", post("Emoji", "2026-03-01", EMOJI_BODY));
    on.publish();
    let page = on.get("/dispatches/emoji").await;
    assert!(
        page.body
            .contains("Shipped 🎉 at 10:30:00, says <code>:tada:</code> and :not_an_emoji:."),
        "{}",
        page.body
    );
}

#[test]
fn turning_emoji_on_re_renders_files_that_did_not_change() {
    let site = Site::new();
    site.file("emoji.md", post("Emoji", "2026-03-01", EMOJI_BODY));
    assert!(site.bin_publish(&[]).status.success());
    assert!(emoji_html(&site).contains(":tada:"));
    let run = site
        .command()
        .env("DISPATCHES_EMOJI", "true")
        .args(["publish", site.content().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    assert!(
        emoji_html(&site).contains("Shipped 🎉"),
        "{}",
        emoji_html(&site)
    );
}

#[test]
fn a_hugo_site_with_enable_emoji_gets_emoji() {
    for (file, text) in [
        ("hugo.toml", "title = \"Old\"\nenableEmoji = true\n"),
        ("config.yaml", "enableemoji: true\n"),
    ] {
        let site = Site::new();
        std::fs::write(site.root().join(file), text).unwrap();
        site.file("emoji.md", post("Emoji", "2026-03-01", EMOJI_BODY));
        site.publish();
        assert!(
            emoji_html(&site).contains("Shipped 🎉"),
            "{file}: {}",
            emoji_html(&site)
        );
    }
    let site = Site::new();
    std::fs::write(site.root().join("hugo.toml"), "enableEmoji = false\n").unwrap();
    site.file("emoji.md", post("Emoji", "2026-03-01", EMOJI_BODY));
    site.publish();
    assert!(emoji_html(&site).contains("Shipped :tada:"));
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn hugos_emoji_pages_show_emoji_in_prose_and_codes_in_code() {
    let site = Site::new().with_config(|c| c.emoji = true);
    let corpora = corpora();
    for (corpus, rel) in [
        ("hugo-docs", "en/quick-reference/emojis.md"),
        ("hugo-basic", "post/emoji-support.md"),
    ] {
        let text = std::fs::read(corpora.join(corpus).join("content").join(rel)).unwrap();
        site.file(rel, text);
    }
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let reference = site.get("/dispatches/emojis").await.body;
    let prose = html::text_outside_code(&reference);
    let left: Vec<&str> = prose
        .split_whitespace()
        .filter(|w| w.len() > 2 && w.starts_with(':') && w.ends_with(':'))
        .collect();
    assert!(left.is_empty(), "shortcodes left in prose: {left:?}");
    assert!(prose.contains("😀") && prose.contains("👋"));
    // Each row names its emoji's codes in code, which stay as written.
    let codes = reference.matches("<code>:").count();
    assert!(codes > 1500, "{codes} codes");
    assert!(reference.contains("<code>:grinning:</code>"));
    // Hugo's example shows its codes inside raw HTML, which is the author's own.
    let example = site.get("/dispatches/emoji-support").await.body;
    assert!(example.contains("<code>:see_no_evil:</code>"), "{example}");
    assert_eq!(example.matches('🙈').count(), 1);
}
