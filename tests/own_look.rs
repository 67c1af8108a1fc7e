//! What a site's owner adds of their own beyond words and colours: typefaces (system
//! stacks or WOFF2 files of the content folder), a footer in Markdown, tab and home-screen
//! icons made from their picture, and authors' pictures.

mod common;

use axum::http::StatusCode;
use common::*;
use dispatches::config::Font;

/// The first bytes of a WOFF2 file, which is all the checks read.
const WOFF2: &[u8] = b"wOF2\x00\x01\x00\x00 a font's tables";

/// The site stylesheet's address on `page`.
fn stylesheet(page: &str) -> String {
    page.split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_woff2_font_gets_a_face_in_our_stylesheet_at_an_immutable_address() {
    let site = Site::new().with_config(|c| {
        c.font = Some(Font::File("media/body.woff2".into()));
        c.heading_font = Some(Font::Stack("sans"));
    });
    site.file("media/body.woff2", WOFF2)
        .file("a.md", "---\ntitle: A\n---\nA.\n");
    site.publish();
    let home = site.get("/").await;
    let css = site.get(&stylesheet(&home.body)).await.body;
    assert!(
        css.contains(":root { --font-heading: var(--sans); }"),
        "{css}"
    );
    let face = css
        .split("@font-face { font-family: \"site-text\"; src: url(\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a face for the text's font");
    assert!(face.starts_with("/files/media/body.woff2?v="), "{face}");
    assert!(css.contains("--font-text: \"site-text\", var(--serif)"));
    let font = site.get(face).await;
    assert_eq!(font.status, StatusCode::OK);
    assert_eq!(font.content_type(), "font/woff2");
    assert!(font.header("cache-control").contains("immutable"));
    // Without the fingerprint the address may change: cached for a while only.
    let plain = site.get("/files/media/body.woff2").await;
    assert!(!plain.header("cache-control").contains("immutable"));
    // The policy is unchanged: fonts from the site itself, no inline style.
    let plain = Site::new();
    plain.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    let csp = plain.get("/").await;
    assert_eq!(
        home.header("content-security-policy"),
        csp.header("content-security-policy")
    );
}

#[test]
fn a_font_missing_not_woff2_or_outside_the_folder_is_refused_naming_the_setting() {
    let site = Site::new();
    site.file("a.md", "---\ntitle: A\n---\nA.\n")
        .file("media/body.ttf.woff2", b"\x00\x01\x00\x00 a TrueType font")
        .file("media/good.woff2", WOFF2);
    let outside = site.root().join("outside.woff2");
    std::fs::write(&outside, WOFF2).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.path("media/link.woff2")).unwrap();
    let content = site.content().to_str().unwrap().to_string();
    let publish = |key: &str, value: &str| {
        let out = site
            .command()
            .env(format!("DISPATCHES_{}", key.to_uppercase()), value)
            .args(["publish", "--content", &content, &content])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (key, value, why) in [
        ("font", "media/missing.woff2", "media/missing.woff2"),
        ("heading_font", "media/body.ttf.woff2", "not a WOFF2 file"),
        ("font", "media/link.woff2", "out of the content folder"),
        ("font", "../outside.woff2", "inside the content folder"),
        ("font", "media/body.ttf", "expected serif, sans, mono"),
        ("font", "fantasy", "expected serif, sans, mono"),
    ] {
        let (code, stderr) = publish(key, value);
        assert!(code.is_some_and(|c| c != 0), "{value}: {stderr}");
        assert!(
            stderr.contains(&format!("`{key}`")) && stderr.contains(why),
            "{value}: {stderr}"
        );
    }
    let (code, stderr) = publish("font", "media/good.woff2");
    assert_eq!(code, Some(0), "{stderr}");
}

#[tokio::test]
async fn the_footer_setting_is_markdown_shown_on_every_page_without_script() {
    let footer = "Text under [CC BY](https://creativecommons.org/licenses/by/4.0/) · \
                  ![badge](media/badge.svg)\n\n<script>alert(1)</script>\
                  <iframe src=\"https://example.org\"></iframe>\n\n[x](javascript:alert(1))";
    let site = Site::new().with_config(|c| {
        c.footer = Some(footer.into());
        c.trust_html = true;
    });
    site.file(
        "media/badge.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .file(
        "a.md",
        "---\ntitle: A\ndate: 2026-01-01\ntags: [t]\n---\nA.\n",
    );
    site.publish();
    for path in ["/", "/dispatches/a", "/tags/t", "/search?q=a", "/nowhere"] {
        let body = site.get(path).await.body;
        let footer = body.split("<footer").nth(1).expect(path);
        assert!(
            footer.contains("href=\"https://creativecommons.org/licenses/by/4.0/\"")
                && footer.contains(">CC BY</a>"),
            "{path}: {footer}"
        );
        assert!(
            footer.contains("src=\"/files/media/badge.svg\""),
            "{footer}"
        );
        for banned in ["<script", "<iframe", "javascript:"] {
            assert!(!footer.contains(banned), "{banned} on {path}: {footer}");
        }
    }
    let plain = Site::new();
    plain.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    let body = plain.get("/").await.body;
    assert!(
        body.contains("<p>dispatches · <a href=\"/archive\">Archive</a>"),
        "today's footer stays"
    );
}
