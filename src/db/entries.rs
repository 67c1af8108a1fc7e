//! Reads of what is not a dispatch: the site's pages and their menu, the portfolio's
//! projects, the home page's introduction, and the index of every tag. Pages and projects
//! are few, and each read goes through the `articles_kind` index, never a scan.

use rusqlite::{Connection, OptionalExtension, params};

use super::read::{PUBLISHED, SUMMARY_COLUMNS, Summary, summary};

/// A page's entry in the site's menu.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MenuPage {
    pub label: String,
    pub slug: String,
    pub weight: Option<i64>,
}

/// The published pages that asked for a place in the menu, by weight, then title.
/// Read by kind: otherwise the planner walks every published article by date and reads
/// its row (40 ms at 10,000 articles, on every page's chrome).
pub(crate) fn menu_pages(conn: &Connection, now: i64) -> rusqlite::Result<Vec<MenuPage>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.menu, a.slug, a.weight FROM articles a INDEXED BY articles_kind
         WHERE a.kind = 'page' AND a.menu IS NOT NULL AND {PUBLISHED}
         ORDER BY a.weight IS NULL, a.weight, a.title LIMIT 32"
    ))?;
    let rows = stmt.query_map([now], |r| {
        Ok(MenuPage {
            label: r.get(0)?,
            slug: r.get(1)?,
            weight: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// A project of the portfolio as its card shows it.
#[derive(Debug, Clone)]
pub(crate) struct ProjectCard {
    pub summary: Summary,
    pub hero_json: Option<String>,
    /// Its own keys: role, client, year, link, repo.
    pub extra_json: String,
}

/// One page of the published projects, by weight (smaller first), then newest; with
/// `featured` only those marked so. Also how many there are in all. Read by kind, as
/// `menu_pages`.
pub(crate) fn projects(
    conn: &Connection,
    now: i64,
    featured: bool,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<ProjectCard>, i64)> {
    let only = if featured { "AND a.featured = 1" } else { "" };
    let total = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM articles a INDEXED BY articles_kind
             WHERE a.kind = 'project' AND {PUBLISHED} {only}"
        ))?
        .query_row([now], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS}, a.hero_json, a.extra_json
         FROM articles a INDEXED BY articles_kind
         WHERE a.kind = 'project' AND {PUBLISHED} {only}
         ORDER BY a.weight IS NULL, a.weight, a.published_at DESC, a.id DESC
         LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![now, limit, offset], |r| {
        Ok(ProjectCard {
            summary: summary(r)?,
            hero_json: r.get(8)?,
            extra_json: r.get(9)?,
        })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// The home page's introduction (`content/_index.md`), rendered, when there is one.
pub(crate) fn intro(conn: &Connection, now: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(&format!(
        "SELECT a.html FROM articles a
         WHERE a.kind = 'intro' AND {PUBLISHED} LIMIT 1"
    ))?
    .query_row([now], |r| r.get(0))
    .optional()
}

/// Every tag of the published dispatches with how many carry it, spelled as its page
/// goes by (the first spelling in byte order), most used first, then by name.
pub(crate) fn tag_counts(conn: &Connection, now: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT min(t.tag), count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
         WHERE {PUBLISHED} AND a.kind = 'dispatch'
         GROUP BY t.tag COLLATE NOCASE ORDER BY 2 DESC, 1 COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// The size and variants of the published image at `path` in the content folder.
pub(crate) fn image_at(
    conn: &Connection,
    path: &str,
) -> rusqlite::Result<Option<crate::content::images::ImageFacts>> {
    conn.prepare_cached(
        "SELECT width, height, variant_key, variant_widths FROM files
         WHERE path = ?1 AND width IS NOT NULL AND height IS NOT NULL",
    )?
    .query_row([path], |r| {
        let widths: String = r.get(3)?;
        Ok(crate::content::images::ImageFacts {
            width: r.get(0)?,
            height: r.get(1)?,
            variant_key: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            variant_widths: widths.split(',').filter_map(|w| w.parse().ok()).collect(),
        })
    })
    .optional()
}

/// The key the site's icons are stored under, when the image at `path` has them.
pub(crate) fn icon_key(conn: &Connection, path: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT f.variant_key FROM files f JOIN image_variants v ON v.key = f.variant_key
         WHERE f.path = ?1 AND v.width = ?2",
    )?
    .query_row(
        rusqlite::params![path, crate::content::images::ICON_SIZES[0]],
        |r| r.get(0),
    )
    .optional()
}

/// A published file's content hash and, for an image, its width and height.
pub(crate) type FileFacts = (String, Option<u32>, Option<u32>);

/// What the header needs to link the site's own logo and stylesheet under names that
/// change with them.
pub(crate) fn file_facts(conn: &Connection, path: &str) -> rusqlite::Result<Option<FileFacts>> {
    conn.prepare_cached("SELECT content_hash, width, height FROM files WHERE path = ?1")?
        .query_row([path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}
