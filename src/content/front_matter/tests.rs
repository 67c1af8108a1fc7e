//! Unit tests of front matter: both syntaxes, every accepted shape, located errors.

use super::*;
use time::macros::datetime;

fn utc() -> &'static Tz {
    time_tz::timezones::db::UTC
}

fn fm(text: &str) -> Result<FrontMatter, FileError> {
    parse(&split(text)?, utc())
}

#[test]
fn yaml_every_key() {
    let f = fm(
        "---\ntitle: \"A: title\"\nslug: a-title\ndate: 2026-06-04\nupdated: 2026-06-05 10:00\n\
stream: technical\ntags: [sqlite, wal]\nauthor: vera\ndek: Sub\ndraft: false\n\
hero: { src: cover.svg, alt: A lamp, credit: Vera, credit_url: \"https://example.org\" }\n\
sources:\n  - { title: Docs, url: \"https://sqlite.org\" }\n  - https://example.org/b\n\
aliases: [/old.html]\ncolour: blue\n---\nBody\n",
    )
    .unwrap();
    assert_eq!(f.title.as_deref(), Some("A: title"));
    assert_eq!(f.slug.as_deref(), Some("a-title"));
    assert_eq!(f.date, Some(datetime!(2026-06-04 00:00 UTC)));
    assert_eq!(f.updated, Some(datetime!(2026-06-05 10:00 UTC)));
    assert_eq!(f.stream.as_deref(), Some("technical"));
    assert_eq!(f.tags, ["sqlite", "wal"]);
    assert_eq!(f.authors, ["vera"]);
    assert_eq!(f.dek.as_deref(), Some("Sub"));
    assert!(!f.draft);
    let hero = f.hero.unwrap();
    assert_eq!(
        (hero.src.as_str(), hero.credit.as_deref()),
        ("cover.svg", Some("Vera"))
    );
    assert_eq!(f.sources.len(), 2);
    assert_eq!(f.sources[1].url, "https://example.org/b");
    assert_eq!(f.aliases, ["/old.html"]);
    assert_eq!(f.extra.get("colour"), Some(&Value::String("blue".into())));
}

#[test]
fn toml_with_zola_spellings() {
    let f = fm(
        "+++\npath = \"inside-rust/2020/07/27/1.45.1-prerelease\"\ntitle = \"T\"\n\
authors = [\"The Release Team\"]\ndescription = \"D\"\naliases = [\"a.html\"]\n\
date = 2026-03-14T09:30:00Z\nlastmod = 2026-03-15\n[taxonomies]\ntags = [\"x\"]\n\
categories = [\"ignored\"]\n[extra]\nteam = \"Core\"\n+++\nBody\n",
    )
    .unwrap();
    assert_eq!(
        f.path.as_deref(),
        Some("inside-rust/2020/07/27/1.45.1-prerelease")
    );
    assert_eq!(f.authors, ["The Release Team"]);
    assert_eq!(f.dek.as_deref(), Some("D"));
    assert_eq!(f.date, Some(datetime!(2026-03-14 09:30 UTC)));
    assert_eq!(f.updated, Some(datetime!(2026-03-15 00:00 UTC)));
    assert_eq!(f.tags, ["x"]);
    assert!(f.extra.contains_key("extra"));
}

#[test]
fn other_aliases() {
    let f = fm(
        "---\ntitle: T\npublished: false\nby: [Russ Cox]\nsummary: S\nsection: letters\n\
lastmod: 2026-01-02\nredirect_from: /x\n---\n",
    )
    .unwrap();
    assert!(f.draft);
    assert_eq!(f.authors, ["Russ Cox"]);
    assert_eq!(f.dek.as_deref(), Some("S"));
    assert_eq!(f.stream.as_deref(), Some("letters"));
    assert_eq!(f.aliases, ["/x"]);
    let f =
        fm("---\ntitle: T\npublished: 2026-01-03\ncategories: [essays, x]\nsubtitle: Sub\n---\n")
            .unwrap();
    assert_eq!(f.date, Some(datetime!(2026-01-03 00:00 UTC)));
    assert_eq!(f.stream.as_deref(), Some("essays"));
    assert_eq!(f.dek.as_deref(), Some("Sub"));
    let f = fm("---\ntitle: T\ntags: one, two\n---\n").unwrap();
    assert_eq!(f.tags, ["one", "two"]);
}

#[test]
fn no_front_matter_and_bom() {
    let s = split("\u{feff}---\ntitle: T\n---\n# Body\n").unwrap();
    assert_eq!(
        (s.format, s.body, s.body_line),
        (Format::Yaml, "# Body\n", 4)
    );
    let s = split("# Just markdown\n\n---\n\nmore\n").unwrap();
    assert_eq!(s.format, Format::None);
    // A `---` rule later in the body is not front matter.
    let s = split("---\ntitle: T\n---\nA\n\n---\n\nB\n").unwrap();
    assert!(s.body.contains("B"));
}

#[test]
fn errors_name_line_and_field() {
    let e = fm("---\ntitle: T\ndate: 2026-02-30\n---\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("date")));
    assert!(e.message.contains("February 2026"), "{}", e.message);

    let e = fm("---\ntitle: T\ntags: { a: 1 }\n---\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("tags")));

    let e = fm("---\ntitle: T\ndraft: yes please\n---\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("draft")));

    let e = fm("+++\ntitle = \"T\"\ndraft = \"no\"\n+++\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("draft")));

    let e = fm("---\ntitle: [a\nslug: b\n---\n").unwrap_err();
    assert!(e.field.is_none() && e.line >= Some(2), "{e:?}");
    assert!(e.message.starts_with("YAML"), "{e:?}");

    let e = fm("+++\ntitle = \"T\"\ndate = 2026-99-01\n+++\n").unwrap_err();
    assert_eq!(e.line, Some(3), "{e:?}");

    let e = fm("---\ntitle: T\n").unwrap_err();
    assert!(e.message.contains("never closed"));

    let e = fm("---\ntitle: T\nhero: { alt: x }\n---\n").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("hero"));

    let e = fm("---\ntitle: T\nsources: [{ title: x }]\n---\n").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("sources"));

    let e = fm("---\n- a\n- b\n---\n").unwrap_err();
    assert!(e.message.contains("mapping"));
}

#[test]
fn front_matter_urls_pass_the_same_scheme_allowlist_as_the_body() {
    let cases = [
        ("hero: \"javascript:alert(1)\"\n", "hero.src", 2),
        (
            "hero:\n  src: a.png\n  credit_url: \"data:text/html,x\"\n",
            "hero.credit_url",
            4,
        ),
        (
            "sources:\n  - { title: x, url: \"JavaScript:alert(1)\" }\n",
            "sources",
            2,
        ),
        ("links: [\"vbscript:x\"]\n", "links", 2),
        ("redirect: \"javascript://%0aalert(1)\"\n", "redirect", 2),
    ];
    for (yaml, field, line) in cases {
        let e = fm(&format!("---\ntitle: t\n{yaml}---\nbody\n")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{yaml}: {e}");
        assert!(e.line.is_some_and(|l| l >= line), "{yaml}: {e}");
        assert!(e.message.contains("http, https or mailto"), "{e}");
    }
    let ok = fm("---\ntitle: t\nhero: { src: /files/a.png, credit_url: \"https://x.example\" }\nsources: [\"mailto:a@b.c\", \"notes.html\"]\n---\n").unwrap();
    assert_eq!(ok.sources.len(), 2);
}

#[test]
fn oversized_fields_fail_with_their_limit() {
    let tags: Vec<String> = (0..=limits::TAGS).map(|i| format!("t{i}")).collect();
    let e = fm(&format!(
        "---\ntitle: t\ntags: [{}]\n---\n",
        tags.join(", ")
    ))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("tags"));
    assert!(
        e.message.contains(&format!("limit of {}", limits::TAGS)),
        "{e}"
    );
    let e = fm(&format!(
        "---\ntitle: \"{}\"\n---\n",
        "x".repeat(limits::TITLE_CHARS + 1)
    ))
    .unwrap_err();
    assert_eq!((e.field.as_deref(), e.line), (Some("title"), Some(2)));
    let e = fm(&format!(
        "---\ntitle: t\ndek: \"{}\"\n---\n",
        "x".repeat(limits::DEK_CHARS + 1)
    ))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("dek"));
    let aliases: Vec<String> = (0..=limits::ALIASES).map(|i| format!("/a{i}")).collect();
    let e = fm(&format!(
        "---\ntitle: t\naliases: [{}]\n---\n",
        aliases.join(", ")
    ))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("aliases"));
    let e = fm(&format!(
        "---\ntitle: t\ntags: [\"{}\"]\n---\n",
        "y".repeat(limits::TAG_CHARS + 1)
    ))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("tags"));
    // At the limits, all is well.
    let tags: Vec<String> = (0..limits::TAGS).map(|i| format!("t{i}")).collect();
    assert!(
        fm(&format!(
            "---\ntitle: \"{}\"\ntags: [{}]\n---\n",
            "x".repeat(limits::TITLE_CHARS),
            tags.join(", ")
        ))
        .is_ok()
    );
}

#[test]
fn language_and_translation_key() {
    let f = fm("---\ntitle: T\nlang: pt_br\ntranslationKey: about\n---\n").unwrap();
    assert_eq!(f.lang.as_deref(), Some("pt-BR"));
    assert_eq!(f.translation_key.as_deref(), Some("about"));
    let f = fm("+++\nlanguage = \"de\"\ntranslation_key = \"k\"\n+++\n").unwrap();
    assert_eq!(
        (f.lang.as_deref(), f.translation_key.as_deref()),
        (Some("de"), Some("k"))
    );
    assert!(!f.extra.contains_key("language"));
    let e = fm("---\ntitle: T\ndate: 2026-01-01\nlang: français\n---\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("lang")));
    assert!(e.message.contains("not a language tag"), "{}", e.message);
    let e = fm("---\nlanguage: [en]\n---\n").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("language"));
}

#[test]
fn a_yaml_1_1_boolean_or_number_is_text_where_the_key_wants_text() {
    let f = fm("---\ntitle: no\ndescription: On # a switch\nslug: 1.10\n---\n").unwrap();
    assert_eq!(f.title.as_deref(), Some("no"));
    assert_eq!(f.dek.as_deref(), Some("On"));
    assert_eq!(f.slug.as_deref(), Some("1.10"));
}

#[test]
fn a_quoted_title_continued_on_an_unindented_line_is_one_title() {
    let f = fm("---\ntitle: \"Pair a model\nwith a workflow\"\ndate: 2025-09-12\n---\n").unwrap();
    assert_eq!(f.title.as_deref(), Some("Pair a model with a workflow"));
    assert!(f.date.is_some());
}

#[test]
fn slashed_and_zoned_dates_are_dates() {
    for date in [
        "2024/12/05",
        "2024-12-05 10:00:00 +0100",
        "Fri, 17 Apr 2026 00:00:00 GMT",
    ] {
        let f = fm(&format!("---\ntitle: T\ndate: {date}\n---\n")).unwrap();
        assert!(f.date.is_some(), "{date}");
    }
}

#[test]
fn docusaurus_inline_author_objects_are_authors() {
    let f = fm("---\ntitle: T\nauthors:\n  - name: Jo Doe\n    title: Engineer\n    url: https://example.org\n    image_url: https://example.org/jo.png\n  - vera\n---\n").unwrap();
    assert_eq!(f.authors, ["Jo Doe", "vera"]);
    let f = fm("---\ntitle: T\nauthors: { name: Ann, title: Writer }\n---\n").unwrap();
    assert_eq!(f.authors, ["Ann"]);
}
