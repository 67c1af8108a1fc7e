//! What a content file points at, where its author wrote it: the links and images of its
//! Markdown, the `src` of each raw `<img>`, and the images its front matter names (an
//! article's `hero`, a project's `image`, an author's `avatar`), each with its 1-based line.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::content::front_matter::{self, Split, line_of_key};
use crate::content::{html, markdown};

/// Whether a target is followed (a link) or shown (an image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    Link,
    Image,
}

impl What {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            What::Link => "link",
            What::Image => "image",
        }
    }
}

/// One address as written, and where.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Target {
    pub line: usize,
    pub what: What,
    pub url: String,
}

/// Everything an article's file points at: its front matter's images first (a project's
/// `image` counts when it has no `hero`, as the publish reads it), then its body's.
pub(super) fn of_article(text: &str, project: bool) -> Vec<Target> {
    let Ok(split) = front_matter::split(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Ok(map) = front_matter::to_map(&split) {
        let key = if project && !map.contains_key("hero") {
            "image"
        } else {
            "hero"
        };
        out.extend(image_key(&split, &map, key));
    }
    out.extend(body(&split));
    out
}

/// The picture an author's file names (`avatar`), if any, then its bio's links and
/// images (which resolve from `authors/`, as an article's from its folder).
pub(super) fn of_author(text: &str) -> Vec<Target> {
    let Ok(split) = front_matter::split(text) else {
        return Vec::new();
    };
    let mut out: Vec<Target> = match front_matter::to_map(&split) {
        Ok(map) => image_key(&split, &map, "avatar").into_iter().collect(),
        Err(_) => Vec::new(),
    };
    out.extend(body(&split));
    out
}

/// The image front-matter `key` names, as a string or as a table's `src`. Its line is
/// that of `src` when the table spreads over lines, else the key's.
fn image_key(split: &Split<'_>, map: &serde_json::Map<String, Value>, key: &str) -> Option<Target> {
    let (url, table) = match map.get(key)? {
        Value::String(s) => (s.clone(), false),
        Value::Object(o) => (o.get("src")?.as_str()?.to_string(), true),
        _ => return None,
    };
    let mut line = line_of_key(split, key);
    if table {
        let skip = line.saturating_sub(split.front_line);
        if let Some(i) = split
            .front
            .lines()
            .skip(skip)
            .position(|l| l.trim_start().starts_with("src"))
        {
            line += i;
        }
    }
    Some(Target {
        line,
        what: What::Image,
        url,
    })
}

/// The links and images of the Markdown body, and the `src` of its raw `<img>` tags. An
/// HTML block is read whole (it comes a line at a time), so a tag over lines is seen.
fn body(split: &Split<'_>) -> Vec<Target> {
    let body = split.body;
    let mut out = Vec::new();
    let mut lines = markdown::LineCounter::default();
    // The HTML block being read: where it starts, and its text so far.
    let mut block: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        let mut at = |offset: usize| split.body_line + lines.at(body, offset);
        let (line, what, url) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (at(range.start), What::Link, dest_url),
            Event::Start(Tag::Image { dest_url, .. }) => (at(range.start), What::Image, dest_url),
            Event::Start(Tag::HtmlBlock) => {
                block = Some((range.start, String::new()));
                continue;
            }
            Event::Html(raw) if block.is_some() => {
                if let Some((_, text)) = block.as_mut() {
                    text.push_str(&raw);
                }
                continue;
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, text)) = block.take() {
                    out.extend(images_in(&text, at(start)));
                }
                continue;
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                out.extend(images_in(&raw, at(range.start)));
                continue;
            }
            _ => continue,
        };
        out.push(Target {
            line,
            what,
            url: url.to_string(),
        });
    }
    out
}

/// The `src` of each `<img>` in the raw HTML `raw`, which begins on line `first`.
fn images_in(raw: &str, first: usize) -> Vec<Target> {
    html::tags(raw)
        .into_iter()
        .filter(|t| !t.closing && t.name.eq_ignore_ascii_case("img"))
        .filter_map(|t| {
            let src = html::attribute(t.text, "src")?;
            Some(Target {
                line: first + raw[..t.start].matches('\n').count(),
                what: What::Image,
                url: src,
            })
        })
        .collect()
}
