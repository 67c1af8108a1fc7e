//! Related dispatches, ranked at publish time and kept in the `related` table
//! (schema_12.sql): the ranking (`CANDIDATE`, `rank_one`), a whole archive at once
//! (`rank_all`), and a publish's incremental upkeep (`Tracker`), which re-ranks only the
//! lists a changed article was in or now enters.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, params};

use super::changes::{self, Touched};

/// Related articles kept per article: a page shows 3, and scheduled articles hold places
/// until they are out.
pub const KEPT: i64 = 8;

/// Which articles take part, as lists and as their entries: the one place to narrow
/// them (by kind, say). `c` is the article considered.
const CANDIDATE: &str = "c.draft = 0 AND c.kind = 'dispatch'";

/// A publish re-ranking more articles than the archive holds divided by this (and more
/// than `WHOLE_ARCHIVE_MIN`) ranks the whole archive instead: upkeep costs about this
/// many ranked lists per article.
const WHOLE_ARCHIVE_RATIO: usize = 16;
const WHOLE_ARCHIVE_MIN: usize = 256;

/// Ranks article `id`'s list again from scratch (removes it when `id` takes no part).
pub fn rank_one(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM related WHERE article_id = ?1")?
        .execute([id])?;
    // Tag sharers come grouped from the tag index; of the stream's articles that share no
    // tag only the newest few can make the list, so the stream index is read newest
    // first and stops there.
    conn.prepare_cached(&format!(
        "WITH me AS (SELECT c.id, c.stream_id FROM articles c WHERE c.id = ?1 AND {CANDIDATE}),
         tagged (id, n) AS (
             SELECT t.article_id, count(*) FROM article_tags t INDEXED BY article_tags_tag
             WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = ?1)
               AND t.article_id <> ?1 AND EXISTS (SELECT 1 FROM me)
             GROUP BY t.article_id),
         streamed (id) AS (
             SELECT c.id FROM articles c INDEXED BY articles_stream_visible
             WHERE c.stream_id = (SELECT stream_id FROM me) AND c.id <> ?1 AND {CANDIDATE}
               AND c.id NOT IN (SELECT id FROM tagged)
             ORDER BY c.published_at DESC LIMIT ?2),
         cand (id, n) AS (SELECT id, n FROM tagged UNION ALL SELECT id, 0 FROM streamed)
         INSERT INTO related (article_id, related_id, score, published_at)
         SELECT ?1, c.id, 2 * cand.n + (c.stream_id IS me.stream_id), c.published_at
         FROM cand JOIN articles c INDEXED BY articles_rank ON c.id = cand.id, me
         WHERE {CANDIDATE} AND 2 * cand.n + (c.stream_id IS me.stream_id) > 0
         ORDER BY 3 DESC, 4 DESC, 2 DESC LIMIT ?2"
    ))?
    .execute(params![id, KEPT])?;
    Ok(())
}

/// Ranks every article's list again. The same ranking as `rank_one`, counted in memory:
/// SQL would sort each article's tag sharers apart (2.5 ms each at 10,000 articles),
/// where counting them in an array takes microseconds.
pub fn rank_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM related", [])?;
    let mut arts: Vec<(i64, i64, Option<String>)> = conn
        .prepare(&format!(
            "SELECT c.id, c.published_at, c.stream_id FROM articles c WHERE {CANDIDATE}"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    // Newest first, as lists rank ties, so that each group below is in rank order too.
    arts.sort_by_key(|a| std::cmp::Reverse((a.1, a.0)));
    let index: std::collections::HashMap<i64, usize> =
        arts.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); arts.len()];
    let mut stmt = conn.prepare("SELECT article_id, tag FROM article_tags")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            tags.entry(r.get(1)?).or_default().push(i);
        }
    }
    let tags: Vec<Vec<usize>> = tags.into_values().collect();
    for (t, members) in tags.iter().enumerate() {
        for &i in members {
            own[i].push(t);
        }
    }
    let mut streams: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, a) in arts.iter().enumerate() {
        if let Some(s) = &a.2 {
            streams.entry(s).or_default().push(i);
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO related (article_id, related_id, score, published_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut count = vec![0u32; arts.len()];
    for (i, me) in arts.iter().enumerate() {
        let mut touched = Vec::new();
        for &t in &own[i] {
            for &j in tags[t].iter().filter(|&&j| j != i) {
                if count[j] == 0 {
                    touched.push(j);
                }
                count[j] += 1;
            }
        }
        let mut scored: Vec<(i64, usize)> = touched
            .iter()
            .map(|&j| (2 * i64::from(count[j]) + i64::from(arts[j].2 == me.2), j))
            .collect();
        if let Some(s) = &me.2 {
            // Newest first: the stream's first few that share no tag.
            let more = streams[s.as_str()]
                .iter()
                .filter(|&&j| j != i && count[j] == 0);
            scored.extend(more.take(KEPT as usize).map(|&j| (1, j)));
        }
        for &j in &touched {
            count[j] = 0;
        }
        // Best score first, then newest (a lower index), as `rank_one` orders them.
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(score, j) in scored.iter().take(KEPT as usize) {
            insert.execute(params![me.0, arts[j].0, score, arts[j].1])?;
        }
    }
    Ok(())
}

/// Puts article `x` into every list it now belongs in (those whose last entry it beats,
/// or that are not full), each trimmed back to `KEPT`; returns those lists' articles.
fn enter(conn: &Connection, x: i64) -> rusqlite::Result<Vec<i64>> {
    let entered: Vec<i64> = conn
        .prepare_cached(&format!(
            "WITH me AS (SELECT c.id, c.stream_id, c.published_at FROM articles c
                         WHERE c.id = ?1 AND {CANDIDATE}),
             tagged (id, n) AS (
                 SELECT t.article_id, count(*) FROM article_tags t INDEXED BY article_tags_tag
                 WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = ?1)
                   AND t.article_id <> ?1 AND EXISTS (SELECT 1 FROM me)
                 GROUP BY t.article_id),
             cand (id, n) AS (
                 SELECT id, n FROM tagged
                 UNION ALL
                 SELECT c.id, 0 FROM articles c INDEXED BY articles_stream_visible
                 WHERE c.stream_id = (SELECT stream_id FROM me) AND c.id <> ?1
                   AND c.id NOT IN (SELECT id FROM tagged)),
             scored (id, score) AS (
                 SELECT c.id, 2 * cand.n + (c.stream_id IS me.stream_id)
                 FROM cand JOIN articles c INDEXED BY articles_rank ON c.id = cand.id, me
                 WHERE {CANDIDATE})
             INSERT INTO related (article_id, related_id, score, published_at)
             SELECT s.id, ?1, s.score, me.published_at FROM scored s, me
             WHERE s.score > 0 AND (
                 (SELECT count(*) FROM related r WHERE r.article_id = s.id) < ?2
                 OR (s.score, me.published_at, ?1) > (
                     SELECT r.score, r.published_at, r.related_id FROM related r
                     WHERE r.article_id = s.id
                     ORDER BY r.score DESC, r.published_at DESC, r.related_id DESC
                     LIMIT 1 OFFSET ?2 - 1))
             ON CONFLICT (article_id, related_id) DO UPDATE
                 SET score = excluded.score, published_at = excluded.published_at
             RETURNING article_id"
        ))?
        .query_map(params![x, KEPT], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut trim = conn.prepare_cached(
        "DELETE FROM related WHERE article_id = ?1 AND related_id IN (
             SELECT related_id FROM related WHERE article_id = ?1
             ORDER BY score DESC, published_at DESC, related_id DESC LIMIT -1 OFFSET ?2)",
    )?;
    for y in &entered {
        trim.execute(params![y, KEPT])?;
    }
    Ok(entered)
}

/// What decides an article's place in others' lists: if none of it changed, no list
/// but those showing it (its title, say) needs more than a new page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    id: i64,
    slug: String,
    candidate: bool,
    published_at: i64,
    stream_id: Option<String>,
    tags: String,
}

fn key(conn: &Connection, source_path: &str) -> rusqlite::Result<Option<Key>> {
    conn.prepare_cached(&format!(
        "SELECT c.id, c.slug, {CANDIDATE}, c.published_at, c.stream_id,
                (SELECT group_concat(tag, char(31)) FROM
                     (SELECT tag FROM article_tags WHERE article_id = c.id ORDER BY tag))
         FROM articles c WHERE c.source_path = ?1"
    ))?
    .query_row([source_path], |r| {
        Ok(Key {
            id: r.get(0)?,
            slug: r.get(1)?,
            candidate: r.get(2)?,
            published_at: r.get(3)?,
            stream_id: r.get(4)?,
            tags: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        })
    })
    .optional()
}

/// The articles whose lists show article `id`.
fn showing(conn: &Connection, id: i64) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached("SELECT article_id FROM related WHERE related_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect()
}

/// One publish's upkeep of the lists: told each article path before it is written or
/// removed, it re-ranks at the end exactly the lists that may have changed.
#[derive(Default)]
pub struct Tracker {
    /// Paths written or removed, with their key before and the lists that showed them.
    before: BTreeMap<String, (Option<Key>, Vec<i64>)>,
    /// Lists that showed an article whose key changed or that left.
    stale: BTreeSet<i64>,
    /// The article pages that changed: for the response cache.
    touched: Touched,
}

impl Tracker {
    /// Notes the state of the article at `path` before the publish writes or removes it.
    pub fn before(&mut self, conn: &Connection, path: &str) -> rusqlite::Result<()> {
        if self.before.contains_key(path) {
            return Ok(());
        }
        let key = key(conn, path)?;
        let shown_by = match &key {
            Some(k) => showing(conn, k.id)?,
            None => Vec::new(),
        };
        // Whatever changes, a page showing this article shows it again.
        self.touched.ids.extend(shown_by.iter().copied());
        if let Some(k) = &key {
            self.note_page(conn, k)?;
        }
        self.before.insert(path.to_string(), (key, shown_by));
        Ok(())
    }

    /// Notes article `k`'s page as changed, and those of its neighbours and other
    /// versions, which link to it.
    fn note_page(&mut self, conn: &Connection, k: &Key) -> rusqlite::Result<()> {
        self.touched.slugs.insert(k.slug.clone());
        self.touched.ids.extend(changes::translations(conn, k.id)?);
        if k.candidate {
            let near = changes::neighbours(conn, k.published_at, k.id)?;
            self.touched.ids.extend(near.into_iter().flatten());
        }
        Ok(())
    }

    /// Re-ranks what the publish changed: lists that showed a moved or departed article
    /// from scratch, then each moved article into the lists it now beats.
    pub fn finish(mut self, conn: &Connection) -> rusqlite::Result<Touched> {
        let mut moved = Vec::new();
        for (path, (old, shown_by)) in std::mem::take(&mut self.before) {
            let new = key(conn, &path)?;
            if let Some(k) = &new {
                self.note_page(conn, k)?;
            }
            if new == old {
                continue;
            }
            if let Some(old) = &old {
                self.stale.insert(old.id);
                self.stale.extend(shown_by);
            }
            if let Some(new) = new {
                moved.push(new.id);
            }
        }
        if moved.is_empty() && self.stale.is_empty() {
            return Ok(self.touched);
        }
        let total: i64 = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let work = moved.len() + self.stale.len();
        if work > WHOLE_ARCHIVE_MIN && work * WHOLE_ARCHIVE_RATIO > total.max(0) as usize {
            rank_all(conn)?;
            // Every list may have changed.
            self.touched.all = true;
            return Ok(self.touched);
        }
        for &y in self.stale.iter().chain(&moved) {
            rank_one(conn, y)?;
            self.touched.ids.insert(y);
        }
        for &x in &moved {
            self.touched.ids.extend(enter(conn, x)?);
        }
        Ok(self.touched)
    }
}
