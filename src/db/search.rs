//! The search SQL: one FTS5 query (or a filters-only listing) with its filters and its
//! count, and the vocabulary lookup behind "did you mean". The query language that
//! produces the `MATCH` expression lives in `src/search/query.rs`.

use rusqlite::types::Value;
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
pub(crate) struct SearchSpec<'a> {
    pub fts: Option<&'a str>,
    /// Articles matching this phrase rank above the rest.
    pub phrase: Option<&'a str>,
    pub filters: &'a [SearchFilter],
    pub now: i64,
    pub limit: i64,
    pub offset: i64,
}

/// One search result as stored.
pub(crate) struct SearchRow {
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub published_at: i64,
    pub stream_name: String,
    pub source_path: String,
    /// `dispatch`, `page` or `project`: where it lives and how results label it.
    pub kind: String,
    /// Text with matches between U+E000 and U+E001, not yet escaped.
    pub snippet: String,
}

/// How results rank: FTS5's bm25 with weights per column (title, dek, body, tags,
/// stream, author). Given to FTS5 as its `rank` so that FTS5 sorts the matches itself
/// and the rows come out best first: the join then reads only the page it returns,
/// not every match (about half the time of a search at 10,000 articles).
const RANK: &str = "'bm25(10.0, 4.0, 1.0, 3.0, 2.0, 2.0)'";

/// Runs a search: how many match in all, and one page of them, best first.
///
/// With a phrase, the articles holding it come first: those are one query and the rest
/// another, each in rank order, and the page is cut from the first and then the second.
/// (An `ORDER BY` on "holds the phrase" would make SQLite rank and sort every match
/// itself.) Most first pages need only the first query.
pub(crate) fn search(
    conn: &Connection,
    spec: &SearchSpec<'_>,
) -> rusqlite::Result<(i64, Vec<SearchRow>)> {
    let Some(fts) = spec.fts else {
        return listing(conn, spec);
    };
    let total = count(conn, spec, fts, None)?;
    if spec.limit == 0 || total == 0 {
        return Ok((total, Vec::new()));
    }
    let Some(phrase) = spec.phrase else {
        return Ok((
            total,
            ranked(conn, spec, fts, None, spec.limit, spec.offset)?,
        ));
    };
    let mut rows = ranked(
        conn,
        spec,
        fts,
        Some((phrase, true)),
        spec.limit,
        spec.offset,
    )?;
    let left = spec.limit - rows.len() as i64;
    if left > 0 {
        // How many hold the phrase: known from this page unless it lies past them all.
        let firsts = if rows.is_empty() && spec.offset > 0 {
            count(conn, spec, fts, Some((phrase, true)))?
        } else {
            spec.offset + rows.len() as i64
        };
        if total > firsts {
            let offset = (spec.offset - firsts).max(0);
            rows.extend(ranked(
                conn,
                spec,
                fts,
                Some((phrase, false)),
                left,
                offset,
            )?);
        }
    }
    Ok((total, rows))
}

/// The filters as SQL conditions on `a` (the article row) and `k` (where `draft` and
/// `published_at` are read: the row itself, or the small `articles_rank` index beside
/// a full-text match), with their arguments appended to `args` (`?1` is `now`).
fn conditions(spec: &SearchSpec<'_>, args: &mut Vec<Value>, k: &str) -> String {
    let mut cond = format!("{k}.draft = 0 AND {k}.published_at <= ?1 AND {k}.kind <> 'intro'");
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
                    " AND {k}.published_at >= ?{} AND {k}.published_at < ?{}",
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
    cond
}

/// Whether the filters read more of the article than `articles_rank` holds.
fn needs_row(spec: &SearchSpec<'_>) -> bool {
    spec.filters
        .iter()
        .any(|f| !matches!(f, SearchFilter::Between(..)))
}

/// The full-text match of `expr`, published and filtered, and with `phrase` only the
/// articles that hold it (`true`) or do not (`false`): the `FROM … WHERE …` part and
/// its arguments. `draft` and `published_at` come from the covering index
/// `articles_rank` (a few cached pages), not from each matching article's own page.
/// The phrase is its own FTS5 query, so ranks and snippets stay those of `expr`; the
/// `+` keeps SQLite from handing its list of rows to FTS5 as rowids to look up one by
/// one (seconds instead of milliseconds).
fn matching(
    spec: &SearchSpec<'_>,
    expr: &str,
    phrase: Option<(&str, bool)>,
    with_row: bool,
) -> (String, Vec<Value>) {
    let mut args = vec![Value::Integer(spec.now), Value::Text(expr.into())];
    let mut cond = conditions(spec, &mut args, "k");
    if let Some((phrase, holds)) = phrase {
        args.push(Value::Text(phrase.into()));
        cond.push_str(&format!(
            " AND +articles_fts.rowid {}IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{})",
            if holds { "" } else { "NOT " },
            args.len()
        ));
    }
    let row = if with_row {
        " JOIN articles a ON a.id = articles_fts.rowid"
    } else {
        ""
    };
    (
        format!(
            "FROM articles_fts JOIN articles k INDEXED BY articles_rank ON k.id = articles_fts.rowid{row}
             WHERE articles_fts MATCH ?2 AND {cond}"
        ),
        args,
    )
}

/// How many published articles match `expr` (and `phrase`, see `matching`) and the
/// filters.
fn count(
    conn: &Connection,
    spec: &SearchSpec<'_>,
    expr: &str,
    phrase: Option<(&str, bool)>,
) -> rusqlite::Result<i64> {
    let (from, args) = matching(spec, expr, phrase, needs_row(spec));
    conn.prepare_cached(&format!("SELECT count(*) {from}"))?
        .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))
}

/// One page of the articles matching `expr` (and `phrase`), best first, with snippets.
fn ranked(
    conn: &Connection,
    spec: &SearchSpec<'_>,
    expr: &str,
    phrase: Option<(&str, bool)>,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<SearchRow>> {
    let (from, mut args) = matching(spec, expr, phrase, true);
    args.push(Value::Integer(limit));
    args.push(Value::Integer(offset));
    let sql = format!(
        "SELECT a.slug, a.title, a.dek, a.published_at, a.stream_name, a.source_path, a.kind,
                snippet(articles_fts, 2, char(57344), char(57345), '…', 24)
         {from} AND articles_fts.rank MATCH {RANK}
         ORDER BY articles_fts.rank LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    rows(conn, &sql, &args)
}

/// Filters only: every published article they keep, newest first.
fn listing(conn: &Connection, spec: &SearchSpec<'_>) -> rusqlite::Result<(i64, Vec<SearchRow>)> {
    let mut args = vec![Value::Integer(spec.now)];
    let cond = conditions(spec, &mut args, "a");
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM articles a WHERE {cond}"))?
        .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?;
    if spec.limit == 0 || total == 0 {
        return Ok((total, Vec::new()));
    }
    args.push(Value::Integer(spec.limit));
    args.push(Value::Integer(spec.offset));
    let sql = format!(
        "SELECT a.slug, a.title, a.dek, a.published_at, a.stream_name, a.source_path, a.kind,
                CASE WHEN a.dek <> '' THEN a.dek ELSE substr(a.body_text, 1, 200) || '…' END
         FROM articles a WHERE {cond}
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    Ok((total, rows(conn, &sql, &args)?))
}

fn rows(conn: &Connection, sql: &str, args: &[Value]) -> rusqlite::Result<Vec<SearchRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(SearchRow {
            slug: r.get(0)?,
            title: r.get(1)?,
            dek: r.get(2)?,
            published_at: r.get(3)?,
            stream_name: r.get(4)?,
            source_path: r.get(5)?,
            kind: r.get(6)?,
            snippet: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// The indexed term closest to `word` (edit distance 1, or 2 for long words), most
/// frequent first; `None` when `word` is itself indexed or nothing is close. Candidates
/// share the first letter, which keeps the scan to one slice of the vocabulary.
pub(crate) fn closest_term(conn: &Connection, word: &str) -> rusqlite::Result<Option<String>> {
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
