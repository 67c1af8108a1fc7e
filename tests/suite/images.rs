//! Images done right: each published image carries its size, its WebP variants (kept in
//! the archive, served immutable) and a loading hint; a changed image renders the
//! articles that show it again; a hostile image costs nothing.

use std::io::Cursor;

use crate::common::*;
use axum::http::StatusCode;

fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    encoded(w, h, image::ImageFormat::Png)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encoded(w, h, image::ImageFormat::Jpeg)
}

/// The `<img …>` tag whose `src` is `src`.
fn img_tag<'a>(body: &'a str, src: &str) -> &'a str {
    let at = body
        .find(&format!("<img src=\"{src}\""))
        .unwrap_or_else(|| panic!("no <img src=\"{src}\"> in\n{body}"));
    &body[at..at + body[at..].find('>').unwrap() + 1]
}

/// The value of `name` in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

const ARTICLE: &str = "---\ntitle: Charts\ndate: 2026-03-01\nhero:\n  src: cover.jpg\n  alt: A cover\n---\n\
    Some text first.\n\n![A chart of the week](chart.png)\n\n\
    <img src=\"diagram.png\" alt=\"A diagram\">\n\n![A remote picture](https://example.org/a.png)\n";

fn charts_site() -> Site {
    let site = Site::new();
    site.file("charts/index.md", ARTICLE)
        .file("charts/cover.jpg", jpeg(2000, 1000))
        .file("charts/chart.png", png(1200, 600))
        .file("charts/diagram.png", png(300, 200));
    site
}

#[tokio::test]
async fn a_published_image_carries_its_size_variants_and_loading_hints() {
    let site = charts_site();
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let page = site.get("/dispatches/charts").await;
    assert_eq!(page.status, StatusCode::OK);

    let hero = img_tag(&page.body, "/files/charts/cover.jpg");
    assert_eq!(attr(hero, "width"), Some("2000"), "{hero}");
    assert_eq!(attr(hero, "height"), Some("1000"));
    assert_eq!(attr(hero, "fetchpriority"), Some("high"));
    assert_eq!(attr(hero, "loading"), None, "the hero loads at once");
    let set = attr(hero, "srcset").unwrap();
    assert!(set.ends_with("/files/charts/cover.jpg 2000w"), "{set}");
    assert_eq!(
        set.matches(".webp").count(),
        3,
        "480, 960 and 1600 wide: {set}"
    );
    assert!(attr(hero, "sizes").is_some());

    // Below a hero, every image of the body waits until it nears the viewport.
    let chart = img_tag(&page.body, "/files/charts/chart.png");
    assert_eq!(attr(chart, "width"), Some("1200"), "{chart}");
    assert_eq!(attr(chart, "height"), Some("600"));
    assert_eq!(attr(chart, "loading"), Some("lazy"));
    assert_eq!(attr(chart, "decoding"), Some("async"));
    let set = attr(chart, "srcset").unwrap();
    assert!(set.contains(" 480w, ") && set.contains(" 960w, "), "{set}");
    assert!(
        !set.contains("1600w"),
        "never wider than the original: {set}"
    );

    // Raw HTML gets the same; a small image needs no variants.
    let diagram = img_tag(&page.body, "/files/charts/diagram.png");
    assert_eq!(attr(diagram, "width"), Some("300"), "{diagram}");
    assert_eq!(attr(diagram, "height"), Some("200"));
    assert_eq!(attr(diagram, "srcset"), None);
    assert_eq!(attr(diagram, "loading"), Some("lazy"));

    // A remote image keeps its address and is lazy too.
    let remote = img_tag(&page.body, "https://example.org/a.png");
    assert_eq!(attr(remote, "loading"), Some("lazy"), "{remote}");
    assert_eq!(attr(remote, "width"), None);
}

#[tokio::test]
async fn variants_are_webp_served_immutable_from_the_archive() {
    let site = charts_site();
    site.publish();
    let page = site.get("/dispatches/charts").await;
    let chart = img_tag(&page.body, "/files/charts/chart.png");
    let set = attr(chart, "srcset").unwrap().to_string();
    for candidate in set.split(", ").filter(|c| c.contains(".webp")) {
        let (url, width) = candidate.split_once(' ').unwrap();
        let width: u32 = width.trim_end_matches('w').parse().unwrap();
        let variant = site.get(url).await;
        assert_eq!(variant.status, StatusCode::OK, "{url}");
        assert_eq!(variant.content_type(), "image/webp");
        assert_eq!(
            variant.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        let decoded = image::load_from_memory(&variant.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (width, width / 2));
    }
    // Kept in the archive itself, so a backup or a replica carries them.
    let stored: i64 = site.one("SELECT count(*) FROM image_variants");
    assert_eq!(stored, 3 + 2, "the cover's three and the chart's two");
    assert_eq!(
        site.get("/images/nothing/480.webp").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get("/images/x/480.png").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_changed_image_renders_its_articles_again_and_drops_its_old_variants() {
    let site = charts_site();
    site.publish();
    let before = site.get("/dispatches/charts").await;
    let old_set = attr(img_tag(&before.body, "/files/charts/chart.png"), "srcset")
        .unwrap()
        .to_string();
    let old_variant = old_set.split(' ').next().unwrap().to_string();

    // Only the image changes; the Markdown does not.
    site.file("charts/chart.png", png(800, 800));
    let report = site.republish();
    assert_eq!(report.updated, 1, "the article shows the image: {report:?}");

    let after = site.get("/dispatches/charts").await;
    let chart = img_tag(&after.body, "/files/charts/chart.png");
    assert_eq!(attr(chart, "width"), Some("800"), "{chart}");
    assert_eq!(attr(chart, "height"), Some("800"));
    assert_ne!(attr(chart, "srcset").unwrap(), old_set);
    assert_eq!(site.get(&old_variant).await.status, StatusCode::NOT_FOUND);

    // Unchanged, nothing is made again.
    let report = site.republish();
    assert_eq!((report.updated, report.new), (0, 0), "{report:?}");
}

#[tokio::test]
async fn a_removed_image_renders_its_articles_again_without_its_size_or_variants() {
    let site = charts_site();
    site.publish();
    site.remove("charts/chart.png");
    let report = site.republish();
    assert_eq!(
        report.updated, 1,
        "the article showed the image: {report:?}"
    );
    let page = site.get("/dispatches/charts").await;
    let chart = img_tag(&page.body, "/files/charts/chart.png");
    assert_eq!(
        (attr(chart, "width"), attr(chart, "srcset")),
        (None, None),
        "{chart}"
    );
}

#[test]
fn variants_are_made_once_per_image_and_never_again_when_unchanged() {
    let site = charts_site();
    site.publish();
    let keys = |site: &Site| -> Vec<String> {
        let conn = site.conn();
        let mut stmt = conn
            .prepare("SELECT key || '/' || width FROM image_variants ORDER BY 1")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let first = keys(&site);
    // A copy of the same picture elsewhere shares its variants.
    site.file(
        "other/index.md",
        "---\ntitle: Other\ndate: 2026-03-02\n---\n![Same](same.jpg)\n",
    )
    .file(
        "other/same.jpg",
        std::fs::read(site.path("charts/cover.jpg")).unwrap(),
    );
    site.republish();
    assert_eq!(keys(&site), first);
}

/// A PNG whose header claims `w` × `h` pixels, with almost no data behind it.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn a_decompression_bomb_or_a_broken_image_is_served_without_variants() {
    let site = Site::new();
    site.file(
        "bomb/index.md",
        "---\ntitle: Bomb\ndate: 2026-03-01\n---\n![Big](big.png)\n\n![Broken](broken.jpg)\n",
    )
    .file("bomb/big.png", png_claiming(60_000, 60_000))
    .file("bomb/broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg");
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let page = site.get("/dispatches/bomb").await;
    let big = img_tag(&page.body, "/files/bomb/big.png");
    assert_eq!(attr(big, "width"), Some("60000"), "{big}");
    assert_eq!(attr(big, "srcset"), None);
    let broken = img_tag(&page.body, "/files/bomb/broken.jpg");
    assert_eq!(attr(broken, "width"), None, "{broken}");
    let stored: i64 = site.one("SELECT count(*) FROM image_variants");
    assert_eq!(stored, 0);
}

/// A real JPEG of a few hundred bytes whose frame header claims `w` × `h` pixels.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg(16, 16);
    let sof = bytes
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("a baseline frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

#[tokio::test]
async fn an_image_claiming_more_pixels_than_the_bound_is_not_decoded_and_is_warned_about() {
    let site = Site::new();
    site.file(
        "huge/index.md",
        "---\ntitle: Huge\ndate: 2026-03-01\n---\n![Square](square.png)\n\n![Tiny](tiny.jpg)\n",
    )
    .file("huge/square.png", png_claiming(12_000, 12_000))
    .file("huge/tiny.jpg", jpeg_claiming(11_000, 11_000));
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    for (name, size) in [("square.png", "12000×12000"), ("tiny.jpg", "11000×11000")] {
        let warning = report
            .warnings
            .iter()
            .find(|w| w.contains(name))
            .unwrap_or_else(|| panic!("no warning for {name}: {:?}", report.warnings));
        assert!(warning.contains(size), "{warning}");
    }
    let page = site.get("/dispatches/huge").await;
    let square = img_tag(&page.body, "/files/huge/square.png");
    assert_eq!(attr(square, "width"), Some("12000"), "{square}");
    assert_eq!(attr(square, "srcset"), None);
    let stored: i64 = site.one("SELECT count(*) FROM image_variants");
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn an_svg_is_sized_and_served_as_an_image_under_a_policy_of_its_own() {
    let site = Site::new();
    site.file(
        "drawn/index.md",
        "---\ntitle: Drawn\ndate: 2026-03-01\n---\nText.\n\n![A drawing](d.svg)\n",
    )
    .file(
        "drawn/d.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 200\"><script>alert(1)</script></svg>",
    );
    site.publish();
    let page = site.get("/dispatches/drawn").await;
    let tag = img_tag(&page.body, "/files/drawn/d.svg");
    assert_eq!(attr(tag, "width"), Some("320"), "{tag}");
    assert_eq!(attr(tag, "height"), Some("200"));
    assert_eq!(attr(tag, "srcset"), None, "a drawing scales itself");
    // Without a hero, the first image of the body loads at once.
    assert_eq!(attr(tag, "loading"), None);
    assert!(!page.body.contains("<svg xmlns"), "never inlined");
    let svg = site.get("/files/drawn/d.svg").await;
    assert_eq!(svg.content_type(), "image/svg+xml");
    assert!(svg.header("content-security-policy").contains("sandbox"));
    assert!(
        svg.header("content-security-policy")
            .contains("default-src 'none'")
    );
}
