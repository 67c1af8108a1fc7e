//! What is not a dispatch: standalone pages (`/about`), the portfolio (`/work` and each
//! project), and the index of every tag. Pages and projects share one template: the
//! site's layout and the body, without the date line, byline, neighbours or related list
//! of an article.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use super::article::{private, unpublished_banner};
use super::misc::old_address;
use super::{PER_PAGE, PageQuery, Result, layout, now, render, with_conn};
use crate::content::kind::Kind;
use crate::content::{Hero, TocEntry};
use crate::db::{entries, read};
use crate::urls;
use crate::web::AppState;
use crate::web::error::WebError;
use crate::web::views::*;

/// A page or a project, whole. (Its tags are shown, not linked: tag pages list
/// dispatches.)
#[derive(Template)]
#[template(path = "page.html")]
pub(super) struct EntryPage {
    pub layout: Layout,
    pub banner: Option<String>,
    pub title: String,
    pub dek: String,
    pub hero: Option<Hero>,
    pub toc: Vec<TocView>,
    pub body_html: String,
    /// A project's facts (year, role, client, links) and the way back to the portfolio.
    pub project: Option<ProjectFacts>,
    pub tags: Vec<crate::content::Source>,
}

/// What a project's page and card say about it beyond its title.
pub(crate) struct ProjectFacts {
    pub year: String,
    pub role: String,
    pub client: String,
    pub link: String,
    pub repo: String,
    pub back_url: String,
    pub back_label: String,
}

impl ProjectFacts {
    fn from_extra(extra_json: &str, published_at: i64, state: &AppState) -> ProjectFacts {
        let extra: Value = serde_json::from_str(extra_json).unwrap_or(Value::Null);
        let text = |k: &str| match extra.get(k) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let safe = |k: &str| {
            let url = text(k);
            if crate::content::html::is_safe_url(&url) {
                url
            } else {
                String::new()
            }
        };
        let year = match text("year") {
            y if y.is_empty() => local_date(published_at, &state.config).year().to_string(),
            y => y,
        };
        ProjectFacts {
            year,
            role: text("role"),
            client: text("client"),
            link: safe("link"),
            repo: safe("repo"),
            back_url: urls::work(&state.config.work_path),
            back_label: state.config.work_label.clone(),
        }
    }
}

/// `/{page}`: a standalone page; an old address or a theme's page (`/archives`) forwards.
pub(crate) async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        entry(conn, state, &slug, Kind::Page).or_else(|e| match e {
            WebError::NotFound => match read::redirect_target(conn, &slug)? {
                Some(target) if target.starts_with('/') => Ok(super::moved(&target)),
                _ => old_address(conn, state, &urls::page(&slug)),
            },
            other => Err(other),
        })
    })
    .await
}

/// `/{work}/{slug}`: one project of the portfolio.
pub(crate) async fn project(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        entry(conn, state, &slug, Kind::Project)
    })
    .await
}

/// The entry of `kind` at `slug`: published, or with `serve --drafts` not yet out.
fn entry(conn: &Connection, state: &AppState, slug: &str, kind: Kind) -> Result<Response> {
    let is = |a: &read::FullArticle| Kind::parse(&a.kind) == kind;
    if let Some(a) = read::article(conn, slug, now())?.filter(is) {
        let page = entry_page(conn, state, a, None)?;
        return Ok(render(StatusCode::OK, &page));
    }
    if (state.config.drafts || state.config.dev)
        && let Some(a) = read::any_article(conn, slug)?.filter(is)
    {
        let banner = unpublished_banner(&a, now(), state);
        let page = entry_page(conn, state, a, Some(banner))?;
        return Ok(private(render(StatusCode::OK, &page)));
    }
    Err(WebError::NotFound)
}

/// The whole page of a page or project `a`.
pub(super) fn entry_page(
    conn: &Connection,
    state: &AppState,
    a: read::FullArticle,
    banner: Option<String>,
) -> Result<EntryPage> {
    let config = &state.config;
    let kind = Kind::parse(&a.kind);
    let path = kind.url(&a.summary.slug, &config.work_path);
    let mut layout = layout(conn, state, &a.summary.title)?.at(config, &path, None);
    let hero: Option<Hero> = a
        .hero_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    layout.og_image = hero
        .as_ref()
        .map(|h| crate::content::html::absolute(&h.src, &config.base_url));
    if !a.summary.dek.is_empty() {
        layout.summary = a.summary.dek.clone();
    }
    let toc: Vec<TocEntry> = serde_json::from_str(&a.toc_json).unwrap_or_default();
    let long = toc.len() >= 4 && a.word_count >= 600;
    Ok(EntryPage {
        layout,
        banner,
        title: a.summary.title.clone(),
        dek: a.summary.dek.clone(),
        hero,
        toc: toc
            .into_iter()
            .filter(|_| long)
            .map(|t| TocView {
                id: t.id,
                title: t.title,
                sub: t.level > 2,
            })
            .collect(),
        body_html: a.html.clone(),
        project: (kind == Kind::Project)
            .then(|| ProjectFacts::from_extra(&a.extra_json, a.summary.published_at, state)),
        tags: a
            .tags
            .iter()
            .map(|t| crate::content::Source {
                title: t.clone(),
                url: urls::tag(t),
            })
            .collect(),
    })
}

/// A project as the portfolio's grid shows it.
pub(crate) struct ProjectCardView {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub hero: Option<Hero>,
    pub facts: ProjectFacts,
}

impl ProjectCardView {
    pub(crate) fn new(card: &entries::ProjectCard, state: &AppState) -> ProjectCardView {
        let s = &card.summary;
        ProjectCardView {
            url: urls::project(&state.config.work_path, &s.slug),
            title: s.title.clone(),
            summary: if s.dek.is_empty() {
                crate::content::html::decode_entities(
                    crate::content::html::strip_tags(&s.summary_html).trim(),
                )
            } else {
                s.dek.clone()
            },
            hero: card
                .hero_json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok()),
            facts: ProjectFacts::from_extra(&card.extra_json, s.published_at, state),
        }
    }
}

#[derive(Template)]
#[template(path = "work.html")]
pub(super) struct WorkPage {
    pub layout: Layout,
    pub heading: String,
    /// The cards' titles are the page's second level (on the home page, its third).
    pub cards_top: bool,
    pub cards: Vec<ProjectCardView>,
    pub pager: Pager,
}

/// `/{work}`: the portfolio, a grid of project cards, by weight then newest.
pub(crate) async fn work(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let page = q.number();
    with_conn(&state, move |conn, state| {
        let config = &state.config;
        let (cards, total) =
            entries::projects(conn, now(), false, PER_PAGE, (page - 1) * PER_PAGE)?;
        if cards.is_empty() && page > 1 {
            return Err(WebError::NotFound);
        }
        let base = urls::work(&config.work_path);
        let view = WorkPage {
            layout: layout(conn, state, &config.work_label)?.at(
                config,
                &urls::paged(&base, page),
                None,
            ),
            heading: config.work_label.clone(),
            cards_top: true,
            cards: cards
                .iter()
                .map(|c| ProjectCardView::new(c, state))
                .collect(),
            pager: Pager::new(&base, page, PER_PAGE, total),
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}

/// One tag of the index.
pub(super) struct TagCount {
    pub url: String,
    pub name: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "tags.html")]
pub(super) struct TagsPage {
    pub layout: Layout,
    pub tags: Vec<TagCount>,
}

/// `/tags`: every tag of the published dispatches with its count.
pub(crate) async fn tags(State(state): State<AppState>) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let tags = entries::tag_counts(conn, now())?
            .into_iter()
            .map(|(name, count)| TagCount {
                url: urls::tag(&name),
                name,
                count,
            })
            .collect();
        let view = TagsPage {
            layout: {
                let w = state.config.words();
                layout(conn, state, w.t("tags"))?.at(&state.config, urls::TAGS, None)
            },
            tags,
        };
        Ok(render(StatusCode::OK, &view))
    })
    .await
}
