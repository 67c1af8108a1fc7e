//! The web layer's error type. Handlers return `Result<Response, WebError>`; see
//! `crate::error` for the pattern across layers. What a reader sees:
//!
//! - `NotFound` and `Gone`: the site's own 404 or 410 page (the layout, a search box and
//!   the latest dispatches), rendered by the `error_pages` middleware, which has the
//!   state that `IntoResponse` lacks; nothing is logged.
//! - `Internal`: logged at ERROR with its cause; the reader gets a plain 500 page that
//!   says nothing about the cause, and `no-store` so no cache keeps it.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::pages;
use super::views::{Item, Layout, NotFoundPage};
use crate::db::read::{self, Filter};

/// Why a handler failed.
#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// A removed article, by its title.
    Gone(String),
    /// Anything else; the message is logged, never shown.
    Internal(String),
}

impl<E: std::fmt::Display> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError::Internal(e.to_string())
    }
}

/// Marks a response whose body the `error_pages` middleware renders.
#[derive(Debug, Clone)]
struct ErrorPage(Option<String>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => marked(StatusCode::NOT_FOUND, None),
            WebError::Gone(title) => marked(StatusCode::GONE, Some(title)),
            WebError::Internal(e) => {
                tracing::error!("request failed: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")], Html(
                    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Something went wrong</title>\
                     <p>Something went wrong on our side. Please try again in a moment.</p></html>",
                ))
                    .into_response()
            }
        }
    }
}

fn marked(status: StatusCode, gone: Option<String>) -> Response {
    let mut resp = status.into_response();
    resp.extensions_mut().insert(ErrorPage(gone));
    resp
}

/// Renders the site's 404 and 410 pages for the responses `WebError` marked.
pub(super) async fn error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let resp = next.run(req).await;
    match resp.extensions().get::<ErrorPage>() {
        Some(ErrorPage(gone)) => not_found(&state, gone.clone()).await,
        None => resp,
    }
}

/// The 404 page, or with `gone` the 410 page of a removed article.
pub(super) async fn not_found(state: &AppState, gone: Option<String>) -> Response {
    let status = if gone.is_some() {
        StatusCode::GONE
    } else {
        StatusCode::NOT_FOUND
    };
    let page = pages::with_conn(state, move |conn, state| {
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
        let (latest, _) = read::list_articles(conn, &Filter::All, pages::now(), 5, 0)?;
        Ok(NotFoundPage {
            layout: Layout {
                index: false,
                ..pages::layout(conn, state, "Not found")?
            },
            heading,
            message,
            items: latest.iter().map(|s| Item::from_summary(s, &state.config)).collect(),
        })
    })
    .await;
    match page {
        Ok(p) => pages::render(status, &p),
        Err(_) => (status, "Not found").into_response(),
    }
}
