//! Lists of dispatches: the home page, each stream, tag and author, and the archive.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{PER_PAGE, PageQuery, Result, layout, layout_with, moved, now, render, with_conn};
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
        Ok(render(StatusCode::OK, &view))
    })
    .await
}

async fn list(state: AppState, page: i64, kind: ListKind) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let now = now();
        let (filter, base, kicker, heading, intro, intro_html) = match &kind {
            ListKind::Stream(id) => {
                let s = read::stream(conn, id)?.ok_or(WebError::NotFound)?;
                (
                    Filter::Stream(id),
                    urls::stream(id),
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
                    return Ok(moved(&urls::paged(&urls::tag(&canonical), page)));
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
                let a = read::author(conn, id)?.ok_or(WebError::NotFound)?;
                (
                    Filter::Author(id),
                    urls::author(id),
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
            return Err(WebError::NotFound);
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
    .await
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
