//! Dispatches in more than one language: `lang:` and Hugo's `post.fr.md` naming mark a
//! page's language; translations link each other with `hreflang` on the page and in the
//! sitemap; feeds say each entry's language; dates and reading time are spelled in it.

use crate::common::*;
use axum::http::StatusCode;

const BASE: &str = "http://127.0.0.1:3000";

/// `post.md` in the site's English, `post.fr.md` beside it, and a German piece.
fn translated() -> Site {
    let site = Site::new();
    site.file(
        "post.md",
        "---\ntitle: The lighthouse\ndate: 2025-03-03\n---\nThe keeper climbs the stairs.\n",
    )
    .file(
        "post.fr.md",
        "---\ntitle: Le phare\ndate: 2025-03-03\n---\nLe gardien monte l'escalier.\n",
    )
    .file(
        "zug.md",
        "---\ntitle: Der Zug\nlang: de\ndate: 2025-03-03\n---\nDer Zug fährt ab.\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.new, 3);
    site
}

#[tokio::test]
async fn a_translation_has_its_own_slug_and_language_on_the_page() {
    let site = translated();
    let fr = site.get("/dispatches/post-fr").await;
    assert_eq!(fr.status, StatusCode::OK);
    assert!(fr.body.contains(r#"<html lang="fr">"#), "{}", fr.body);
    assert!(fr.body.contains("<h1 class=\"p-name\">Le phare</h1>"));
    let en = site.get("/dispatches/post").await;
    assert!(en.body.contains(r#"<html lang="en">"#));
    let de = site.get("/dispatches/zug").await;
    assert!(de.body.contains(r#"<html lang="de">"#));
    assert!(de.body.contains(r#""inLanguage":"de""#));
    // What the site wrote around the article stays marked as the site's language; the
    // article's own furniture speaks the article's.
    assert!(de.body.contains(r#"<header class="masthead" lang="en">"#));
    assert!(
        de.body
            .contains(r#"<p><a class="back" href="/">← Alle Beiträge</a></p>"#)
    );
    assert!(
        en.body.contains(r#"<header class="masthead">"#),
        "nothing to mark on an English page"
    );
}

#[tokio::test]
async fn translations_link_each_other_with_hreflang_both_ways() {
    let site = translated();
    let en_link = format!(r#"<link rel="alternate" hreflang="en" href="{BASE}/dispatches/post">"#);
    let fr_link =
        format!(r#"<link rel="alternate" hreflang="fr" href="{BASE}/dispatches/post-fr">"#);
    for slug in ["post", "post-fr"] {
        let body = site.get(&format!("/dispatches/{slug}")).await.body;
        assert!(body.contains(&en_link), "{slug}: {body}");
        assert!(body.contains(&fr_link), "{slug}");
        assert_eq!(
            body.matches("hreflang=").count(),
            3,
            "{slug}: head twice, list once"
        );
    }
    let en = site.get("/dispatches/post").await.body;
    assert!(
        en.contains(r#"This dispatch in: <a href="/dispatches/post-fr" hreflang="fr" lang="fr" rel="alternate">Français</a>"#),
        "{en}"
    );
    let fr = site.get("/dispatches/post-fr").await.body;
    assert!(fr.contains(r#"hreflang="en" lang="en" rel="alternate">English</a>"#));
    // An article without translations declares no alternates at all.
    let de = site.get("/dispatches/zug").await.body;
    assert!(!de.contains("hreflang") && !de.contains("This dispatch in"));
}

#[tokio::test]
async fn dates_and_reading_time_are_spelled_in_the_articles_language() {
    let site = translated();
    let page = |slug: &'static str| {
        let site = &site;
        async move { site.get(&format!("/dispatches/{slug}")).await.body }
    };
    let en = page("post").await;
    assert!(
        en.contains("1 min read") && en.contains(">3 Mar 2025</time>"),
        "{en}"
    );
    let fr = page("post-fr").await;
    assert!(fr.contains("1 min de lecture"), "{fr}");
    assert!(fr.contains(r#"datetime="2025-03-03T00:00:00Z">3 mars 2025</time>"#));
    let de = page("zug").await;
    assert!(de.contains("1 Min. Lesezeit") && de.contains(">3. März 2025</time>"));
}

#[tokio::test]
async fn a_spanish_article_reads_in_spanish() {
    let site = Site::new();
    site.file(
        "tren.md",
        "---\ntitle: El tren\nlanguage: es\ndate: 2025-03-03\n---\nEl tren sale.\n",
    );
    site.publish();
    let body = site.get("/dispatches/tren").await.body;
    assert!(body.contains("1 min de lectura") && body.contains(">3 de marzo de 2025</time>"));
}

#[tokio::test]
async fn feeds_say_each_entrys_language() {
    let site = translated();
    let atom = site.get("/feed.xml").await.body;
    assert!(
        atom.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">"#),
        "{atom}"
    );
    assert_eq!(
        atom.matches(r#"<entry xml:lang="fr">"#).count(),
        1,
        "{atom}"
    );
    assert_eq!(atom.matches(r#"<entry xml:lang="de">"#).count(), 1);
    assert_eq!(
        atom.matches("<entry>").count(),
        1,
        "the English one inherits"
    );
    let json: serde_json::Value = serde_json::from_str(&site.get("/feed.json").await.body).unwrap();
    assert_eq!(json["language"], "en");
    let lang_of = |title: &str| {
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .map(|i| i["language"].clone())
            .unwrap()
    };
    assert_eq!(lang_of("Le phare"), "fr");
    assert_eq!(lang_of("Der Zug"), "de");
    assert_eq!(lang_of("The lighthouse"), "en");
}

#[tokio::test]
async fn the_sitemap_lists_translations_as_alternates() {
    let site = translated();
    let xml = site.get("/sitemap.xml").await.body;
    assert!(xml.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#));
    let url_of = |slug: &str| {
        let loc = format!("<loc>{BASE}/dispatches/{slug}</loc>");
        let start = xml.find(&loc).unwrap_or_else(|| panic!("{slug}: {xml}"));
        let end = start + xml[start..].find("</url>").unwrap();
        xml[start..end].to_string()
    };
    for slug in ["post", "post-fr"] {
        let url = url_of(slug);
        assert!(
            url.contains(&format!(
                r#"<xhtml:link rel="alternate" hreflang="en" href="{BASE}/dispatches/post"/>"#
            )),
            "{url}"
        );
        assert!(url.contains(&format!(
            r#"<xhtml:link rel="alternate" hreflang="fr" href="{BASE}/dispatches/post-fr"/>"#
        )));
    }
    assert!(!url_of("zug").contains("xhtml:link"));
}

#[tokio::test]
async fn a_translation_key_pairs_files_of_any_name() {
    let site = Site::new();
    site.file(
        "about.md",
        "---\ntitle: About\ntranslationKey: about\ndate: 2025-01-01\n---\nHello.\n",
    )
    .file(
        "a-propos.md",
        "---\ntitle: À propos\nlang: fr\ntranslation_key: about\ndate: 2025-01-02\n---\nBonjour.\n",
    )
    // A translation that is not out yet is never linked.
    .file(
        "uber.md",
        "---\ntitle: Über\nlang: de\ntranslationKey: about\ndraft: true\n---\nHallo.\n",
    );
    site.publish();
    let en = site.get("/dispatches/about").await.body;
    assert!(en.contains(r#"hreflang="fr" href="http://127.0.0.1:3000/dispatches/a-propos""#));
    assert!(!en.contains("uber") && !en.contains(r#"hreflang="de""#));
}

#[tokio::test]
async fn translations_sharing_a_chosen_slug_are_told_apart_by_language() {
    let site = Site::new();
    site.file(
        "about.md",
        "---\ntitle: About\nslug: about\ndate: 2025-01-01\n---\nHello.\n",
    )
    .file(
        "about.fr.md",
        "---\ntitle: À propos\nslug: about\ndate: 2025-01-02\n---\nBonjour.\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        report.warnings.iter().any(|w| w.contains("`about-fr`")),
        "{:?}",
        report.warnings
    );
    let fr = site.get("/dispatches/about-fr").await.body;
    assert!(fr.contains(r#"<html lang="fr">"#));
    assert!(fr.contains(r#"hreflang="en" href="http://127.0.0.1:3000/dispatches/about""#));
}

#[test]
fn a_bad_language_names_the_file_line_and_key() {
    let site = Site::new();
    site.file("bad.md", "---\ntitle: Bad\nlang: \"en us\"\n---\nText.\n");
    let report = site.publish();
    let e = &report.failed[0];
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("lang")), "{e}");
    assert!(
        e.to_string()
            .contains("bad.md:3: `lang`: \"en us\" is not a language tag"),
        "{e}"
    );
}

#[tokio::test]
async fn a_new_translation_is_linked_at_once_from_the_kept_original() {
    let site = translated();
    let de = site.get("/dispatches/zug").await.body;
    assert!(!de.contains("This dispatch in"));
    site.file(
        "zug.en.md",
        // Another date: not the original's neighbour, which would be dropped anyway.
        "---\ntitle: The train\ndate: 2024-01-01\n---\nThe train leaves.\n",
    )
    .publish();
    let de = site.get("/dispatches/zug").await.body;
    assert!(
        de.contains(r#"href="/dispatches/zug-en" hreflang="en""#),
        "{de}"
    );
}
