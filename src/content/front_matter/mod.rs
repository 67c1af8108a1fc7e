//! Front matter: split the YAML (`---`) or TOML (`+++`) block off a file, then read every
//! key of the content contract (and its Hugo, Zola and Jekyll spellings) into [`FrontMatter`].
//! Unknown keys are kept in [`FrontMatter::extra`]; a known key of the wrong type is an error.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time_tz::Tz;

use super::{dates, lang};

mod meta;
mod split;
mod yaml;
use super::html::is_safe_url;
use crate::error::FileError;
pub use split::{Split, split};
pub use yaml::site_settings;
use yaml::{Warnings, parse_yaml};

/// Which syntax the front matter used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    /// Python-Markdown `Key: value` headers (Pelican), without fences.
    Meta,
    None,
}

/// An image shown above the article, with its credit.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hero {
    pub src: String,
    pub alt: String,
    pub credit: Option<String>,
    pub credit_url: Option<String>,
    /// Filled in at publish time for a published image: its size and `srcset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srcset: Option<String>,
}

/// One entry of the "Sources" list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// The known keys of an article (or author or stream) file, checked and typed.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// `title`.
    pub title: Option<String>,
    /// `slug`: the URL name.
    pub slug: Option<String>,
    /// `path` (Zola): its last segment is the slug, a `YYYY/MM/DD` in it the date.
    pub path: Option<String>,
    /// `date`, `published` (when a date).
    pub date: Option<OffsetDateTime>,
    /// `updated`, `lastmod`.
    pub updated: Option<OffsetDateTime>,
    /// `stream`, `categories[0]`, `section`.
    pub stream: Option<String>,
    /// `tags`, `taxonomies.tags`.
    pub tags: Vec<String>,
    /// `author`, `authors`, `by`: author ids or names, first is the byline.
    pub authors: Vec<String>,
    /// `dek`, `description`, `summary`, `subtitle`.
    pub dek: Option<String>,
    /// `draft: true` or `published: false`.
    pub draft: bool,
    /// `hero`: `{ src, alt, credit, credit_url }` or just a `src` string.
    pub hero: Option<Hero>,
    /// `sources`: list of `{ title, url }` or URLs.
    pub sources: Vec<Source>,
    /// `lang`, `language`: the article's language, a checked BCP 47 tag.
    pub lang: Option<String>,
    /// `translation_key`, `translationKey` (Hugo): articles sharing it translate each other.
    pub translation_key: Option<String>,
    /// `aliases`, `redirect_from`: old URLs that answer 301.
    pub aliases: Vec<String>,
    /// `redirect` (Go blog): this file only forwards to another URL.
    pub redirect: Option<String>,
    /// `template`: a string names a template-only page (Zola); `true` is a Go blog flag.
    pub template: Option<Value>,
    /// `name` (authors and streams).
    pub name: Option<String>,
    /// `bio` (authors).
    pub bio: Option<String>,
    /// `links` (authors): list of `{ title, url }`.
    pub links: Vec<Source>,
    /// Every key we do not interpret, kept as written.
    pub extra: Map<String, Value>,
    /// The whole block as JSON, for the record.
    pub raw: Map<String, Value>,
    /// What was read as another generator would have read it, and deserves a look: each
    /// with its 1-based line in the file.
    pub warnings: Vec<(usize, String)>,
}

/// The 1-based line of `key` (or of a dotted key's last part) in the file's front matter;
/// the block's first line when it is not found.
pub fn line_of_key(split: &Split<'_>, key: &str) -> usize {
    let key = key.rsplit('.').next().unwrap_or(key);
    split
        .front
        .lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches(['"', '\'']);
            // Pelican's headers are `Title:` for `title`.
            let rest = l
                .get(..key.len())
                .filter(|p| p.eq_ignore_ascii_case(key))
                .map(|_| &l[key.len()..]);
            rest.is_some_and(|rest| {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                rest.starts_with(':') || rest.starts_with('=')
            })
        })
        .map_or(split.front_line, |i| split.front_line + i)
}

/// Parses the front matter of `split` into its keys. Dates without a zone are in `tz`.
pub fn parse(split: &Split<'_>, tz: &Tz) -> Result<FrontMatter, FileError> {
    let (map, warnings) = to_map_warning(split)?;
    let reader = Reader {
        split,
        map: &map,
        tz,
        warnings: std::cell::RefCell::new(warnings),
    };
    let mut fm = reader.read()?;
    fm.warnings = reader.warnings.take();
    Ok(fm)
}

/// The front matter of `split` as plain JSON values, before any key is interpreted
/// (Micropub reads a post's properties from it and writes them back).
pub fn to_map(split: &Split<'_>) -> Result<Map<String, Value>, FileError> {
    Ok(to_map_warning(split)?.0)
}

/// The same, with the warnings reading it gave (a key given twice).
fn to_map_warning(split: &Split<'_>) -> Result<(Map<String, Value>, Warnings), FileError> {
    match split.format {
        Format::None => Ok((Map::new(), Vec::new())),
        Format::Meta => Ok((meta::parse(split.front), Vec::new())),
        Format::Yaml => parse_yaml(split),
        Format::Toml => Ok((parse_toml(split)?, Vec::new())),
    }
}

fn parse_toml(split: &Split<'_>) -> Result<Map<String, Value>, FileError> {
    let table: toml::Table = toml::from_str(split.front).map_err(|e| FileError {
        path: String::new(),
        line: Some(
            split.front_line
                + e.span()
                    .map_or(0, |s| split.front[..s.start].matches('\n').count()),
        ),
        field: None,
        message: format!("TOML front matter: {}", e.message().trim()),
    })?;
    match toml_to_json(toml::Value::Table(table)) {
        Value::Object(m) => Ok(m),
        _ => unreachable!("a table converts to an object"),
    }
}

/// TOML datetimes become their RFC 3339 text, so one date parser serves both formats.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Every key this reader interprets; the rest go to `extra`.
const KNOWN: &[&str] = &[
    "title",
    "slug",
    "path",
    "date",
    "published",
    "updated",
    "lastmod",
    "stream",
    "categories",
    "section",
    "tags",
    "taxonomies",
    "author",
    "authors",
    "by",
    "dek",
    "description",
    "summary",
    "subtitle",
    "draft",
    "hero",
    "sources",
    "aliases",
    "redirect_from",
    "lang",
    "language",
    "translation_key",
    "translationKey",
    "redirect",
    "template",
    "name",
    "bio",
    "links",
];

/// Sizes no real post reaches (the largest in the corpora are far below), past which a
/// file fails with a clear error instead of bloating every page that lists it.
pub mod limits {
    pub const TITLE_CHARS: usize = 300;
    pub const DEK_CHARS: usize = 1_000;
    pub const TAGS: usize = 64;
    pub const TAG_CHARS: usize = 100;
    pub const ALIASES: usize = 100;
    pub const SOURCES: usize = 200;
    pub const AUTHORS: usize = 20;
}

struct Reader<'a> {
    split: &'a Split<'a>,
    map: &'a Map<String, Value>,
    tz: &'a Tz,
    warnings: std::cell::RefCell<Vec<(usize, String)>>,
}

impl Reader<'_> {
    fn read(&self) -> Result<FrontMatter, FileError> {
        let mut fm = FrontMatter {
            raw: self.map.clone(),
            extra: self
                .map
                .iter()
                .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ..FrontMatter::default()
        };
        fm.title = self.text("title")?;
        fm.slug = self.text("slug")?;
        fm.path = self.text("path")?;
        fm.date = self.date("date")?;
        match self.map.get("published") {
            Some(Value::Bool(b)) => fm.draft = !b,
            Some(_) if fm.date.is_none() => fm.date = self.date("published")?,
            _ => {}
        }
        fm.updated = self.first(&["updated", "lastmod"], Self::date)?;
        fm.stream = self.first(&["stream", "section"], Self::text)?;
        if fm.stream.is_none() {
            fm.stream = self.list("categories")?.into_iter().next();
        }
        fm.tags = self.list("tags")?;
        if fm.tags.is_empty()
            && let Some(Value::Object(tax)) = self.map.get("taxonomies")
            && let Some(v) = tax.get("tags")
        {
            fm.tags = self.list_value("taxonomies.tags", v)?;
        }
        for key in ["author", "authors", "by"] {
            if fm.authors.is_empty() {
                fm.authors = self.list(key)?;
            }
        }
        fm.dek = self.first(&["dek", "description", "summary", "subtitle"], Self::text)?;
        if let Some(v) = self.map.get("draft") {
            match v {
                Value::Bool(b) => fm.draft = fm.draft || *b,
                Value::Null => {}
                _ => return Err(self.wrong("draft", "true or false", v)),
            }
        }
        fm.hero = self.hero()?;
        fm.sources = self.links("sources")?;
        fm.links = self.links("links")?;
        fm.aliases = self.list("aliases")?;
        fm.aliases.extend(self.list("redirect_from")?);
        fm.redirect = self.text("redirect")?;
        fm.lang = self.first(&["lang", "language"], Self::language)?;
        fm.translation_key = self.first(&["translation_key", "translationKey"], Self::text)?;
        fm.template = self.map.get("template").cloned();
        fm.name = self.text("name")?;
        fm.bio = self.text("bio")?;
        self.check_sizes(&fm)?;
        self.check_urls(&fm)?;
        Ok(fm)
    }

    /// Bounds no real post reaches, so that one file cannot make a page or the sitemap
    /// megabytes long.
    fn check_sizes(&self, fm: &FrontMatter) -> Result<(), FileError> {
        let too_long = |key: &str, text: &Option<String>, max: usize| match text {
            Some(t) if t.chars().count() > max => Err(self.err(
                key,
                format!(
                    "{} characters is over the limit of {max}; shorten it",
                    t.chars().count()
                ),
            )),
            _ => Ok(()),
        };
        too_long("title", &fm.title, limits::TITLE_CHARS)?;
        too_long("dek", &fm.dek, limits::DEK_CHARS)?;
        let too_many = |key: &str, n: usize, max: usize| {
            if n > max {
                Err(self.err(key, format!("{n} items is over the limit of {max}")))
            } else {
                Ok(())
            }
        };
        too_many("tags", fm.tags.len(), limits::TAGS)?;
        too_many("aliases", fm.aliases.len(), limits::ALIASES)?;
        too_many("sources", fm.sources.len(), limits::SOURCES)?;
        too_many("authors", fm.authors.len(), limits::AUTHORS)?;
        if let Some(tag) = fm
            .tags
            .iter()
            .find(|t| t.chars().count() > limits::TAG_CHARS)
        {
            return Err(self.err(
                "tags",
                format!(
                    "the tag {} is over the limit of {} characters",
                    crate::content::quoted(tag, 40),
                    limits::TAG_CHARS
                ),
            ));
        }
        Ok(())
    }

    /// Every URL front matter puts in an `href` or `src` passes the body's scheme
    /// allowlist (http, https, mailto, relative).
    fn check_urls(&self, fm: &FrontMatter) -> Result<(), FileError> {
        let mut urls: Vec<(&str, &str)> = Vec::new();
        if let Some(h) = &fm.hero {
            urls.push(("hero.src", &h.src));
            if let Some(u) = &h.credit_url {
                urls.push(("hero.credit_url", u));
            }
        }
        urls.extend(fm.sources.iter().map(|s| ("sources", s.url.as_str())));
        urls.extend(fm.links.iter().map(|s| ("links", s.url.as_str())));
        if let Some(r) = &fm.redirect {
            urls.push(("redirect", r));
        }
        match urls.into_iter().find(|(_, u)| !is_safe_url(u)) {
            Some((key, url)) => Err(self.err(
                key,
                format!(
                    "{} is not a link a page may carry; use an http, https or mailto URL, or a path on this site",
                    crate::content::quoted(url, 60)
                ),
            )),
            None => Ok(()),
        }
    }

    /// The line of `key` in the file, so that errors point at it.
    fn line(&self, key: &str) -> usize {
        line_of_key(self.split, key)
    }

    fn err(&self, key: &str, message: String) -> FileError {
        FileError {
            path: String::new(),
            line: Some(self.line(key)),
            field: Some(key.to_string()),
            message,
        }
    }

    fn wrong(&self, key: &str, want: &str, found: &Value) -> FileError {
        self.err(key, format!("expected {want}, found {}", describe(found)))
    }

    fn first<T>(
        &self,
        keys: &[&str],
        get: fn(&Self, &str) -> Result<Option<T>, FileError>,
    ) -> Result<Option<T>, FileError> {
        for key in keys {
            if let Some(v) = get(self, key)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// A string; a number is taken as its text (`title: 2048` means the title "2048").
    /// A plain YAML scalar that reads as a boolean or a number (`title: no`, `On`,
    /// `1.10`) is the text as written: the key wants text.
    fn text(&self, key: &str) -> Result<Option<String>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => match self.plain_scalar(key) {
                Some(raw) => Ok(Some(raw)),
                None if v.is_number() => Ok(Some(v.to_string())),
                None => Err(self.wrong(key, "text", v)),
            },
            Some(v) => Err(self.wrong(key, "text", v)),
        }
    }

    /// The plain scalar written after a top-level `key:` in YAML, without a comment.
    fn plain_scalar(&self, key: &str) -> Option<String> {
        if self.split.format != Format::Yaml {
            return None;
        }
        let line = self.split.front.lines().find_map(|l| {
            l.strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix(':'))
        })?;
        let value = line.split(" #").next().unwrap_or(line).trim();
        (!value.is_empty() && !value.starts_with(['"', '\'', '[', '{', '&', '*', '!']))
            .then(|| value.to_string())
    }

    /// A language tag, checked and written in BCP 47 case.
    fn language(&self, key: &str) -> Result<Option<String>, FileError> {
        match self.text(key)? {
            Some(tag) => lang::parse_tag(&tag)
                .map(Some)
                .map_err(|e| self.err(key, e)),
            None => Ok(None),
        }
    }

    fn date(&self, key: &str) -> Result<Option<OffsetDateTime>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => match dates::parse_datetime(s, self.tz) {
                Ok(d) => Ok(Some(d)),
                Err(e) => {
                    // Jekyll reads `2023-01-29 18:30:22 2023 -0800`, its year repeated.
                    let Some(d) = dates::without_repeated_year(s)
                        .and_then(|fixed| dates::parse_datetime(&fixed, self.tz).ok())
                    else {
                        return Err(self.err(key, e));
                    };
                    self.warnings.borrow_mut().push((
                        self.line(key),
                        format!("`{key}`: {s:?} repeats its year; read as Jekyll reads it"),
                    ));
                    Ok(Some(d))
                }
            },
            Some(v) => Err(self.wrong(key, "a date such as 2026-06-04 or 2026-06-04T08:15:00Z", v)),
        }
    }

    /// A list of strings, or one string (comma-separated) standing for the list.
    fn list(&self, key: &str) -> Result<Vec<String>, FileError> {
        match self.map.get(key) {
            None => Ok(Vec::new()),
            Some(v) => self.list_value(key, v),
        }
    }

    fn list_value(&self, key: &str, v: &Value) -> Result<Vec<String>, FileError> {
        let item = |x: &Value| match x {
            Value::String(s) => Ok(s.trim().to_string()),
            Value::Number(n) => Ok(n.to_string()),
            // Docusaurus's inline author: `{ name, title, url, image_url }`.
            Value::Object(m) if matches!(key, "author" | "authors") => {
                match m.get("name").or(m.get("key")) {
                    Some(Value::String(name)) => Ok(name.trim().to_string()),
                    _ => Err(self.err(key, "an author given as a mapping needs a `name`".into())),
                }
            }
            other => Err(self.wrong(key, "a list of text items", other)),
        };
        let items = match v {
            Value::Null => Vec::new(),
            Value::Array(a) => a.iter().map(item).collect::<Result<Vec<_>, _>>()?,
            Value::String(s) => s.split(',').map(|t| t.trim().to_string()).collect(),
            Value::Object(_) if matches!(key, "author" | "authors") => vec![item(v)?],
            other => return Err(self.wrong(key, "a list such as [a, b]", other)),
        };
        Ok(items.into_iter().filter(|s| !s.is_empty()).collect())
    }

    fn hero(&self) -> Result<Option<Hero>, FileError> {
        let key = "hero";
        let field = |m: &Map<String, Value>, k: &str| -> Result<Option<String>, FileError> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(v) => Err(self.wrong(&format!("hero.{k}"), "text", v)),
            }
        };
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(src)) => Ok(Some(Hero {
                src: src.clone(),
                alt: String::new(),
                ..Hero::default()
            })),
            Some(Value::Object(m)) => {
                let src = field(m, "src")?
                    .ok_or_else(|| self.err("hero", "`hero` needs a `src`".into()))?;
                Ok(Some(Hero {
                    src,
                    alt: field(m, "alt")?.unwrap_or_default(),
                    credit: field(m, "credit")?,
                    credit_url: field(m, "credit_url")?,
                    ..Hero::default()
                }))
            }
            Some(v) => Err(self.wrong(key, "{ src, alt, credit, credit_url }", v)),
        }
    }

    /// `sources` and `links`: `{ title, url }` maps, or bare URLs.
    fn links(&self, key: &str) -> Result<Vec<Source>, FileError> {
        let items = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(a)) => a,
            Some(v) => return Err(self.wrong(key, "a list of { title, url }", v)),
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(url) => Ok(Source {
                    title: url.clone(),
                    url: url.clone(),
                }),
                Value::Object(m) => {
                    let url = match m.get("url") {
                        Some(Value::String(u)) => u.trim().to_string(),
                        _ => {
                            return Err(
                                self.err(key, format!("each entry of `{key}` needs a `url`"))
                            );
                        }
                    };
                    let title = match m.get("title") {
                        Some(Value::String(t)) => t.trim().to_string(),
                        None | Some(Value::Null) => url.clone(),
                        Some(v) => return Err(self.wrong(&format!("{key}.title"), "text", v)),
                    };
                    Ok(Source { title, url })
                }
                other => Err(self.wrong(key, "a list of { title, url }", other)),
            })
            .collect()
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests;
