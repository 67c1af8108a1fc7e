//! The search SQL: one FTS5 query (or a filters-only listing) with its filters and its
//! count, and the vocabulary lookup behind "did you mean". The query language that
//! produces the `MATCH` expression lives in `src/search/query.rs`.

use rusqlite::{Connection, params};

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
