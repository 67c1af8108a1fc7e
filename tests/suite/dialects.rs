//! Other engines' dialects, each on a small site written from the engine's documentation:
//! what the engine shows a reader is what the published page shows, and none of its
//! syntax is left as text.

use crate::common::*;

/// The text a reader sees on an article's page, outside code.
async fn text_of(site: &Site, slug: &str) -> String {
    let page = site.get(&format!("/dispatches/{slug}")).await;
    assert_eq!(page.status, 200, "/dispatches/{slug}");
    html::text_outside_code(&page.body)
}

async fn page_of(site: &Site, slug: &str) -> String {
    let page = site.get(&format!("/dispatches/{slug}")).await;
    assert_eq!(page.status, 200, "/dispatches/{slug}");
    page.body
}

#[tokio::test]
async fn an_mdx_file_is_read_and_other_files_are_named_with_a_reason() {
    let site = Site::new();
    site.file(
        "post.mdx",
        "---\ntitle: From MDX\ndate: 2024-01-02\n---\nHello.\n",
    )
    .file("export.xml", "<rss/>")
    .file("authors.yml", "jo:\n  name: Jo\n")
    .file("blog/blog.11tydata.json", "{}")
    .file("cover.png", "not really a png")
    .file("snippet.js", "console.log(1)")
    .file("values.yml", "a: 1");
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert_eq!(r.new, 1);
    assert!(text_of(&site, "post").await.contains("Hello."));
    let skipped: Vec<&str> = r.skipped.iter().map(|(p, _)| p.as_str()).collect();
    for name in ["export.xml", "authors.yml", "blog.11tydata.json"] {
        assert!(
            skipped.iter().any(|p| p.ends_with(name)),
            "{name}: {skipped:?}"
        );
    }
    assert!(r.skipped.iter().all(|(_, why)| !why.is_empty()));
    // Files a post may show or link to are published as before.
    assert!(
        !skipped
            .iter()
            .any(|p| p.ends_with("snippet.js") || p.ends_with("values.yml"))
    );
    assert_eq!(site.get("/files/snippet.js").await.status, 200);
}

#[test]
fn two_dated_posts_with_the_same_name_get_slugs_by_their_dates() {
    let site = Site::new();
    site.file(
        "2019-05-01-funding-update.md",
        post("May", "2019-05-01", "A."),
    )
    .file(
        "2019-11-07-funding-update.md",
        post("Nov", "2019-11-07", "B."),
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let slugs: Vec<String> = site
        .conn()
        .prepare("SELECT slug FROM articles ORDER BY published_at")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(slugs, ["funding-update", "funding-update-2019-11-07"]);
}

#[tokio::test]
async fn pelican_headers_are_front_matter_not_the_first_paragraph() {
    let site = Site::new();
    site.file(
        "articles/my-super-post.md",
        "Title: My super title\nDate: 2010-12-03 10:20\nCategory: Python\n\
         Tags: pelican, publishing\nSlug: my-super-post\nAuthors: Alexis Metaireau\n\
         Summary: Short version for index and feeds\n\nThis is the content of my super blog post.\n",
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let text = text_of(&site, "my-super-post").await;
    assert!(text.contains("My super title"));
    assert!(
        !text.contains("Title:") && !text.contains("Tags:"),
        "{text}"
    );
    let date: String = site.one("SELECT date(published_at, 'unixepoch') FROM articles");
    assert_eq!(date, "2010-12-03");
}

#[tokio::test]
async fn docusaurus_admonitions_become_callouts_with_their_titles() {
    let site = Site::new();
    site.file(
        "2024-05-01-post/index.md",
        "---\ntitle: Admonitions\n---\nIntro.\n\n:::tip My tip\n\nSome **content**.\n\n\
         :::danger[Take care]\nNested.\n:::\n\n:::\n\n```md\n:::note\n```\n",
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let page = page_of(&site, "post").await;
    assert!(page.contains("callout callout-tip"), "{page}");
    assert!(page.contains("My tip"));
    assert!(page.contains("<strong>content</strong>"));
    assert!(page.contains("callout callout-caution"));
    let text = html::text_outside_code(&page);
    assert!(!text.contains(":::"), "{text}");
    assert!(html::text_of_code(&page).contains(":::note"));
}

#[tokio::test]
async fn mdx_components_imports_and_comments_never_reach_the_reader() {
    let site = Site::new();
    site.file(
        "blog/release.mdx",
        "---\ntitle: Release\ndate: 2024/12/05\n---\n\
         import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\nimport Badge from './Badge';\n\n\
         {/* a note to editors */}\n\n## Install {/*install*/}\n\nRun it{' '}now.\n\n\
         <Tabs>\n  <TabItem value=\"npm\" label=\"npm\">\n\n  ```bash\n  npm i x\n  ```\n\n  </TabItem>\n</Tabs>\n\n\
         <Admonition type=\"tip\" title=\"Faster\">\n  Use the **cache**.\n</Admonition>\n\n\
         <Badge>New</Badge> in this release.\n",
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let page = page_of(&site, "release").await;
    let text = html::text_outside_code(&page);
    for shown in [
        "import",
        "{/*",
        "{'",
        "<Tabs",
        "TabItem",
        "Admonition",
        "Badge",
    ] {
        assert!(!text.contains(shown), "{shown} shown: {text}");
    }
    assert!(page.contains("id=\"install\""), "heading id kept");
    assert!(text.contains("Run it now."));
    assert!(page.contains("<strong>npm</strong>"));
    assert!(html::text_of_code(&page).contains("npm i x"));
    assert!(page.contains("callout callout-tip") && text.contains("Faster"));
    assert!(text.contains("New in this release."));
    let warned: Vec<&String> = r
        .warnings
        .iter()
        .filter(|w| w.contains("<Badge>"))
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", r.warnings);
}

#[tokio::test]
async fn an_obsidian_vault_links_by_name_and_keeps_its_note_titles() {
    let site = Site::new();
    site.file(".obsidian/app.json", "{}")
        .file(
            "Daily Agenda.md",
            "Plans for [[graph theory#Trees|trees]] and [[#Later]]. %%private%% #planning\n\n\
             ![[Chart.png|300]]\n\n> [!todo]- Open items\n> Read [[Graph Theory]].\n\n## Later\n\nDone.\n",
        )
        .file("Math/Graph Theory.md", "## Trees\n\nA tree.\n")
        .file("attachments/Chart.png", "png bytes");
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let page = page_of(&site, "daily-agenda").await;
    let text = html::text_outside_code(&page);
    assert!(text.contains("Daily Agenda"), "the title keeps its case");
    for shown in ["[[", "]]", "%%", "private", "[!todo]"] {
        assert!(!text.contains(shown), "{shown} shown: {text}");
    }
    assert!(
        page.contains("href=\"/dispatches/graph-theory#trees\""),
        "{page}"
    );
    assert!(page.contains("href=\"#later\""));
    assert!(page.contains("width=\"300\""));
    assert!(page.contains("<details class=\"callout"));
    let tags: String = site.one("SELECT tags_text FROM articles WHERE slug = 'daily-agenda'");
    assert!(tags.contains("planning"), "{tags}");
    let check = site.bin(&["check", "--content", site.content().to_str().unwrap()]);
    assert_eq!(check.code(), Some(0), "{check:?}");
}

#[tokio::test]
async fn eleventy_outputs_read_front_matter_and_data_files() {
    let site = Site::new();
    site.file("_data/site.json", "{\"name\": \"Widgets\"}")
        .file("blog/blog.11tydata.json", "{\"event\": {\"date\": \"Monday\"}}")
        .file(
            "blog/2024-05-01-launch.md",
            "---\ntitle: Launch\nhost: Ada Lovelace\n---\n{{ site.name }} launch on **{{ event.date }}**, hosted by {{ host }}.\n\n\
             [Share](https://example.org/share?text={{ \"Launch day\" | urlencode }}) {{ collections.all | length }}\n\n\
             {% raw %}{{ kept }}{% endraw %}\n",
        );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let page = page_of(&site, "launch").await;
    let text = html::text_outside_code(&page);
    assert!(
        text.contains("Widgets launch on Monday, hosted by Ada Lovelace."),
        "{text}"
    );
    assert!(page.contains("text=Launch%20day"), "{page}");
    assert!(!text.contains("{{"), "{text}");
    assert!(
        html::text_of_code(&page).contains("{{ kept }}")
            || page.contains("<code>{{ kept }}</code>")
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("collections.all")),
        "{:#?}",
        r.warnings
    );
}

#[tokio::test]
async fn hexo_tag_plugins_become_code_callouts_images_and_math() {
    let site = Site::new();
    site.file(
        "_posts/2024-01-02-release.md",
        "---\ntitle: Release\ndate: 2024-01-02 10:00:00\n---\nIntro.\n\n<!-- more -->\n\n\
         {% codeblock lang:js %}\nconst a = 1;\n{% endcodeblock %}\n\n{% note warn %}\nMind the **gap**.\n{% endnote %}\n\n\
         {% asset_img shot.png A screenshot %}\n\n{% post_link 2023-12-01-older 'The older post' %}\n\n\
         {% mathjax %}\nE = mc^2\n{% endmathjax %}\n",
    )
    .file("_posts/2024-01-02-release/shot.png", "png")
    .file("_posts/2023-12-01-older.md", "---\ntitle: Older\n---\nOld.\n");
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let page = page_of(&site, "release").await;
    let text = html::text_outside_code(&page);
    assert!(!text.contains("{%"), "{text}");
    assert!(html::text_of_code(&page).contains("const a = 1;"));
    assert!(page.contains("callout callout-warning") && page.contains("<strong>gap</strong>"));
    assert!(
        page.contains("src=\"/files/_posts/2024-01-02-release/shot.png\""),
        "{page}"
    );
    assert!(page.contains("href=\"/dispatches/older\""));
    assert!(page.contains("<math"), "{page}");
    let summary: String = site.one("SELECT summary_html FROM articles WHERE slug = 'release'");
    assert!(summary.contains("Intro.") && !summary.contains("gap"));
}

#[tokio::test]
async fn old_addresses_answer_301_by_the_engines_conventions() {
    let site = Site::new();
    std::fs::write(
        site.root().join("hugo.toml"),
        "baseURL = 'https://example.org/'\n[permalinks]\nnotes = '/:year/:month/:title/'\n",
    )
    .unwrap();
    site.file("posts/hello-hugo.md", post("Hello", "2024-03-05", "Hi."))
        .file("notes/a-note.md", post("Note", "2024-04-06", "N."));
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    for (old, new) in [
        ("/posts/hello-hugo/", "/dispatches/hello-hugo"),
        ("/posts/hello-hugo", "/dispatches/hello-hugo"),
        ("/2024/04/a-note/", "/dispatches/a-note"),
    ] {
        let page = site.get(old).await;
        assert_eq!(page.status, 301, "{old}");
        assert_eq!(page.header("location"), new, "{old}");
    }
    let pelican = Site::new();
    pelican.file(
        "articles/x.md",
        "Title: X\nDate: 2012-08-08\nSlug: memoryview\nsave_as: old/mv.html\n\nText.\n",
    );
    pelican.publish();
    for old in ["/memoryview.html", "/old/mv.html"] {
        assert_eq!(pelican.get(old).await.status, 301, "{old}");
    }
}

#[tokio::test]
async fn docusaurus_authors_yml_names_the_authors_of_its_posts() {
    let site = Site::new();
    site.file(
        "blog/authors.yml",
        "jo:\n  name: Jo Doe\n  title: Staff Engineer\n  url: https://jo.example\n  image_url: https://jo.example/jo.png\n",
    )
    .file(
        "blog/2024-05-01-hello/index.md",
        "---\ntitle: Hello\nauthors: [jo]\n---\nHi.\n\n<!--truncate-->\n\nMore.\n",
    );
    let first = site.publish();
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    let page = page_of(&site, "hello").await;
    assert!(page.contains("Jo Doe"), "{page}");
    let bio: String = site.one("SELECT bio FROM authors WHERE id = 'jo'");
    assert_eq!(bio, "Staff Engineer");
    let second = site.publish();
    assert_eq!((second.new, second.updated), (0, 0));
    let summary: String = site.one("SELECT summary_html FROM articles");
    assert!(summary.contains("Hi.") && !summary.contains("More."));
    assert_eq!(site.get("/blog/2024/05/01/hello").await.status, 301);
}

#[tokio::test]
async fn a_docusaurus_sites_markdown_is_mdx_and_its_tags_have_labels() {
    let site = Site::new();
    site.file(
        "blog/tags.yml",
        "k8s:
  label: Kubernetes
  permalink: /k8s
",
    )
    .file(
        "blog/2024-06-01-plain/index.md",
        "---
title: Plain
tags: [k8s]
---
Text {/* an editor's note */} here.
",
    );
    let r = site.publish();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    let text = text_of(&site, "plain").await;
    assert!(
        text.contains("Text  here.") && !text.contains("{/*"),
        "{text}"
    );
    let tags: String = site.one("SELECT tags_text FROM articles");
    assert_eq!(tags, "Kubernetes");
}

#[tokio::test]
async fn other_engines_feeds_move_to_ours() {
    let site = Site::new();
    site.file("a.md", post("A", "2024-01-01", "A."));
    site.publish();
    for old in [
        "/index.xml",
        "/posts/index.xml",
        "/atom.xml",
        "/blog/rss.xml",
        "/feed/",
    ] {
        let page = site.get(old).await;
        assert_eq!(page.status, 301, "{old}");
        assert_eq!(page.header("location"), "/feed.xml", "{old}");
    }
    assert_eq!(site.get("/nothing.xml").await.status, 404);
}
