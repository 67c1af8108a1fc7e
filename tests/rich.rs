//! Pages as rich as what writers put in them: GitHub alerts as labelled asides, TeX as
//! MathML with no script, and each article as one h-entry for IndieWeb readers.

mod common;

use axum::http::StatusCode;
use common::*;

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
