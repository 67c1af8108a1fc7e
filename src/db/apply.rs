//! Applying a publish batch inside the writer's transaction: upserts of streams, authors,
//! articles (with tags, aliases and the full-text row), redirects and files; removals,
//! with renames (301) and departures (410) settled after the articles are in.

use rusqlite::{Connection, OptionalExtension, params};

use super::batch::{Applied, ArticleRow, AuthorRow, Batch, FileRow, RedirectRow, StreamRow};

/// Applies `batch` with `articles` (which may still be arriving: the writer streams them
/// from the renderers) inside the caller's transaction. A row the database refuses is
/// rolled back alone (savepoint) and reported; the others stay.
pub(crate) fn apply_batch(
    conn: &Connection,
    batch: &Batch,
    articles: impl Iterator<Item = ArticleRow>,
) -> rusqlite::Result<Applied> {
    let mut applied = Applied::default();
    let mut departed = Vec::new();
    let mut related = super::related::Tracker::default();
    for path in &batch.remove {
        related.before(conn, path)?;
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
    let mut articles = articles.peekable();
    while articles.peek().is_some() {
        let group: Vec<ArticleRow> = articles.by_ref().take(ARTICLES_PER_SAVEPOINT).collect();
        for a in &group {
            related.before(conn, &a.source_path)?;
        }
        apply_group(conn, &group, batch.now, &mut applied)?;
    }
    for d in &departed {
        settle_departed(conn, d, batch.now)?;
    }
    let mut touched = related.finish(conn)?;
    // What every article page shows besides its own article: its stream's and author's
    // names, and the 301s and 410s of removed articles' slugs.
    touched.all |= !(batch.remove.is_empty()
        && batch.streams.is_empty()
        && batch.authors.is_empty()
        && batch.redirects.is_empty());
    super::changes::record(conn, &touched)?;
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

/// Articles written under one savepoint. FTS5 writes its pending terms out as a new
/// segment whenever a savepoint opens or ends, so a savepoint per article made a
/// 2,000-article publish write 2,000 segments and merge them again (a fifth of its CPU).
const ARTICLES_PER_SAVEPOINT: usize = 64;

/// Applies `group` under one savepoint; when the database refuses a row, undoes the
/// group and applies it again one article at a time, so only that row is refused.
fn apply_group(
    conn: &Connection,
    group: &[ArticleRow],
    now: i64,
    applied: &mut Applied,
) -> rusqlite::Result<()> {
    // A path twice in one group would have its full-text row deleted (by the update
    // trigger) before `index_new` wrote it; a publish plans one row per file.
    debug_assert!(
        group
            .iter()
            .map(|a| &a.source_path)
            .collect::<std::collections::HashSet<_>>()
            .len()
            == group.len(),
        "one row per source path"
    );
    conn.execute_batch("SAVEPOINT articles")?;
    let mut new = Vec::new();
    for a in group {
        match upsert_article(conn, a, now) {
            Ok(Some(id)) => new.push(id),
            Ok(None) => {}
            Err(e) if refused_alone(&e, conn) => {
                conn.execute_batch("ROLLBACK TO articles; RELEASE articles")?;
                return group
                    .iter()
                    .try_for_each(|a| apply_one(conn, a, now, applied));
            }
            Err(e) => return Err(e),
        }
    }
    index_new(conn, &new)?;
    conn.execute_batch("RELEASE articles")?;
    applied.added += new.len();
    applied.updated += group.len() - new.len();
    Ok(())
}

/// Applies `a` under a savepoint of its own; a row the database refuses is undone and
/// reported.
fn apply_one(
    conn: &Connection,
    a: &ArticleRow,
    now: i64,
    applied: &mut Applied,
) -> rusqlite::Result<()> {
    conn.execute_batch("SAVEPOINT article")?;
    match upsert_article(conn, a, now).and_then(|new| {
        index_new(conn, new.as_slice())?;
        Ok(new)
    }) {
        Ok(new) => {
            conn.execute_batch("RELEASE article")?;
            if new.is_some() {
                applied.added += 1;
            } else {
                applied.updated += 1;
            }
            Ok(())
        }
        Err(e) if refused_alone(&e, conn) => {
            conn.execute_batch("ROLLBACK TO article; RELEASE article")?;
            applied
                .refused
                .push((a.source_path.clone(), refusal(&e, a)));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Writes the full-text rows of the new articles `ids` in one statement (one FTS5
/// segment for them all; updates keep their trigger, see schema_10.sql).
fn index_new(conn: &Connection, ids: &[i64]) -> rusqlite::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(ids).expect("integers serialise");
    conn.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, dek, body_text, tags_text, stream_name, author_name)
         SELECT id, title, dek, body_text, tags_text, stream_name, author_name FROM articles
         WHERE id IN (SELECT value FROM json_each(?1))",
    )?
    .execute([ids])?;
    Ok(())
}

/// Only a constraint (a slug taken meanwhile) is one row's problem; anything else (a
/// full disk, I/O) ends the batch, and SQLite may already have rolled the transaction
/// back, savepoints and all.
fn refused_alone(e: &rusqlite::Error, conn: &Connection) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) && !conn.is_autocommit()
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
        "INSERT INTO authors (id, name, bio, links_json, html, source_path, content_hash, avatar)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, bio = excluded.bio,
             links_json = excluded.links_json, html = excluded.html,
             source_path = excluded.source_path, content_hash = excluded.content_hash,
             avatar = excluded.avatar",
        params![
            a.id,
            a.name,
            a.bio,
            a.links_json,
            a.html,
            a.source_path,
            a.content_hash,
            a.avatar
        ],
    )?;
    conn.execute(
        "UPDATE articles SET author_name = ?2 WHERE author_id = ?1 AND author_name <> ?2",
        params![a.id, a.name],
    )?;
    Ok(())
}

/// Inserts or updates one article with its tags, language and aliases; the new row's id
/// when it is new (its full-text row is for the caller to write: `index_new`).
fn upsert_article(conn: &Connection, a: &ArticleRow, now: i64) -> rusqlite::Result<Option<i64>> {
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
             reading_minutes, tags_text, stream_name, author_name, touched_at, kind, menu, weight,
             featured)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)
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
             touched_at = excluded.touched_at, kind = excluded.kind, menu = excluded.menu,
             weight = excluded.weight, featured = excluded.featured
         RETURNING id",
    )?
    .query_row(
        params![
            a.source_path, a.content_hash, a.slug, a.title, a.dek, a.published_at, a.updated_at,
            a.stream_id, a.author.as_ref().map(|(id, _)| id), a.draft as i64, a.hero_json,
            a.sources_json, a.authors_json, a.extra_json, a.front_matter_json, a.markdown, a.html,
            a.summary_html, a.toc_json, a.body_text, a.word_count, a.reading_minutes,
            a.tags.join(" "), stream_name, author_name, now, a.kind, a.menu, a.weight,
            a.featured as i64
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
    write_lists(conn, a, id)?;
    Ok((!existed).then_some(id))
}

/// An article's tags, language, aliases and images, replacing what it had.
fn write_lists(conn: &Connection, a: &ArticleRow, id: i64) -> rusqlite::Result<()> {
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
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, slug: &str, words: &str) -> ArticleRow {
        ArticleRow {
            kind: "dispatch",
            menu: None,
            weight: None,
            featured: false,
            source_path: path.into(),
            content_hash: format!("hash of {path} {words}"),
            slug: slug.into(),
            title: slug.into(),
            dek: String::new(),
            published_at: 1_700_000_000,
            updated_at: None,
            stream_id: None,
            author: None,
            draft: false,
            lang: String::new(),
            translation_key: String::new(),
            hero_json: None,
            sources_json: "[]".into(),
            authors_json: "[]".into(),
            extra_json: "{}".into(),
            front_matter_json: "{}".into(),
            markdown: words.into(),
            html: format!("<p>{words}</p>"),
            summary_html: String::new(),
            toc_json: "[]".into(),
            body_text: words.into(),
            word_count: 1,
            reading_minutes: 1,
            tags: vec!["t".into()],
            aliases: Vec::new(),
            images: Vec::new(),
        }
    }

    fn found(conn: &Connection, word: &str) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT a.slug FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 WHERE articles_fts MATCH ?1 ORDER BY a.slug",
            )
            .unwrap();
        stmt.query_map([word], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn apply(conn: &mut Connection, rows: Vec<ArticleRow>) -> Applied {
        let tx = conn.transaction().unwrap();
        let applied = apply_batch(&tx, &Batch::default(), rows.into_iter()).unwrap();
        tx.commit().unwrap();
        applied
    }

    /// Groups of articles share a savepoint; a slug clash in the middle of a group undoes
    /// the group and applies it one by one, so only the clashing file is refused and the
    /// full-text index holds exactly the articles that were stored.
    #[test]
    fn a_refused_article_in_a_group_leaves_the_others_stored_and_searchable() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open_writable(&dir.path().join("archive.db")).unwrap();
        apply(&mut conn, vec![row("taken.md", "taken", "kestrel")]);
        let mut rows: Vec<ArticleRow> = (0..100)
            .map(|i| row(&format!("a{i}.md"), &format!("a{i}"), "heron"))
            .collect();
        rows[70] = row("other.md", "taken", "heron");
        let applied = apply(&mut conn, rows);
        assert_eq!((applied.added, applied.refused.len()), (99, 1));
        assert_eq!(applied.refused[0].0, "other.md");
        assert_eq!(found(&conn, "heron").len(), 99);
        assert_eq!(found(&conn, "kestrel"), vec!["taken".to_string()]);

        // Updated in place: the old words leave the index, the new ones enter it.
        let applied = apply(&mut conn, vec![row("a5.md", "a5", "plover")]);
        assert_eq!((applied.added, applied.updated), (0, 1));
        assert_eq!(found(&conn, "plover"), vec!["a5".to_string()]);
        assert_eq!(found(&conn, "heron").len(), 98);
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
    }
}
