//! Plain functions on a `&Connection`: every SQL statement of the program.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::writer::{Applied, ArticleRow, AuthorRow, Batch, FileRow, RedirectRow, StreamRow};

// ---------------------------------------------------------------------------------------
// Publishing

/// Content hash of every stored source file, by source path (articles, authors, streams,
/// redirect stubs, files), so unchanged files are skipped without parsing.
pub fn source_hashes(conn: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source_path, content_hash FROM articles
         UNION ALL SELECT source_path, content_hash FROM authors WHERE source_path IS NOT NULL
         UNION ALL SELECT source_path, content_hash FROM streams WHERE source_path IS NOT NULL
         UNION ALL SELECT source_path, content_hash FROM redirects
         UNION ALL SELECT source_path, content_hash FROM files",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Which source file holds each article slug.
pub fn slug_owners(conn: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT slug, source_path FROM articles")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Applies a publish batch inside the caller's transaction. A row the database refuses
/// is rolled back alone (savepoint) and reported; the others stay.
/// Applies `batch` with `articles` (which may still be arriving: the writer streams them
/// from the renderers) inside the caller's transaction; `batch.articles` is not read.
pub fn apply_batch(
    conn: &Connection,
    batch: &Batch,
    articles: impl Iterator<Item = ArticleRow>,
) -> rusqlite::Result<Applied> {
    let mut applied = Applied::default();
    let mut departed = Vec::new();
    for path in &batch.remove {
        departed.extend(departing(conn, path)?);
        applied.removed += remove_source(conn, path)?;
    }
    for s in &batch.streams {
        upsert_stream(conn, s)?;
    }
    for a in &batch.authors {
        upsert_author(conn, a)?;
    }
    for a in articles {
        conn.execute_batch("SAVEPOINT article")?;
        match upsert_article(conn, &a, batch.now) {
            Ok(existed) => {
                conn.execute_batch("RELEASE article")?;
                if existed {
                    applied.updated += 1;
                } else {
                    applied.added += 1;
                }
            }
            // Only a constraint (a slug taken meanwhile) is this row's problem; anything
            // else (a full disk, I/O) ends the batch, and SQLite may already have rolled
            // the transaction back, savepoint and all.
            Err(e)
                if e.sqlite_error_code() != Some(rusqlite::ErrorCode::ConstraintViolation)
                    || conn.is_autocommit() =>
            {
                return Err(e);
            }
            Err(e) => {
                conn.execute_batch("ROLLBACK TO article; RELEASE article")?;
                applied
                    .refused
                    .push((a.source_path.clone(), refusal(&e, &a)));
            }
        }
    }
    for d in &departed {
        settle_departed(conn, d, batch.now)?;
    }
    for r in &batch.redirects {
        upsert_redirect(conn, r)?;
    }
    for f in &batch.files {
        upsert_file(conn, f, batch.now)?;
    }
    conn.execute(
        "INSERT INTO publishes (finished_at, added, updated, removed) VALUES (?1, ?2, ?3, ?4)",
        params![
            batch.now,
            applied.added as i64,
            applied.updated as i64,
            applied.removed as i64
        ],
    )?;
    Ok(applied)
}

fn refusal(e: &rusqlite::Error, a: &ArticleRow) -> String {
    let text = e.to_string();
    if text.contains("articles.slug") {
        format!("slug `{}` was taken by another file meanwhile", a.slug)
    } else {
        format!("the database refused this article: {text}")
    }
}

/// A published article about to be removed, and the slugs that led to it.
struct Departed {
    slugs: Vec<String>,
    title: String,
    markdown: String,
    published_at: i64,
}

fn departing(conn: &Connection, path: &str) -> rusqlite::Result<Option<Departed>> {
    let found = conn
        .prepare_cached(
            "SELECT id, slug, title, markdown, published_at FROM articles
             WHERE source_path = ?1 AND draft = 0",
        )?
        .query_row([path], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Departed {
                    slugs: vec![r.get(1)?],
                    title: r.get(2)?,
                    markdown: r.get(3)?,
                    published_at: r.get(4)?,
                },
            ))
        })
        .optional()?;
    let Some((id, mut d)) = found else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached("SELECT old_slug FROM moved WHERE article_id = ?1")?;
    for slug in stmt.query_map([id], |r| r.get(0))? {
        d.slugs.push(slug?);
    }
    Ok(Some(d))
}

/// After a batch's articles are in: a removed article whose text (or title and date)
/// reappeared under another slug was renamed, and its old slugs move to it (301);
/// otherwise its slugs are gone (410). A slug that a live article took is neither.
fn settle_departed(conn: &Connection, d: &Departed, now: i64) -> rusqlite::Result<()> {
    let successor: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM articles WHERE draft = 0 AND slug <> ?1
               AND (markdown = ?2 OR (title = ?3 AND published_at = ?4))
             ORDER BY touched_at DESC LIMIT 1",
        )?
        .query_row(
            params![d.slugs[0], d.markdown, d.title, d.published_at],
            |r| r.get(0),
        )
        .optional()?;
    for slug in &d.slugs {
        let taken = conn
            .prepare_cached("SELECT 1 FROM articles WHERE slug = ?1")?
            .exists([slug])?;
        if taken {
            continue;
        }
        match successor {
            Some(id) => conn.execute(
                "INSERT INTO moved (old_slug, article_id) VALUES (?1, ?2)
                 ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id",
                params![slug, id],
            )?,
            None => conn.execute(
                "INSERT INTO gone (slug, title, removed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (slug) DO UPDATE SET title = excluded.title, removed_at = excluded.removed_at",
                params![slug, d.title, now],
            )?,
        };
    }
    Ok(())
}

fn remove_source(conn: &Connection, path: &str) -> rusqlite::Result<usize> {
    let mut n = conn.execute("DELETE FROM articles WHERE source_path = ?1", [path])?;
    n += conn.execute("DELETE FROM redirects WHERE source_path = ?1", [path])?;
    n += conn.execute("DELETE FROM files WHERE source_path = ?1", [path])?;
    // Authors and streams stay as names that articles may still use; they only lose
    // what their file said.
    n += conn.execute(
        "UPDATE authors SET source_path = NULL, content_hash = NULL, bio = '', links_json = '[]', html = ''
         WHERE source_path = ?1",
        [path],
    )?;
    n += conn.execute(
        "UPDATE streams SET source_path = NULL, content_hash = NULL, description = '', html = ''
         WHERE source_path = ?1",
        [path],
    )?;
    Ok(n)
}

fn upsert_stream(conn: &Connection, s: &StreamRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO streams (id, name, description, html, source_path, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
             html = excluded.html, source_path = excluded.source_path,
             content_hash = excluded.content_hash",
        params![
            s.id,
            s.name,
            s.description,
            s.html,
            s.source_path,
            s.content_hash
        ],
    )?;
    conn.execute(
        "UPDATE articles SET stream_name = ?2 WHERE stream_id = ?1 AND stream_name <> ?2",
        params![s.id, s.name],
    )?;
    Ok(())
}

fn upsert_author(conn: &Connection, a: &AuthorRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO authors (id, name, bio, links_json, html, source_path, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, bio = excluded.bio,
             links_json = excluded.links_json, html = excluded.html,
             source_path = excluded.source_path, content_hash = excluded.content_hash",
        params![
            a.id,
            a.name,
            a.bio,
            a.links_json,
            a.html,
            a.source_path,
            a.content_hash
        ],
    )?;
    conn.execute(
        "UPDATE articles SET author_name = ?2 WHERE author_id = ?1 AND author_name <> ?2",
        params![a.id, a.name],
    )?;
    Ok(())
}

/// Inserts or updates one article with its tags and aliases; true if it existed before.
fn upsert_article(conn: &Connection, a: &ArticleRow, now: i64) -> rusqlite::Result<bool> {
    let previous: Option<(i64, String, bool)> = conn
        .prepare_cached("SELECT id, slug, draft FROM articles WHERE source_path = ?1")?
        .query_row([&a.source_path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let existed = previous.is_some();
    let stream_name = match &a.stream_id {
        Some(id) => {
            // A stream named only by articles exists with its id as its name.
            conn.execute(
                "INSERT INTO streams (id, name) VALUES (?1, ?1) ON CONFLICT (id) DO NOTHING",
                [id],
            )?;
            conn.query_row("SELECT name FROM streams WHERE id = ?1", [id], |r| r.get(0))?
        }
        None => String::new(),
    };
    let author_name = match &a.author {
        Some((id, name)) => {
            conn.execute(
                "INSERT INTO authors (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING",
                [id, name],
            )?;
            conn.query_row("SELECT name FROM authors WHERE id = ?1", [id], |r| r.get(0))?
        }
        None => String::new(),
    };
    let id: i64 = conn.prepare_cached(
        "INSERT INTO articles (source_path, content_hash, slug, title, dek, published_at, updated_at,
             stream_id, author_id, draft, hero_json, sources_json, authors_json, extra_json,
             front_matter_json, markdown, html, summary_html, toc_json, body_text, word_count,
             reading_minutes, tags_text, stream_name, author_name, touched_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
         ON CONFLICT (source_path) DO UPDATE SET content_hash = excluded.content_hash,
             slug = excluded.slug, title = excluded.title, dek = excluded.dek,
             published_at = excluded.published_at, updated_at = excluded.updated_at,
             stream_id = excluded.stream_id, author_id = excluded.author_id, draft = excluded.draft,
             hero_json = excluded.hero_json, sources_json = excluded.sources_json,
             authors_json = excluded.authors_json, extra_json = excluded.extra_json,
             front_matter_json = excluded.front_matter_json, markdown = excluded.markdown,
             html = excluded.html, summary_html = excluded.summary_html, toc_json = excluded.toc_json,
             body_text = excluded.body_text, word_count = excluded.word_count,
             reading_minutes = excluded.reading_minutes, tags_text = excluded.tags_text,
             stream_name = excluded.stream_name, author_name = excluded.author_name,
             touched_at = excluded.touched_at
         RETURNING id",
    )?
    .query_row(
        params![
            a.source_path, a.content_hash, a.slug, a.title, a.dek, a.published_at, a.updated_at,
            a.stream_id, a.author.as_ref().map(|(id, _)| id), a.draft as i64, a.hero_json,
            a.sources_json, a.authors_json, a.extra_json, a.front_matter_json, a.markdown, a.html,
            a.summary_html, a.toc_json, a.body_text, a.word_count, a.reading_minutes,
            a.tags.join(" "), stream_name, author_name, now
        ],
        |r| r.get(0),
    )?;
    // A slug in use is neither gone nor moved any more.
    conn.execute("DELETE FROM gone WHERE slug = ?1", [&a.slug])?;
    conn.execute("DELETE FROM moved WHERE old_slug = ?1", [&a.slug])?;
    if let Some((_, old_slug, was_draft)) = previous
        && old_slug != a.slug
        && !was_draft
    {
        conn.execute(
            "INSERT INTO moved (old_slug, article_id) VALUES (?1, ?2)
             ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id",
            params![old_slug, id],
        )?;
    }
    conn.execute("DELETE FROM article_tags WHERE article_id = ?1", [id])?;
    let mut tag = conn.prepare_cached(
        "INSERT INTO article_tags (article_id, tag, position) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    for (i, t) in a.tags.iter().enumerate() {
        tag.execute(params![id, t, i as i64])?;
    }
    conn.execute("DELETE FROM aliases WHERE article_id = ?1", [id])?;
    let mut alias = conn.prepare_cached(
        "INSERT INTO aliases (path, article_id) VALUES (?1, ?2)
         ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id",
    )?;
    for p in &a.aliases {
        alias.execute(params![p, id])?;
    }
    Ok(existed)
}

fn upsert_redirect(conn: &Connection, r: &RedirectRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO redirects (slug, target, source_path, content_hash) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (source_path) DO UPDATE SET slug = excluded.slug, target = excluded.target,
             content_hash = excluded.content_hash",
        params![r.slug, r.target, r.source_path, r.content_hash],
    )?;
    Ok(())
}

fn upsert_file(conn: &Connection, f: &FileRow, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO files (path, content_type, bytes, content_hash, source_path, touched_at)
         VALUES (?1, ?2, ?3, ?4, ?1, ?5)
         ON CONFLICT (path) DO UPDATE SET content_type = excluded.content_type,
             bytes = excluded.bytes, content_hash = excluded.content_hash,
             touched_at = excluded.touched_at",
        params![f.path, f.content_type, f.bytes, f.content_hash, now],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Checks

/// Runs SQLite's `integrity_check` and the FTS5 external-content check; `Ok(())` when both pass.
pub fn check_integrity(conn: &Connection) -> Result<(), String> {
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
pub fn article_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
}

// ---------------------------------------------------------------------------------------
// Reading (the server)

/// When the visible archive last changed (the latest publish or the latest article to
/// go live) and when it will next change by itself (the next scheduled article).
pub fn site_clock(conn: &Connection, now: i64) -> rusqlite::Result<(i64, Option<i64>)> {
    conn.prepare_cached(
        "SELECT max(ifnull((SELECT max(finished_at) FROM publishes), 0),
                    ifnull((SELECT max(published_at) FROM articles WHERE draft = 0 AND published_at <= ?1), 0)),
                (SELECT min(published_at) FROM articles WHERE draft = 0 AND published_at > ?1)",
    )?
    .query_row([now], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// An article as listed on index pages.
#[derive(Debug, Clone)]
pub struct Summary {
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
pub enum Filter<'a> {
    All,
    Stream(&'a str),
    Tag(&'a str),
    Author(&'a str),
}

const SUMMARY_COLUMNS: &str = "a.slug, a.title, a.dek, a.published_at, a.stream_id, a.stream_name, a.reading_minutes, a.summary_html";

/// `published` is the visibility rule used everywhere: not a draft, not scheduled after now.
const PUBLISHED: &str = "a.draft = 0 AND a.published_at <= ?1";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
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
        "SELECT count(*) FROM articles a WHERE {PUBLISHED}{cond} AND ?2 = ?2"
    ))?
    .query_row(params![now, arg], |r| r.get(0))
}

/// One page of published articles, newest first, and how many there are in all.
pub fn list_articles(
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
        "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {PUBLISHED}{cond} AND ?2 = ?2
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![now, arg, limit, offset], summary)?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// A whole article for its page.
#[derive(Debug, Clone)]
pub struct FullArticle {
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
    pub tags: Vec<String>,
}

/// The published article at `slug`.
pub fn article(conn: &Connection, slug: &str, now: i64) -> rusqlite::Result<Option<FullArticle>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, a.id, a.updated_at, a.author_id, a.author_name, a.hero_json,
                    a.sources_json, a.html, a.toc_json, a.word_count, a.source_path
             FROM articles a WHERE a.slug = ?2 AND {PUBLISHED}"
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
                tags: Vec::new(),
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

/// The published articles just older and just newer than `a`.
pub fn neighbours(
    conn: &Connection,
    a: &FullArticle,
    now: i64,
) -> rusqlite::Result<(Option<Summary>, Option<Summary>)> {
    let t = a.summary.published_at;
    let older = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {PUBLISHED}
             AND (a.published_at < ?2 OR (a.published_at = ?2 AND a.id < ?3))
             ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
        ))?
        .query_row(params![now, t, a.id], summary)
        .optional()?;
    let newer = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {PUBLISHED}
             AND (a.published_at > ?2 OR (a.published_at = ?2 AND a.id > ?3))
             ORDER BY a.published_at ASC, a.id ASC LIMIT 1"
        ))?
        .query_row(params![now, t, a.id], summary)
        .optional()?;
    Ok((older, newer))
}

/// Up to `n` published articles sharing the most tags (and then the stream) with `a`.
pub fn related(
    conn: &Connection,
    a: &FullArticle,
    now: i64,
    n: i64,
) -> rusqlite::Result<Vec<Summary>> {
    // Candidates come from the indexes (articles sharing a tag, the stream's latest) and
    // are ranked on columns at the head of each row; only the chosen few are read
    // whole, since a row's later columns sit behind its large Markdown and HTML. The
    // planner, left alone, scans every tag row in article order to save the GROUP BY's
    // sort: 3.5 times slower at 2,000 articles, and worse as the archive grows.
    let mut stmt = conn.prepare_cached(&format!(
        "WITH cand (id, score) AS (
             SELECT t.article_id, 2 * count(*) FROM article_tags t INDEXED BY article_tags_tag
             WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = ?2)
               AND t.article_id <> ?2
             GROUP BY t.article_id
             UNION ALL
             SELECT id, 0 FROM (SELECT a.id FROM articles a
                 WHERE a.stream_id = ?3 AND a.id <> ?2 AND {PUBLISHED}
                 ORDER BY a.published_at DESC LIMIT 50)
         ),
         scored (id, score, published_at) AS (
             SELECT c.id, sum(c.score) + (a.stream_id IS ?3), a.published_at
             FROM cand c JOIN articles a INDEXED BY articles_rank ON a.id = c.id
             WHERE {PUBLISHED}
             GROUP BY c.id ORDER BY 2 DESC, 3 DESC LIMIT ?4
         )
         SELECT {SUMMARY_COLUMNS}, s.score FROM scored s JOIN articles a ON a.id = s.id
         ORDER BY s.score DESC, s.published_at DESC"
    ))?;
    let rows = stmt.query_map(params![now, a.id, a.summary.stream_id, n], |r| {
        Ok((summary(r)?, r.get::<_, i64>(8)?))
    })?;
    let scored: Vec<(Summary, i64)> = rows.collect::<Result<_, _>>()?;
    Ok(scored
        .into_iter()
        .filter(|(_, s)| *s > 0)
        .map(|(s, _)| s)
        .collect())
}

/// An author for the byline box and author page.
#[derive(Debug, Clone)]
pub struct AuthorInfo {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links_json: String,
    pub html: String,
}

pub fn author(conn: &Connection, id: &str) -> rusqlite::Result<Option<AuthorInfo>> {
    conn.prepare_cached("SELECT id, name, bio, links_json, html FROM authors WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(AuthorInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                bio: r.get(2)?,
                links_json: r.get(3)?,
                html: r.get(4)?,
            })
        })
        .optional()
}

/// A stream with its number of published articles.
#[derive(Debug, Clone)]
pub struct StreamInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub count: i64,
}

/// Streams that have at least one published article, largest first.
pub fn streams(conn: &Connection, now: i64) -> rusqlite::Result<Vec<StreamInfo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.name, s.description, count(a.id) FROM streams s
         JOIN articles a ON a.stream_id = s.id AND {PUBLISHED}
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

pub fn stream(conn: &Connection, id: &str) -> rusqlite::Result<Option<StreamInfo>> {
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
pub fn now_writing(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT title FROM articles WHERE draft = 1 ORDER BY touched_at DESC, id DESC LIMIT 1",
    )?
    .query_row([], |r| r.get(0))
    .optional()
}

/// Published articles per month: (year, month, count), newest first.
pub fn archive_months(conn: &Connection, now: i64) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT CAST(strftime('%Y', a.published_at, 'unixepoch') AS INTEGER),
                CAST(strftime('%m', a.published_at, 'unixepoch') AS INTEGER), count(*)
         FROM articles a WHERE {PUBLISHED} GROUP BY 1, 2 ORDER BY 1 DESC, 2 DESC"
    ))?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Where an old URL now lives: the slug an alias points to.
pub fn alias_target(conn: &Connection, path: &str, now: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(&format!(
        "SELECT a.slug FROM aliases JOIN articles a ON a.id = aliases.article_id WHERE aliases.path = ?2 AND {PUBLISHED}"
    ))?
    .query_row(params![now, path], |r| r.get(0))
    .optional()
}

/// The target of a redirect stub named `slug`.
/// The spelling a tag's page goes by when authors wrote it several ways (`Community`,
/// `community`): the first in byte order, as the sitemap lists it.
pub fn canonical_tag(conn: &Connection, tag: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT min(tag) FROM article_tags WHERE tag = ?1 COLLATE NOCASE")?
        .query_row([tag], |r| r.get(0))
}

/// Where an article that had `slug` lives now, if it was renamed and is visible.
pub fn moved_to(conn: &Connection, slug: &str, now: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(&format!(
        "SELECT a.slug FROM moved m JOIN articles a ON a.id = m.article_id
         WHERE m.old_slug = ?2 AND {PUBLISHED}"
    ))?
    .query_row(params![now, slug], |r| r.get(0))
    .optional()
}

/// The title of the removed article that had `slug`.
pub fn gone(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT title FROM gone WHERE slug = ?1")?
        .query_row([slug], |r| r.get(0))
        .optional()
}

pub fn redirect_target(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT target FROM redirects WHERE slug = ?1")?
        .query_row([slug], |r| r.get(0))
        .optional()
}

/// A published file: (content type, bytes, hash).
pub fn file(conn: &Connection, path: &str) -> rusqlite::Result<Option<(String, Vec<u8>, String)>> {
    conn.prepare_cached("SELECT content_type, bytes, content_hash FROM files WHERE path = ?1")?
        .query_row([path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

/// An article as a feed entry carries it: whole, with its dates and tags.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub summary: Summary,
    pub updated_at: Option<i64>,
    pub author_name: String,
    pub hero_json: Option<String>,
    pub html: String,
    pub tags: Vec<String>,
}

/// One page of a feed, newest first, and how many entries the feed has in all.
pub fn feed_entries(
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
                    (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position))
         FROM articles a WHERE {PUBLISHED}{cond} AND ?2 = ?2
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
        })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// Every public page and when it last changed, for the sitemap: article paths, and
/// `stream:`, `author:` and `tag:` names for the caller to encode into paths.
pub fn sitemap(conn: &Connection, now: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT '/dispatches/' || a.slug, max(a.published_at, ifnull(a.updated_at, 0))
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1
         UNION ALL
         SELECT 'stream:' || a.stream_id, max(a.published_at)
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1 AND a.stream_id IS NOT NULL
           GROUP BY a.stream_id
         UNION ALL
         SELECT 'author:' || a.author_id, max(a.published_at)
           FROM articles a WHERE a.draft = 0 AND a.published_at <= ?1 AND a.author_id IS NOT NULL
           GROUP BY a.author_id
         UNION ALL
         SELECT 'tag:' || min(t.tag), max(a.published_at)
           FROM article_tags t JOIN articles a ON a.id = t.article_id
           WHERE a.draft = 0 AND a.published_at <= ?1 GROUP BY t.tag COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

// ---------------------------------------------------------------------------------------
// Search

/// A search filter on article metadata; `bool` negates (`-tag:x`).
#[derive(Debug, Clone, PartialEq)]
pub enum SearchFilter {
    /// By stream id or name.
    Stream(String, bool),
    Tag(String, bool),
    /// By author id or name.
    Author(String, bool),
    /// Published in [start, end), Unix time.
    Between(i64, i64),
}

/// A compiled search: an FTS5 expression (or none: filters only, newest first).
pub struct SearchSpec<'a> {
    pub fts: Option<&'a str>,
    /// Articles matching this phrase rank above the rest.
    pub phrase: Option<&'a str>,
    pub filters: &'a [SearchFilter],
    pub now: i64,
    pub limit: i64,
    pub offset: i64,
}

/// One search result as stored.
pub struct SearchRow {
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub published_at: i64,
    pub stream_name: String,
    pub source_path: String,
    /// Text with matches between U+E000 and U+E001, not yet escaped.
    pub snippet: String,
}

/// Runs a search: how many match in all, and one page of them, best first.
pub fn search(conn: &Connection, spec: &SearchSpec<'_>) -> rusqlite::Result<(i64, Vec<SearchRow>)> {
    use rusqlite::types::Value;
    let mut args: Vec<Value> = vec![Value::Integer(spec.now)];
    let mut from = String::from("articles a");
    let mut cond = String::from("a.draft = 0 AND a.published_at <= ?1");
    if let Some(fts) = spec.fts {
        from = "articles_fts JOIN articles a ON a.id = articles_fts.rowid".into();
        args.push(Value::Text(fts.into()));
        cond.push_str(&format!(" AND articles_fts MATCH ?{}", args.len()));
    }
    for f in spec.filters {
        let (sql, value, negated) = match f {
            SearchFilter::Stream(v, n) => (
                "(a.stream_id = ?N COLLATE NOCASE OR a.stream_name = ?N COLLATE NOCASE)",
                Value::Text(v.clone()),
                *n,
            ),
            SearchFilter::Author(v, n) => (
                "(a.author_id = ?N COLLATE NOCASE OR a.author_name = ?N COLLATE NOCASE)",
                Value::Text(v.clone()),
                *n,
            ),
            SearchFilter::Tag(v, n) => (
                "a.id IN (SELECT article_id FROM article_tags WHERE tag = ?N COLLATE NOCASE)",
                Value::Text(v.clone()),
                *n,
            ),
            SearchFilter::Between(start, end) => {
                args.push(Value::Integer(*start));
                args.push(Value::Integer(*end));
                cond.push_str(&format!(
                    " AND a.published_at >= ?{} AND a.published_at < ?{}",
                    args.len() - 1,
                    args.len()
                ));
                continue;
            }
        };
        args.push(value);
        let sql = sql.replace("?N", &format!("?{}", args.len()));
        cond.push_str(&if negated {
            format!(" AND NOT {sql}")
        } else {
            format!(" AND {sql}")
        });
    }
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {cond}"))?
        .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?;
    if spec.limit == 0 || total == 0 {
        return Ok((total, Vec::new()));
    }
    let (snippet, order) = match spec.fts {
        Some(_) => {
            let boost = match spec.phrase {
                Some(p) => {
                    args.push(Value::Text(p.into()));
                    format!(
                        "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{}), ",
                        args.len()
                    )
                }
                None => String::new(),
            };
            (
                "snippet(articles_fts, 2, char(57344), char(57345), '…', 24)",
                format!("{boost}bm25(articles_fts, 10.0, 4.0, 1.0, 3.0, 2.0, 2.0)"),
            )
        }
        None => (
            "CASE WHEN a.dek <> '' THEN a.dek ELSE substr(a.body_text, 1, 200) || '…' END",
            "a.published_at DESC, a.id DESC".to_string(),
        ),
    };
    args.push(Value::Integer(spec.limit));
    args.push(Value::Integer(spec.offset));
    let sql = format!(
        "SELECT a.slug, a.title, a.dek, a.published_at, a.stream_name, a.source_path, {snippet}
         FROM {from} WHERE {cond} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
        Ok(SearchRow {
            slug: r.get(0)?,
            title: r.get(1)?,
            dek: r.get(2)?,
            published_at: r.get(3)?,
            stream_name: r.get(4)?,
            source_path: r.get(5)?,
            snippet: r.get(6)?,
        })
    })?;
    Ok((total, rows.collect::<Result<_, _>>()?))
}

/// The indexed term closest to `word` (edit distance 1, or 2 for long words), most
/// frequent first; `None` when `word` is itself indexed or nothing is close. Candidates
/// share the first letter, which keeps the scan to one slice of the vocabulary.
pub fn closest_term(conn: &Connection, word: &str) -> rusqlite::Result<Option<String>> {
    let Some(first) = word.chars().next() else {
        return Ok(None);
    };
    let len = word.chars().count() as i64;
    if len < 4 {
        return Ok(None);
    }
    let exists = conn
        .prepare_cached("SELECT 1 FROM articles_vocab WHERE term = ?1")?
        .exists([word])?;
    if exists {
        return Ok(None);
    }
    let lo = first.to_string();
    let hi = char::from_u32(first as u32 + 1).map_or(String::from("\u{10FFFF}"), String::from);
    let max = if len >= 8 { 2 } else { 1 };
    let mut stmt = conn.prepare_cached(
        "SELECT term, doc FROM articles_vocab
         WHERE term >= ?1 AND term < ?2 AND length(term) BETWEEN ?3 AND ?4",
    )?;
    let mut best: Option<(usize, i64, String)> = None;
    let rows = stmt.query_map(params![lo, hi, len - max, len + max], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (term, docs) = row?;
        let d = edit_distance(word, &term);
        if d <= max as usize
            && best
                .as_ref()
                .is_none_or(|(bd, bdocs, _)| (d, -docs) < (*bd, -*bdocs))
        {
            best = Some((d, docs, term));
        }
    }
    Ok(best.map(|(_, _, t)| t))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
