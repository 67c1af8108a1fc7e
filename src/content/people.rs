//! Authors' and streams' own files (`authors/<id>.md`, `streams/<id>.md`): their front
//! matter and a body rendered without an article's extras.

use super::article::too_much;
use super::{Author, ContentSettings, FileError, Stream, front_matter, markdown, slugify};

fn render_simple(
    body: &str,
    body_line: usize,
    id: &str,
    settings: ContentSettings<'_>,
) -> Result<String, FileError> {
    markdown::render(
        body,
        &markdown::RenderOptions {
            id_prefix: id,
            highlight_max_bytes: settings.highlight_max_bytes,
            trust_html: settings.trust_html,
            resolve_url: &|_| None,
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
        html: render_simple(split.body, split.body_line, &id, settings)?,
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
        html: render_simple(split.body, split.body_line, &id, settings)?,
        id,
    })
}
