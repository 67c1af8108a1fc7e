//! Lists of dispatches: the home page, each stream, tag and author, and the archive.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use rusqlite::Connection;

use super::{PER_PAGE, PageQuery, Result, layout, layout_with, moved, now, render, with_conn};
use crate::content::Source;
use crate::db::read::{self, Filter};
use crate::urls;
use crate::web::AppState;
use crate::web::error::WebError;
use crate::web::views::*;

pub async fn home(State(state): State<AppState>, Query(q): Query<PageQuery>) -> Result<Response> {
    let page = q.number();
    with_conn(&state, move |conn, state| {
        let (items, total) =
            read::list_articles(conn, &Filter::All, now(), PER_PAGE, (page - 1) * PER_PAGE)?;
        if items.is_empty() && page > 1 {
            return Err(WebError::NotFound);
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
            streams: streams.iter().map(StreamLink::from).collect(),
            pager: Pager::new(urls::HOME, page, PER_PAGE, total),
        };
        let mut resp = render(StatusCode::OK, &view);
        // Micropub clients discover the endpoint from the home page's headers.
        if let Ok(link) = axum::http::HeaderValue::from_str(&super::super::micropub::link_header(
            &state.config.base_url,
        )) {
            resp.headers_mut().insert(axum::http::header::LINK, link);
        }
        Ok(resp)
    })
    .await
}

async fn list(state: AppState, page: i64, kind: ListKind) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let head = match list_head(conn, &kind)? {
            Head::Found(h) => h,
            // One page per tag whatever the spelling; others answer 301.
            Head::Spelled(canonical) => {
                return Ok(moved(&urls::paged(&urls::tag(&canonical), page)));
            }
        };
        let (summaries, total) =
            read::list_articles(conn, &head.filter, now(), PER_PAGE, (page - 1) * PER_PAGE)?;
        if summaries.is_empty() && (page > 1 || matches!(kind, ListKind::Tag(_))) {
            return Err(WebError::NotFound);
        }
        let view = ListPage {
            layout: layout(conn, state, &head.heading)?.at(
                &state.config,
                &urls::paged(&head.base, page),
                Some((&head.heading, &head.base)),
            ),
            kicker: head.kicker.into(),
            heading: head.heading,
            intro: head.intro,
            intro_html: head.intro_html,
            author_links: head.author_links,
            items: summaries
                .iter()
                .map(|s| Item::from_summary(s, &state.config))
                .collect(),
            pager: Pager::new(&head.base, page, PER_PAGE, total),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}

/// What a list page says above its items, and which articles it lists.
struct ListHead<'k> {
    filter: Filter<'k>,
    base: String,
    kicker: &'static str,
    heading: String,
    intro: String,
    intro_html: String,
    /// An author's own pages (`rel="me"`); `None` on other lists.
    author_links: Option<Vec<Source>>,
}

enum Head<'k> {
    Found(ListHead<'k>),
    /// A tag spelled otherwise than its page: the spelling to send the reader to.
    Spelled(String),
}

fn list_head<'k>(conn: &Connection, kind: &'k ListKind) -> Result<Head<'k>> {
    let head = match kind {
        ListKind::Stream(id) => {
            let s = read::stream(conn, id)?.ok_or(WebError::NotFound)?;
            ListHead {
                filter: Filter::Stream(id),
                base: urls::stream(id),
                kicker: "Stream",
                heading: s.name,
                intro: s.description,
                intro_html: String::new(),
                author_links: None,
            }
        }
        ListKind::Tag(tag) => {
            if let Some(canonical) = read::canonical_tag(conn, tag)?
                && canonical != *tag
            {
                return Ok(Head::Spelled(canonical));
            }
            ListHead {
                filter: Filter::Tag(tag),
                base: urls::tag(tag),
                kicker: "Tag",
                heading: tag.clone(),
                intro: String::new(),
                intro_html: String::new(),
                author_links: None,
            }
        }
        ListKind::Author(id) => {
            let a = read::author(conn, id)?.ok_or(WebError::NotFound)?;
            ListHead {
                filter: Filter::Author(id),
                base: urls::author(id),
                kicker: "Author",
                heading: a.name,
                intro: a.bio,
                intro_html: a.html,
                author_links: Some(serde_json::from_str(&a.links_json).unwrap_or_default()),
            }
        }
    };
    Ok(Head::Found(head))
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
) -> Result<Response> {
    list(state, q.number(), ListKind::Stream(id)).await
}

pub async fn tag(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    list(state, q.number(), ListKind::Tag(tag)).await
}

pub async fn author(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    list(state, q.number(), ListKind::Author(id)).await
}

pub async fn archive(State(state): State<AppState>) -> Result<Response> {
    with_conn(&state, |conn, state| {
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
            layout: layout(conn, state, "Archive")?.at(&state.config, urls::ARCHIVE, None),
            total: years.iter().map(|y| y.count).sum(),
            years,
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}
