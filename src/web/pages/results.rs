//! The search page and its JSON twin. Both run in the searches' own slots (see
//! `web::searches`); a search refused there is answered 503 with `Retry-After` at once:
//! the page as a page with the layout and the search box, the JSON as a JSON error.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;

use super::{PER_PAGE, PageQuery, Result, layout_from, layout_with, now, render};
use crate::db::read;
use crate::search::{self, SearchError};
use crate::urls::{self, encode};
use crate::web::AppState;
use crate::web::searches::{Backoff, RETRY_AFTER_SECS, Refusal, Refused};
use crate::web::views::*;

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

pub(crate) async fn search_page(
    State(state): State<AppState>,
    backoff: Option<Extension<Backoff>>,
    Query(q): Query<SearchQuery>,
) -> Result<Response> {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    let asked = query.clone();
    let answer = state
        .searches
        .run(&state, backoff.as_deref(), move |conn, state| {
            let streams = read::live_stream_count(conn, now())?;
            let l = layout_with(conn, state, &page_title(&query, state), streams)?;
            state
                .searches
                .remember_masthead(streams, l.now_writing.clone());
            let search_url = urls::search;
            let mut view = search_view(state, l, &query);
            let status = match run_search(conn, state, &query, page) {
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
                            date: crate::content::dates::long_date_in(
                                local_date(h.published_at, &state.config),
                                view.layout.w.locale(),
                            ),
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
                Err(SearchError::BadQuery(why)) => {
                    view.message = Some(why.in_words(&view.layout.w));
                    StatusCode::BAD_REQUEST
                }
                Err(e) => return Err(e.into()),
            };
            let pager = Pager::new(&search_url(&query), page, PER_PAGE, view.total);
            view.pager = pager;
            Ok(render(status, &view))
        });
    match answer.await {
        Ok(resp) => Ok(resp),
        Err(Refused::Failed(e)) => Err(e),
        Err(Refused::Busy) => {
            let (streams, writing) = state.searches.masthead();
            let l = layout_from(&state, &page_title(&asked, &state), streams, writing);
            let mut view = search_view(&state, l, &asked);
            view.message = Some(view.layout.w.t("busy").to_string());
            Ok(busy(render(StatusCode::SERVICE_UNAVAILABLE, &view)))
        }
    }
}

/// The page's title: the query, or "Search" before there is one.
/// What the JSON endpoint's caller is told when every search slot and queue place is
/// taken (the page says it in the site's language).
const BUSY: &str = "Search is busy just now; please try again in a moment.";

fn page_title(query: &str, state: &AppState) -> String {
    if query.is_empty() {
        let w = state.config.words();
        w.t("search").to_string()
    } else {
        query.to_string()
    }
}

/// The search page for `query` with nothing found yet.
fn search_view(state: &AppState, mut layout: Layout, query: &str) -> SearchPage {
    layout.query = query.to_string();
    layout.index = false;
    layout.canonical = format!("{}{}", state.config.base_url, urls::SEARCH);
    SearchPage {
        layout,
        query: query.to_string(),
        total: 0,
        hits: Vec::new(),
        message: None,
        pager: Pager::new(urls::SEARCH, 1, PER_PAGE, 0),
        chips: Vec::new(),
        suggestions: Vec::new(),
    }
}

/// A refusal: when to come back, and that no cache may keep it.
fn busy(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.extensions_mut().insert(Refusal);
    resp
}

pub(crate) async fn search_json(
    State(state): State<AppState>,
    backoff: Option<Extension<Backoff>>,
    Query(q): Query<SearchQuery>,
) -> Result<Response> {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    let asked = query.clone();
    let answer = state
        .searches
        .run(&state, backoff.as_deref(), move |conn, state| {
            let no_cache = [(header::CACHE_CONTROL, "no-cache")];
            match run_search(conn, state, &query, page) {
                Ok(results) => Ok((no_cache, Json(results)).into_response()),
                Err(SearchError::BadQuery(why)) => Ok((
                    StatusCode::BAD_REQUEST,
                    no_cache,
                    // Live search shows it in the page: the site's language, as the page.
                    Json(serde_json::json!({ "error": why.in_words(&state.config.words()), "query": query })),
                )
                    .into_response()),
                Err(e) => Err(e.into()),
            }
        });
    match answer.await {
        Ok(resp) => Ok(resp),
        Err(Refused::Failed(e)) => Err(e),
        Err(Refused::Busy) => Ok(busy(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "error": BUSY, "query": asked, "retry_after": RETRY_AFTER_SECS })),
            )
                .into_response(),
        )),
    }
}

/// One page of the site's search for `query`, in the site's zone and with its portfolio's
/// addresses: what the page and the JSON answer both show.
fn run_search(
    conn: &rusqlite::Connection,
    state: &AppState,
    query: &str,
    page: i64,
) -> std::result::Result<search::Results, SearchError> {
    search::search(
        conn,
        query,
        page,
        PER_PAGE,
        now(),
        state.config.timezone,
        &state.config.work_path,
    )
}
