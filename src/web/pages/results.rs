//! The search page and its JSON twin.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{PER_PAGE, PageQuery, Result, layout, now, render, with_conn};
use crate::search::{self, SearchError};
use crate::urls::{self, encode};
use crate::web::AppState;
use crate::web::views::*;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

pub async fn search_page(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Response> {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    with_conn(&state, move |conn, state| {
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
            pager: Pager::new(urls::SEARCH, 1, PER_PAGE, 0),
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
    .await
}

pub async fn search_json(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Response> {
    let query = q.q.unwrap_or_default();
    let page = PageQuery { page: q.page }.number();
    with_conn(&state, move |conn, state| {
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
    .await
}
