//! A site that looks and reads like its owner's: a logo, an accent colour checked for
//! contrast, a stylesheet of one's own, a plain masthead, and every word the site writes in
//! the site's language (and an article's furniture in the article's), each overridable.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::common::*;
use axum::http::StatusCode;
use dispatches::config::Masthead;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\"><rect width=\"120\" height=\"40\"/></svg>";

/// The sample's kind of site (streams, an author, a draft being written), in German, with
/// an identity of its own.
fn german_personal() -> Site {
    let site = Site::new().with_config(|c| {
        c.language = "de".into();
        c.logo = Some("media/logo.svg".into());
        c.css = Some("media/site.css".into());
        c.accent = Some("#1a5fb4".into());
        c.masthead = Masthead::Simple;
        c.now_writing = false;
    });
    site.file("media/logo.svg", LOGO)
        .file("media/site.css", ":root { --accent: #1a5fb4; }\n")
        .file("streams/notes.md", "---\nname: Notizen\n---\n")
        .file("authors/mira.md", "---\nname: Mira\nbio: Schreibt.\n---\n")
        .file(
            "eins.md",
            "---\ntitle: Erster Beitrag\ndate: 2026-01-02\nstream: notes\nauthor: mira\ntags: [meer]\nsources: [{ title: Quelle, url: \"https://example.org\" }]\n---\nText.\n",
        )
        .file(
            "zwei.md",
            "---\ntitle: Zweiter Beitrag\ndate: 2026-02-03\nstream: notes\nauthor: mira\ntags: [meer]\n---\nMehr Text.\n",
        )
        .file("entwurf.md", "---\ntitle: Geheimer Entwurf\ndraft: true\n---\nNoch nicht.\n");
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    site
}

/// English words the site writes that must not appear on a German site's pages.
const ENGLISH: &[&str] = &[
    "Latest dispatches",
    "Written by",
    "Related dispatches",
    "All dispatches",
    "Skip to content",
    "min read",
    ">Search<",
    ">Archive<",
    "More from",
    "Previous",
];

#[tokio::test]
async fn a_german_site_writes_no_english_furniture() {
    let site = german_personal();
    for path in [
        "/",
        "/dispatches/eins",
        "/dispatches/zwei",
        "/tags",
        "/archive/2026",
    ] {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for english in ENGLISH {
            assert!(!page.body.contains(english), "{english} on {path}");
        }
        assert!(!page.body.contains("[missing string]"), "{path}");
    }
    let home = site.get("/").await.body;
    assert!(home.contains("Neueste Beiträge") && home.contains("Min. Lesezeit"));
    let article = site.get("/dispatches/eins").await.body;
    for german in [
        "Geschrieben von",
        "Mehr von Mira",
        "← Alle Beiträge",
        "Quellen",
        "Weiter",
    ] {
        assert!(article.contains(german), "{german} missing");
    }
}

#[tokio::test]
async fn the_simple_masthead_shows_logo_title_and_menu_and_no_issue_line() {
    let site = german_personal();
    let home = site.get("/").await.body;
    assert!(
        home.contains("<img class=\"logo\" src=\"/files/media/logo.svg\" alt=\"dispatches\" width=\"120\" height=\"40\">"),
        "{home}"
    );
    assert!(
        !home.contains("Vol. ") && !home.contains("No. "),
        "no volume and number"
    );
    assert!(!home.contains("Geheimer Entwurf"), "no draft title");
    assert!(!home.contains("Gerade in Arbeit"));
    assert!(
        !home.contains("1 Rubrik"),
        "no stream count in the simple masthead"
    );
}

#[tokio::test]
async fn now_writing_can_be_turned_off_in_the_publication_masthead() {
    let on = german_personal().with_config(|c| {
        c.masthead = Masthead::Publication;
        c.now_writing = true;
    });
    let home = on.get("/").await.body;
    assert!(home.contains("Jg. ") && home.contains("Gerade in Arbeit — Geheimer Entwurf"));
    assert!(home.contains("dispatches · 1 Rubrik"), "{home}");
    let off = german_personal().with_config(|c| c.masthead = Masthead::Publication);
    let home = off.get("/").await.body;
    assert!(home.contains("Jg. ") && !home.contains("Geheimer Entwurf"));
}

#[tokio::test]
async fn a_site_without_streams_does_not_count_them() {
    let site = Site::new();
    site.file("a.md", "---\ntitle: A\ndate: 2026-01-01\n---\nText.\n");
    site.publish();
    let home = site.get("/").await.body;
    assert!(
        !home.contains("0 streams") && !home.contains("· 0"),
        "{home}"
    );
}

#[tokio::test]
async fn the_own_stylesheet_is_linked_after_ours_fingerprinted_and_served_as_css() {
    let site = german_personal();
    let home = site.get("/").await.body;
    let ours = home.find("/static/style.").expect("our stylesheet");
    let own = home
        .find("<link rel=\"stylesheet\" href=\"/files/media/site.css?v=")
        .expect("the site's stylesheet");
    assert!(ours < own, "ours first, so the site's wins");
    let css = site.get("/files/media/site.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.content_type().starts_with("text/css"),
        "{}",
        css.content_type()
    );
    // A changed stylesheet gets a new address.
    let address = |body: &str| {
        let at = body.find("/files/media/site.css?v=").unwrap();
        body[at..].split('"').next().unwrap().to_string()
    };
    let before = address(&home);
    site.file("media/site.css", ":root { --accent: #0b5394; }\n")
        .publish();
    let after = address(&site.get("/").await.body);
    assert_ne!(before, after);
}

#[tokio::test]
async fn the_accent_reaches_the_stylesheet_as_a_custom_property() {
    let site = german_personal().with_config(|c| c.accent_dark = Some("#8ab4f8".into()));
    let home = site.get("/").await.body;
    let href = home
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let css = site.get(&href).await.body;
    assert!(css.contains(":root { --accent: #1a5fb4; }"), "accent");
    assert!(css.contains("@media (prefers-color-scheme: dark) { :root { --accent: #8ab4f8; } }"));
    let plain = Site::new();
    plain.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    let plain_home = plain.get("/").await.body;
    assert!(
        !plain_home.contains(&href),
        "another accent, another stylesheet name"
    );
}

#[tokio::test]
async fn the_accent_is_the_browsers_theme_colour_for_each_scheme() {
    let both = german_personal().with_config(|c| c.accent_dark = Some("#8ab4f8".into()));
    let home = both.get("/").await.body;
    assert!(home.contains(
        "<meta name=\"theme-color\" content=\"#1a5fb4\" media=\"(prefers-color-scheme: light)\">"
    ));
    assert!(home.contains(
        "<meta name=\"theme-color\" content=\"#8ab4f8\" media=\"(prefers-color-scheme: dark)\">"
    ));
    let light_only = german_personal().get("/dispatches/eins").await;
    assert!(
        light_only
            .body
            .contains("<meta name=\"theme-color\" content=\"#1a5fb4\">"),
        "{}",
        light_only.status
    );
    let plain = Site::new();
    plain.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    assert!(!plain.get("/").await.body.contains("theme-color"));
}

#[test]
fn an_accent_without_enough_contrast_is_refused_naming_the_setting_and_the_ratio() {
    let site = Site::new();
    site.file("a.md", "---\ntitle: A\n---\nA.\n");
    site.file("dispatches.toml", "accent = \"#ffff00\"\n");
    let run = site.bin(&["--config", "content/dispatches.toml", "publish", "content"]);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(run.stderr.contains("accent"), "{}", run.stderr);
    assert!(
        run.stderr.contains(":1") && run.stderr.contains("4.5:1"),
        "{}",
        run.stderr
    );
    let dark = site
        .command()
        .env("DISPATCHES_ACCENT_DARK", "#222222")
        .args(["publish", "content"])
        .output()
        .unwrap();
    assert_eq!(dark.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dark.stderr).contains("accent_dark"));
}

#[tokio::test]
async fn a_french_article_on_an_english_site_has_french_furniture_and_english_chrome() {
    let site = Site::new();
    site.file("authors/vera.md", "---\nname: Vera\n---\n")
        .file(
            "phare.md",
            "---\ntitle: Le phare\ndate: 2026-01-02\nlang: fr\nauthor: vera\n---\nLa mer.\n",
        )
        .file(
            "light.md",
            "---\ntitle: The light\ndate: 2026-01-03\nauthor: vera\n---\nThe sea.\n",
        );
    site.publish();
    let page = site.get("/dispatches/phare").await.body;
    for french in ["Écrit par", "← Tous les articles", "Plus de Vera"] {
        assert!(page.contains(french), "{french} missing");
    }
    assert!(!page.contains("Written by"));
    // What the site wrote around the article stays in the site's language.
    assert!(page.contains(">Skip to content<") && page.contains(">Archive<"));
}

#[tokio::test]
async fn a_strings_table_overrides_the_sites_words() {
    let mut strings = BTreeMap::new();
    strings.insert("latest".to_string(), "Latest posts".to_string());
    strings.insert("all_dispatches".to_string(), "← All posts".to_string());
    let strings = Arc::new(strings);
    let site = Site::new().with_config(|c| c.strings = strings.clone());
    site.file("a.md", "---\ntitle: A\ndate: 2026-01-01\n---\nText.\n");
    site.publish();
    assert!(site.get("/").await.body.contains("Latest posts"));
    assert!(site.get("/dispatches/a").await.body.contains("← All posts"));
}

#[test]
fn an_unknown_string_key_is_refused_with_the_known_keys() {
    let site = Site::new();
    site.file("a.md", "---\ntitle: A\n---\nA.\n");
    site.file("dispatches.toml", "[strings]\nlatests = \"x\"\n");
    let run = site.bin(&["--config", "content/dispatches.toml", "publish", "content"]);
    assert_eq!(run.code(), Some(2), "{run:?}");
    assert!(
        run.stderr.contains("latests") && run.stderr.contains("latest,"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn the_owners_profiles_are_linked_rel_me_and_the_logo_is_the_tab_icon() {
    let site = german_personal().with_config(|c| {
        c.links = vec![dispatches::config::MenuLink {
            name: "Mastodon".into(),
            url: "https://example.org/@mira".into(),
        }];
    });
    let home = site.get("/").await.body;
    assert!(
        home.contains("<a rel=\"me\" href=\"https://example.org/@mira\">Mastodon</a>"),
        "{home}"
    );
    assert!(
        home.contains("<link rel=\"icon\" href=\"/files/media/logo.svg?v="),
        "{home}"
    );
    let with_icon = german_personal().with_config(|c| c.favicon = Some("media/site.css".into()));
    assert!(
        with_icon
            .get("/")
            .await
            .body
            .contains("<link rel=\"icon\" href=\"/files/media/site.css?v=")
    );
    let plain = Site::new();
    plain.file("a.md", "---\ntitle: A\n---\nA.\n").publish();
    assert!(
        plain
            .get("/")
            .await
            .body
            .contains("<link rel=\"icon\" href=\"data:,\">")
    );
}
