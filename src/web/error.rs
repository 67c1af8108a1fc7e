//! The web layer's error type. Handlers return `Result<Response, WebError>`; see
//! `crate::error` for the pattern across layers. What a reader sees:
//!
//! - `NotFound` and `Gone`: the site's own 404 or 410 page (the layout, a search box and
//!   the latest dispatches), rendered by the `pages::error_pages` middleware, which
//!   has the state that `IntoResponse` lacks; nothing is logged.
//! - `Internal`: the failure itself, logged at ERROR with its whole chain of causes; the
//!   reader gets a plain 500 page that says nothing about the cause, and `no-store` so no
//!   cache keeps it.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Why a handler failed.
#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// A removed article, by its title.
    Gone(String),
    /// Anything else: the failure with its causes, logged, never shown.
    Internal(Cause),
}

pub(crate) use crate::error::Cause;

impl WebError {
    /// A failure that has no error value of its own, said in words.
    pub fn internal(message: impl Into<String>) -> WebError {
        WebError::Internal(message.into().into())
    }
}

/// Each failure a handler may pass up with `?`, kept with its causes. Listed one by one,
/// not for every `Display`, so a new kind of failure is a decision, not an accident.
macro_rules! internal_from {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for WebError {
            fn from(e: $t) -> Self {
                WebError::Internal(Box::new(e))
            }
        }
    )*};
}

internal_from!(
    crate::db::DbError,
    rusqlite::Error,
    askama::Error,
    std::io::Error,
    tokio::task::JoinError,
    serde_json::Error,
    crate::search::SearchError,
    axum::http::Error,
);

/// Marks a response whose body the `error_pages` middleware (in `pages`) renders: the
/// title of a removed article, or `None` for a page that was never there.
#[derive(Debug, Clone)]
pub(super) struct ErrorPage(pub Option<String>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => marked(StatusCode::NOT_FOUND, None),
            WebError::Gone(title) => marked(StatusCode::GONE, Some(title)),
            WebError::Internal(e) => {
                tracing::error!("request failed: {}", crate::error::chain(e.as_ref()));
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
