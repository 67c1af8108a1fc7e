//! What machines read: Atom and JSON Feed (site-wide and per stream, tag and author,
//! full content, paged as RFC 5005 describes), the sitemap, robots.txt and the
//! OpenSearch description.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::routing::get;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::AppState;
use super::error::WebError;
use super::pages::{PageQuery, Result, now, with_conn};
use crate::config::Config;
use crate::content::Hero;
use crate::content::dates::rfc3339;
use crate::content::html::{absolute, absolutize};
use crate::content::kind::Kind;
use crate::db::read::{self, FeedEntry, Filter};
use crate::urls::{self, RouteId};
use crate::web::views::{Translation, language_versions, page_lang};
use std::rc::Rc;

/// Entries per feed page: enough for a reader that polls daily, small enough to fetch.
const PER_FEED_PAGE: i64 = 20;
/// Feeds change when something is published; readers poll them, so a short max-age
/// spares us without delaying news much.
const FEED_CACHE: &str = "public, max-age=300";

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Atom,
    Json,
}

/// Which feed: the whole site, or one stream, tag or author.
enum Scope {
    Site,
    Stream(String),
    Tag(String),
    Author(String),
}

impl Scope {
    fn filter(&self) -> Filter<'_> {
        match self {
            Scope::Site => Filter::All,
            Scope::Stream(id) => Filter::Stream(id),
            Scope::Tag(t) => Filter::Tag(t),
            Scope::Author(id) => Filter::Author(id),
        }
    }

    /// The page the feed mirrors, as a path.
    fn page_path(&self) -> String {
        match self {
            Scope::Site => urls::HOME.into(),
            Scope::Stream(id) => urls::stream(id),
            Scope::Tag(t) => urls::tag(t),
            Scope::Author(id) => urls::author(id),
        }
    }

    fn feed_path(&self, format: Format) -> String {
        let name = match format {
            Format::Atom => "feed.xml",
            Format::Json => "feed.json",
        };
        urls::feed(&self.page_path(), name)
    }

    /// The feed's title, or `None` when the stream or author does not exist.
    fn title(&self, conn: &Connection, config: &Config) -> Result<Option<String>> {
        Ok(match self {
            Scope::Site => Some(config.title.clone()),
            Scope::Stream(id) => {
                read::stream(conn, id)?.map(|s| format!("{} · {}", s.name, config.title))
            }
            Scope::Tag(t) => {
                let w = config.words();
                Some(format!(
                    "{} · {}",
                    w.fill("tagged", &[("tag", t)]),
                    config.title
                ))
            }
            Scope::Author(id) => {
                read::author(conn, id)?.map(|a| format!("{} · {}", a.name, config.title))
            }
        })
    }
}

/// A feed page ready for either format.
struct FeedPage {
    title: String,
    description: String,
    self_url: String,
    home_url: String,
    first_url: String,
    next_url: Option<String>,
    prev_url: Option<String>,
    last_url: String,
    updated: String,
    entries: Vec<EntryView>,
}

struct EntryView {
    id: String,
    url: String,
    title: String,
    summary: String,
    content_html: String,
    published: String,
    updated: String,
    author: String,
    tags: Vec<String>,
    image: Option<String>,
    /// The entry's language (the site's when the article names none).
    lang: String,
    /// Whether it differs from the feed's: only then does an Atom entry say `xml:lang`,
    /// since entries inherit the feed's.
    own_lang: bool,
}

#[derive(Template)]
#[template(path = "atom.xml")]
struct AtomTemplate<'a> {
    feed: &'a FeedPage,
    lang: &'a str,
    generator_version: &'a str,
}

async fn feed(state: AppState, scope: Scope, format: Format, page: i64) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let config = &state.config;
        let title = scope.title(conn, config)?.ok_or(WebError::NotFound)?;
        let now = now();
        let (entries, total) = read::feed_entries(
            conn,
            &scope.filter(),
            now,
            PER_FEED_PAGE,
            (page - 1) * PER_FEED_PAGE,
        )?;
        // An empty site feed is still a valid feed; an empty tag or a page past the end
        // is not a feed at all.
        if entries.is_empty() && (page > 1 || matches!(scope, Scope::Tag(_))) {
            return Err(WebError::NotFound);
        }
        let last_page = ((total + PER_FEED_PAGE - 1) / PER_FEED_PAGE).max(1);
        let base = &config.base_url;
        let feed_url = format!("{base}{}", scope.feed_path(format));
        let page_url = |n: i64| urls::paged(&feed_url, n);
        let updated = entries
            .iter()
            .map(|e| e.updated_at.unwrap_or(0).max(e.summary.published_at))
            .max()
            .unwrap_or(now);
        let page = FeedPage {
            title,
            description: config.description.clone(),
            self_url: page_url(page),
            home_url: format!("{base}{}", scope.page_path()),
            first_url: page_url(1),
            next_url: (page < last_page).then(|| page_url(page + 1)),
            prev_url: (page > 1).then(|| page_url(page - 1)),
            last_url: page_url(last_page),
            updated: rfc3339(updated),
            entries: entries.iter().map(|e| entry_view(e, config)).collect(),
        };
        Ok(match format {
            Format::Atom => {
                let xml = AtomTemplate {
                    feed: &page,
                    lang: &config.language,
                    generator_version: env!("CARGO_PKG_VERSION"),
                }
                .render()?;
                typed("application/atom+xml; charset=utf-8", FEED_CACHE, xml)
            }
            Format::Json => typed(
                "application/feed+json; charset=utf-8",
                FEED_CACHE,
                json_feed(&page, config).to_string(),
            ),
        })
    })
    .await
}

fn entry_view(e: &FeedEntry, config: &Config) -> EntryView {
    let base = &config.base_url;
    let url = format!("{base}{}", urls::article(&e.summary.slug));
    let hero: Option<Hero> = e
        .hero_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let updated = e
        .updated_at
        .unwrap_or(e.summary.published_at)
        .max(e.summary.published_at);
    EntryView {
        id: tag_uri(config, &e.summary.slug),
        content_html: absolutize(&e.html, base, &url),
        title: e.summary.title.clone(),
        summary: e.summary.dek.clone(),
        published: rfc3339(e.summary.published_at),
        updated: rfc3339(updated),
        author: if e.author_name.is_empty() {
            config.title.clone()
        } else {
            e.author_name.clone()
        },
        tags: e.tags.clone(),
        image: hero.map(|h| absolute(&h.src, base)),
        url,
        lang: page_lang(&e.lang, config).to_string(),
        own_lang: !page_lang(&e.lang, config).eq_ignore_ascii_case(&config.language),
    }
}

/// JSON Feed 1.1 (every field the spec requires, and the optional ones we know).
fn json_feed(page: &FeedPage, config: &Config) -> Value {
    let items: Vec<Value> = page
        .entries
        .iter()
        .map(|e| {
            let mut item = json!({
                "id": e.id,
                "url": e.url,
                "title": e.title,
                "content_html": e.content_html,
                "date_published": e.published,
                "date_modified": e.updated,
                "authors": [{ "name": e.author }],
                "tags": e.tags,
                "language": e.lang,
            });
            if !e.summary.is_empty() {
                item["summary"] = json!(e.summary);
            }
            if let Some(img) = &e.image {
                item["image"] = json!(img);
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": page.title,
        "home_page_url": page.home_url,
        "feed_url": page.self_url,
        "description": page.description,
        "language": config.language,
        "authors": [{ "name": config.title, "url": config.base_url }],
        "items": items,
    });
    if let Some(next) = &page.next_url {
        feed["next_url"] = json!(next);
    }
    feed
}

/// A stable entry id that survives a change of host scheme or path layout:
/// `tag:example.org,2023-06-08:/dispatches/slug` (RFC 4151).
fn tag_uri(config: &Config, slug: &str) -> String {
    let authority = config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost");
    format!("tag:{authority},{}:/dispatches/{slug}", config.founded)
}

fn typed(content_type: &'static str, cache: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

/// The handler of a feed route of the table (`/feed.xml`, a stream's, tag's or author's,
/// in both formats); `None` for a route that is not a feed.
pub(super) fn route(id: RouteId) -> Option<MethodRouter<AppState>> {
    type Named = fn(String) -> Scope;
    let (format, scope): (Format, Option<Named>) = match id {
        RouteId::Feed => (Format::Atom, None),
        RouteId::FeedJson => (Format::Json, None),
        RouteId::StreamFeed => (Format::Atom, Some(Scope::Stream)),
        RouteId::StreamFeedJson => (Format::Json, Some(Scope::Stream)),
        RouteId::TagFeed => (Format::Atom, Some(Scope::Tag)),
        RouteId::TagFeedJson => (Format::Json, Some(Scope::Tag)),
        RouteId::AuthorFeed => (Format::Atom, Some(Scope::Author)),
        RouteId::AuthorFeedJson => (Format::Json, Some(Scope::Author)),
        _ => return None,
    };
    Some(match scope {
        None => get(
            move |State(s): State<AppState>, Query(q): Query<PageQuery>| {
                feed(s, Scope::Site, format, q.number())
            },
        ),
        Some(scope) => get(
            move |State(s): State<AppState>,
                  Path(name): Path<String>,
                  Query(q): Query<PageQuery>| {
                feed(s, scope(name), format, q.number())
            },
        ),
    })
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct SitemapTemplate {
    urls: Vec<SitemapUrl>,
}

/// One `<url>` of the sitemap: where, when it last changed, and its language versions
/// (itself included, as Google's format asks) when it has translations.
struct SitemapUrl {
    loc: String,
    lastmod: String,
    alternates: Rc<[Translation]>,
}

/// The language versions of every translated article, by its absolute URL.
fn sitemap_alternates(
    conn: &Connection,
    config: &Config,
    now: i64,
) -> Result<std::collections::HashMap<String, Rc<[Translation]>>> {
    let rows = read::translated(conn, now)?;
    let mut out = std::collections::HashMap::new();
    for group in rows.chunk_by(|a, b| a.2 == b.2) {
        // One list per group, shared by each of its versions.
        let versions: Rc<[Translation]> = language_versions(
            group.iter().map(|(s, l, _)| (s.as_str(), l.as_str())),
            config,
        )
        .into();
        // A version dropped as a second one of its language declares none.
        for v in versions.iter() {
            out.insert(v.href.clone(), Rc::clone(&versions));
        }
    }
    Ok(out)
}

pub(super) async fn sitemap(State(state): State<AppState>) -> Result<Response> {
    with_conn(&state, |conn, state| {
        let base = &state.config.base_url;
        let rows = read::sitemap(conn, now())?;
        let newest = rows.iter().map(|(_, t)| *t).max().unwrap_or(0);
        let mut urls = vec![
            (format!("{base}/"), rfc3339(newest)),
            (format!("{base}{}", urls::ARCHIVE), rfc3339(newest)),
        ];
        // Every year and month of the archive: each is a page that lists its articles.
        let mut years = Vec::new();
        for (year, month, _) in read::archive_months(conn, now())? {
            if years.last() != Some(&year) {
                years.push(year);
                urls.push((
                    format!("{base}{}", urls::archive_year(year)),
                    rfc3339(newest),
                ));
            }
            urls.push((
                format!("{base}{}", urls::archive_month(year, month)),
                rfc3339(newest),
            ));
        }
        urls.extend(rows.into_iter().map(|(path, t)| {
            // Names are percent-encoded here, as in every link on the site.
            let work = &state.config.work_path;
            let entry = |kind: &str, slug: &str| Kind::parse(kind).url(slug, work);
            let path = if let Some(slug) = path.strip_prefix("dispatch:") {
                entry("dispatch", slug)
            } else if let Some(slug) = path.strip_prefix("page:") {
                entry("page", slug)
            } else if let Some(slug) = path.strip_prefix("project:") {
                entry("project", slug)
            } else if let Some(tag) = path.strip_prefix("tag:") {
                urls::tag(tag)
            } else if let Some(id) = path.strip_prefix("author:") {
                urls::author(id)
            } else if let Some(id) = path.strip_prefix("stream:") {
                urls::stream(id)
            } else {
                path
            };
            (format!("{base}{path}"), rfc3339(t))
        }));
        let mut alternates = sitemap_alternates(conn, &state.config, now())?;
        let urls = urls
            .into_iter()
            .map(|(loc, lastmod)| SitemapUrl {
                alternates: alternates.remove(&loc).unwrap_or_else(|| Rc::new([])),
                loc,
                lastmod,
            })
            .collect();
        let xml = SitemapTemplate { urls }.render()?;
        Ok(typed(
            "application/xml; charset=utf-8",
            "public, max-age=3600",
            xml,
        ))
    })
    .await
}

pub(super) async fn robots(State(state): State<AppState>) -> Response {
    // Result pages are endless combinations of queries; crawlers should read articles.
    let body = format!(
        "User-agent: *\nDisallow: /search\nDisallow: /search.json\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.config.base_url
    );
    typed("text/plain; charset=utf-8", "public, max-age=86400", body)
}

#[derive(Template)]
#[template(path = "opensearch.xml")]
struct OpenSearchTemplate<'a> {
    config: &'a Config,
}

pub(super) async fn opensearch(State(state): State<AppState>) -> Response {
    match (OpenSearchTemplate {
        config: &state.config,
    })
    .render()
    {
        Ok(xml) => typed(
            "application/opensearchdescription+xml; charset=utf-8",
            "public, max-age=86400",
            xml,
        ),
        Err(e) => {
            tracing::error!("opensearch template: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_uris_use_the_host_without_port() {
        let mut c = Config {
            base_url: "http://127.0.0.1:3000".into(),
            ..Config::default()
        };
        assert!(tag_uri(&c, "a").starts_with("tag:127.0.0.1,2023-01-01:/dispatches/a"));
        c.base_url = "https://example.org/blog".into();
        assert_eq!(tag_uri(&c, "a"), "tag:example.org,2023-01-01:/dispatches/a");
    }
}
