//! A person's site, not only an archive: standalone pages at `/{slug}`, a menu from the
//! settings and from pages' front matter, a home introduction, a portfolio of projects at
//! `/work`, and the index of every tag. Pages and projects stay out of the dispatches'
//! lists, feeds and related lists, and are found by search as what they are.

use crate::common::*;
use axum::http::StatusCode;
use dispatches::config::MenuLink;

/// A personal site: an about page in the menu, a colophon page that is not, two projects
/// (one featured), an introduction and two dispatches sharing a tag.
fn personal() -> Site {
    let site = Site::new();
    site.file(
        "pages/about.md",
        "---\ntitle: About me\nmenu: main\nweight: 2\n---\nI write and build things. Lighthouses mostly.\n",
    )
    .file(
        "pages/colophon.md",
        "---\ntitle: Colophon\n---\nSet in the system font.\n",
    )
    .file(
        "work/tide-tables.md",
        "---\ntitle: Tide tables\nyear: 2024\nrole: Design and code\nclient: Harbour office\nlink: https://example.org/tides\nsummary: Printable tide tables for a small harbour.\nfeatured: true\ntags: [print]\n---\nThe tables are printed weekly.\n",
    )
    .file(
        "work/ferry-app.md",
        "---\ntitle: Ferry app\ndate: 2023-05-01\nrole: Code\nweight: 1\n---\nTimetables on a phone.\n",
    )
    .file(
        "_index.md",
        "---\ntitle: Home\n---\nHello, I am **Mira**. I keep lighthouses and write about them.\n",
    )
    .file(
        "first.md",
        "---\ntitle: First dispatch\ndate: 2026-01-02\ntags: [sea]\n---\nThe first one.\n",
    )
    .file(
        "second.md",
        "---\ntitle: Second dispatch\ndate: 2026-02-03\ntags: [sea, Light]\n---\nThe second one.\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    site
}

#[tokio::test]
async fn a_page_answers_at_the_root_without_the_furniture_of_a_dispatch() {
    let site = personal();
    let page = site.get("/about").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h1 class=\"p-name\">About me</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Lighthouses mostly."));
    for furniture in [
        "All dispatches",
        "Written by",
        "rel=\"prev\"",
        "Related dispatches",
        "min read",
        "dt-published",
    ] {
        assert!(!page.body.contains(furniture), "{furniture} on a page");
    }
    // Its old address under /dispatches forwards to where it lives.
    let old = site.get("/dispatches/about").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.header("location"), "/about");
}

#[tokio::test]
async fn pages_and_projects_stay_out_of_lists_feeds_and_the_archive() {
    let site = personal();
    // The menu names the about page on every page; the lists themselves never do.
    let listed = |body: &str| match body.find("<ol class=\"items\">") {
        Some(i) => body[i..].to_string(),
        None => body.to_string(),
    };
    for path in ["/", "/archive/2026", "/feed.xml", "/feed.json", "/tags/sea"] {
        let page = listed(&site.get(path).await.body);
        for title in ["About me", "Colophon", "Ferry app", "Tide tables"] {
            assert!(!page.contains(title), "{title} in {path}");
        }
    }
    assert!(!site.get("/archive").await.body.contains("Colophon"));
    let home = site.get("/").await;
    assert!(home.body.contains("First dispatch") && home.body.contains("Second dispatch"));
    let feed = site.get("/feed.xml").await;
    assert_eq!(feed.body.matches("<entry").count(), 2, "{}", feed.body);
    // A page's neighbours are not the dispatches', nor the other way round.
    let first = site.get("/dispatches/first").await;
    assert!(first.body.contains("Second dispatch"));
    assert!(!first.body.contains("Tide tables"));
}

#[tokio::test]
async fn pages_and_projects_are_in_the_sitemap_at_their_own_addresses() {
    let site = personal();
    let map = site.get("/sitemap.xml").await.body;
    for loc in [
        "/about<",
        "/colophon<",
        "/work/tide-tables<",
        "/dispatches/first<",
    ] {
        assert!(map.contains(loc), "{loc} missing from {map}");
    }
    assert!(!map.contains("/dispatches/about<"));
    assert!(!map.contains("_index"));
}

#[tokio::test]
async fn search_finds_pages_and_projects_labelled_as_what_they_are() {
    let site = personal();
    let json = site.get("/search.json?q=lighthouses").await.json();
    let hits = json["hits"].as_array().cloned().unwrap_or_default();
    let about = hits
        .iter()
        .find(|h| h["title"] == "About me")
        .unwrap_or_else(|| panic!("no page in {json}"));
    assert_eq!(about["kind"], "page");
    assert_eq!(about["url"], "/about");
    // The home introduction is the home page's, never a result of its own.
    assert!(hits.iter().all(|h| h["title"] != "Home"), "{json}");
    let tides = site.get("/search.json?q=harbour").await.json();
    assert!(tides.to_string().contains("/work/tide-tables"), "{tides}");
}

#[tokio::test]
async fn the_menu_comes_from_the_settings_then_pages_and_marks_the_current_page() {
    let site = personal().with_config(|c| {
        c.menu = vec![MenuLink {
            name: "Blog".into(),
            url: "/".into(),
        }];
    });
    let page = site.get("/about").await.body;
    let nav = &page[page.find("<ul class=\"menu\">").expect("a menu")..];
    let nav = &nav[..nav.find("</ul>").unwrap()];
    let order: Vec<usize> = ["Blog", "About me", "Work", "Archive"]
        .iter()
        .map(|l| {
            nav.find(&format!(">{l}</a>"))
                .unwrap_or_else(|| panic!("{l} not in {nav}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{nav}");
    assert!(
        nav.contains("<a href=\"/about\" aria-current=\"page\">About me</a>"),
        "{nav}"
    );
    assert!(
        !nav.contains("Colophon"),
        "a page without menu: is not in the menu"
    );
    let article = site.get("/dispatches/first").await.body;
    assert!(article.contains("<a href=\"/about\">About me</a>"));
    assert!(!article.contains("aria-current=\"page\">About me"));
}

#[tokio::test]
async fn the_home_page_shows_its_introduction_and_featured_projects() {
    let site = personal();
    let home = site.get("/").await.body;
    let intro = home
        .find("Hello, I am <strong>Mira</strong>")
        .expect("the introduction");
    let latest = home.find("First dispatch").unwrap();
    assert!(intro < latest, "the introduction comes first");
    assert!(
        home.contains("href=\"/work/tide-tables\""),
        "featured project on the home page"
    );
    assert!(
        !home.contains("href=\"/work/ferry-app\""),
        "only featured projects"
    );
    let none = personal().with_config(|c| c.home_projects = 0);
    assert!(!none.get("/").await.body.contains("/work/tide-tables"));
}

#[tokio::test]
async fn the_portfolio_lists_projects_by_weight_then_date_and_each_has_a_page() {
    let site = personal();
    let work = site.get("/work").await;
    assert_eq!(work.status, StatusCode::OK);
    let ferry = work.body.find("Ferry app").expect("ferry app");
    let tides = work.body.find("Tide tables").expect("tide tables");
    assert!(ferry < tides, "weight 1 first");
    assert!(
        work.body.contains("2024 · Design and code"),
        "{}",
        work.body
    );
    let project = site.get("/work/tide-tables").await;
    assert_eq!(project.status, StatusCode::OK);
    for fact in [
        "Harbour office",
        "https://example.org/tides",
        "← Work",
        "2024",
    ] {
        assert!(project.body.contains(fact), "{fact} missing");
    }
    assert!(!project.body.contains("Written by"));
    assert_eq!(
        site.get("/work/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_portfolio_path_and_label_are_settings() {
    let site = personal().with_config(|c| {
        c.work_path = "books".into();
        c.work_label = "Books".into();
    });
    let books = site.get("/books").await;
    assert_eq!(books.status, StatusCode::OK);
    assert!(books.body.contains("<h1 class=\"p-name\">Books</h1>"));
    assert!(books.body.contains("href=\"/books/tide-tables\""));
    assert_eq!(site.get("/books/ferry-app").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_page_whose_address_is_a_route_is_refused_naming_file_line_and_route() {
    let site = Site::new();
    site.file("pages/archive.md", "---\ntitle: My archive\n---\nText.\n")
        .file(
            "pages/feed.md",
            "---\ntitle: Feed\nslug: feed.xml\n---\nText.\n",
        )
        .file("pages/ok.md", "---\ntitle: Fine\n---\nText.\n");
    let report = site.publish();
    assert_eq!(report.failed.len(), 2, "{:?}", report.failed);
    let errors: Vec<String> = report.failed.iter().map(|f| f.to_string()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("pages/archive.md") && e.contains("/archive")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("pages/feed.md:3")
            && e.contains("/feed.xml")
            && e.contains("slug")),
        "{errors:?}"
    );
    assert_eq!(site.get("/ok").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_tag_index_lists_every_tag_with_its_count() {
    let site = personal();
    let tags = site.get("/tags").await;
    assert_eq!(tags.status, StatusCode::OK);
    assert!(
        tags.body
            .contains("<a href=\"/tags/sea\">sea</a> <span class=\"count\">2</span>"),
        "{}",
        tags.body
    );
    assert!(
        tags.body
            .contains("<a href=\"/tags/Light\">Light</a> <span class=\"count\">1</span>")
    );
    assert!(
        !tags.body.contains("/tags/print"),
        "a project's tags are not the dispatches'"
    );
}

#[tokio::test]
async fn an_old_address_of_a_page_answers_301_to_it() {
    let site = Site::new();
    site.file(
        "pages/about.md",
        "---\ntitle: About\naliases: [about-us, /old/about.html]\n---\nMe.\n",
    );
    site.publish();
    for old in ["/about-us", "/about-us/", "/old/about.html"] {
        let page = site.get(old).await;
        assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(page.header("location"), "/about", "{old}");
    }
    assert_eq!(site.get("/nothing").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn jekyll_layout_page_and_type_page_make_pages_anywhere() {
    let site = Site::new();
    site.file(
        "contact.md",
        "---\ntitle: Contact\nlayout: page\n---\nWrite.\n",
    )
    .file(
        "misc/uses.md",
        "---\ntitle: Uses\ntype: page\n---\nA desk.\n",
    )
    .file(
        "post.md",
        "---\ntitle: Post\ndate: 2026-01-01\n---\nText.\n",
    );
    site.publish();
    assert_eq!(site.get("/contact").await.status, StatusCode::OK);
    assert_eq!(site.get("/uses").await.status, StatusCode::OK);
    assert_eq!(site.get("/post").await.status, StatusCode::NOT_FOUND);
    let feed = site.get("/feed.xml").await.body;
    assert!(!feed.contains("Contact") && !feed.contains("Uses") && feed.contains("Post"));
}

#[tokio::test]
async fn a_draft_page_is_hidden_until_published() {
    let site = Site::new();
    site.file("pages/now.md", "---\ntitle: Now\ndraft: true\n---\nSoon.\n");
    site.publish();
    assert_eq!(site.get("/now").await.status, StatusCode::NOT_FOUND);
    let drafts = Site::reading(site.content()).with_config(|c| c.drafts = true);
    drafts.publish();
    let page = drafts.get("/now").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Preview: a draft"));
}

#[test]
fn the_real_binary_serves_pages_and_the_portfolio() {
    let site = personal();
    let server = site.serve();
    for (path, text) in [
        ("/about", "About me"),
        ("/work", "Tide tables"),
        ("/work/ferry-app", "Ferry app"),
        ("/tags", "sea"),
    ] {
        let page = server.get(path);
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(text), "{path}: {text}");
    }
}

#[tokio::test]
#[ignore = "needs ../shared/corpora"]
async fn hugo_example_site_about_is_a_page_with_its_aliases_and_archives_points_at_the_archive() {
    let site = Site::corpus("hugo-basic");
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let about = site.get("/about").await;
    assert_eq!(about.status, StatusCode::OK);
    assert!(!about.body.contains("Written by"));
    for alias in ["/about-us", "/about-hugo", "/contact"] {
        let page = site.get(alias).await;
        assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{alias}");
        assert_eq!(page.header("location"), "/about", "{alias}");
    }
    let archives = site.get("/archives").await;
    assert_eq!(archives.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(archives.header("location"), "/archive");
    // Its posts are dispatches; the headless bundle publishes nothing.
    assert!(
        site.get("/feed.xml")
            .await
            .body
            .contains("Markdown Syntax Guide")
    );
    assert!(!site.get("/feed.xml").await.body.contains(">About<"));
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles WHERE source_path LIKE 'homepage/%'"),
        0
    );
}

#[tokio::test]
async fn an_old_address_with_a_query_answers_301_to_its_entry() {
    let site = Site::new();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\naliases: [\"/?p=12\", \"/blog/?page_id=7\"]\n---\nHi.\n",
    );
    site.publish();
    for old in ["/?p=12", "/blog/?page_id=7"] {
        let page = site.get(old).await;
        assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(page.header("location"), "/dispatches/hello", "{old}");
    }
    // Other queries of the home page are the home page.
    assert_eq!(site.get("/?p=13").await.status, StatusCode::OK);
    assert_eq!(site.get("/?page=1").await.status, StatusCode::OK);
}

#[tokio::test]
async fn hostile_page_addresses_and_queries_answer_404_never_a_500() {
    let site = personal();
    let long = format!("/{}", "a".repeat(60_000));
    let long_query = format!("/?p={}", "9".repeat(60_000));
    let nested = format!("/{}", "%2F".repeat(20_000));
    for path in [
        long.as_str(),
        "/%FF%FE",
        "/%",
        "/..%2F..%2Fetc%2Fpasswd",
        nested.as_str(),
        long_query.as_str(),
        "/work/%00",
        "/about/extra/segments",
    ] {
        let page = site.get(path).await;
        assert!(
            page.status.is_client_error() || page.status == StatusCode::OK,
            "{}: {}",
            &path[..path.len().min(40)],
            page.status
        );
    }
}

#[tokio::test]
async fn a_projects_hostile_link_repo_and_image_are_not_shown_or_served() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.png"), b"not for readers").unwrap();
    let secret = outside.path().join("secret.png");
    let site = Site::new();
    site.file(
        "work/trap.md",
        format!(
            "---\ntitle: Trap\nlink: \"javascript:alert(1)\"\nrepo: \"data:text/html,<script>alert(2)</script>\"\nimage: \"../../../../../..{}\"\n---\nA project with bad keys.\n",
            secret.display()
        ),
    )
    .file(
        "work/abs.md",
        format!("---\ntitle: Absolute\nimage: \"{}\"\nlink: \"  JaVaScRiPt:alert(3)\"\n---\nText.\n", secret.display()),
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    for slug in ["trap", "abs"] {
        let page = site.get(&format!("/work/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let lower = page.body.to_ascii_lowercase();
        assert!(!lower.contains("javascript:"), "{slug}: {}", page.body);
        assert!(!lower.contains("data:text/html"), "{slug}");
        assert!(!page.body.contains("not for readers"));
    }
    let grid = site.get("/work").await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(!grid.body.to_ascii_lowercase().contains("javascript:"));
    // Nothing outside the content folder was read into the archive.
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM files WHERE instr(bytes, 'not for readers') > 0"),
        0
    );
}
