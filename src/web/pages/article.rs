//! One article's page: the article, its neighbours, related dispatches, its author and
//! its JSON-LD; renamed and removed articles and redirect stubs answer 301 or 410.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use rusqlite::Connection;

use super::{Result, layout, moved, now, render, with_conn};
use crate::content::dates::{rfc3339, spelled_date};
use crate::content::html::{absolute, decode_entities, strip_tags};
use crate::content::kind::Kind;
use crate::content::lang::Locale;
use crate::content::{Hero, Source, TocEntry};
use crate::db::{self, read};
use crate::web::AppState;
use crate::web::error::WebError;
use crate::web::views::*;
use crate::{preview, urls};

pub(crate) async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let now = now();
        if let Some(a) = read::article(conn, &slug, now)? {
            // A page or a project lives at its own address.
            let kind = Kind::parse(&a.kind);
            if kind != Kind::Dispatch {
                return Ok(moved(&kind.url(&slug, &state.config.work_path)));
            }
            let page = article_page(conn, state, a, None)?;
            return Ok(render(StatusCode::OK, &page));
        }
        // A renamed article and a redirect stub forward; a deleted one is gone.
        if let Some((kind, new_slug)) = read::moved_to(conn, &slug, now)? {
            let kind = Kind::parse(&kind);
            return Ok(moved(&kind.url(&new_slug, &state.config.work_path)));
        }
        if let Some(target) = read::redirect_target(conn, &slug)? {
            let target = redirect_location(conn, &target, now)?;
            return Ok(moved(&target));
        }
        if let Some(title) = read::gone(conn, &slug)? {
            return Err(WebError::Gone(title));
        }
        // `serve --drafts` (and development mode): what is not out yet answers too,
        // marked, and never kept.
        if (state.config.drafts || state.config.dev)
            && let Some(a) = read::any_article(conn, &slug)?
        {
            let banner = unpublished_banner(&a, now, state);
            let page = article_page(conn, state, a, Some(banner))?;
            return Ok(private(render(StatusCode::OK, &page)));
        }
        Err(WebError::NotFound)
    })
    .await
}

/// A signed preview link (`dispatches preview SLUG`): the article whatever its state, to
/// whoever holds the link until it expires; never indexed, never kept by a cache.
pub(crate) async fn preview(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response> {
    with_conn(&state, move |conn, state| {
        let now = now();
        let secret = db::secrets::get(conn, preview::SECRET)?;
        let signed = match (secret, q.expires, q.sig.as_deref()) {
            (Some(secret), Some(expires), Some(sig)) => {
                preview::verify(&secret, &slug, expires, sig, now)
            }
            _ => false,
        };
        // A bad or expired link says no more than a missing page would.
        let Some(a) = read::any_article(conn, &slug)?.filter(|_| signed) else {
            return Err(WebError::NotFound);
        };
        let banner = unpublished_banner(&a, now, state);
        if Kind::parse(&a.kind) != Kind::Dispatch {
            let mut page = super::entries::entry_page(conn, state, a, Some(banner))?;
            page.layout.index = false;
            return Ok(private(render(StatusCode::OK, &page)));
        }
        let mut page = article_page(conn, state, a, Some(banner))?;
        page.layout.index = false;
        Ok(private(render(StatusCode::OK, &page)))
    })
    .await
}

#[derive(serde::Deserialize)]
pub(crate) struct PreviewQuery {
    expires: Option<i64>,
    sig: Option<String>,
}

/// What the banner of an article shown before it is out says.
pub(super) fn unpublished_banner(a: &read::FullArticle, now: i64, state: &AppState) -> String {
    let w = state.config.words();
    if a.draft {
        w.t("preview_draft").to_string()
    } else if a.summary.published_at > now {
        let day = crate::content::dates::long_date_in(
            local_date(a.summary.published_at, &state.config),
            w.locale(),
        );
        w.fill("preview_scheduled", &[("day", &day)])
    } else {
        w.t("preview_published").to_string()
    }
}

/// A page only its holder may see: no index, no shared cache, not kept here either.
pub(super) fn private(mut resp: Response) -> Response {
    let headers = resp.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    resp
}

/// The whole page of article `a`, with `banner` above it when it is not out.
fn article_page(
    conn: &Connection,
    state: &AppState,
    a: read::FullArticle,
    banner: Option<String>,
) -> Result<ArticlePage> {
    let now = now();
    {
        let config = &state.config;
        let (older, newer) = read::neighbours(conn, &a, now)?;
        let related = read::related(conn, &a, now, 3)?;
        let author = match &a.author_id {
            Some(id) => match read::author(conn, id)? {
                Some(au) => Some(Byline {
                    url: urls::author(&au.id),
                    avatar: super::avatar(conn, au.avatar)?,
                    name: au.name,
                    bio: au.bio,
                }),
                None => None,
            },
            None => None,
        };
        let hero: Option<Hero> = a
            .hero_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok());
        let sources: Vec<Source> = serde_json::from_str(&a.sources_json).unwrap_or_default();
        let toc: Vec<TocEntry> = serde_json::from_str(&a.toc_json).unwrap_or_default();
        // A table of contents only helps long pieces with several sections.
        let toc = if toc.len() >= 4 && a.word_count >= 600 {
            toc
        } else {
            Vec::new()
        };
        let mut layout = layout(conn, state, &a.summary.title)?.at(
            config,
            &urls::article(&a.summary.slug),
            None,
        );
        layout.og_type = "article";
        layout.og_image = hero.as_ref().map(|h| absolute(&h.src, &config.base_url));
        if !a.summary.dek.is_empty() {
            layout.summary = a.summary.dek.clone();
        }
        set_language(conn, &a, &mut layout, config, now)?;
        let locale = Locale::of(&layout.lang);
        layout.json_ld = Some(json_ld(&article_ld(&a, &layout, config)));
        // Development mode: a save that failed keeps this (older) version live; say so.
        let problem = if config.dev {
            state.problems.for_source(&a.source_path)
        } else {
            None
        };
        let translations = layout.alternates.iter().skip(1).cloned().collect();
        let view = ArticlePage {
            aw: crate::strings::Words::new(&layout.lang, &config.strings),
            banner,
            problem,
            entry: entry(&a, &layout),
            layout,
            item: Item {
                date: spelled_date(local_date(a.summary.published_at, config), locale),
                ..Item::from_summary(&a.summary, config)
            },
            reading: locale.reading_time(a.summary.reading_minutes),
            updated_word: locale.updated(),
            updated: a
                .updated_at
                .filter(|u| *u > a.summary.published_at + 86_400)
                .map(|u| spelled_date(local_date(u, config), locale)),
            // The page itself comes first among its versions.
            translations,
            tags: a
                .tags
                .iter()
                .map(|t| Source {
                    title: t.clone(),
                    url: urls::tag(t),
                })
                .collect(),
            hero,
            toc: toc
                .into_iter()
                .map(|t| TocView {
                    id: t.id,
                    title: t.title,
                    sub: t.level > 2,
                })
                .collect(),
            body_html: a.html.clone(),
            sources,
            author,
            older: older.map(|s| Item::from_summary(&s, config)),
            newer: newer.map(|s| Item::from_summary(&s, config)),
            related: related
                .iter()
                .map(|s| Item::from_summary(s, config))
                .collect(),
        };
        Ok(view)
    }
}

/// The page's language (the article's, else the site's) and its versions in others.
fn set_language(
    conn: &Connection,
    a: &read::FullArticle,
    layout: &mut Layout,
    config: &crate::config::Config,
    now: i64,
) -> Result<()> {
    let languages = read::languages(conn, a.id, now)?;
    let own = (a.summary.slug.as_str(), languages.lang.as_str());
    let others = languages
        .translations
        .iter()
        .map(|(slug, l)| (slug.as_str(), l.as_str()));
    layout.alternates = language_versions(std::iter::once(own).chain(others), config);
    let lang = page_lang(&languages.lang, config);
    if !lang.eq_ignore_ascii_case(&config.language) {
        layout.chrome_lang = Some(config.language.clone());
    }
    layout.lang = lang.to_string();
    Ok(())
}

/// The article's h-entry beyond what the page shows anyway: its absolute URL, exact
/// times, a plain summary when it has no dek, and the site as author when it has none.
fn entry(a: &read::FullArticle, layout: &Layout) -> HEntry {
    let summary = if a.summary.dek.is_empty() {
        decode_entities(strip_tags(&a.summary.summary_html).trim())
    } else {
        a.summary.dek.clone()
    };
    HEntry {
        url: layout.canonical.clone(),
        published: rfc3339(a.summary.published_at),
        updated: rfc3339(
            a.updated_at
                .unwrap_or(a.summary.published_at)
                .max(a.summary.published_at),
        ),
        summary,
        site_title: layout.site_title.clone(),
        site_url: layout.site_url.clone(),
    }
}

/// schema.org `Article` for search engines: headline, dates, author, image.
fn article_ld(
    a: &read::FullArticle,
    layout: &Layout,
    config: &crate::config::Config,
) -> serde_json::Value {
    let iso = rfc3339;
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": a.summary.title,
        "url": layout.canonical,
        "mainEntityOfPage": layout.canonical,
        "datePublished": iso(a.summary.published_at),
        "dateModified": iso(a.updated_at.unwrap_or(a.summary.published_at).max(a.summary.published_at)),
        "publisher": { "@type": "Organization", "name": config.title, "url": config.base_url },
        "wordCount": a.word_count,
        "inLanguage": layout.lang,
        "keywords": a.tags,
    });
    if !a.summary.dek.is_empty() {
        ld["description"] = serde_json::json!(a.summary.dek);
    }
    if !a.author_name.is_empty() {
        let mut author = serde_json::json!({ "@type": "Person", "name": a.author_name });
        if let Some(id) = &a.author_id {
            author["url"] = serde_json::json!(urls::absolute(&config.base_url, &urls::author(id)));
        }
        ld["author"] = author;
    }
    if let Some(img) = &layout.og_image {
        ld["image"] = serde_json::json!(img);
    }
    ld
}

/// A redirect stub's target: `/blog/name` or `name` lands on our article of that name.
fn redirect_location(conn: &Connection, target: &str, now: i64) -> Result<String> {
    if target.contains("://") {
        return Ok(target.to_string());
    }
    let last = target
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(target);
    Ok(match read::article(conn, last, now)? {
        Some(a) => urls::article(&a.summary.slug),
        None => return Err(WebError::NotFound),
    })
}
