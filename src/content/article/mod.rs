//! One file to what it is, in two halves: `prepare` reads the front matter and settles
//! what the file is, its slug and its date (quick, and all the publish needs to settle
//! slugs); `PreparedArticle::render` renders the Markdown (the slow part, run later on
//! every core).

use serde_json::Value;
use time::OffsetDateTime;

use super::links::{article_link, resolve_relative};
use super::people::{author, stream};
use super::{
    Article, ContentSettings, FileError, Parsed, Redirect, SlugOrigin, SourceFile, dates,
    front_matter,
};
use super::{Hero, html, import, kind, lang, markdown};

mod render;

/// A file read as far as its front matter: what it is, and for an article everything
/// but the rendering (its slug and date included), which is the slow part.
pub enum Prepared {
    Done(Parsed),
    Article(Box<PreparedArticle>),
}

/// An article whose front matter is read and whose slug and date are known.
pub struct PreparedArticle {
    pub slug: String,
    pub slug_origin: SlugOrigin,
    /// `None` when no date was given anywhere; the publisher decides.
    pub date: Option<OffsetDateTime>,
    /// The language from `lang:` or the file name (`post.fr.md`).
    pub lang: Option<String>,
    /// Articles with the same key translate each other.
    pub translation_key: String,
    /// Dispatch, page, project or the home introduction, with its menu entry and order.
    pub role: kind::Role,
    fm: front_matter::FrontMatter,
    body: String,
    body_line: usize,
    /// The file's folder inside the content root, for relative links.
    dir: String,
    /// The body is MDX: an `.mdx` file, or ES `import` lines in it.
    mdx: bool,
    /// The file's name without extension, as written (an Obsidian note's title).
    name: String,
    /// The file had Python-Markdown `Key: value` headers (Pelican).
    pelican: bool,
}

/// A file that publishes no page of its own: a redirect stub (a forward from `slug`), or
/// a file the old site's templates drew or never rendered (a theme's page may forward).
fn not_rendered(fm: &front_matter::FrontMatter, body: &str, slug: &str) -> Option<Parsed> {
    if let Some(target) = &fm.redirect
        && fm.title.is_none()
    {
        return Some(Parsed::Skipped {
            reason: format!("redirect stub to {target}"),
            redirect: Some(Redirect {
                from: slug.to_string(),
                target: target.clone(),
            }),
        });
    }
    let why = template_only(fm, body)
        .or_else(|| import::not_rendered(&fm.raw))
        .or_else(|| layout_only(fm, body))?;
    Some(Parsed::Skipped {
        redirect: theme_page(fm, slug),
        reason: why,
    })
}

/// The first half of `parse`: everything up to rendering an article's Markdown.
pub fn prepare(file: SourceFile<'_>, settings: ContentSettings<'_>) -> Result<Prepared, FileError> {
    let split = front_matter::split(file.text)?;
    let file_name = file.rel_path.rsplit('/').next().unwrap_or(file.rel_path);
    let stem = super::markdown_stem(file_name).unwrap_or(file_name);
    // Hugo's `post.fr.md`: the language is the file's, the name is `post`.
    let (base, name_lang) = match lang::split_file_suffix(stem) {
        Some((base, tag)) => (base, Some(tag)),
        None => (stem, None),
    };
    let dir = file.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    let intro = base == "_index" && dir.is_empty() && !split.body.trim().is_empty();
    if let Some(why) = not_an_article(file_name, base, split.format).filter(|_| !intro) {
        return Ok(Prepared::Done(skip(&why)));
    }
    let fm = front_matter::parse(&split, settings.timezone)?;
    match dir {
        "authors" => {
            return Ok(Prepared::Done(Parsed::Author(author(
                stem, &fm, &split, settings,
            )?)));
        }
        "streams" => {
            return Ok(Prepared::Done(Parsed::Stream(stream(
                stem, &fm, &split, settings,
            )?)));
        }
        _ => {}
    }
    // The name the file stands for: a bundle (`slug/index.md`) is named by its folder.
    let name = if base == "index" && !dir.is_empty() {
        dir.rsplit('/').next().unwrap_or(dir)
    } else {
        base
    };
    let (name_date, name) = match dates::split_date_prefix(name) {
        Some((d, rest)) => (Some(d), rest),
        None => (None, name),
    };
    let (mut slug, slug_origin) = choose_slug(&fm, name)?;
    // A note's name keeps its case as its title; its slug is lower-cased like any other.
    if slug_origin == SlugOrigin::FileName && settings.vault.is_some_and(|v| v.obsidian) {
        slug = slug.to_lowercase();
    }
    let mut role = kind::role(
        dir,
        &fm,
        &split,
        fm.title.as_deref().unwrap_or(""),
        settings.root_pages,
    )?;
    if intro {
        role.kind = kind::Kind::Intro;
        slug = "_index".into();
    }
    if role.kind == kind::Kind::Page {
        refuse_route(&slug, settings.work_path, &split)?;
    }
    // `post.fr.md` beside `post.md`: the translation's slug names its language, unless
    // it is the site's own (Hugo serves that one without a language prefix too).
    if let Some(tag) = &name_lang
        && slug_origin == SlugOrigin::FileName
        && !tag.eq_ignore_ascii_case(settings.language)
    {
        slug = super::lang::slug_with(&slug, tag);
    }
    if let Some(skipped) = not_rendered(&fm, split.body, &slug) {
        return Ok(Prepared::Done(skipped));
    }
    let date = fm.date.or_else(|| {
        fm.path
            .as_deref()
            .and_then(dates::date_in_path)
            .or(name_date)
            .and_then(|d| dates::parse_datetime(&d.to_string(), settings.timezone).ok())
    });
    Ok(Prepared::Article(Box::new(PreparedArticle {
        slug,
        slug_origin,
        date,
        lang: fm.lang.clone().or(name_lang),
        translation_key: fm
            .translation_key
            .clone()
            .unwrap_or_else(|| path_key(dir, base)),
        mdx: file_name.ends_with(".mdx") || import::mdx::looks_like(split.body),
        name: base.to_string(),
        pelican: split.format == front_matter::Format::Meta,
        body: split.body.to_string(),
        body_line: split.body_line,
        dir: dir.to_string(),
        role,
        fm,
    })))
}

/// Refuses a page whose address a route of the site already answers (`/archive`,
/// `/feed.xml`, the portfolio's), naming the route.
fn refuse_route(slug: &str, work: &str, split: &front_matter::Split<'_>) -> Result<(), FileError> {
    match crate::urls::reserved(slug, work) {
        Some(route) => Err(FileError::at(
            front_matter::line_of_key(split, "slug"),
            Some("slug"),
            format!(
                "a page at /{slug} would be hidden by the site's own route {route}; \
                 give the page another `slug:` (or rename the file)"
            ),
        )),
        None => Ok(()),
    }
}

/// Where a theme's page that only named a layout pointed readers, as a redirect: Hugo's
/// `layout: archives` page is the archive.
fn theme_page(fm: &front_matter::FrontMatter, slug: &str) -> Option<Redirect> {
    let layout = fm.raw.get("layout")?.as_str()?;
    matches!(layout, "archives" | "archive").then(|| Redirect {
        from: slug.to_string(),
        target: crate::urls::ARCHIVE.to_string(),
    })
}

/// The translation key of a file that names none: its path without the language and
/// extension (`blog/post.fr.md` → `blog/post`), as Hugo pairs `post.md` and `post.fr.md`.
fn path_key(dir: &str, base: &str) -> String {
    if dir.is_empty() {
        base.to_string()
    } else {
        format!("{dir}/{base}")
    }
}

/// Why a file is not an article by its name alone: a section index, or repository notes
/// without front matter. `stem` is the name without extension and language.
fn not_an_article(file_name: &str, stem: &str, format: front_matter::Format) -> Option<String> {
    if stem == "_index" {
        return Some(format!("section index ({file_name}), not an article"));
    }
    let notes = ["readme", "license", "changelog", "contributing"];
    (format == front_matter::Format::None && notes.contains(&stem.to_ascii_lowercase().as_str()))
        .then(|| format!("repository notes ({file_name}), not an article"))
}

/// The slug: the front matter's `slug`, else the last segment of a Zola `path`, else the
/// file's name (its date prefix already dropped).
fn choose_slug(
    fm: &front_matter::FrontMatter,
    name: &str,
) -> Result<(String, SlugOrigin), FileError> {
    let (slug, origin) = if let Some(s) = &fm.slug {
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
        return Err(FileError::at(
            1,
            Some("slug"),
            "the slug is empty; set `slug:` to a name made of letters, digits and dashes",
        ));
    }
    Ok((slug, origin))
}

/// Why a page that only asks the old theme for a template is not an article: it names a
/// template, lacks a title or a date, and its body is empty or template directives.
fn template_only(fm: &front_matter::FrontMatter, body: &str) -> Option<String> {
    let template = fm.template.as_ref()?;
    let directives = body.contains("{{");
    if (fm.title.is_some() && fm.date.is_some()) || !(body.trim().is_empty() || directives) {
        return None;
    }
    Some(match template {
        Value::String(t) => format!("template-only page (template = {t:?}), not an article"),
        _ => "template-only page (its body is template directives), not an article".into(),
    })
}

/// Why a title-less, empty page that only names a layout of the old theme (Hugo's
/// `layout: archives`) is not an article: the page it stood for is the theme's.
fn layout_only(fm: &front_matter::FrontMatter, body: &str) -> Option<String> {
    let layout = fm.raw.get("layout")?;
    (fm.title.is_none() && body.trim().is_empty()).then(|| {
        format!(
            "layout-only page (layout = {}), not an article",
            layout
                .as_str()
                .map_or_else(|| layout.to_string(), |l| format!("{l:?}"))
        )
    })
}

fn skip(reason: &str) -> Parsed {
    Parsed::Skipped {
        reason: reason.to_string(),
        redirect: None,
    }
}

/// A render stopped by its bounds, located in the file.
pub(super) fn too_much(body: &str, body_line: usize, e: markdown::TooMuch) -> FileError {
    let at = e.at.min(body.len());
    let line = body_line
        + body.as_bytes()[..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
    FileError::at(line, None, e.message)
}

/// A URL- and id-safe name: lower-case letters and digits (any script), runs of anything
/// else turned into one `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
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
