//! What a site's owner adds of their own beyond words and colours: typefaces (system
//! stacks or WOFF2 files of the content folder), a footer in Markdown, tab and home-screen
//! icons made from their picture, and authors' pictures.

use crate::common::*;
use axum::http::StatusCode;
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
    // A server refuses to start on it too.
    let config = dispatches::config::Config {
        heading_font: Some(Font::File("media/missing.woff2".into())),
        ..Default::default()
    };
    let writer = dispatches::db::Writer::start(&site.archive()).unwrap();
    let refused =
        dispatches::web::AppState::publishing(&site.archive(), config, writer, site.content())
            .err()
            .expect("refused")
            .to_string();
    assert!(refused.contains("`heading_font`"), "{refused}");
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

/// A PNG of `w`×`h` pixels.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The `href` of the `<link>` on `page` that starts with `start`.
fn link(page: &str, start: &str) -> Option<String> {
    let rest = page.split(start).nth(1)?;
    let rest = &rest[..rest.find('>')?];
    let href = rest.split("href=\"").nth(1)?;
    Some(href[..href.find('"')?].to_string())
}

#[tokio::test]
async fn a_raster_favicon_gets_a_32px_icon_and_a_180px_apple_touch_icon() {
    let site = Site::new().with_config(|c| c.favicon = Some("media/me.png".into()));
    site.file("media/me.png", png(600, 400))
        .file("a.md", "---\ntitle: A\n---\nA.\n");
    let report = site.publish();
    assert!(
        !report.warnings.iter().any(|w| w.contains("me.png")),
        "{:?}",
        report.warnings
    );
    let home = site.get("/").await.body;
    assert!(
        home.contains("sizes=\"32x32\" type=\"image/png\">"),
        "{home}"
    );
    for (start, side) in [
        ("<link rel=\"icon\"", 32),
        ("<link rel=\"apple-touch-icon\"", 180),
    ] {
        let href = link(&home, start).unwrap_or_else(|| panic!("{start} in {home}"));
        let icon = site.get(&href).await;
        assert_eq!(icon.status, StatusCode::OK, "{href}");
        assert_eq!(icon.content_type(), "image/png");
        assert!(icon.header("cache-control").contains("immutable"));
        let decoded = image::load_from_memory(&icon.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (side, side), "{href}");
        // Not a WebP variant's address.
        let webp = href.replace(".png", ".webp");
        assert_eq!(site.get(&webp).await.status, StatusCode::NOT_FOUND);
    }
    // Kept in the archive, so a backup or a replica carries them.
    let stored: i64 = site.one("SELECT count(*) FROM image_variants WHERE width IN (32, 180)");
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn the_logo_makes_the_icons_when_there_is_no_favicon_and_an_svg_is_linked_as_svg() {
    let site = Site::new().with_config(|c| c.logo = Some("media/logo.png".into()));
    site.file("media/logo.png", png(120, 40))
        .file("a.md", "---\ntitle: A\n---\nA.\n");
    site.publish();
    let home = site.get("/").await.body;
    assert!(
        link(&home, "<link rel=\"apple-touch-icon\"").is_some(),
        "{home}"
    );
    let svg = Site::new().with_config(|c| c.favicon = Some("media/icon.svg".into()));
    svg.file(
        "media/icon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .file("a.md", "---\ntitle: A\n---\nA.\n");
    svg.publish();
    let home = svg.get("/").await.body;
    assert!(
        home.contains("<link rel=\"icon\" href=\"/files/media/icon.svg?v=")
            && home.contains("type=\"image/svg+xml\">"),
        "{home}"
    );
    assert!(
        !home.contains("apple-touch-icon"),
        "no rasteriser: no PNG made"
    );
    // An SVG tab icon beside a raster logo: the phone's icon is made of the logo.
    let both = Site::new().with_config(|c| {
        c.favicon = Some("media/icon.svg".into());
        c.logo = Some("media/logo.png".into());
    });
    both.file(
        "media/icon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .file("media/logo.png", png(120, 40))
    .file("a.md", "---\ntitle: A\n---\nA.\n");
    both.publish();
    let home = both.get("/").await.body;
    assert!(
        link(&home, "<link rel=\"icon\"").is_some_and(|h| h.starts_with("/files/media/icon.svg")),
        "{home}"
    );
    let touch = link(&home, "<link rel=\"apple-touch-icon\"").expect("made of the logo");
    assert_eq!(both.get(&touch).await.content_type(), "image/png");
}

#[tokio::test]
async fn a_broken_huge_or_outside_icon_is_no_icon_and_no_failure() {
    for (path, bytes) in [
        ("media/broken.png", b"\x89PNG\r\n\x1a\n not really".to_vec()),
        ("media/huge.png", png(13_000, 1)),
    ] {
        let site = Site::new().with_config(|c| c.favicon = Some(path.into()));
        site.file(path, &bytes)
            .file("a.md", "---\ntitle: A\n---\nA.\n");
        let report = site.publish();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let home = site.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(!home.body.contains("apple-touch-icon"), "{path}");
        assert!(
            link(&home.body, "<link rel=\"icon\"").is_some_and(|h| h.starts_with("/files/")),
            "{path}: the file as it is"
        );
    }
    let site = Site::new().with_config(|c| c.favicon = Some("../outside.png".into()));
    std::fs::write(site.root().join("outside.png"), png(64, 64)).unwrap();
    site.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    let home = site.get("/").await.body;
    assert!(
        home.contains("<link rel=\"icon\" href=\"data:,\">"),
        "{home}"
    );
}

/// An author with a picture beside their file and a picture in their bio, and an article
/// of theirs.
fn author_with_pictures() -> Site {
    let site = Site::new();
    site.file("authors/mira.png", png(800, 800))
        .file("authors/harbour.png", png(200, 100))
        .file(
            "authors/mira.md",
            "---\nname: Mira Falk\navatar: mira.png\n---\nShe builds harbours.\n\n![The harbour at dawn](harbour.png)\n",
        )
        .file(
            "a.md",
            "---\ntitle: A\ndate: 2026-01-01\nauthor: mira\n---\nA.\n",
        );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    site
}

#[tokio::test]
async fn an_authors_avatar_is_on_their_page_and_in_the_author_box_sized_with_variants() {
    let site = author_with_pictures();
    for (path, sizes) in [("/authors/mira", "6rem"), ("/dispatches/a", "4rem")] {
        let body = site.get(path).await.body;
        let img = body
            .split("<img class=\"avatar u-photo\" ")
            .nth(1)
            .map(|s| &s[..s.find('>').unwrap()])
            .unwrap_or_else(|| panic!("no avatar on {path}"));
        assert!(
            img.starts_with("src=\"/files/authors/mira.png\" alt=\"\""),
            "{img}"
        );
        assert!(img.contains("width=\"800\" height=\"800\""), "{img}");
        assert!(img.contains(&format!("sizes=\"{sizes}\"")), "{img}");
        let variant = img
            .split("srcset=\"")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .unwrap();
        assert!(variant.starts_with("/images/"), "{img}");
        assert_eq!(site.get(variant).await.status, StatusCode::OK);
    }
    assert_eq!(
        site.get("/files/authors/mira.png").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_relative_image_in_an_authors_bio_resolves_from_their_folder() {
    let site = author_with_pictures();
    let body = site.get("/authors/mira").await.body;
    assert!(
        body.contains("src=\"/files/authors/harbour.png\" alt=\"The harbour at dawn\""),
        "{body}"
    );
    assert_eq!(
        site.get("/files/authors/harbour.png").await.status,
        StatusCode::OK
    );
}
