//! Authors' and streams' own files (`authors/<id>.md`, `streams/<id>.md`): their front
//! matter and a body rendered without an article's extras.

use super::article::too_much;
use super::{Author, ContentSettings, FileError, Stream, front_matter, markdown, slugify};

/// The body's HTML; a relative link or image resolves from the file's folder `dir`, as an
/// article's does.
fn render_simple(
    body: &str,
    (body_line, dir): (usize, &str),
    id: &str,
    settings: ContentSettings<'_>,
) -> Result<String, FileError> {
    markdown::render(
        body,
        &markdown::RenderOptions {
            id_prefix: id,
            highlight_max_bytes: settings.highlight_max_bytes,
            trust_html: settings.trust_html,
            resolve_url: &|url| super::links::resolve_relative(dir, url),
            take_title: false,
            emoji: settings.emoji,
        },
    )
    .map(|r| r.html)
    .map_err(|e| too_much(body, body_line, e))
}

pub(super) fn author(
    id: &str,
    fm: &front_matter::FrontMatter,
    split: &front_matter::Split<'_>,
    settings: ContentSettings<'_>,
) -> Result<Author, FileError> {
    let id = slugify(id);
    Ok(Author {
        name: fm
            .name
            .clone()
            .or(fm.title.clone())
            .unwrap_or_else(|| id.clone()),
        bio: fm.bio.clone().or(fm.dek.clone()).unwrap_or_default(),
        links: fm.links.clone(),
        html: render_simple(split.body, (split.body_line, "authors"), &id, settings)?,
        avatar: avatar(fm),
        id,
    })
}

pub(super) fn stream(
    id: &str,
    fm: &front_matter::FrontMatter,
    split: &front_matter::Split<'_>,
    settings: ContentSettings<'_>,
) -> Result<Stream, FileError> {
    let id = slugify(id);
    Ok(Stream {
        name: fm
            .name
            .clone()
            .or(fm.title.clone())
            .unwrap_or_else(|| id.clone()),
        description: fm.dek.clone().unwrap_or_default(),
        html: render_simple(split.body, (split.body_line, "streams"), &id, settings)?,
        id,
    })
}

/// The author's `avatar` (a path or `{ src }`), resolved from `authors/` when relative;
/// an address no page may carry (`javascript:`) is dropped.
fn avatar(fm: &front_matter::FrontMatter) -> Option<String> {
    let src = match fm.raw.get("avatar")? {
        serde_json::Value::String(s) => s.trim(),
        serde_json::Value::Object(o) => o.get("src")?.as_str()?.trim(),
        _ => return None,
    };
    if src.is_empty() {
        return None;
    }
    super::links::resolve_relative("authors", src)
        .or_else(|| super::html::is_safe_url(src).then(|| src.to_string()))
}
