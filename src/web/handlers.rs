//! Request handlers: each borrows a read-only connection off the async runtime, asks
//! `queries`, and renders a view. None renders Markdown and none writes.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rusqlite::Connection;
use serde::Deserialize;
use time::OffsetDateTime;

use super::AppState;
use super::views::*;
use crate::content::html::absolute;
use crate::content::{Hero, Source, TocEntry};
use crate::db::read::{self, Filter};
use crate::search::{self, SearchError};
use crate::urls::{self, encode};

const PER_PAGE: i64 = 10;

/// Why a handler failed; every variant becomes a page, never a bare 500 text.
pub enum AppError {
    NotFound,
    /// A removed article, by its title.
    Gone(String),
    Internal(String),
}

impl<E: std::fmt::Display> From<E> for AppError {
    fn from(e: E) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub(super) type Result<T> = std::result::Result<T, AppError>;

/// Runs `f` with a pooled read-only connection on the blocking pool.
pub(super) async fn with_conn<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Connection, &AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let conn = state.pool.get()?;
        f(&conn, &state)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

pub(super) fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn layout(conn: &Connection, state: &AppState, title: &str) -> Result<Layout> {
    let streams = read::streams(conn, now())?.len();
    layout_with(conn, state, title, streams)
}

/// The layout when the caller already knows how many streams are live.
fn layout_with(conn: &Connection, state: &AppState, title: &str, streams: usize) -> Result<Layout> {
    let writing = read::now_writing(conn)?;
    let mut layout = Layout::new(
        &state.config,
        &state.assets.css.name,
        &state.assets.js.name,
        title,
        OffsetDateTime::now_utc(),
        streams,
        writing,
    );
    if state.config.dev {
        layout.live_url = Some(urls::asset(&state.assets.live.name));
    }
    Ok(layout)
}

fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
                .into_response()
        }
    }
}

/// A handler's result as a response: errors become the site's own 404 or 500 page.
pub(super) async fn respond(state: &AppState, r: Result<Response>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(AppError::NotFound) => not_found(state, None).await,
        Err(AppError::Gone(title)) => not_found(state, Some(title)).await,
        Err(AppError::Internal(e)) => {
            tracing::error!("request failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")], Html(
                "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Something went wrong</title>\
                 <p>Something went wrong on our side. Please try again in a moment.</p></html>",
            ))
                .into_response()
        }
    }
}

/// The 404 page, or with `gone` the 410 page of a removed article.
async fn not_found(state: &AppState, gone: Option<String>) -> Response {
    let status = if gone.is_some() {
        StatusCode::GONE
    } else {
        StatusCode::NOT_FOUND
    };
    let page = with_conn(state, move |conn, state| {
        let (heading, message) = match gone {
            Some(title) => (
                format!("“{title}” was removed"),
                "The author took this dispatch down. Search the archive, or read one of the latest.".to_string(),
            ),
            None => (
                "There is no page here".to_string(),
                "The address may be mistyped, or the dispatch was moved. Try a search, or read one of the latest.".to_string(),
            ),
        };
        let (latest, _) = read::list_articles(conn, &Filter::All, now(), 5, 0)?;
        Ok(NotFoundPage {
            layout: Layout {
                index: false,
                ..layout(conn, state, "Not found")?
            },
            heading,
            message,
            items: latest.iter().map(|s| Item::from_summary(s, &state.config)).collect(),
        })
    })
    .await;
    match page {
        Ok(p) => render(status, &p),
        Err(_) => (status, "Not found").into_response(),
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    /// A page number; anything unparsable is page 1 rather than an error.
    pub(super) fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }
}

pub async fn home(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Response {
    let page = q.number();
    let r = with_conn(&state, move |conn, state| {
        let (items, total) =
            read::list_articles(conn, &Filter::All, now(), PER_PAGE, (page - 1) * PER_PAGE)?;
        if items.is_empty() && page > 1 {
            return Err(AppError::NotFound);
        }
        let streams = read::streams(conn, now())?;
        let view = HomePage {
            layout: layout_with(conn, state, "", streams.len())?.at(
                &state.config,
                &urls::paged(urls::HOME, page),
                None,
            ),
            items: items
                .iter()
                .map(|s| Item::from_summary(s, &state.config))
                .collect(),
            streams,
            pager: Pager::new(urls::HOME, page, PER_PAGE, total),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await;
    respond(&state, r).await
}

pub async fn article(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let r = with_conn(&state, move |conn, state| {
        let now = now();
        let Some(a) = read::article(conn, &slug, now)? else {
            // A renamed article and a redirect stub forward; a deleted one is gone.
            if let Some(new_slug) = read::moved_to(conn, &slug, now)? {
                return Ok(moved(&urls::article(&new_slug)));
            }
            if let Some(target) = read::redirect_target(conn, &slug)? {
                let target = redirect_location(conn, &target, now)?;
                return Ok(moved(&target));
            }
            if let Some(title) = read::gone(conn, &slug)? {
                return Err(AppError::Gone(title));
            }
            return Err(AppError::NotFound);
        };
        let config = &state.config;
        let (older, newer) = read::neighbours(conn, &a, now)?;
        let related = read::related(conn, &a, now, 3)?;
        let author = match &a.author_id {
            Some(id) => read::author(conn, id)?.map(|au| Byline {
                url: urls::author(&au.id),
                name: au.name,
                bio: au.bio,
            }),
            None => None,
        };
        let hero: Option<Hero> = a
            .hero_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok());
        let sources: Vec<Source> = serde_json::from_str(&a.sources_json).unwrap_or_default();
        let toc: Vec<TocEntry> = serde_json::from_str(&a.toc_json).unwrap_or_default();
        // A table of contents only helps long pieces with several sections.
        let toc = if toc.len() >= 4 && a.word_count >= 600 {
            toc
        } else {
            Vec::new()
        };
        let mut layout = layout(conn, state, &a.summary.title)?.at(
            config,
            &urls::article(&a.summary.slug),
            None,
        );
        layout.og_type = "article";
        layout.og_image = hero.as_ref().map(|h| absolute(&h.src, &config.base_url));
        if !a.summary.dek.is_empty() {
            layout.summary = a.summary.dek.clone();
        }
        layout.json_ld = Some(json_ld(&article_ld(&a, &layout, config)));
        // Development mode: a save that failed keeps this (older) version live; say so.
        let problem = if config.dev {
            state.problems.for_source(&a.source_path)
        } else {
            None
        };
        let view = ArticlePage {
            problem,
            layout,
            item: Item::from_summary(&a.summary, config),
            updated: a
                .updated_at
                .filter(|u| *u > a.summary.published_at + 86_400)
                .map(|u| short_date(local_date(u, config))),
            tags: a
                .tags
                .iter()
                .map(|t| Source {
                    title: t.clone(),
                    url: urls::tag(t),
                })
                .collect(),
            hero,
            toc: toc
                .into_iter()
                .map(|t| TocView {
                    id: t.id,
                    title: t.title,
                    sub: t.level > 2,
                })
                .collect(),
            body_html: a.html.clone(),
            sources,
            author,
            older: older.map(|s| Item::from_summary(&s, config)),
            newer: newer.map(|s| Item::from_summary(&s, config)),
            related: related
                .iter()
                .map(|s| Item::from_summary(s, config))
                .collect(),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await;
    respond(&state, r).await
}

/// schema.org `Article` for search engines: headline, dates, author, image.
fn article_ld(
    a: &read::FullArticle,
    layout: &Layout,
    config: &crate::config::Config,
) -> serde_json::Value {
    let iso = |t: i64| {
        OffsetDateTime::from_unix_timestamp(t).ok().and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
    };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": a.summary.title,
        "url": layout.canonical,
        "mainEntityOfPage": layout.canonical,
        "datePublished": iso(a.summary.published_at),
        "dateModified": iso(a.updated_at.unwrap_or(a.summary.published_at).max(a.summary.published_at)),
        "publisher": { "@type": "Organization", "name": config.title, "url": config.base_url },
        "wordCount": a.word_count,
        "keywords": a.tags,
    });
    if !a.summary.dek.is_empty() {
        ld["description"] = serde_json::json!(a.summary.dek);
    }
    if !a.author_name.is_empty() {
        let mut author = serde_json::json!({ "@type": "Person", "name": a.author_name });
        if let Some(id) = &a.author_id {
            author["url"] = serde_json::json!(format!("{}/authors/{id}", config.base_url));
        }
        ld["author"] = author;
    }
    if let Some(img) = &layout.og_image {
        ld["image"] = serde_json::json!(img);
    }
    ld
}

/// A redirect stub's target: `/blog/name` or `name` lands on our article of that name.
fn redirect_location(conn: &Connection, target: &str, now: i64) -> Result<String> {
    if target.contains("://") {
        return Ok(target.to_string());
    }
    let last = target
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(target);
    Ok(match read::article(conn, last, now)? {
        Some(a) => urls::article(&a.summary.slug),
        None => return Err(AppError::NotFound),
    })
}

async fn list(state: AppState, page: i64, kind: ListKind) -> Response {
    let r = with_conn(&state, move |conn, state| {
        let now = now();
        let (filter, base, kicker, heading, intro, intro_html) = match &kind {
            ListKind::Stream(id) => {
                let s = read::stream(conn, id)?.ok_or(AppError::NotFound)?;
                (
                    Filter::Stream(id),
                    urls::stream(&id),
                    "Stream".to_string(),
                    s.name,
                    s.description,
                    String::new(),
                )
            }
            ListKind::Tag(tag) => {
                // One page per tag whatever the spelling; others answer 301.
                if let Some(canonical) = read::canonical_tag(conn, tag)?
                    && canonical != *tag
                {
                    return Ok(moved(&urls::paged(
                        &urls::tag(&canonical),
                        page,
                    )));
                }
                (
                    Filter::Tag(tag),
                    urls::tag(tag),
                    "Tag".into(),
                    tag.clone(),
                    String::new(),
                    String::new(),
                )
            }
            ListKind::Author(id) => {
                let a = read::author(conn, id)?.ok_or(AppError::NotFound)?;
                (
                    Filter::Author(id),
                    urls::author(&id),
                    "Author".into(),
                    a.name,
                    a.bio,
                    a.html,
                )
            }
        };
        let (summaries, total) =
            read::list_articles(conn, &filter, now, PER_PAGE, (page - 1) * PER_PAGE)?;
        if summaries.is_empty() && (page > 1 || matches!(kind, ListKind::Tag(_))) {
            return Err(AppError::NotFound);
        }
        let view = ListPage {
            layout: layout(conn, state, &heading)?.at(
                &state.config,
                &urls::paged(&base, page),
                Some((&heading, &base)),
            ),
            kicker,
            heading,
            intro,
            intro_html,
            items: summaries
                .iter()
                .map(|s| Item::from_summary(s, &state.config))
                .collect(),
            pager: Pager::new(&base, page, PER_PAGE, total),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await;
    respond(&state, r).await
}

enum ListKind {
    Stream(String),
    Tag(String),
    Author(String),
}

pub async fn stream(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    list(state, q.number(), ListKind::Stream(id)).await
}

pub async fn tag(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    list(state, q.number(), ListKind::Tag(tag)).await
}

pub async fn author(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    list(state, q.number(), ListKind::Author(id)).await
}

pub async fn archive(State(state): State<AppState>) -> Response {
    let r = with_conn(&state, |conn, state| {
        let months = read::archive_months(conn, now())?;
        let mut years: Vec<YearView> = Vec::new();
        for (year, month, count) in months {
            if years.last().is_none_or(|y| y.year != year) {
                years.push(YearView {
                    year,
                    count: 0,
                    months: Vec::new(),
                });
            }
            let y = years.last_mut().expect("pushed above");
            y.count += count;
            y.months.push(MonthView {
                name: month_name(month).to_string(),
                count,
            });
        }
        let view = ArchivePage {
            layout: layout(conn, state, "Archive")?.at(&state.config, "/archive", None),
            total: years.iter().map(|y| y.count).sum(),
            years,
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await;
    respond(&state, r).await
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

pub async fn search_page(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    let r = with_conn(&state, move |conn, state| {
        let mut l = layout(
            conn,
            state,
            if query.is_empty() { "Search" } else { &query },
        )?;
        l.query = query.clone();
        l.index = false;
        l.canonical = format!("{}/search", state.config.base_url);
        let search_url = urls::search;
        let mut view = SearchPage {
            layout: l,
            query: query.clone(),
            total: 0,
            hits: Vec::new(),
            message: None,
            pager: Pager::new("/search", 1, PER_PAGE, 0),
            chips: Vec::new(),
            suggestions: Vec::new(),
        };
        let status =
            match search::search(conn, &query, page, PER_PAGE, now(), state.config.timezone) {
                Ok(r) => {
                    // Arriving from a result, the article marks the words searched for.
                    let fragment = if r.terms.is_empty() {
                        String::new()
                    } else {
                        format!("#hl={}", encode(&r.terms.join(" ")))
                    };
                    view.total = r.total;
                    view.hits = r
                        .hits
                        .into_iter()
                        .map(|h| HitView {
                            url: format!("{}{fragment}", h.url),
                            title: h.title,
                            stream: h.stream,
                            date: h.date,
                            snippet_html: h.snippet_html,
                        })
                        .collect();
                    view.chips = r
                        .filters
                        .into_iter()
                        .map(|c| (c.label, search_url(&c.without)))
                        .collect();
                    view.suggestions = r
                        .suggestions
                        .into_iter()
                        .map(|s| (s.label, search_url(&s.query), s.total))
                        .collect();
                    StatusCode::OK
                }
                Err(SearchError::BadQuery(m)) => {
                    view.message = Some(m);
                    StatusCode::BAD_REQUEST
                }
                Err(e) => return Err(e.into()),
            };
        let pager = Pager::new(&search_url(&query), page, PER_PAGE, view.total);
        view.pager = pager;
        Ok(render(status, &view))
    })
    .await;
    respond(&state, r).await
}

pub async fn search_json(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    let r = with_conn(&state, move |conn, state| {
        let no_cache = [(header::CACHE_CONTROL, "no-cache")];
        match search::search(conn, &query, page, PER_PAGE, now(), state.config.timezone) {
            Ok(results) => Ok((no_cache, Json(results)).into_response()),
            Err(SearchError::BadQuery(m)) => Ok((
                StatusCode::BAD_REQUEST,
                no_cache,
                Json(serde_json::json!({ "error": m, "query": query })),
            )
                .into_response()),
            Err(e) => Err(e.into()),
        }
    })
    .await;
    respond(&state, r).await
}

/// Development mode's live reload: an event each time the site's generation changes
/// (a publish by the watcher or any other process). Not served in production.
pub async fn events(State(state): State<AppState>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    if !state.config.dev {
        return not_found(&state, None).await;
    }
    let start = state.generation.current().map(|s| s.number).unwrap_or(0);
    let stream = futures_util::stream::unfold((state, start), |(state, last)| async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let now = state.generation.current().map(|s| s.number).unwrap_or(last);
            if now != last {
                let event = Event::default().event("change").data(now.to_string());
                return Some((Ok::<_, std::convert::Infallible>(event), (state, now)));
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    let r = with_conn(&state, |conn, _| Ok(read::article_count(conn)?)).await;
    match r {
        Ok(n) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            format!("ok {n} articles\n"),
        )
            .into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

pub async fn static_asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.assets.get(&name) {
        Some(a) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.bytes.clone(),
        )
            .into_response(),
        None => not_found(&state, None).await,
    }
}

/// Files published beside articles, from the archive itself (no file system access, so
/// no symlink or dotfile can escape).
pub async fn file(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let r = with_conn(&state, move |conn, _| {
        // Validators and 304s come from the cache layer, like every other response.
        let (content_type, bytes, _hash) = read::file(conn, &path)?.ok_or(AppError::NotFound)?;
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        // An SVG opened directly must not run script.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
        Ok(resp)
    })
    .await;
    respond(&state, r).await
}

/// Old URLs (front matter `aliases`) answer 301; anything else is the 404 page.
pub async fn fallback(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let r = with_conn(&state, move |conn, _| {
        // `/2020/07/27/post` and `/2020/07/27/post/` name the same old address.
        let other = match path.strip_suffix('/') {
            Some(p) => p.to_string(),
            None => format!("{path}/"),
        };
        let target = match read::alias_target(conn, &path, now())? {
            Some(t) => t,
            None => read::alias_target(conn, &other, now())?.ok_or(AppError::NotFound)?,
        };
        Ok(moved(&urls::article(&target)))
    })
    .await;
    respond(&state, r).await
}

/// A real 301 (axum's `Redirect::permanent` is a 308, which old feed readers mishandle).
fn moved(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
