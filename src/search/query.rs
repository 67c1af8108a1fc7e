//! The query language: words, `"phrases"`, `prefix*`, `-exclude`, `OR`, and the filters
//! `stream:` `tag:` `author:` `year:` `before:` `after:`, compiled to quoted FTS5 so
//! that nothing a reader types is a syntax error, within bounds of length and terms.

use time::{Date, Month, PrimitiveDateTime, Time};
use time_tz::{PrimitiveDateTimeExt, Tz};

use super::{MAX_PREFIXES, MAX_QUERY_CHARS, MAX_TERMS, MIN_PREFIX_CHARS, Refusal, SearchError};
use crate::db::search::SearchFilter;

/// A query taken apart: what FTS5 matches, what SQL filters, and the pieces as typed.
#[derive(Debug, Default)]
pub struct Compiled {
    /// The FTS5 expression; `None` for a query of filters only (newest first).
    pub fts: Option<String>,
    /// The plain words as one phrase: articles holding them side by side rank first,
    /// so `Box<dyn Error>` finds the post with that exact text before posts that
    /// merely mention box, dyn and error.
    pub phrase: Option<String>,
    pub filters: Vec<SearchFilter>,
    /// Each term as the reader typed it, and whether it is a filter.
    pub(super) pieces: Vec<(String, bool)>,
    /// Plain positive words (for suggestions and highlighting).
    pub words: Vec<String>,
}

/// What a piece of the query is.
enum Piece {
    Word { text: String, negative: bool },
    Phrase { text: String, negative: bool },
    Or,
    Filter(SearchFilter),
}

/// Splits the query into pieces with their raw text; quotes group, a lone quote runs
/// to the end, and `key:"a b"` keeps its quoted value.
fn split(query: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quoted = false;
        while i < bytes.len() && (quoted || !bytes[i].is_ascii_whitespace()) {
            if bytes[i] == b'"' {
                quoted = !quoted;
            }
            i += 1;
        }
        out.push(&query[start..i]);
    }
    out
}

fn unquote(s: &str) -> &str {
    let s = s.strip_prefix('"').unwrap_or(s);
    s.strip_suffix('"').unwrap_or(s)
}

fn classify(raw: &str, tz: &Tz) -> Result<Piece, SearchError> {
    if raw == "OR" {
        return Ok(Piece::Or);
    }
    let (negative, body) = match raw.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, raw),
    };
    if let Some((key, value)) = body.split_once(':') {
        let value = unquote(value).trim();
        if !value.is_empty()
            && let Some(f) = filter(&key.to_ascii_lowercase(), value, negative, tz)?
        {
            return Ok(Piece::Filter(f));
        }
    }
    if body.starts_with('"') {
        return Ok(Piece::Phrase {
            text: unquote(body).to_string(),
            negative,
        });
    }
    Ok(Piece::Word {
        text: body.to_string(),
        negative,
    })
}

/// A `key:value` filter; `None` when the key is not ours (then it is literal text, so
/// `std::io` and `GOEXPERIMENT=a:b` still search as written).
fn filter(
    key: &str,
    value: &str,
    negative: bool,
    tz: &Tz,
) -> Result<Option<SearchFilter>, SearchError> {
    let value_s = value.to_string();
    let dated =
        |which: &'static str| SearchError::BadQuery(Refusal::new(which, &[("value", &value)]));
    let f = match key {
        "stream" => SearchFilter::Stream(value_s, negative),
        "tag" => SearchFilter::Tag(value_s, negative),
        "author" => SearchFilter::Author(value_s, negative),
        "year" | "before" | "after" if negative => {
            return Err(SearchError::BadQuery(Refusal::new(
                "search_no_negation",
                &[("key", &key)],
            )));
        }
        "year" => {
            let y: i32 = value
                .parse()
                .ok()
                .filter(|y| (1000..=9999).contains(y))
                .ok_or_else(|| {
                    SearchError::BadQuery(Refusal::new("search_needs_year", &[("value", &value)]))
                })?;
            let (start, end) = (year_start(y, tz), year_start(y + 1, tz));
            SearchFilter::Between(start, end)
        }
        "before" => {
            let (start, _) =
                date_range(value, tz).ok_or_else(|| dated("search_needs_date_before"))?;
            SearchFilter::Between(i64::MIN, start)
        }
        "after" => {
            let (_, end) = date_range(value, tz).ok_or_else(|| dated("search_needs_date_after"))?;
            SearchFilter::Between(end, i64::MAX)
        }
        _ => return Ok(None),
    };
    Ok(Some(f))
}

fn local_midnight(d: Date, tz: &Tz) -> i64 {
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
        .assume_timezone(tz)
        .take_first()
        .map_or_else(
            || d.midnight().assume_utc().unix_timestamp(),
            |t| t.unix_timestamp(),
        )
}

fn year_start(y: i32, tz: &Tz) -> i64 {
    Date::from_calendar_date(y, Month::January, 1).map_or(i64::MAX, |d| local_midnight(d, tz))
}

/// `2024`, `2024-06` or `2024-06-30` as the span of local time it names: [start, end).
fn date_range(value: &str, tz: &Tz) -> Option<(i64, i64)> {
    let parts: Vec<&str> = value.split('-').collect();
    let num = |s: &str| s.parse::<i32>().ok();
    let (start, end) = match parts.as_slice() {
        [y] => {
            let y = num(y).filter(|y| (1000..=9999).contains(y))?;
            (
                Date::from_calendar_date(y, Month::January, 1).ok()?,
                Date::from_calendar_date(y + 1, Month::January, 1).ok()?,
            )
        }
        [y, m] => {
            let (y, m) = (num(y)?, Month::try_from(u8::try_from(num(m)?).ok()?).ok()?);
            let start = Date::from_calendar_date(y, m, 1).ok()?;
            let next = if m == Month::December {
                Date::from_calendar_date(y + 1, Month::January, 1).ok()?
            } else {
                Date::from_calendar_date(y, m.next(), 1).ok()?
            };
            (start, next)
        }
        [_, _, _] => {
            let d = crate::content::dates::parse_calendar_date(value).ok()?;
            (d, d.next_day()?)
        }
        _ => return None,
    };
    Some((local_midnight(start, tz), local_midnight(end, tz)))
}

/// Compiles a reader's query. Every word and phrase is quoted for FTS5, so operators
/// and punctuation typed by the reader are text, never syntax.
pub fn compile(query: &str, tz: &Tz) -> Result<Compiled, SearchError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::BadQuery(Refusal::new(
            "search_too_long",
            &[("max", &MAX_QUERY_CHARS)],
        )));
    }
    // Control characters (NUL among them) end an FTS5 string early; as separators they
    // cannot, and no word a reader means contains one.
    let cleaned: String = query
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    let query = cleaned.as_str();
    let mut c = Compiled::default();
    let mut positive: Vec<String> = Vec::new();
    let mut negative: Vec<String> = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    let mut pending_or = false;
    let mut terms = 0;
    let mut prefixes = 0;
    for raw in split(query) {
        let piece = classify(raw, tz)?;
        if !matches!(piece, Piece::Or) {
            terms += 1;
            if terms > MAX_TERMS {
                return Err(SearchError::BadQuery(Refusal::new(
                    "search_too_many_terms",
                    &[("max", &MAX_TERMS)],
                )));
            }
        }
        let (text, negated, phrase) = match piece {
            Piece::Or => {
                pending_or = !positive.is_empty();
                continue;
            }
            Piece::Filter(f) => {
                c.filters.push(f);
                c.pieces.push((raw.to_string(), true));
                continue;
            }
            Piece::Word { text, negative } => {
                if let Some(body) = text.strip_suffix('*') {
                    prefixes += 1;
                    check_prefix(body, prefixes)?;
                }
                (text, negative, false)
            }
            Piece::Phrase { text, negative } => (text, negative, true),
        };
        let Some(expr) = to_fts(&text, phrase) else {
            continue;
        };
        c.pieces.push((raw.to_string(), false));
        if negated {
            negative.push(expr);
            continue;
        }
        if !text.ends_with('*') || phrase {
            plain.push(text.clone());
        }
        c.words.push(text.trim_end_matches('*').to_string());
        if pending_or {
            let last = positive.pop().expect("pending_or needs a term");
            positive.push(format!("({last} OR {expr})"));
            pending_or = false;
            // An OR makes "all words side by side" meaningless.
            plain.clear();
        } else {
            positive.push(expr);
        }
    }
    if positive.is_empty() {
        if !negative.is_empty() {
            return Err(SearchError::BadQuery(Refusal::new(
                "search_only_exclusions",
                &[],
            )));
        }
        return Ok(c);
    }
    let mut expr = positive.join(" AND ");
    if !negative.is_empty() {
        expr = format!("({expr}) NOT ({})", negative.join(" OR "));
    }
    c.fts = Some(expr);
    if plain.len() >= 2 {
        c.phrase = to_fts(&plain.join(" "), true);
    }
    Ok(c)
}

/// Refuses the prefixes that cost the most: the index keeps every two- and three-letter
/// prefix ready, but a one-letter prefix merges the lists of thousands of words (about
/// 100 ms at 10,000 articles, and SQLite cannot stop it midway), and each prefix
/// multiplies the work of the others. `n` counts the query's prefixes so far.
fn check_prefix(body: &str, n: usize) -> Result<(), SearchError> {
    let letters = body.chars().filter(|c| c.is_alphanumeric()).count();
    if letters > 0 && letters < MIN_PREFIX_CHARS {
        return Err(SearchError::BadQuery(Refusal::new(
            "search_short_prefix",
            &[("word", &body), ("min", &MIN_PREFIX_CHARS)],
        )));
    }
    if n > MAX_PREFIXES {
        return Err(SearchError::BadQuery(Refusal::new(
            "search_too_many_prefixes",
            &[("max", &MAX_PREFIXES)],
        )));
    }
    Ok(())
}

/// A word or phrase as a quoted FTS5 string (a prefix keeps its `*` outside the quotes).
/// What the tokenizer would drop anyway is dropped here, so pure punctuation (`-`, `:`,
/// `c++`'s `++`) cannot become an empty phrase.
fn to_fts(text: &str, phrase: bool) -> Option<String> {
    let (body, prefix) = match text.strip_suffix('*') {
        Some(b) if !phrase => (b, true),
        _ => (text, false),
    };
    if !body.chars().any(char::is_alphanumeric) {
        return None;
    }
    let body = crate::content::cjk::space(body);
    let quoted = format!("\"{}\"", body.replace('"', "\"\""));
    Some(if prefix { format!("{quoted}*") } else { quoted })
}

impl Compiled {
    /// The query without piece `skip`, as the reader would type it.
    pub(super) fn without(&self, skip: usize) -> String {
        self.pieces
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, (raw, _))| raw.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> &'static Tz {
        time_tz::timezones::db::UTC
    }

    fn fts(q: &str) -> Option<String> {
        compile(q, utc()).unwrap().fts
    }

    #[test]
    fn queries_compile_to_quoted_fts() {
        assert_eq!(fts("wal mode").as_deref(), Some("\"wal\" AND \"mode\""));
        assert_eq!(fts("\"write ahead\"").as_deref(), Some("\"write ahead\""));
        assert_eq!(fts("wal*").as_deref(), Some("\"wal\"*"));
        assert_eq!(
            fts("sqlite -postgres").as_deref(),
            Some("(\"sqlite\") NOT (\"postgres\")")
        );
        assert_eq!(fts("a OR b").as_deref(), Some("(\"a\" OR \"b\")"));
        assert_eq!(
            fts("Box<dyn Error>").as_deref(),
            Some("\"Box<dyn\" AND \"Error>\"")
        );
        assert_eq!(fts("say \"hi").as_deref(), Some("\"say\" AND \"hi\""));
        assert_eq!(fts("-"), None);
        assert_eq!(fts("  "), None);
        assert_eq!(fts("NOT AND OR :").as_deref(), Some("\"NOT\" AND \"AND\""));
        assert_eq!(fts("NEAR(a b)").as_deref(), Some("\"NEAR(a\" AND \"b)\""));
        assert_eq!(fts("title:x").as_deref(), Some("\"title:x\""));
        assert_eq!(fts("\"a\"\"b\"").as_deref(), Some("\"a\"\"\"\"b\""));
        assert!(compile("-only", utc()).is_err());
        assert!(compile(&"a ".repeat(40), utc()).is_err());
        assert!(compile(&"a".repeat(400), utc()).is_err());
    }

    #[test]
    fn plain_words_also_rank_as_a_phrase() {
        let c = compile("Box<dyn Error>", utc()).unwrap();
        assert_eq!(c.phrase.as_deref(), Some("\"Box<dyn Error>\""));
        assert_eq!(compile("wal", utc()).unwrap().phrase, None);
        assert_eq!(compile("a OR b", utc()).unwrap().phrase, None);
        assert_eq!(compile("wal* mode", utc()).unwrap().phrase, None);
    }

    #[test]
    fn filters_are_parsed_and_the_rest_is_text() {
        let c = compile(
            "checkpoint stream:technical tag:\"rust 2024\" -author:vera year:2024",
            utc(),
        )
        .unwrap();
        assert_eq!(c.fts.as_deref(), Some("\"checkpoint\""));
        assert_eq!(c.filters.len(), 4);
        assert!(matches!(&c.filters[0], SearchFilter::Stream(s, false) if s == "technical"));
        assert!(matches!(&c.filters[1], SearchFilter::Tag(s, false) if s == "rust 2024"));
        assert!(matches!(&c.filters[2], SearchFilter::Author(s, true) if s == "vera"));
        assert!(matches!(
            c.filters[3],
            SearchFilter::Between(1_704_067_200, 1_735_689_600)
        ));
        assert_eq!(
            c.without(2),
            "checkpoint stream:technical -author:vera year:2024"
        );
        assert_eq!(
            c.without(3),
            "checkpoint stream:technical tag:\"rust 2024\" year:2024"
        );
        // Filters alone are a query (newest first).
        let c = compile("tag:sqlite", utc()).unwrap();
        assert!(c.fts.is_none() && c.filters.len() == 1);
        // Keys that are not ours stay text.
        assert_eq!(fts("std::io").as_deref(), Some("\"std::io\""));
        assert_eq!(fts("stream:").as_deref(), Some("\"stream:\""));
    }

    #[test]
    fn dates_in_filters_name_local_spans() {
        let berlin = time_tz::timezones::get_by_name("Europe/Berlin").unwrap();
        let c = compile("x after:2024-06 before:2024-06-30", berlin).unwrap();
        // June 2024 in Berlin starts at 22:00 UTC on 31 May; "after" June is July on.
        assert!(matches!(
            c.filters[0],
            SearchFilter::Between(1_719_784_800, i64::MAX)
        ));
        assert!(matches!(
            c.filters[1],
            SearchFilter::Between(i64::MIN, 1_719_698_400)
        ));
        for bad in [
            "year:24",
            "before:June",
            "after:2024-13",
            "-year:2024",
            "before:2024-02-30",
        ] {
            let e = compile(bad, utc()).unwrap_err().to_string();
            assert!(e.contains("such as"), "{bad}: {e}");
        }
    }
}
