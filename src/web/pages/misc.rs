//! What is not a page of dispatches: live reload events, the health check, assets,
//! published files, and old URLs that answer 301.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::{Result, moved, now, with_conn};
use crate::db::read;
use crate::urls;
use crate::web::AppState;
use crate::web::error::WebError;

/// Development mode's live reload: an event each time the site's generation changes
/// (a publish by the watcher or any other process). Not served in production.
pub(crate) async fn events(State(state): State<AppState>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    if !state.config.dev {
        return WebError::NotFound.into_response();
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

pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let r = with_conn(&state, |conn, _| Ok(read::article_count(conn)?)).await;
    // While the first publish runs, the archive as it was serves; say so, for operators
    // and for checks that wait for the content to be in.
    let publishing = state.publishing.load(std::sync::atomic::Ordering::Acquire);
    match r {
        Ok(n) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            if publishing {
                format!("ok {n} articles, publishing\n")
            } else if state.cache.storing() {
                // The background pass renders pages into the archive.
                format!("ok {n} articles, storing pages\n")
            } else {
                format!("ok {n} articles\n")
            },
        )
            .into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

pub(crate) async fn static_asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Response {
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
        None => WebError::NotFound.into_response(),
    }
}

/// Files published beside articles, from the archive itself (no file system access, so
/// no symlink or dotfile can escape).
/// An address whose `?v=` names the file's content (as the header's logo, icon and
/// stylesheet and the fonts' faces do) never changes, so it is cached for good.
pub(crate) async fn file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let v = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "v")
        .map(|(_, v)| v.into_owned());
    with_conn(&state, move |conn, state| {
        // Validators and 304s come from the cache layer, like every other response.
        let (content_type, bytes, hash) = read::file(conn, &path)?.ok_or(WebError::NotFound)?;
        let content_type = HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        // Only a font's address names its bytes' own digest (made before any publish);
        // hashing any other file for a reader's `?v=` would let anyone make the server
        // hash the largest file on every request.
        let font = state.config.font_files().any(|(_, f)| f == path);
        let pinned = v.as_deref().is_some_and(|v| {
            v.len() >= 12
                && (hash.starts_with(v) || font && crate::web::fonts::digest(&bytes).starts_with(v))
        });
        // An SVG opened directly must not run script.
        Ok(stored_bytes(
            bytes,
            content_type,
            if pinned {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=3600"
            },
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
    })
    .await
}

/// The WebP variants of published images. Their address names the original's bytes, so
/// they never change and are cached for good.
pub(crate) async fn image_variant(
    State(state): State<AppState>,
    Path((key, name)): Path<(String, String)>,
) -> Result<Response> {
    use crate::content::images::ICON_SIZES;
    // The site's icons are PNG among the variants, at sides no WebP variant has.
    let (width, content_type) = match name.rsplit_once('.') {
        Some((w, "webp")) => (
            w.parse().ok().filter(|w| !ICON_SIZES.contains(w)),
            "image/webp",
        ),
        Some((w, "png")) => (
            w.parse().ok().filter(|w| ICON_SIZES.contains(w)),
            "image/png",
        ),
        _ => (None, ""),
    };
    let width: u32 = width.ok_or(WebError::NotFound)?;
    with_conn(&state, move |conn, _| {
        let bytes = read::image_variant(conn, &key, width)?.ok_or(WebError::NotFound)?;
        Ok(stored_bytes(
            bytes,
            HeaderValue::from_static(content_type),
            "public, max-age=31536000, immutable",
            "default-src 'none'; sandbox",
        ))
    })
    .await
}

/// Bytes kept in the archive, as served: their type never sniffed, and a policy of their
/// own for when one is opened directly.
fn stored_bytes(
    bytes: Vec<u8>,
    content_type: HeaderValue,
    cache: &'static str,
    csp: &'static str,
) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    resp
}

/// Old URLs (front matter `aliases`, other engines' feeds) answer 301; anything else is
/// the 404 page.
pub(crate) async fn fallback(State(state): State<AppState>, uri: Uri) -> Result<Response> {
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    with_conn(&state, move |conn, state| {
        if let Some(found) = query_address(conn, state, &path, query.as_deref())? {
            return Ok(found);
        }
        old_address(conn, state, &path)
    })
    .await
}

/// An old address whose query names the entry (WordPress's `/?p=123`, `?page_id=7`), as a
/// 301 to it; `None` when no alias has this path and query.
pub(super) fn query_address(
    conn: &rusqlite::Connection,
    state: &AppState,
    path: &str,
    query: Option<&str>,
) -> Result<Option<Response>> {
    let Some(query) = query.filter(|q| !q.is_empty() && q.len() <= 256) else {
        return Ok(None);
    };
    let Some((kind, slug)) = read::alias_target(conn, &format!("{path}?{query}"), now())? else {
        return Ok(None);
    };
    let kind = crate::content::kind::Kind::parse(&kind);
    Ok(Some(moved(&kind.url(&slug, &state.config.work_path))))
}

/// Where an old address (an alias) now lives, as a 301; the 404 page otherwise.
pub(super) fn old_address(
    conn: &rusqlite::Connection,
    state: &AppState,
    path: &str,
) -> Result<Response> {
    // `/2020/07/27/post` and `/2020/07/27/post/` name the same old address.
    let other = match path.strip_suffix('/') {
        Some(p) => p.to_string(),
        None => format!("{path}/"),
    };
    let (kind, slug) = match read::alias_target(conn, path, now())? {
        Some(t) => t,
        None => match read::alias_target(conn, &other, now())? {
            Some(t) => t,
            // Another engine's feed (`/index.xml`, `/blog/atom.xml`, `/feed/`): ours.
            None if urls::is_old_feed(path) => {
                return Ok(moved(&urls::feed(urls::HOME, "feed.xml")));
            }
            None => return Err(WebError::NotFound),
        },
    };
    let kind = crate::content::kind::Kind::parse(&kind);
    Ok(moved(&kind.url(&slug, &state.config.work_path)))
}
