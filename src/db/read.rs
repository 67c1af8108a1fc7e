//! Read queries: everything the server's pages and feeds show (what a publish reads
//! first is in `prior`). The visibility rule (`PUBLISHED`) is written once, here.

use rusqlite::{Connection, OptionalExtension, params};

// ---------------------------------------------------------------------------------------
// Images

/// One WebP variant of a published image.
pub(crate) fn image_variant(
    conn: &Connection,
    key: &str,
    width: u32,
) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT bytes FROM image_variants WHERE key = ?1 AND width = ?2")?
        .query_row(params![key, width], |r| r.get(0))
        .optional()
}

// ---------------------------------------------------------------------------------------
// Checks

/// Runs SQLite's `integrity_check` and the FTS5 external-content check; `Ok(())` when both pass.
pub(crate) fn check_integrity(conn: &Connection) -> Result<(), String> {
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if verdict != "ok" {
        return Err(format!("integrity_check: {verdict}"));
    }
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .map_err(|e| format!("full-text index: {e}"))?;
    Ok(())
}

/// Number of articles, drafts and scheduled ones included.
pub(crate) fn article_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
}

// ---------------------------------------------------------------------------------------
// Reading (the server)

/// When the visible archive last changed (the latest publish or the latest article to
/// go live) and when it will next change by itself (the next scheduled article).
pub(crate) fn site_clock(conn: &Connection, now: i64) -> rusqlite::Result<(i64, Option<i64>)> {
    conn.prepare_cached(
        "SELECT max(ifnull((SELECT max(finished_at) FROM publishes), 0),
                    ifnull((SELECT max(published_at) FROM articles WHERE draft = 0 AND published_at <= ?1), 0)),
                (SELECT min(published_at) FROM articles WHERE draft = 0 AND published_at > ?1)",
    )?
    .query_row([now], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// An article as listed on index pages.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub published_at: i64,
    pub stream_id: Option<String>,
    pub stream_name: String,
    pub reading_minutes: i64,
    pub summary_html: String,
}

/// Which articles a list shows.
#[derive(Debug, Clone)]
pub(crate) enum Filter<'a> {
    All,
    Stream(&'a str),
    Tag(&'a str),
    Author(&'a str),
}

pub(super) const SUMMARY_COLUMNS: &str = "a.slug, a.title, a.dek, a.published_at, a.stream_id, a.stream_name, a.reading_minutes, a.summary_html";

/// `published` is the visibility rule used everywhere: not a draft, not scheduled after now.
pub(super) const PUBLISHED: &str = "a.draft = 0 AND a.published_at <= ?1";

/// What lists, feeds, the archive, counts and related lists show: published dispatches
/// (not pages, projects or the home introduction).
pub(super) const LISTED: &str = "a.draft = 0 AND a.published_at <= ?1 AND a.kind = 'dispatch'";

pub(super) fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        slug: r.get(0)?,
        title: r.get(1)?,
        dek: r.get(2)?,
        published_at: r.get(3)?,
        stream_id: r.get(4)?,
        stream_name: r.get(5)?,
        reading_minutes: r.get(6)?,
        summary_html: r.get(7)?,
    })
}

fn filter_sql(filter: &Filter<'_>) -> (&'static str, Option<String>) {
    match filter {
        Filter::All => ("", None),
        Filter::Stream(id) => (" AND a.stream_id = ?2", Some(id.to_string())),
        Filter::Author(id) => (" AND a.author_id = ?2", Some(id.to_string())),
        Filter::Tag(tag) => (
            " AND a.id IN (SELECT article_id FROM article_tags WHERE tag = ?2 COLLATE NOCASE)",
            Some(tag.to_string()),
        ),
    }
}

/// How many published articles a list's filter (from `filter_sql`) matches.
fn count_articles(conn: &Connection, cond: &str, arg: &str, now: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!(
        "SELECT count(*) FROM articles a WHERE {LISTED}{cond} AND ?2 = ?2"
    ))?
    .query_row(params![now, arg], |r| r.get(0))
}

/// One page of published articles, newest first, and how many there are in all.
pub(crate) fn list_articles(
    conn: &Connection,
    filter: &Filter<'_>,
    now: i64,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Summary>, i64)> {
    let (cond, arg) = filter_sql(filter);
    // `?2 = ?2` keeps the second parameter bound when the filter does not use it, so one
    // statement shape serves every list (rusqlite refuses unused parameters).
    let arg = arg.unwrap_or_default();
    let total = count_articles(conn, cond, &arg, now)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {LISTED}{cond} AND ?2 = ?2
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![now, arg, limit, offset], summary)?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// A whole article for its page.
#[derive(Debug, Clone)]
pub(crate) struct FullArticle {
    pub id: i64,
    /// The file it came from, relative to the content folder.
    pub source_path: String,
    pub summary: Summary,
    pub updated_at: Option<i64>,
    pub author_id: Option<String>,
    pub author_name: String,
    pub hero_json: Option<String>,
    pub sources_json: String,
    pub html: String,
    pub toc_json: String,
    pub word_count: i64,
    /// A draft (only `any_article` returns one).
    pub draft: bool,
    pub tags: Vec<String>,
    /// `dispatch`, `page`, `project` or `intro`.
    pub kind: String,
    /// Front-matter keys the contract does not name (a project's role, client, links).
    pub extra_json: String,
}

/// The published article at `slug`.
pub(crate) fn article(
    conn: &Connection,
    slug: &str,
    now: i64,
) -> rusqlite::Result<Option<FullArticle>> {
    article_where(conn, slug, now, PUBLISHED)
}

/// The article at `slug` whether or not it is out: a draft or a scheduled article for a
/// preview link or `serve --drafts`, and `draft`/`published_at` say which it is.
pub(crate) fn any_article(conn: &Connection, slug: &str) -> rusqlite::Result<Option<FullArticle>> {
    article_where(conn, slug, 0, "?1 = ?1")
}

fn article_where(
    conn: &Connection,
    slug: &str,
    now: i64,
    visible: &str,
) -> rusqlite::Result<Option<FullArticle>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, a.id, a.updated_at, a.author_id, a.author_name, a.hero_json,
                    a.sources_json, a.html, a.toc_json, a.word_count, a.source_path, a.draft,
                    a.kind, a.extra_json
             FROM articles a WHERE a.slug = ?2 AND {visible}"
        ))?
        .query_row(params![now, slug], |r| {
            Ok(FullArticle {
                summary: summary(r)?,
                id: r.get(8)?,
                updated_at: r.get(9)?,
                author_id: r.get(10)?,
                author_name: r.get(11)?,
                hero_json: r.get(12)?,
                sources_json: r.get(13)?,
                html: r.get(14)?,
                toc_json: r.get(15)?,
                word_count: r.get(16)?,
                source_path: r.get(17)?,
                draft: r.get(18)?,
                tags: Vec::new(),
                kind: r.get(19)?,
                extra_json: r.get(20)?,
            })
        })
        .optional()?;
    let Some(mut a) = found else { return Ok(None) };
    let mut stmt = conn
        .prepare_cached("SELECT tag FROM article_tags WHERE article_id = ?1 ORDER BY position")?;
    a.tags = stmt
        .query_map([a.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(a))
}

/// An article's language and those of its published translations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Languages {
    /// The article's own tag; empty for the site's language.
    pub lang: String,
    /// (slug, tag) of each published translation, oldest first; tags as stored.
    pub translations: Vec<(String, String)>,
}

/// The language of article `id` and its published translations (those sharing its
/// translation key).
pub(crate) fn languages(conn: &Connection, id: i64, now: i64) -> rusqlite::Result<Languages> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.slug, t.lang, t.article_id = ?2 FROM article_languages me
           JOIN article_languages t ON t.translation_key = me.translation_key
           JOIN articles a ON a.id = t.article_id
         WHERE me.article_id = ?2 AND (t.article_id = ?2 OR ({PUBLISHED}))
         ORDER BY a.published_at, a.id"
    ))?;
    let rows = stmt.query_map(params![now, id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    let mut out = Languages::default();
    for row in rows {
        match row? {
            (_, lang, true) => out.lang = lang,
            (slug, lang, false) => out.translations.push((slug, lang)),
        }
    }
    Ok(out)
}

/// (slug, tag, translation key) of every published article that has a published
/// translation, grouped by key, for the sitemap's alternates.
pub(crate) fn translated(
    conn: &Connection,
    now: i64,
) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "WITH shared (translation_key) AS (
             SELECT l.translation_key FROM article_languages l JOIN articles a ON a.id = l.article_id
             WHERE {PUBLISHED} GROUP BY l.translation_key HAVING count(*) > 1
         )
         SELECT a.slug, l.lang, l.translation_key FROM shared s
           JOIN article_languages l ON l.translation_key = s.translation_key
           JOIN articles a ON a.id = l.article_id
         WHERE {PUBLISHED}
         ORDER BY l.translation_key, a.published_at, a.id"
    ))?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// The published articles just older and just newer than `a`. Each statement bounds the
/// listing index on both sides of `a`'s date, so it is a seek: with only "published by
/// now" as a bound, SQLite walked the index from now to `a` (9.9 ms, against 8 µs now,
/// for the newer neighbour of an old article at 2,000 articles, in SQLite 3.40).
pub(crate) fn neighbours(
    conn: &Connection,
    a: &FullArticle,
    now: i64,
) -> rusqlite::Result<(Option<Summary>, Option<Summary>)> {
    let t = a.summary.published_at;
    let older = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a
             WHERE a.draft = 0 AND a.kind = 'dispatch' AND a.published_at <= min(?1, ?2)
               AND (a.published_at, a.id) < (?2, ?3)
             ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
        ))?
        .query_row(params![now, t, a.id], summary)
        .optional()?;
    let newer = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {LISTED}
             AND a.published_at >= ?2 AND (a.published_at, a.id) > (?2, ?3)
             ORDER BY a.published_at ASC, a.id ASC LIMIT 1"
        ))?
        .query_row(params![now, t, a.id], summary)
        .optional()?;
    Ok((older, newer))
}

/// Up to `n` published articles sharing the most tags (and then the stream) with `a`,
/// from the list ranked at publish time (`related`); a draft has none.
pub(crate) fn related(
    conn: &Connection,
    a: &FullArticle,
    now: i64,
    n: i64,
) -> rusqlite::Result<Vec<Summary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM related r INDEXED BY related_rank
         JOIN articles a ON a.id = r.related_id
         WHERE r.article_id = ?2 AND {LISTED}
         ORDER BY r.score DESC, r.published_at DESC, r.related_id DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![now, a.id, n], summary)?;
    rows.collect()
}

/// An author for the byline box and author page.
#[derive(Debug, Clone)]
pub(crate) struct AuthorInfo {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links_json: String,
    pub html: String,
    /// The picture's address, if the author's file names one.
    pub avatar: Option<String>,
}

pub(crate) fn author(conn: &Connection, id: &str) -> rusqlite::Result<Option<AuthorInfo>> {
    conn.prepare_cached(
        "SELECT id, name, bio, links_json, html, avatar FROM authors WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(AuthorInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            bio: r.get(2)?,
            links_json: r.get(3)?,
            html: r.get(4)?,
            avatar: r.get(5)?,
        })
    })
    .optional()
}

/// A stream with its number of published articles.
#[derive(Debug, Clone)]
pub(crate) struct StreamInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub count: i64,
}

/// Streams that have at least one published article, largest first.
pub(crate) fn streams(conn: &Connection, now: i64) -> rusqlite::Result<Vec<StreamInfo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.name, s.description, count(a.id) FROM streams s
         JOIN articles a ON a.stream_id = s.id AND {LISTED}
         GROUP BY s.id ORDER BY count(a.id) DESC, s.name"
    ))?;
    let rows = stmt.query_map([now], |r| {
        Ok(StreamInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            description: r.get(2)?,
            count: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// How many streams have a published article: one index probe per stream, where
/// `streams` counts every article (a tenth of an article page's time at 2,000).
pub(crate) fn live_stream_count(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached(&format!(
        "SELECT count(*) FROM streams s WHERE EXISTS (
             SELECT 1 FROM articles a INDEXED BY articles_stream_visible
             WHERE a.stream_id = s.id AND {LISTED})"
    ))?
    .query_row([now], |r| r.get::<_, i64>(0))
    .map(|n| n as usize)
}

pub(crate) fn stream(conn: &Connection, id: &str) -> rusqlite::Result<Option<StreamInfo>> {
    conn.prepare_cached("SELECT id, name, description FROM streams WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(StreamInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                count: 0,
            })
        })
        .optional()
}

/// The title of the most recently touched draft, for "Now writing".
pub(crate) fn now_writing(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT title FROM articles WHERE draft = 1 ORDER BY touched_at DESC, id DESC LIMIT 1",
    )?
    .query_row([], |r| r.get(0))
    .optional()
}

/// Published articles per month: (year, month, count), newest first.
pub(crate) fn archive_months(
    conn: &Connection,
    now: i64,
) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT CAST(strftime('%Y', a.published_at, 'unixepoch') AS INTEGER),
                CAST(strftime('%m', a.published_at, 'unixepoch') AS INTEGER), count(*)
         FROM articles a WHERE {LISTED} GROUP BY 1, 2 ORDER BY 1 DESC, 2 DESC"
    ))?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// One page of the published articles from `from` up to (not including) `to`, unix
/// times, newest first, and how many there are in all: a year or a month of the archive.
pub(crate) fn list_period(
    conn: &Connection,
    now: i64,
    (from, to): (i64, i64),
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Summary>, i64)> {
    let period = "a.published_at >= ?2 AND a.published_at < ?3";
    let total = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM articles a WHERE {LISTED} AND {period}"
        ))?
        .query_row(params![now, from, to], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {LISTED} AND {period}
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = stmt.query_map(params![now, from, to, limit, offset], summary)?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// Where an old URL now lives: the (kind, slug) of the entry an alias points to.
pub(crate) fn alias_target(
    conn: &Connection,
    path: &str,
    now: i64,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(&format!(
        "SELECT a.kind, a.slug FROM aliases JOIN articles a ON a.id = aliases.article_id
         WHERE aliases.path = ?2 AND {PUBLISHED}"
    ))?
    .query_row(params![now, path], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// The target of a redirect stub named `slug`.
/// The spelling a tag's page goes by when authors wrote it several ways (`Community`,
/// `community`): the first in byte order, as the sitemap lists it.
pub(crate) fn canonical_tag(conn: &Connection, tag: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT min(tag) FROM article_tags WHERE tag = ?1 COLLATE NOCASE")?
        .query_row([tag], |r| r.get(0))
}

/// Where an entry that had `slug` lives now, if it was renamed and is visible: its
/// (kind, slug).
pub(crate) fn moved_to(
    conn: &Connection,
    slug: &str,
    now: i64,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(&format!(
        "SELECT a.kind, a.slug FROM moved m JOIN articles a ON a.id = m.article_id
         WHERE m.old_slug = ?2 AND {PUBLISHED}"
    ))?
    .query_row(params![now, slug], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// The title of the removed article that had `slug`.
pub(crate) fn gone(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT title FROM gone WHERE slug = ?1")?
        .query_row([slug], |r| r.get(0))
        .optional()
}

pub(crate) fn redirect_target(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT target FROM redirects WHERE slug = ?1")?
        .query_row([slug], |r| r.get(0))
        .optional()
}

/// A published file: (content type, bytes, hash).
pub(crate) fn file(
    conn: &Connection,
    path: &str,
) -> rusqlite::Result<Option<(String, Vec<u8>, String)>> {
    conn.prepare_cached("SELECT content_type, bytes, content_hash FROM files WHERE path = ?1")?
        .query_row([path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

/// An article as a feed entry carries it: whole, with its dates and tags.
#[derive(Debug, Clone)]
pub(crate) struct FeedEntry {
    pub summary: Summary,
    pub updated_at: Option<i64>,
    pub author_name: String,
    pub hero_json: Option<String>,
    pub html: String,
    pub tags: Vec<String>,
    /// The article's language tag; empty for the site's.
    pub lang: String,
}

/// One page of a feed, newest first, and how many entries the feed has in all.
pub(crate) fn feed_entries(
    conn: &Connection,
    filter: &Filter<'_>,
    now: i64,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<FeedEntry>, i64)> {
    let (cond, arg) = filter_sql(filter);
    let arg = arg.unwrap_or_default();
    let total = count_articles(conn, cond, &arg, now)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS}, a.updated_at, a.author_name, a.hero_json, a.html,
                (SELECT json_group_array(tag) FROM
                    (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position)),
                ifnull((SELECT lang FROM article_languages WHERE article_id = a.id), '')
         FROM articles a WHERE {LISTED}{cond} AND ?2 = ?2
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![now, arg, limit, offset], |r| {
        let tags: String = r.get(12)?;
        Ok(FeedEntry {
            summary: summary(r)?,
            updated_at: r.get(8)?,
            author_name: r.get(9)?,
            hero_json: r.get(10)?,
            html: r.get(11)?,
            tags: serde_json::from_str(&tags).unwrap_or_default(),
            lang: r.get(13)?,
        })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// Every public page and when it last changed, for the sitemap: `article:`, `stream:`,
/// `author:` and `tag:` names for the caller to encode into paths.
pub(crate) fn sitemap(conn: &Connection, now: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.kind || ':' || a.slug, max(a.published_at, ifnull(a.updated_at, 0))
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1 AND a.kind <> 'intro'
         UNION ALL
         SELECT 'stream:' || a.stream_id, max(a.published_at)
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1 AND a.kind = 'dispatch'
             AND a.stream_id IS NOT NULL
           GROUP BY a.stream_id
         UNION ALL
         SELECT 'author:' || a.author_id, max(a.published_at)
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1 AND a.kind = 'dispatch'
             AND a.author_id IS NOT NULL
           GROUP BY a.author_id
         UNION ALL
         SELECT 'tag:' || min(t.tag), max(a.published_at)
           FROM article_tags t JOIN articles a ON a.id = t.article_id
           WHERE a.draft = 0 AND a.published_at <= ?1 AND a.kind = 'dispatch'
           GROUP BY t.tag COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
