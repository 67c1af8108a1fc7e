//! The site's pages by family, and what they share: each handler borrows a read-only
//! connection off the async runtime (`with_conn`), asks `db::read`, and renders a view.
//! None renders Markdown and none writes. Errors are `WebError`s (see `web::error`).

mod article;
pub(super) mod chrome;
mod entries;
mod lists;
mod misc;
mod results;

pub(super) use article::{article, preview};
pub(super) use entries::{ProjectCardView, page, project, tags, work};
pub(super) use lists::{archive, archive_month, archive_year, author, home, stream, tag};
pub(super) use misc::{events, fallback, file, healthz, image_variant, static_asset};
pub(super) use results::{search_json, search_page};

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use rusqlite::Connection;
use serde::Deserialize;
use time::OffsetDateTime;

use super::AppState;
use super::error::{ErrorPage, WebError};
use super::views::*;
use crate::db::read::{self, Filter};
use crate::urls;

pub(super) const PER_PAGE: i64 = 10;

pub(super) type Result<T> = std::result::Result<T, WebError>;

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
    .await?
}

pub(crate) fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub(super) fn layout(conn: &Connection, state: &AppState, title: &str) -> Result<Layout> {
    let chrome = chrome::current(conn, state)?;
    Ok(chrome.layout(state, title, chrome.streams))
}

/// The layout when the caller already knows how many streams are live. The chrome is
/// read once per generation (`chrome`).
pub(super) fn layout_with(
    conn: &Connection,
    state: &AppState,
    title: &str,
    streams: usize,
) -> Result<Layout> {
    Ok(chrome::current(conn, state)?.layout(state, title, streams))
}

/// The site's logo and stylesheet from the content folder, named by their content so a
/// changed file is fetched again.
fn own_files(conn: &Connection, state: &AppState, layout: &mut Layout) -> Result<()> {
    let config = &state.config;
    layout.footer_html = state.footer_html.clone();
    if let Some(path) = &config.logo
        && let Some((_, width, height)) = crate::db::entries::file_facts(conn, path)?
    {
        layout.logo = Some(Logo {
            url: urls::file(path),
            width,
            height,
        });
    }
    icons(conn, config, layout)?;
    if let Some(path) = &config.css
        && let Some((hash, ..)) = crate::db::entries::file_facts(conn, path)?
    {
        layout.user_css = Some(format!(
            "{}?v={}",
            urls::file(path),
            &hash[..hash.len().min(12)]
        ));
    }
    Ok(())
}

/// The tab and home-screen icons: a favicon that is not a raster image as it is (an SVG
/// with its type), else the 32 px PNG made of the raster favicon or logo, else the file as
/// it is; and the 180 px apple-touch icon whenever one was made.
fn icons(conn: &Connection, config: &crate::config::Config, layout: &mut Layout) -> Result<()> {
    use crate::content::images::ICON_SIZES;
    let source = config.icon_source();
    let key = match source {
        Some(path) => crate::db::entries::icon_key(conn, path)?,
        None => None,
    };
    layout.touch_icon = key.as_ref().map(|k| urls::icon(k, ICON_SIZES[1]));
    let as_is = config.favicon.as_deref().filter(|f| Some(*f) != source);
    if let (None, Some(key)) = (as_is, &key) {
        layout.favicon = urls::icon(key, ICON_SIZES[0]);
        layout.favicon_type = Some("image/png");
        layout.favicon_sizes = Some("32x32");
        return Ok(());
    }
    let Some(path) = config.favicon.as_deref().or(config.logo.as_deref()) else {
        return Ok(());
    };
    if let Some((hash, ..)) = crate::db::entries::file_facts(conn, path)? {
        layout.favicon = format!("{}?v={}", urls::file(path), &hash[..hash.len().min(12)]);
        layout.favicon_type = path
            .to_ascii_lowercase()
            .ends_with(".svg")
            .then_some("image/svg+xml");
    }
    Ok(())
}

/// An author's picture from its address: a published image gets its size and variants;
/// another address is shown as it is.
pub(super) fn avatar(conn: &Connection, src: Option<String>) -> Result<Option<Avatar>> {
    let Some(src) = src else {
        return Ok(None);
    };
    let facts = match crate::content::html::images::published_path(&src) {
        Some(path) => crate::db::entries::image_at(conn, &path)?.map(|f| (path, f)),
        None => None,
    };
    Ok(Some(Avatar {
        srcset: facts
            .as_ref()
            .filter(|(_, f)| !f.variant_widths.is_empty())
            .map(|(path, f)| crate::content::html::images::srcset(path, f)),
        width: facts.as_ref().map(|(_, f)| f.width),
        height: facts.as_ref().map(|(_, f)| f.height),
        src,
    }))
}

/// The site's menu: `[[menu]]` from the settings, then the pages that ask for a place in
/// it (by weight), then the portfolio when it has projects and the menu does not name it;
/// the archive closes it.
fn navigation(
    conn: &Connection,
    state: &AppState,
    w: &crate::strings::Words,
) -> Result<Vec<NavLink>> {
    let config = &state.config;
    let mut nav: Vec<NavLink> = config
        .menu
        .iter()
        .map(|m| NavLink::new(&m.name, &m.url))
        .collect();
    for p in crate::db::entries::menu_pages(conn, now())? {
        let url = urls::page(&p.slug);
        if !nav.iter().any(|n| n.url == url) {
            nav.push(NavLink::new(&p.label, &url));
        }
    }
    let work = urls::work(&config.work_path);
    if !nav.iter().any(|n| n.url == work)
        && crate::db::entries::projects(conn, now(), false, 0, 0)?.1 > 0
    {
        nav.push(NavLink::new(&config.work_label, &work));
    }
    if !nav.iter().any(|n| n.url == urls::ARCHIVE) {
        nav.push(NavLink::new(w.t("archive"), urls::ARCHIVE));
    }
    Ok(nav)
}

/// The layout from facts already read: how many streams are live, and the draft being
/// written.
pub(super) fn layout_from(
    state: &AppState,
    title: &str,
    streams: usize,
    writing: Option<String>,
) -> Layout {
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
    layout
}

pub(super) fn render(status: StatusCode, t: &impl Template) -> Response {
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

#[derive(Deserialize)]
pub(super) struct PageQuery {
    pub(super) page: Option<String>,
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

/// A real 301 (axum's `Redirect::permanent` is a 308, which old feed readers mishandle).
pub(super) fn moved(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
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
    let page = with_conn(state, move |conn, state| {
        let w = state.config.words();
        let (heading, message) = match gone {
            Some(title) => (
                w.fill("removed", &[("title", &title)]),
                w.t("removed_text").to_string(),
            ),
            None => (
                w.t("not_found").to_string(),
                w.t("not_found_text").to_string(),
            ),
        };
        let (latest, _) = read::list_articles(conn, &Filter::All, now(), 5, 0)?;
        Ok(NotFoundPage {
            layout: Layout {
                index: false,
                ..layout(conn, state, w.t("not_found_title"))?
            },
            heading,
            message,
            items: latest
                .iter()
                .map(|s| Item::from_summary(s, &state.config))
                .collect(),
        })
    })
    .await;
    match page {
        Ok(p) => render(status, &p),
        Err(_) => (status, "Not found").into_response(),
    }
}
