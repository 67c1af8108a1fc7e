//! Applying a publish batch inside the writer's transaction: upserts of streams, authors,
//! articles (with tags, aliases and the full-text row), redirects and files; removals,
//! with renames (301) and departures (410) settled after the articles are in.

use rusqlite::{Connection, OptionalExtension, params};

use super::batch::{Applied, ArticleRow, AuthorRow, Batch, FileRow, RedirectRow, StreamRow};

/// Applies a publish batch inside the caller's transaction. A row the database refuses
/// is rolled back alone (savepoint) and reported; the others stay.
/// Applies `batch` with `articles` (which may still be arriving: the writer streams them
/// from the renderers) inside the caller's transaction.
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
    for (path, root) in &batch.roots {
        conn.execute(
            "INSERT INTO source_roots (source_path, root) VALUES (?1, ?2)
             ON CONFLICT (source_path) DO UPDATE SET root = excluded.root",
            params![path, root],
        )?;
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
    if !batch.files.is_empty() || !batch.remove.is_empty() {
        // Variants of images no file shows any more.
        conn.execute(
            "DELETE FROM image_variants WHERE key NOT IN
                 (SELECT variant_key FROM files WHERE variant_key IS NOT NULL)",
            [],
        )?;
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
    conn.execute("DELETE FROM article_images WHERE source_path = ?1", [path])?;
    conn.execute("DELETE FROM source_roots WHERE source_path = ?1", [path])?;
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

/// Inserts or updates one article with its tags, language and aliases; true if it existed
/// before.
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
    conn.prepare_cached(
        "INSERT INTO article_languages (article_id, lang, translation_key) VALUES (?1, ?2, ?3)
         ON CONFLICT (article_id) DO UPDATE SET lang = excluded.lang,
             translation_key = excluded.translation_key",
    )?
    .execute(params![id, a.lang, a.translation_key])?;
    conn.execute("DELETE FROM aliases WHERE article_id = ?1", [id])?;
    let mut alias = conn.prepare_cached(
        "INSERT INTO aliases (path, article_id) VALUES (?1, ?2)
         ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id",
    )?;
    for p in &a.aliases {
        alias.execute(params![p, id])?;
    }
    conn.execute(
        "DELETE FROM article_images WHERE source_path = ?1",
        [&a.source_path],
    )?;
    let mut image = conn.prepare_cached(
        "INSERT INTO article_images (source_path, image_path) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING",
    )?;
    for p in &a.images {
        image.execute(params![a.source_path, p])?;
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
    let image = f.image.as_ref();
    let widths = image.map_or(String::new(), |i| {
        let w: Vec<String> = i.variant_widths.iter().map(u32::to_string).collect();
        w.join(",")
    });
    conn.execute(
        "INSERT INTO files (path, content_type, bytes, content_hash, source_path, touched_at,
             width, height, variant_key, variant_widths)
         VALUES (?1, ?2, ?3, ?4, ?1, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (path) DO UPDATE SET content_type = excluded.content_type,
             bytes = excluded.bytes, content_hash = excluded.content_hash,
             touched_at = excluded.touched_at, width = excluded.width,
             height = excluded.height, variant_key = excluded.variant_key,
             variant_widths = excluded.variant_widths",
        params![
            f.path,
            f.content_type,
            f.bytes,
            f.content_hash,
            now,
            image.map(|i| i.width),
            image.map(|i| i.height),
            image.map(|i| &i.variant_key).filter(|k| !k.is_empty()),
            widths
        ],
    )?;
    let mut variant = conn.prepare_cached(
        "INSERT INTO image_variants (key, width, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    for v in &f.variants {
        if let Some(i) = image {
            variant.execute(params![i.variant_key, v.width, v.bytes])?;
        }
    }
    Ok(())
}
