//! Views: the askama templates' structs and the small formatting they need. Everything
//! here is escaped by askama except fields named `*_html`, which we rendered ourselves.

use askama::Template;
use time::{Date, OffsetDateTime};
use time_tz::OffsetDateTimeExt;

pub(super) use super::masthead::masthead;
use crate::config::Config;
use crate::content::dates;
use crate::content::{Hero, Source};
use crate::db::read::{StreamInfo, Summary};
use crate::urls;

/// What the shared layout shows on every page.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub lang: String,
    pub site_title: String,
    /// The site's home page, absolute.
    pub site_url: String,
    pub page_title: String,
    pub description: String,
    pub css_url: String,
    pub js_url: String,
    /// Development mode's live-reload script.
    pub live_url: Option<String>,
    /// `Vol. IV · No. 04  Monday · 29 June 2026`; empty with the simple masthead.
    pub masthead: String,
    pub now_writing: Option<String>,
    /// The site's title, with `· 3 streams` in the publication masthead when it has streams.
    pub streams_line: String,
    /// The simple masthead: logo, title and menu.
    pub simple: bool,
    /// The site's logo (`logo`), with its size when known.
    pub logo: Option<Logo>,
    /// The site's own stylesheet (`css`), fingerprinted, linked after ours.
    pub user_css: Option<String>,
    /// The accents (`accent`, `accent_dark`) as the browser's theme colour, each with the
    /// colour scheme it is for when both are given.
    pub theme_colors: Vec<(String, Option<&'static str>)>,
    /// The icon for browsers' tabs (`favicon`, else the logo); `data:,` asks for none.
    pub favicon: String,
    /// `image/svg+xml` for an SVG icon, linked as it is (we have no rasteriser), or
    /// `image/png` for the 32 px icon made of a raster one.
    pub favicon_type: Option<&'static str>,
    /// `32x32` for the icon made of a raster image.
    pub favicon_sizes: Option<&'static str>,
    /// The 180 px apple-touch icon made of a raster favicon or logo.
    pub touch_icon: Option<String>,
    /// The owner's profiles (`links`), linked `rel="me"` in the footer.
    pub me_links: Vec<NavLink>,
    /// The `footer` setting, rendered and sanitised; `None` keeps the default line.
    pub footer_html: Option<String>,
    /// The words the site writes, in the site's language.
    pub w: crate::strings::Words,
    pub contact_url: Option<String>,
    pub query: String,
    /// Absolute URL of this page without its query (set with `at`).
    pub canonical: String,
    /// Absolute URL of the Micropub endpoint, for `<link rel="micropub">`.
    pub micropub_url: String,
    /// Feeds offered for autodiscovery: the site's, then this page's own.
    pub feeds: Vec<FeedLink>,
    /// OpenGraph `og:type`: `website`, or `article` on an article page.
    pub og_type: &'static str,
    pub og_image: Option<String>,
    /// `og:description`: the dek on an article page, the site description elsewhere.
    pub summary: String,
    /// JSON-LD for an article, serialised and safe inside `<script>`.
    pub json_ld: Option<String>,
    /// Whether search engines should index the page (not result or error pages).
    pub index: bool,
    /// The page in every language it exists in, itself included (`hreflang` links).
    pub alternates: Vec<Translation>,
    /// The site's language, on the parts of a page written in another language that the
    /// site itself wrote (masthead, footer, navigation), so they are read in theirs.
    pub chrome_lang: Option<String>,
    /// The site's menu; the entry of the page shown is marked current (see `at`).
    pub nav: Vec<NavLink>,
}

/// The logo in the header.
#[derive(Debug, Clone)]
pub(super) struct Logo {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One link of the site's menu.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NavLink {
    pub label: String,
    pub url: String,
    /// The page shown is this entry's (`aria-current="page"`).
    pub current: bool,
}

impl NavLink {
    pub(super) fn new(label: &str, url: &str) -> NavLink {
        NavLink {
            label: label.to_string(),
            url: url.to_string(),
            current: false,
        }
    }
}

/// One language version of a dispatch: what `hreflang` links, the sitemap's alternates
/// and the list "This dispatch in" name.
#[derive(Debug, Clone)]
pub(super) struct Translation {
    /// The tag as pages declare it (the site's language when the article names none).
    pub lang: String,
    /// The language as its readers call it (`Français`).
    pub name: String,
    /// The article's path, and its absolute URL.
    pub url: String,
    pub href: String,
}

/// More language versions than any site translates into: every page and sitemap entry of
/// a group lists them all, so without a bound a group's cost grows with its square.
pub(super) const MAX_LANGUAGE_VERSIONS: usize = 64;

/// The language versions of one dispatch from (slug, stored tag) pairs, each language
/// once (the first listed keeps it; at most [`MAX_LANGUAGE_VERSIONS`]); empty unless two languages remain, since a page
/// with no translation has no alternates to declare.
pub(super) fn language_versions<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    config: &Config,
) -> Vec<Translation> {
    let mut out: Vec<Translation> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (slug, lang) in items {
        let lang = page_lang(lang, config);
        if out.len() == MAX_LANGUAGE_VERSIONS || !seen.insert(lang.to_ascii_lowercase()) {
            continue;
        }
        let url = urls::article(slug);
        out.push(Translation {
            lang: lang.to_string(),
            name: crate::content::lang::name(lang),
            href: urls::absolute(&config.base_url, &url),
            url,
        });
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// The language a page declares: the article's tag, else the site's.
pub(super) fn page_lang<'a>(stored: &'a str, config: &'a Config) -> &'a str {
    if stored.is_empty() {
        &config.language
    } else {
        stored
    }
}

/// A feed link in `<head>`.
#[derive(Debug, Clone)]
pub(super) struct FeedLink {
    pub title: String,
    pub href: String,
    pub kind: &'static str,
}

/// `<meta name="theme-color">` for the accents: one for all schemes, or one each.
fn theme_colors(config: &Config) -> Vec<(String, Option<&'static str>)> {
    match (&config.accent, &config.accent_dark) {
        (Some(light), Some(dark)) => vec![
            (light.clone(), Some("(prefers-color-scheme: light)")),
            (dark.clone(), Some("(prefers-color-scheme: dark)")),
        ],
        (Some(light), None) => vec![(light.clone(), None)],
        (None, Some(dark)) => vec![(dark.clone(), Some("(prefers-color-scheme: dark)"))],
        (None, None) => Vec::new(),
    }
}

impl Layout {
    pub(super) fn new(
        config: &Config,
        css_url: &str,
        js_url: &str,
        page_title: &str,
        now: OffsetDateTime,
        streams: usize,
        now_writing: Option<String>,
    ) -> Layout {
        let simple = config.masthead == crate::config::Masthead::Simple;
        let w = config.words();
        Layout {
            lang: config.language.clone(),
            site_title: config.title.clone(),
            site_url: format!("{}/", config.base_url),
            page_title: if page_title.is_empty() {
                config.title.clone()
            } else {
                format!("{page_title} · {}", config.title)
            },
            description: config.description.clone(),
            css_url: urls::asset(css_url),
            js_url: urls::asset(js_url),
            live_url: None,
            masthead: if simple {
                String::new()
            } else {
                masthead(config.founded, now.to_timezone(config.timezone).date(), &w)
            },
            now_writing: now_writing.filter(|_| config.now_writing && !simple),
            // A site without streams does not count them.
            streams_line: if simple || streams == 0 {
                config.title.clone()
            } else {
                format!("{} · {}", config.title, w.streams_count(streams))
            },
            simple,
            logo: None,
            user_css: None,
            theme_colors: theme_colors(config),
            favicon: "data:,".into(),
            favicon_type: None,
            favicon_sizes: None,
            touch_icon: None,
            footer_html: None,
            me_links: config
                .links
                .iter()
                .map(|l| NavLink::new(&l.name, &l.url))
                .collect(),
            contact_url: config.contact_url.clone(),
            query: String::new(),
            canonical: format!("{}/", config.base_url),
            micropub_url: urls::absolute(&config.base_url, urls::MICROPUB),
            feeds: feed_links(&config.title, "", config),
            og_type: "website",
            og_image: None,
            summary: config.description.clone(),
            json_ld: None,
            index: true,
            alternates: Vec::new(),
            chrome_lang: None,
            nav: vec![NavLink::new(w.t("archive"), urls::ARCHIVE)],
            w,
        }
    }

    /// Sets the page's canonical path, and offers its own feeds when `feed_base` names a
    /// stream, tag or author page.
    pub(super) fn at(
        mut self,
        config: &Config,
        path: &str,
        feed_base: Option<(&str, &str)>,
    ) -> Layout {
        self.canonical = urls::absolute(&config.base_url, path);
        for link in &mut self.nav {
            link.current = link.url == path
                || link.url.strip_prefix(&config.base_url) == Some(path)
                || (link.url != urls::HOME && path.starts_with(&format!("{}/", link.url)));
        }
        if let Some((title, base)) = feed_base {
            self.feeds.extend(feed_links(title, base, config));
        }
        self
    }
}

fn feed_links(title: &str, base: &str, config: &Config) -> Vec<FeedLink> {
    vec![
        FeedLink {
            title: format!("{title} (Atom)"),
            href: urls::absolute(&config.base_url, &format!("{base}/feed.xml")),
            kind: "application/atom+xml",
        },
        FeedLink {
            title: format!("{title} (JSON Feed)"),
            href: urls::absolute(&config.base_url, &format!("{base}/feed.json")),
            kind: "application/feed+json",
        },
    ]
}

/// Serialises JSON-LD for a `<script>` element: `<` is escaped so no `</script>` or
/// comment opener inside a title can end the element early.
pub(super) fn json_ld(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// A list entry.
pub(super) struct Item {
    pub url: String,
    pub title: String,
    pub dek: String,
    pub date: String,
    pub date_iso: String,
    pub stream: String,
    pub stream_url: String,
    /// `2 min read`, in the site's language.
    pub reading: String,
    pub summary_html: String,
}

impl Item {
    pub(super) fn from_summary(s: &Summary, config: &Config) -> Item {
        let local = local_date(s.published_at, config);
        let locale = crate::content::lang::Locale::of(&config.language);
        Item {
            url: urls::article(&s.slug),
            title: s.title.clone(),
            dek: s.dek.clone(),
            date: dates::spelled_date(local, locale),
            date_iso: local.to_string(),
            stream: s.stream_name.clone(),
            stream_url: s
                .stream_id
                .as_ref()
                .map(|id| urls::stream(id))
                .unwrap_or_default(),
            reading: locale.reading_time(s.reading_minutes),
            summary_html: s.summary_html.clone(),
        }
    }
}

pub(super) fn local_date(ts: i64, config: &Config) -> Date {
    dates::local_date(ts, config.timezone)
}

/// Links to the previous and next page of a list.
pub(super) struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl Pager {
    pub(super) fn new(base: &str, page: i64, per_page: i64, total: i64) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        let url = |p: i64| urls::paged(base, p);
        Pager {
            page,
            pages,
            prev_url: (page > 1).then(|| url(page - 1)),
            next_url: (page < pages).then(|| url(page + 1)),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub(super) struct HomePage {
    pub layout: Layout,
    /// `content/_index.md`, rendered: the site's own introduction above the list.
    pub intro_html: Option<String>,
    /// Featured projects (`featured: true`), up to the `home_projects` setting.
    pub cards: Vec<super::pages::ProjectCardView>,
    /// Always false: the cards sit under the home page's section heading.
    pub cards_top: bool,
    pub work_url: String,
    pub work_label: String,
    pub items: Vec<Item>,
    pub streams: Vec<StreamLink>,
    pub pager: Pager,
}

/// A stream as the home page lists it.
pub(super) struct StreamLink {
    pub url: String,
    pub name: String,
    pub description: String,
    pub count: i64,
}

impl From<&StreamInfo> for StreamLink {
    fn from(s: &StreamInfo) -> StreamLink {
        StreamLink {
            url: urls::stream(&s.id),
            name: s.name.clone(),
            description: s.description.clone(),
            count: s.count,
        }
    }
}

#[derive(Template)]
#[template(path = "list.html")]
pub(super) struct ListPage {
    pub layout: Layout,
    pub kicker: String,
    pub heading: String,
    pub intro: String,
    pub intro_html: String,
    /// On an author's page, their own pages: the page is then their h-card.
    pub author_links: Option<Vec<Source>>,
    /// On an author's page, their picture.
    pub avatar: Option<Avatar>,
    pub items: Vec<Item>,
    pub pager: Pager,
}

pub(super) struct Byline {
    pub name: String,
    pub bio: String,
    pub url: String,
    pub avatar: Option<Avatar>,
}

/// An author's picture as a page shows it: beside their name, so its text alternative is
/// empty (a screen reader would hear the name twice; axe's `image-redundant-alt`).
pub(super) struct Avatar {
    pub src: String,
    /// The WebP variants, when the picture is large enough to have them.
    pub srcset: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

pub(super) struct TocView {
    pub id: String,
    pub title: String,
    pub sub: bool,
}

#[derive(Template)]
#[template(path = "article.html")]
pub(super) struct ArticlePage {
    pub layout: Layout,
    /// The words of the article's furniture, in the article's language.
    pub aw: crate::strings::Words,
    /// Above an article that is not out yet (a preview link, `serve --drafts`).
    pub banner: Option<String>,
    pub entry: HEntry,
    /// Development mode: why the latest save of this article was not published.
    pub problem: Option<String>,
    pub item: Item,
    /// `2 min read`, in the article's language.
    pub reading: String,
    /// The word before the update's date, in the article's language.
    pub updated_word: &'static str,
    pub updated: Option<String>,
    /// The article's other languages, for "This dispatch in".
    pub translations: Vec<Translation>,
    pub tags: Vec<Source>,
    pub hero: Option<Hero>,
    pub toc: Vec<TocView>,
    pub body_html: String,
    pub sources: Vec<Source>,
    pub author: Option<Byline>,
    pub older: Option<Item>,
    pub newer: Option<Item>,
    pub related: Vec<Item>,
}

/// What an article's h-entry (microformats2) carries that the page does not show as
/// such: readers such as IndieWeb clients and feed readers take the post from it.
pub(super) struct HEntry {
    /// Absolute URL of the article.
    pub url: String,
    /// RFC 3339 times.
    pub published: String,
    pub updated: String,
    /// The dek, or the summary as plain text.
    pub summary: String,
    /// The author when the article names none: the site itself.
    pub site_title: String,
    pub site_url: String,
}

pub(super) struct MonthView {
    pub name: String,
    pub count: i64,
    pub url: String,
}

pub(super) struct YearView {
    pub year: i64,
    pub count: i64,
    pub url: String,
    pub months: Vec<MonthView>,
}

/// A year or a month of the archive: its articles, paged, and the periods either side
/// that hold any (label, URL).
#[derive(Template)]
#[template(path = "archive_period.html")]
pub(super) struct PeriodPage {
    pub layout: Layout,
    pub heading: String,
    pub archive_url: &'static str,
    pub total: i64,
    pub items: Vec<Item>,
    pub pager: Pager,
    pub newer: Option<(String, String)>,
    pub older: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "archive.html")]
pub(super) struct ArchivePage {
    pub layout: Layout,
    pub total: i64,
    pub years: Vec<YearView>,
}

pub(super) struct HitView {
    pub url: String,
    pub title: String,
    pub stream: String,
    pub date: String,
    pub snippet_html: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub(super) struct SearchPage {
    pub layout: Layout,
    pub query: String,
    pub total: i64,
    pub hits: Vec<HitView>,
    pub message: Option<String>,
    pub pager: Pager,
    /// Active filters: label and the URL without it.
    pub chips: Vec<(String, String)>,
    /// Queries that would find something: label, URL, count.
    pub suggestions: Vec<(String, String, i64)>,
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub(super) struct NotFoundPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub items: Vec<Item>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispatch_lists_each_language_once_and_no_more_than_the_bound() {
        let config = Config::default();
        let mut slugs: Vec<(String, String)> = (0..500)
            .map(|i| (format!("p{i}"), format!("en-x{i}")))
            .collect();
        slugs.insert(2, ("again".to_string(), "EN-X1".to_string()));
        let versions =
            language_versions(slugs.iter().map(|(s, l)| (s.as_str(), l.as_str())), &config);
        assert_eq!(versions.len(), MAX_LANGUAGE_VERSIONS);
        assert!(versions.iter().all(|v| v.url != "/dispatches/again"));
    }
}
