//! The content stage: file text in, a checked [`Article`] (or author, stream, or a reasoned
//! skip) out. Pure: no database, no clock, no file system.

pub mod cjk;
pub mod dates;
pub mod front_matter;
pub mod highlight;
pub mod markdown;
pub mod repair;
pub mod sanitize;

use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;
use time_tz::Tz;

pub use front_matter::{FieldError, Hero, Source};
pub use markdown::{TocEntry, slugify};

/// Raises whenever rendering changes, so republishing re-renders files whose text did not.
pub const RENDER_VERSION: u32 = 6;

/// One file handed to the content stage.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// Path relative to the content root with `/` separators, e.g. `lighthouse/index.md`.
    pub rel_path: &'a str,
    /// The whole text.
    pub text: &'a str,
}

/// Settings the content stage needs.
#[derive(Debug, Clone, Copy)]
pub struct ContentSettings<'a> {
    pub timezone: &'a Tz,
    pub trust_html: bool,
    pub highlight_max_bytes: usize,
}

/// How an article's slug was chosen; only a slug derived from a Zola `path` may be
/// qualified with its date when two files share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugOrigin {
    FrontMatter,
    Path,
    FileName,
}

/// A rendered article, ready for the database.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    pub slug_origin: SlugOrigin,
    pub title: String,
    pub dek: Option<String>,
    /// `None` when no date was given anywhere; the publisher decides.
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub stream: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub draft: bool,
    pub hero: Option<Hero>,
    pub sources: Vec<Source>,
    pub aliases: Vec<String>,
    /// Unknown front-matter keys, as JSON.
    pub extra: Value,
    /// The whole front matter, as JSON.
    pub front_matter: Value,
    pub markdown: String,
    pub html: String,
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    pub text: String,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// Things the author should fix that do not stop the publish, each starting with
    /// the 1-based line in the file.
    pub warnings: Vec<(usize, String)>,
}

/// An author file, `authors/<id>.md`.
#[derive(Debug, Clone)]
pub struct Author {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links: Vec<Source>,
    pub html: String,
}

/// A stream file, `streams/<id>.md`.
#[derive(Debug, Clone)]
pub struct Stream {
    pub id: String,
    pub name: String,
    pub description: String,
    pub html: String,
}

/// What a file turned out to be.
#[derive(Debug, Clone)]
pub enum Parsed {
    Article(Box<Article>),
    Author(Author),
    Stream(Stream),
    /// Not an article; the reason says why. A Go-blog redirect stub carries its target.
    Skipped {
        reason: String,
        redirect: Option<Redirect>,
    },
}

/// A file that only forwards: `/dispatches/<from>` answers 301 to `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub from: String,
    pub target: String,
}

/// A problem in one file, located by line and field.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentError {
    pub line: usize,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}: `{field}`: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl From<FieldError> for ContentError {
    fn from(e: FieldError) -> Self {
        ContentError {
            line: e.line,
            field: e.field,
            message: e.message,
        }
    }
}

/// Reads one file into what it is. Never panics on any input it can parse; the caller
/// still isolates each call, since a renderer bug must not take a whole publish down.
pub fn parse(file: SourceFile<'_>, settings: ContentSettings<'_>) -> Result<Parsed, ContentError> {
    match prepare(file, settings)? {
        Prepared::Done(parsed) => Ok(parsed),
        Prepared::Article(draft) => Ok(Parsed::Article(Box::new(draft.render(settings)?))),
    }
}

/// A file read as far as its front matter: what it is, and for an article everything
/// but the rendering (its slug and date included), which is the slow part.
pub enum Prepared {
    Done(Parsed),
    Article(Box<Draft>),
}

/// An article whose front matter is read and whose slug and date are known.
pub struct Draft {
    pub slug: String,
    pub slug_origin: SlugOrigin,
    /// `None` when no date was given anywhere; the publisher decides.
    pub date: Option<OffsetDateTime>,
    fm: front_matter::FrontMatter,
    body: String,
    body_line: usize,
    /// The file's folder inside the content root, for relative links.
    dir: String,
}

/// The first half of `parse`: everything up to rendering an article's Markdown.
pub fn prepare(
    file: SourceFile<'_>,
    settings: ContentSettings<'_>,
) -> Result<Prepared, ContentError> {
    let split = front_matter::split(file.text)?;
    let file_name = file.rel_path.rsplit('/').next().unwrap_or(file.rel_path);
    let stem = file_name
        .strip_suffix(".md")
        .or_else(|| file_name.strip_suffix(".markdown"))
        .unwrap_or(file_name);
    if file_name == "_index.md" {
        return Ok(Prepared::Done(skip(
            "section index (_index.md), not an article",
        )));
    }
    if split.format == front_matter::Format::None
        && ["readme", "license", "changelog", "contributing"]
            .contains(&stem.to_ascii_lowercase().as_str())
    {
        return Ok(Prepared::Done(skip(&format!(
            "repository notes ({file_name}), not an article"
        ))));
    }
    let fm = front_matter::parse(&split, settings.timezone)?;
    let dir = file.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    match dir {
        "authors" => {
            return Ok(Prepared::Done(Parsed::Author(author(
                stem, &fm, split.body, settings,
            ))));
        }
        "streams" => {
            return Ok(Prepared::Done(Parsed::Stream(stream(
                stem, &fm, split.body, settings,
            ))));
        }
        _ => {}
    }
    // The name the file stands for: a bundle (`slug/index.md`) is named by its folder.
    let name = if stem == "index" && !dir.is_empty() {
        dir.rsplit('/').next().unwrap_or(dir)
    } else {
        stem
    };
    let (name_date, name) = match dates::split_date_prefix(name) {
        Some((d, rest)) => (Some(d), rest),
        None => (None, name),
    };
    let (slug, slug_origin) = if let Some(s) = &fm.slug {
        (url_safe(s), SlugOrigin::FrontMatter)
    } else if let Some(last) = fm
        .path
        .as_deref()
        .and_then(|p| p.trim_matches('/').rsplit('/').next())
        .filter(|s| !s.is_empty())
    {
        (url_safe(last), SlugOrigin::Path)
    } else {
        (url_safe(name), SlugOrigin::FileName)
    };
    if slug.is_empty() {
        return Err(ContentError {
            line: 1,
            field: Some("slug".into()),
            message: "the slug is empty; set `slug:` to a name made of letters, digits and dashes"
                .into(),
        });
    }
    if let Some(target) = &fm.redirect
        && fm.title.is_none()
    {
        {
            return Ok(Prepared::Done(Parsed::Skipped {
                reason: format!("redirect stub to {target}"),
                redirect: Some(Redirect {
                    from: slug,
                    target: target.clone(),
                }),
            }));
        }
    }
    if let Some(template) = &fm.template {
        let directives = split.body.contains("{{");
        if (fm.title.is_none() || fm.date.is_none()) && (split.body.trim().is_empty() || directives)
        {
            let what = match template {
                Value::String(t) => {
                    format!("template-only page (template = {t:?}), not an article")
                }
                _ => "template-only page (its body is template directives), not an article".into(),
            };
            return Ok(Prepared::Done(skip(&what)));
        }
    }
    let date = fm.date.or_else(|| {
        fm.path
            .as_deref()
            .and_then(dates::date_in_path)
            .or(name_date)
            .and_then(|d| dates::parse_datetime(&d.to_string(), settings.timezone).ok())
    });
    Ok(Prepared::Article(Box::new(Draft {
        slug,
        slug_origin,
        date,
        body: split.body.to_string(),
        body_line: split.body_line,
        dir: dir.to_string(),
        fm,
    })))
}

impl Draft {
    /// The second half of `parse`: renders the article.
    pub fn render(self, settings: ContentSettings<'_>) -> Result<Article, ContentError> {
        let Draft {
            slug,
            slug_origin,
            date,
            fm,
            body,
            body_line,
            dir,
        } = self;
        render_article(
            slug,
            slug_origin,
            date,
            &fm,
            &body,
            body_line,
            &dir,
            settings,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn render_article(
    slug: String,
    slug_origin: SlugOrigin,
    date: Option<OffsetDateTime>,
    fm: &front_matter::FrontMatter,
    body: &str,
    body_line: usize,
    dir: &str,
    settings: ContentSettings<'_>,
) -> Result<Article, ContentError> {
    let resolve = |url: &str| resolve_relative(dir, url);
    let rendered = markdown::render(
        body,
        &markdown::RenderOptions {
            id_prefix: &slug,
            highlight_max_bytes: settings.highlight_max_bytes,
            trust_html: settings.trust_html,
            resolve_url: &resolve,
            take_title: fm.title.is_none(),
        },
    );
    let title = fm
        .title
        .clone()
        .or(rendered.title.clone())
        .ok_or_else(|| ContentError {
            line: 1,
            field: Some("title".into()),
            message:
                "missing title: add `title:` to the front matter or start the text with `# A title`"
                    .into(),
        })?;
    let hero = fm.hero.clone().map(|mut h| {
        if let Some(url) = resolve(&h.src) {
            h.src = url;
        }
        h
    });
    Ok(Article {
        slug,
        slug_origin,
        title,
        dek: fm.dek.clone(),
        date,
        updated: fm.updated,
        stream: fm.stream.as_deref().map(slugify).filter(|s| !s.is_empty()),
        tags: dedup(fm.tags.iter().map(|t| t.trim().to_string())),
        authors: dedup(fm.authors.iter().cloned()),
        draft: fm.draft,
        hero,
        sources: fm.sources.clone(),
        // A Zola `path` was the article's address on the old site: keep it working.
        aliases: dedup(
            fm.aliases
                .iter()
                .cloned()
                .chain(
                    fm.path
                        .as_deref()
                        .map(|p| format!("/{}/", p.trim_matches('/'))),
                )
                .filter(|p| p != "//"),
        ),
        extra: Value::Object(fm.extra.clone()),
        front_matter: Value::Object(fm.raw.clone()),
        markdown: body.to_string(),
        html: rendered.html,
        summary_html: rendered.summary_html,
        toc: rendered.toc,
        text: rendered.text,
        word_count: rendered.word_count,
        reading_minutes: rendered.reading_minutes,
        warnings: rendered
            .missing_alt
            .into_iter()
            .map(|(line, src)| {
                (
                    body_line + line,
                    format!(
                        "image `{src}` has no text alternative, so screen readers skip it; \
                         describe it (`![what it shows]({src})`), or give raw HTML `alt=\"\"` \
                         if it is decoration"
                    ),
                )
            })
            .collect(),
    })
}

fn skip(reason: &str) -> Parsed {
    Parsed::Skipped {
        reason: reason.to_string(),
        redirect: None,
    }
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !i.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&i)) {
            out.push(i);
        }
    }
    out
}

fn render_simple(body: &str, id: &str, settings: ContentSettings<'_>) -> String {
    markdown::render(
        body,
        &markdown::RenderOptions {
            id_prefix: id,
            highlight_max_bytes: settings.highlight_max_bytes,
            trust_html: settings.trust_html,
            resolve_url: &|_| None,
            take_title: false,
        },
    )
    .html
}

fn author(
    id: &str,
    fm: &front_matter::FrontMatter,
    body: &str,
    settings: ContentSettings<'_>,
) -> Author {
    let id = slugify(id);
    Author {
        name: fm
            .name
            .clone()
            .or(fm.title.clone())
            .unwrap_or_else(|| id.clone()),
        bio: fm.bio.clone().or(fm.dek.clone()).unwrap_or_default(),
        links: fm.links.clone(),
        html: render_simple(body, &id, settings),
        id,
    }
}

fn stream(
    id: &str,
    fm: &front_matter::FrontMatter,
    body: &str,
    settings: ContentSettings<'_>,
) -> Stream {
    let id = slugify(id);
    Stream {
        name: fm
            .name
            .clone()
            .or(fm.title.clone())
            .unwrap_or_else(|| id.clone()),
        description: fm.dek.clone().unwrap_or_default(),
        html: render_simple(body, &id, settings),
        id,
    }
}

/// Keeps a slug as written when it is URL-safe (Zola slugs like `Rust-1.0` keep their
/// case), and slugifies it otherwise.
pub fn url_safe(s: &str) -> String {
    let s = s.trim();
    if !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        s.to_string()
    } else {
        slugify(s)
    }
}

/// A relative link or image in `dir` becomes `/files/<dir>/<path>`, where the publisher
/// serves files that sit beside articles. Absolute URLs, anchors and paths that climb out
/// of the content folder are left as written.
pub fn resolve_relative(dir: &str, url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with(['/', '#', '?']) || url.contains("://") {
        return None;
    }
    // `mailto:x`, `tel:`, `javascript:`: a scheme before any slash.
    if let Some(colon) = url.find(':')
        && !url[..colon].contains('/')
    {
        return None;
    }
    let (path, suffix) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(format!("/files/{}{suffix}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ContentSettings<'static> {
        ContentSettings {
            timezone: time_tz::timezones::db::UTC,
            trust_html: false,
            highlight_max_bytes: 1 << 20,
        }
    }

    fn parse_at(rel_path: &str, text: &str) -> Result<Parsed, ContentError> {
        parse(SourceFile { rel_path, text }, settings())
    }

    fn article(rel_path: &str, text: &str) -> Article {
        match parse_at(rel_path, text).unwrap() {
            Parsed::Article(a) => *a,
            other => panic!("not an article: {other:?}"),
        }
    }

    #[test]
    fn slug_and_date_from_file_name() {
        let a = article("2026-05-12-wal-mode.md", "---\ntitle: WAL\n---\nText\n");
        assert_eq!(
            (a.slug.as_str(), a.slug_origin),
            ("wal-mode", SlugOrigin::FileName)
        );
        assert_eq!(a.date, Some(time::macros::datetime!(2026-05-12 00:00 UTC)));
    }

    #[test]
    fn slug_and_date_from_zola_path_and_bundle_folder() {
        let a = article(
            "x@1.md",
            "+++\npath = \"inside-rust/2020/07/27/1.45.1-prerelease\"\ntitle = \"T\"\n+++\n",
        );
        assert_eq!(
            (a.slug.as_str(), a.slug_origin),
            ("1.45.1-prerelease", SlugOrigin::Path)
        );
        assert_eq!(a.date, Some(time::macros::datetime!(2020-07-27 00:00 UTC)));
        let a = article(
            "lighthouse/index.md",
            "---\ntitle: L\nhero: { src: cover.svg, alt: x }\n---\n![a](cover.svg)\n",
        );
        assert_eq!(a.slug, "lighthouse");
        assert_eq!(a.hero.unwrap().src, "/files/lighthouse/cover.svg");
        assert!(a.html.contains("src=\"/files/lighthouse/cover.svg\""));
        let a = article("x.md", "---\ntitle: T\nslug: Ünïcode Title!\n---\n");
        assert_eq!(a.slug, "ünïcode-title");
    }

    #[test]
    fn title_from_heading_or_an_error() {
        let a = article("plain.md", "# Only a heading\n\nBody.\n");
        assert_eq!(a.title, "Only a heading");
        let e = parse_at(
            "none.md",
            "---\ndate: 2026-01-01\n---\nBody without a title.\n",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("title"));
    }

    #[test]
    fn non_articles_are_skipped_with_reasons() {
        let skipped = |p: &str, t: &str| match parse_at(p, t).unwrap() {
            Parsed::Skipped { reason, redirect } => (reason, redirect),
            other => panic!("{other:?}"),
        };
        assert!(
            skipped("_index.md", "+++\ntitle = \"Blog\"\n+++\n")
                .0
                .contains("section")
        );
        assert!(
            skipped("README.md", "This directory holds...\n")
                .0
                .contains("README")
        );
        assert!(
            skipped("latest.md", "+++\ntemplate = \"latest.html\"\n+++\n")
                .0
                .contains("template")
        );
        assert!(
            skipped(
                "all.md",
                "---\ntitle: Index\ntemplate: true\n---\n{{range .}}x{{end}}\n"
            )
            .0
            .contains("template")
        );
        let (reason, redirect) = skipped("old-name.md", "---\nredirect: /blog/new-name\n---\n");
        assert!(reason.contains("redirect"));
        assert_eq!(
            redirect,
            Some(Redirect {
                from: "old-name".into(),
                target: "/blog/new-name".into()
            })
        );
        // A dated Go post that uses template directives is still an article.
        assert!(matches!(
            parse_at(
                "10years.md",
                "---\ntitle: T\ndate: 2019-11-08\ntemplate: true\n---\n{{image \"x.jpg\"}}\n"
            )
            .unwrap(),
            Parsed::Article(_)
        ));
    }

    #[test]
    fn authors_and_streams() {
        match parse_at("authors/vera.md", "---\nname: Vera\nbio: Writes.\nlinks: [{ title: Site, url: \"https://e.org\" }]\n---\nLong *bio*.\n").unwrap() {
            Parsed::Author(a) => {
                assert_eq!((a.id.as_str(), a.name.as_str(), a.bio.as_str()), ("vera", "Vera", "Writes."));
                assert_eq!(a.links.len(), 1);
                assert!(a.html.contains("<em>bio</em>"));
            }
            other => panic!("{other:?}"),
        }
        match parse_at(
            "streams/technical.md",
            "---\nname: Technical Dispatch\ndescription: Code.\n---\n",
        )
        .unwrap()
        {
            Parsed::Stream(s) => assert_eq!(
                (s.name.as_str(), s.description.as_str()),
                ("Technical Dispatch", "Code.")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relative_urls() {
        assert_eq!(
            resolve_relative("a/b", "img.png"),
            Some("/files/a/b/img.png".into())
        );
        assert_eq!(
            resolve_relative("a/b", "../c.png#x"),
            Some("/files/a/c.png#x".into())
        );
        assert_eq!(resolve_relative("", "../../etc/passwd"), None);
        assert_eq!(resolve_relative("a", "https://e.org/x"), None);
        assert_eq!(resolve_relative("a", "mailto:x@e.org"), None);
        assert_eq!(resolve_relative("a", "/blog/x"), None);
        assert_eq!(resolve_relative("a", "#top"), None);
    }
}
