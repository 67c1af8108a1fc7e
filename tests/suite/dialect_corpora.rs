//! Blogs from other engines publish as their authors laid them out: each corpus in
//! `../shared/corpora` (Eleventy, MDX/Starlight, Docusaurus, Pelican, Obsidian, Hexo)
//! publishes with no failed file, and no page shows the engine's syntax outside code.

use crate::common::*;

/// What an engine writes that must never reach a reader outside code.
const ENGINE_SYNTAX: &[&str] = &[
    // Nunjucks, Liquid, Hexo tag plugins, Hugo shortcodes
    "{{",
    "{%",
    // Docusaurus and Starlight directives, MDX
    ":::",
    "{/*",
    "{' '}",
    "import {",
    "from '@",
    "from \"@",
    "export const",
    // Obsidian
    "[[",
    "%%",
    "[!",
    // Pelican headers left in the body
    "Title: ",
    "slug: ",
];

/// Where `text` shows `syntax`: `{{` only where a template expression would start
/// (`{{ name`, `{{"`), not in set notation such as `{{2},{1,2}}`; `[[` only where a
/// `]]` closes it on its line.
fn shows(text: &str, syntax: &str) -> Option<usize> {
    text.match_indices(syntax).map(|(i, _)| i).find(|&i| {
        let after = &text[i + syntax.len()..];
        match syntax {
            "{{" => after.trim_start().starts_with(|c: char| {
                c.is_alphabetic() || matches!(c, '"' | '\'' | '.' | '-' | '_')
            }),
            // A wikilink closes on its line: `[[[#1898](…)` is an author's brackets.
            "[[" => after.lines().next().is_some_and(|l| l.contains("]]")),
            _ => true,
        }
    })
}

/// Publishes the corpus folder `path` (inside `../shared/corpora`) and counts its files,
/// its failures and the pages that show engine syntax, printing what they show.
async fn measure(path: &str) -> (usize, usize, Vec<String>, Site) {
    let site = Site::reading(corpora().join(path));
    let r = site.publish();
    for f in &r.failed {
        eprintln!("failed: {f}");
    }
    let files = r.new + r.failed.len() + r.skipped.len();
    // Every published entry at its own address: dispatches, pages and projects.
    let mut shown = Vec::new();
    for (slug, body) in site.every_entry_page().await {
        let text = html::text_outside_code(&body);
        if let Some(at) = ENGINE_SYNTAX.iter().filter_map(|s| shows(&text, s)).min() {
            let end = (at + 70..=text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(text.len());
            shown.push(format!("{slug}: {}", &text[at..end]));
        }
    }
    eprintln!(
        "{path}: {files} files, {} failed, {} pages show engine syntax",
        r.failed.len(),
        shown.len()
    );
    (files, r.failed.len(), shown, site)
}

async fn assert_clean(path: &str) -> Site {
    let (_, failed, shown, site) = measure(path).await;
    assert_eq!(failed, 0);
    assert!(shown.is_empty(), "{shown:#?}");
    site
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_docusaurus_blog_publishes_cleanly() {
    assert_clean("docusaurus-aks-blog/website/blog").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_starlight_mdx_blog_publishes_cleanly() {
    assert_clean("mdx-biome-blog/src/content/docs").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_pelican_blog_publishes_cleanly() {
    assert_clean("pelican-jakevdp/content").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_obsidian_vault_publishes_cleanly() {
    assert_clean("obsidian-adielbm-notes/notes").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_eslint_eleventy_blog_publishes_cleanly() {
    assert_clean("eleventy-eslint-blog/src/content/blog").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_lit_eleventy_site_publishes_cleanly() {
    assert_clean("eleventy-lit-dev/site").await;
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_hexo_blog_publishes_cleanly() {
    assert_clean("hexo-site-news/source/_posts").await;
}

/// The sites imported before stay clean under the wider count.
#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn the_known_blogs_stay_clean() {
    for corpus in ["rust-blog", "go-blog", "hugo-basic", "hugo-docs"] {
        assert_clean(&format!("{corpus}/content")).await;
    }
}
