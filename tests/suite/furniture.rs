//! Every word the site writes comes from its strings table in the site's language: a German
//! site shows no English furniture on any page type, and an article in another language
//! gets its own furniture in its language.

use std::sync::Arc;

use crate::common::*;
use axum::http::StatusCode;
use dispatches::strings::{Words, keys};

/// Text a reader sees (or hears): tags removed, script and style dropped, the few
/// entities the templates write decoded.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| tag.starts_with(*t))
            .and_then(|t| tag.find(&format!("</{}>", &t[1..])));
        // Code on a page is what a reader types (the search syntax's `tag:`), not words.
        let skip_to = skip_to.or_else(|| {
            tag.starts_with("<code")
                .then(|| tag.find("</code>"))
                .flatten()
        });
        let end = match skip_to {
            Some(close) => close,
            None => tag.find('>').unwrap_or(tag.len() - 1),
        };
        rest = &tag[(end + 1).min(tag.len())..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Whether `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(phrase).any(|(i, _)| {
        !word(text[..i].chars().next_back()) && !word(text[i + phrase.len()..].chars().next())
    })
}

/// The English table's phrases that German says otherwise, trimmed of arrows and
/// punctuation (`← All dispatches` is caught as `All dispatches`).
fn english_phrases() -> Vec<String> {
    let none = Arc::default();
    let (en, de) = (Words::new("en", &none), Words::new("de", &none));
    keys()
        .filter(|k| en.t(k) != de.t(k))
        .flat_map(|k| {
            // A phrase with `{n}` is checked by the words around it.
            en.t(k)
                .split("{n}")
                .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
                .collect::<Vec<_>>()
        })
        .chain(CALENDAR.iter().map(|w| w.to_string()))
        .filter(|p| p.len() > 2)
        .collect()
}

/// The English calendar's words, which dates on pages must not use on a German site.
const CALENDAR: &[&str] = &[
    "January",
    "February",
    "March",
    "June",
    "July",
    "October",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Jun",
    "Jul",
    "Oct",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A German personal site with every kind of page: streams, an author, tags, a page, a
/// project, two months of articles.
fn german_site() -> Site {
    let site = Site::new().with_config(|c| {
        c.language = "de".into();
        c.title = "Miras Hefte".into();
        c.drafts = true;
        c.contact_url = Some("mailto:mira@example.org".into());
    });
    site.file("streams/notizen.md", "---\nname: Notizen\n---\nKurz.\n")
        .file("authors/mira.md", "---\nname: Mira\nbio: Schreibt über Häfen.\n---\nLang.\n")
        .file("pages/ueber.md", "---\ntitle: Über mich\nmenu: main\n---\nIch baue Häfen.\n")
        .file(
            "work/pegel.md",
            "---\ntitle: Pegel\nyear: 2025\nrole: Gestaltung\nclient: Hafenamt\nurl: https://example.org/pegel\nsource: https://example.org/code\nfeatured: true\n---\nDie Geschichte.\n",
        );
    for (slug, date) in [
        ("eins", "2026-01-02"),
        ("zwei", "2026-02-03"),
        ("drei", "2026-02-04"),
    ] {
        site.file(
            &format!("{slug}.md"),
            format!(
                "---\ntitle: Beitrag {slug}\ndate: {date}\nupdated: 2026-03-01\nstream: notizen\nauthor: mira\ntags: [meer]\nsources: [{{ title: Quelle, url: \"https://example.org\" }}]\n---\n## Teil\n\nText über das Meer.\n\n## Noch ein Teil\n\nMehr.\n"
            ),
        );
    }
    site.file(
        "entwurf.md",
        "---\ntitle: Entwurf\ndraft: true\n---\nNoch nicht.\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    site
}

#[tokio::test]
async fn a_german_site_writes_no_english_on_any_page_type_or_feed_title() {
    let site = german_site();
    let english = english_phrases();
    assert!(
        english.iter().any(|p| p == "Latest dispatches"),
        "{english:?}"
    );
    let pages = [
        "/",
        "/dispatches/zwei",
        "/dispatches/entwurf",
        "/ueber",
        "/work",
        "/work/pegel",
        "/tags",
        "/tags/meer",
        "/streams/notizen",
        "/authors/mira",
        "/archive",
        "/archive/2026",
        "/archive/2026/02",
        "/search?q=meer",
        "/search?q=walfisch",
        "/search?q=meer+tag:nirgends",
        "/nirgendwo",
    ];
    let mut found = Vec::new();
    for path in pages {
        let page = site.get(path).await;
        assert!(
            page.status == StatusCode::OK || path == "/nirgendwo",
            "{path}: {}",
            page.status
        );
        let text = visible(&page.body);
        assert!(!text.contains("[missing string]"), "{path}");
        for phrase in &english {
            if has_phrase(&text, phrase) {
                found.push(format!("{path}: {phrase:?}"));
            }
        }
    }
    for feed in [
        "/feed.xml",
        "/tags/meer/feed.xml",
        "/streams/notizen/feed.json",
    ] {
        let body = site.get(feed).await.body;
        let title = body
            .split("<title>")
            .nth(1)
            .or_else(|| body.split("\"title\":").nth(1))
            .map(|t| t[..t.find(['<', ',']).unwrap_or(t.len())].to_string())
            .unwrap();
        for phrase in english.iter().chain(&["Tagged".to_string()]) {
            if has_phrase(&title, phrase) {
                found.push(format!("{feed}: {phrase:?}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "English on a German site:\n{}",
        found.join("\n")
    );
}

#[tokio::test]
async fn a_french_article_on_an_english_site_gets_french_furniture_and_dates() {
    let site = Site::new();
    site.file("authors/vera.md", "---\nname: Vera\nbio: Writes.\n---\n")
        .file(
            "phare.md",
            "---\ntitle: Le phare\ndate: 2026-01-02\nupdated: 2026-02-01\nlang: fr\nauthor: vera\nsources: [{ title: Source, url: \"https://example.org\" }]\n---\n## Un\n\nLa mer.\n\n## Deux\n\nLe vent.\n",
        )
        .file(
            "light.md",
            "---\ntitle: The light\ndate: 2026-01-03\nauthor: vera\n---\nThe sea.\n",
        );
    site.publish();
    let page = site.get("/dispatches/phare").await.body;
    let main = visible(
        page.split("<main")
            .nth(1)
            .unwrap()
            .split("</main>")
            .next()
            .unwrap(),
    );
    for french in [
        "Écrit par",
        "Tous les articles",
        "Plus de Vera",
        "2 janvier 2026",
        "mis à jour le",
        "1er février 2026",
        "min de lecture",
    ] {
        assert!(main.contains(french), "{french} missing: {main}");
    }
    let none = Arc::default();
    let en = Words::new("en", &none);
    for key in [
        "written_by",
        "all_dispatches",
        "more_from",
        "contents",
        "next",
        "previous",
    ] {
        let phrase = en.t(key).trim_matches(|c: char| !c.is_alphanumeric());
        assert!(!has_phrase(&main, phrase), "{phrase} on a French article");
    }
    for english in ["January", "February", "min read", "updated"] {
        assert!(!has_phrase(&main, english), "{english} on a French article");
    }
}

#[tokio::test]
async fn a_refused_search_is_explained_in_the_sites_language_on_the_page_and_in_json() {
    let site = german_site();
    site.publish();
    let english = english_phrases();
    let refused = [
        ("year:abc", "braucht ein Jahr wie 2024"),
        ("before:morgen", "braucht ein Datum"),
        ("after:gestern", "Artikel danach"),
        ("-year:2024", "lässt sich nicht verneinen"),
        ("-meer", "nur aus Ausschlüssen"),
        ("m*", "zu kurzer Wortanfang"),
    ];
    for (query, german) in refused {
        let q = dispatches::urls::encode(query);
        let page = site.get(&format!("/search?q={q}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        let text = visible(&page.body);
        assert!(text.contains(german), "{query}: {text}");
        for phrase in &english {
            assert!(!has_phrase(&text, phrase), "{query}: English {phrase:?}");
        }
        let json = site.get(&format!("/search.json?q={q}")).await;
        assert_eq!(json.status, StatusCode::BAD_REQUEST, "{query}");
        let error: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert!(
            error["error"].as_str().unwrap().contains(german),
            "{query}: {error}"
        );
    }
}
