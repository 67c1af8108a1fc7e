//! Lists of dispatches: the home page, each stream, tag and author, and the archive with
//! a page for each year and month.

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use rusqlite::Connection;

use super::{PER_PAGE, PageQuery, Result, layout, layout_with, moved, now, render, with_conn};
use crate::content::Source;
use crate::content::dates::month_in;
use crate::db::read::{self, Filter};
use crate::urls;
use crate::web::AppState;
use crate::web::error::WebError;
use crate::web::views::*;

pub(crate) async fn home(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let page = q.number();
    with_conn(&state, move |conn, state| {
        // An imported blog's old `/?p=123` forwards to the entry it named.
        if let Some(found) = super::misc::query_address(conn, state, urls::HOME, raw.as_deref())? {
            return Ok(found);
        }
        let (items, total) =
            read::list_articles(conn, &Filter::All, now(), PER_PAGE, (page - 1) * PER_PAGE)?;
        if items.is_empty() && page > 1 {
            return Err(WebError::NotFound);
        }
        let streams = read::streams(conn, now())?;
        let first = page == 1;
        let featured = if first && state.config.home_projects > 0 {
            crate::db::entries::projects(conn, now(), true, state.config.home_projects as i64, 0)?.0
        } else {
            Vec::new()
        };
        let view = HomePage {
            intro_html: if first {
                crate::db::entries::intro(conn, now())?
            } else {
                None
            },
            cards: featured
                .iter()
                .map(|c| super::ProjectCardView::new(c, state))
                .collect(),
            cards_top: false,
            work_url: urls::work(&state.config.work_path),
            work_label: state.config.work_label.clone(),
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
        let layout = layout(conn, state, &head.heading)?.at(
            &state.config,
            &urls::paged(&head.base, page),
            Some((&head.heading, &head.base)),
        );
        let view = ListPage {
            kicker: layout.w.t(head.kicker).to_string(),
            layout,
            heading: head.heading,
            intro: head.intro,
            intro_html: head.intro_html,
            author_links: head.author_links,
            avatar: super::avatar(conn, head.avatar)?,
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
    /// An author's picture's address.
    avatar: Option<String>,
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
                kicker: "kicker_stream",
                heading: s.name,
                intro: s.description,
                intro_html: String::new(),
                author_links: None,
                avatar: None,
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
                kicker: "kicker_tag",
                heading: tag.clone(),
                intro: String::new(),
                intro_html: String::new(),
                author_links: None,
                avatar: None,
            }
        }
        ListKind::Author(id) => {
            let a = read::author(conn, id)?.ok_or(WebError::NotFound)?;
            ListHead {
                filter: Filter::Author(id),
                base: urls::author(id),
                kicker: "kicker_author",
                heading: a.name,
                intro: a.bio,
                intro_html: a.html,
                author_links: Some(serde_json::from_str(&a.links_json).unwrap_or_default()),
                avatar: a.avatar,
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

pub(crate) async fn stream(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    list(state, q.number(), ListKind::Stream(id)).await
}

pub(crate) async fn tag(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    list(state, q.number(), ListKind::Tag(tag)).await
}

pub(crate) async fn author(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    list(state, q.number(), ListKind::Author(id)).await
}

pub(crate) async fn archive(State(state): State<AppState>) -> Result<Response> {
    with_conn(&state, |conn, state| {
        let months = read::archive_months(conn, now())?;
        let mut years: Vec<YearView> = Vec::new();
        for (year, month, count) in months {
            if years.last().is_none_or(|y| y.year != year) {
                years.push(YearView {
                    year,
                    count: 0,
                    url: urls::archive_year(year),
                    months: Vec::new(),
                });
            }
            let y = years.last_mut().expect("pushed above");
            y.count += count;
            y.months.push(MonthView {
                name: month_in(month, site_locale(state)).to_string(),
                count,
                url: urls::archive_month(year, month),
            });
        }
        let view = ArchivePage {
            layout: {
                let w = state.config.words();
                layout(conn, state, w.t("archive"))?.at(&state.config, urls::ARCHIVE, None)
            },
            total: years.iter().map(|y| y.count).sum(),
            years,
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}

pub(crate) async fn archive_year(
    State(state): State<AppState>,
    Path(year): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let year = parse_number(&year, 1, 9999)?;
    period(state, q.number(), year, None).await
}

pub(crate) async fn archive_month(
    State(state): State<AppState>,
    Path((year, month)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let year = parse_number(&year, 1, 9999)?;
    // One address per month: `/archive/2024/04`, never `/archive/2024/4`.
    if month.len() != 2 {
        return Err(WebError::NotFound);
    }
    let month = parse_number(&month, 1, 12)?;
    period(state, q.number(), year, Some(month)).await
}

/// The locale the site's own words and dates are in.
fn site_locale(state: &AppState) -> crate::content::lang::Locale {
    crate::content::lang::Locale::of(&state.config.language)
}

fn parse_number(s: &str, min: i64, max: i64) -> Result<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n) && s.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(WebError::NotFound)
}

/// Unix time at the start of a month (UTC, as the archive counts), `month` 13 being the
/// next year's January.
fn month_start(year: i64, month: i64) -> i64 {
    let (year, month) = if month > 12 {
        (year + 1, 1)
    } else {
        (year, month)
    };
    let date = time::Date::from_calendar_date(
        year as i32,
        time::Month::try_from(month as u8).unwrap_or(time::Month::January),
        1,
    )
    .unwrap_or(time::Date::MIN);
    date.midnight().assume_utc().unix_timestamp()
}

/// A year (`month` `None`) or a month of the archive, with the periods either side.
async fn period(state: AppState, page: i64, year: i64, month: Option<i64>) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let now = now();
        let (from, to, base, heading) = match month {
            Some(m) => (
                month_start(year, m),
                month_start(year, m + 1),
                urls::archive_month(year, m),
                format!("{} {year}", month_in(m, site_locale(state))),
            ),
            None => (
                month_start(year, 1),
                month_start(year + 1, 1),
                urls::archive_year(year),
                year.to_string(),
            ),
        };
        let (summaries, total) =
            read::list_period(conn, now, (from, to), PER_PAGE, (page - 1) * PER_PAGE)?;
        if summaries.is_empty() {
            return Err(WebError::NotFound);
        }
        // The periods that hold articles, newest first, to step to the ones either side.
        let mut periods: Vec<(i64, i64)> = read::archive_months(conn, now)?
            .into_iter()
            .map(|(y, m, _)| (y, if month.is_some() { m } else { 0 }))
            .collect();
        periods.dedup();
        let here = periods
            .iter()
            .position(|p| *p == (year, month.unwrap_or(0)));
        let label = |(y, m): (i64, i64)| match m {
            0 => (y.to_string(), urls::archive_year(y)),
            m => (
                format!("{} {y}", month_in(m, site_locale(state))),
                urls::archive_month(y, m),
            ),
        };
        let at = |i: Option<usize>| i.and_then(|i| periods.get(i).copied()).map(label);
        let view = PeriodPage {
            layout: layout(conn, state, &heading)?.at(
                &state.config,
                &urls::paged(&base, page),
                Some((&heading, &base)),
            ),
            heading,
            archive_url: urls::ARCHIVE,
            total,
            items: summaries
                .iter()
                .map(|s| Item::from_summary(s, &state.config))
                .collect(),
            pager: Pager::new(&base, page, PER_PAGE, total),
            newer: at(here.and_then(|i| i.checked_sub(1))),
            older: at(here.map(|i| i + 1)),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}
