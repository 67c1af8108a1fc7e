//! What a publish reads of the archive before it loads a file: content hashes (to skip
//! the unchanged), slug owners (to settle slugs), roots (for `--prune`) and images' facts
//! and users (to render again the articles showing a changed image).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

/// Content hash of every stored source file, by source path (articles, authors, streams,
/// redirect stubs, files), so unchanged files are skipped without parsing.
pub(crate) fn source_hashes(conn: &Connection) -> rusqlite::Result<HashMap<String, String>> {
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

/// The content hashes of the source files `paths`, where they are stored.
pub(crate) fn source_hashes_of(
    conn: &Connection,
    paths: &[String],
) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT content_hash FROM articles WHERE source_path = ?1
         UNION ALL SELECT content_hash FROM authors WHERE source_path = ?1
         UNION ALL SELECT content_hash FROM streams WHERE source_path = ?1
         UNION ALL SELECT content_hash FROM redirects WHERE source_path = ?1
         UNION ALL SELECT content_hash FROM files WHERE source_path = ?1
         LIMIT 1",
    )?;
    let mut hashes = HashMap::new();
    for path in paths {
        let hash: Option<String> = stmt.query_row([path], |r| r.get(0)).optional()?;
        hashes.extend(hash.map(|h| (path.clone(), h)));
    }
    Ok(hashes)
}

/// The folder each of the source files `paths` was published from, where recorded.
pub(crate) fn source_roots_of(
    conn: &Connection,
    paths: &[String],
) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT root FROM source_roots WHERE source_path = ?1")?;
    let mut roots = HashMap::new();
    for path in paths {
        let root: Option<String> = stmt.query_row([path], |r| r.get(0)).optional()?;
        roots.extend(root.map(|r| (path.clone(), r)));
    }
    Ok(roots)
}

/// The size and variants of every published image, by its path in the content folder
/// (from the `files_images` index: the bytes are never read).
pub(crate) fn image_facts(
    conn: &Connection,
) -> rusqlite::Result<HashMap<String, crate::content::images::ImageFacts>> {
    let mut stmt = conn.prepare(
        "SELECT path, width, height, variant_key, variant_widths FROM files
         WHERE width IS NOT NULL AND height IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        let widths: String = r.get(4)?;
        Ok((
            r.get(0)?,
            crate::content::images::ImageFacts {
                width: r.get(1)?,
                height: r.get(2)?,
                variant_key: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                variant_widths: widths.split(',').filter_map(|w| w.parse().ok()).collect(),
            },
        ))
    })?;
    rows.collect()
}

/// The articles (source paths) whose pages show each published image.
pub(crate) fn image_users(conn: &Connection) -> rusqlite::Result<HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare("SELECT image_path, source_path FROM article_images")?;
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    for row in rows {
        let (image, source) = row?;
        users.entry(image).or_default().push(source);
    }
    Ok(users)
}

/// The folder each source file was published from, by source path.
pub(crate) fn source_roots(conn: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT source_path, root FROM source_roots")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Which source file holds each article slug.
pub(crate) fn slug_owners(conn: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT slug, source_path FROM articles")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Which source file holds the article slug `slug`.
pub(crate) fn slug_owner(conn: &Connection, slug: &str) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT source_path FROM articles WHERE slug = ?1")?;
    stmt.query_row([slug], |r| r.get(0)).optional()
}

/// The slug of the article stored from the source file `rel`.
pub(crate) fn slug_of_source(conn: &Connection, rel: &str) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT slug FROM articles WHERE source_path = ?1")?;
    stmt.query_row([rel], |r| r.get(0)).optional()
}
