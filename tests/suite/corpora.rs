//! Real sites import without edits: the repository's sample content, and (beside the
//! repository, in `../shared/corpora`) the Rust and Go blogs, Hugo's example site and
//! Hugo's documentation as their authors wrote them; no template syntax reaches a reader
//! outside code.

use crate::common::*;

#[test]
fn the_sample_content_publishes_cleanly() {
    let site = Site::sample();
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert!(r.new >= 10);
    let drafts: i64 = site.one("SELECT count(*) FROM articles WHERE draft = 1");
    let scheduled: i64 = site.one("SELECT count(*) FROM articles WHERE published_at > unixepoch()");
    let streams: i64 = site.one("SELECT count(*) FROM streams WHERE source_path IS NOT NULL");
    let authors: i64 = site.one("SELECT count(*) FROM authors WHERE bio <> ''");
    assert_eq!((drafts, scheduled, streams, authors), (1, 1, 3, 2));
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_rust_blog_imports_without_edits() {
    let site = Site::corpus("rust-blog");
    let first = site.publish();
    let second = site.publish();
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 750);
    // Three section indexes and one template-only page.
    assert_eq!(first.skipped.len(), 4, "{:#?}", first.skipped);
    assert!(
        first
            .skipped
            .iter()
            .all(|(_, why)| why.contains("section") || why.contains("template"))
    );
    assert_eq!(
        (second.new, second.updated, second.unchanged),
        (0, 0, 754 - 4)
    );
    db::check_file(&site.archive()).unwrap();
    assert_eq!(
        site.one::<String>(
            "SELECT slug FROM articles WHERE source_path = 'inside-rust/all-hands.md'"
        ),
        "all-hands-2024-09-02",
        "the later of two posts sharing a path name is qualified"
    );
    let aliased: i64 = site.one("SELECT count(*) FROM aliases");
    assert!(aliased >= 623, "every Zola alias kept: {aliased}");
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_go_blog_imports_without_edits() {
    let site = Site::corpus("go-blog");
    let first = site.publish();
    let second = site.publish();
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 274);
    let redirects = first
        .skipped
        .iter()
        .filter(|(_, why)| why.contains("redirect"))
        .count();
    assert_eq!(
        (first.skipped.len(), redirects),
        (63, 60),
        "{:#?}",
        first.skipped
    );
    assert_eq!(second.new + second.updated, 0);
    db::check_file(&site.archive()).unwrap();
    let (author, date): (String, String) = site
        .conn()
        .query_row("SELECT author_name, date(published_at, 'unixepoch') FROM articles WHERE slug = 'survey2024-h1-results'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(!author.is_empty());
    assert_eq!(date, "2024-04-09", "unpadded month");
    assert_eq!(site.one::<i64>("SELECT count(*) FROM redirects"), 60);
}

/// What must never reach a reader outside code.
const TEMPLATE_SYNTAX: &[&str] = &[
    "{{<", "{{%", "{%", "{{ site", "{{raw", "{{image", "{{code", "{{play", "{{video",
];

/// Articles whose text outside code shows template syntax, with what it shows.
async fn template_syntax_shown(site: &Site) -> Vec<String> {
    let mut shown = Vec::new();
    for (slug, body) in site.every_entry_page().await {
        let text = html::text_outside_code(&body);
        for syntax in TEMPLATE_SYNTAX {
            if let Some(at) = text.find(syntax) {
                let end = (at + 60).min(text.len());
                let end = (end..=text.len())
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(at);
                shown.push(format!("{slug}: {}", &text[at..end]));
            }
        }
    }
    shown
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn no_go_blog_article_shows_template_directives() {
    let site = Site::corpus("go-blog");
    site.publish();
    let shown = template_syntax_shown(&site).await;
    assert!(shown.is_empty(), "{shown:#?}");
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn hugos_example_site_imports_and_shows_no_shortcodes() {
    let site = Site::corpus("hugo-basic");
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    // The headless bundle's three pages, two section indexes, the archives layout page.
    assert_eq!((r.new, r.skipped.len()), (6, 6), "{:#?}", r.skipped);
    let shown = template_syntax_shown(&site).await;
    assert!(shown.is_empty(), "{shown:#?}");
    let rich = site.get("/dispatches/rich-content").await.body;
    for card in ["embed-youtube", "embed-vimeo", "embed-x"] {
        assert!(rich.contains(card), "{card}");
    }
    assert!(!rich.contains("<iframe"));
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn hugos_documentation_imports_and_keeps_shortcodes_in_its_code() {
    let site = Site::corpus("hugo-docs");
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert_eq!(r.new, 726);
    let why = |w: &str| r.skipped.iter().filter(|(_, y)| y.contains(w)).count();
    assert_eq!(
        (why("section index"), why("cascade"), r.skipped.len()),
        (62, 204, 266),
        "{:#?}",
        r.skipped
    );
    let by_folder = r
        .warnings
        .iter()
        .filter(|w| w.contains("qualified by its folder"))
        .count();
    assert_eq!(by_folder, 96);
    // Pages that document shortcodes show them, in their code.
    let documenting: Vec<String> = site
        .conn()
        .prepare("SELECT slug FROM articles WHERE source_path LIKE 'en/shortcodes/%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(documenting.len() >= 10, "{documenting:?}");
    for slug in documenting {
        let page = site.get(&format!("/dispatches/{slug}")).await.body;
        let code = html::text_of_code(&page);
        assert!(code.contains("{{<") || code.contains("{{%"), "{slug}");
        assert!(
            !code.contains("{{</*"),
            "{slug}: escapes read as the shortcode"
        );
    }
}

/// The `href`s of `<a>` tags in `body` that start with `prefix`.
fn links(body: &str, prefix: &str) -> Vec<String> {
    html::tags(body)
        .into_iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| {
            t.attributes
                .into_iter()
                .find(|(n, _)| n == "href")
                .and_then(|(_, v)| v)
        })
        .filter(|href| href.starts_with(prefix))
        .collect()
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn following_the_archive_reaches_every_go_blog_article() {
    let site = Site::corpus("go-blog");
    site.publish();
    let archive = site.get("/archive").await;
    let months: Vec<String> = links(&archive.body, "/archive/")
        .into_iter()
        .filter(|l| l.matches('/').count() == 3)
        .collect();
    assert!(months.len() > 100, "{months:?}");
    let mut reached = std::collections::HashSet::new();
    for month in months {
        let mut next = Some(month);
        while let Some(url) = next.take() {
            let page = site.get(&url.replace("&amp;", "&")).await;
            assert_eq!(page.status, 200, "{url}");
            reached.extend(links(&page.body, "/dispatches/"));
            next = html::tags(&page.body)
                .into_iter()
                .find(|t| t.name == "a" && t.source.contains("rel=\"next\""))
                .and_then(|t| t.attributes.into_iter().find(|(n, _)| n == "href"))
                .and_then(|(_, v)| v);
        }
    }
    let published: i64 =
        site.one("SELECT count(*) FROM articles WHERE draft = 0 AND published_at <= unixepoch()");
    assert_eq!(reached.len() as i64, published);
    let sitemap = site.get("/sitemap.xml").await.body;
    assert!(
        sitemap.contains("/archive/2024/04</loc>"),
        "months are in the sitemap"
    );
}

/// None of the real blogs is multilingual, and none of their file names may read as
/// one: `go.dev.md` and `Rust-1.12.1.md` keep their names, so Hugo's `post.fr.md`
/// naming changes no slug of a site that does not use it.
#[test]
#[ignore = "needs ../shared/corpora"]
fn no_corpus_file_name_reads_as_a_language() {
    let mut names = 0;
    for corpus in ["rust-blog", "go-blog", "hugo-basic", "hugo-docs"] {
        let root = corpora().join(corpus).join("content");
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy();
            let Some(stem) = name.strip_suffix(".md") else {
                continue;
            };
            names += 1;
            assert_eq!(
                dispatches::content::lang::split_file_suffix(stem),
                None,
                "{}",
                entry.path().display()
            );
        }
    }
    assert!(names > 1_500, "{names} Markdown files");
    assert_eq!(
        dispatches::content::lang::split_file_suffix("go.dev"),
        None,
        "the Go blog's go.dev.md"
    );
}
