//! One entry's body and excerpt as Markdown and text: shortcodes expanded, WordPress's
//! paragraphs made, bare URLs on a line of their own (WordPress's auto-embeds) linked.

use std::collections::{BTreeSet, HashMap};

use super::autop;
use super::html_md::{self, Held};
use super::shortcodes::{self, Context};
use super::{Attachment, BodyFormat, Entry};

/// The export's attachments, by id and by the post they were uploaded to.
pub(super) struct Media<'a> {
    by_id: HashMap<String, &'a Attachment>,
    by_parent: HashMap<String, Vec<&'a Attachment>>,
}

impl<'a> Media<'a> {
    pub(super) fn new(attachments: &'a [Attachment]) -> Media<'a> {
        let mut by_parent: HashMap<String, Vec<&Attachment>> = HashMap::new();
        for a in attachments {
            if let Some(p) = &a.parent {
                by_parent.entry(p.clone()).or_default().push(a);
            }
        }
        Media {
            by_id: attachments.iter().map(|a| (a.id.clone(), a)).collect(),
            by_parent,
        }
    }
}

/// A body converted, with what the conversion found.
pub(super) struct Rendered {
    pub markdown: String,
    /// Shortcodes removed, by name.
    pub removed: BTreeSet<String>,
    /// Attachment ids the body shows.
    pub used: BTreeSet<String>,
}

/// `entry`'s body as Markdown.
pub(super) fn render(entry: &Entry, media: &Media<'_>) -> Rendered {
    let text = html_md::strip_private(&entry.body);
    let mut held = Held::default();
    let children = media
        .by_parent
        .get(&entry.id)
        .map_or(&[][..], Vec::as_slice);
    let (html, removed, used) = match entry.format {
        BodyFormat::WordPress => {
            let has_blocks = text.contains("<!-- wp:");
            let html = autop::strip_block_comments(&text, &mut held);
            let mut cx = Context {
                attachments: &media.by_id,
                children,
                held: &mut held,
                removed: BTreeSet::new(),
                used: BTreeSet::new(),
            };
            let html = shortcodes::expand(&html, &mut cx);
            let (removed, used) = (cx.removed, cx.used);
            let html = auto_embed(&html);
            // Block content carries its own paragraphs; WordPress runs autop only on the rest.
            let html = if has_blocks {
                html
            } else {
                autop::autop(&html)
            };
            (html, removed, used)
        }
        BodyFormat::Html => (
            autop::strip_block_comments(&text, &mut held),
            BTreeSet::new(),
            BTreeSet::new(),
        ),
    };
    Rendered {
        markdown: html_md::to_markdown(&html, &mut held),
        removed,
        used,
    }
}

/// An excerpt as one line of text, shortcodes and tags gone.
pub(super) fn excerpt(html: &str, media: &Media<'_>) -> String {
    let mut held = Held::default();
    let mut cx = Context {
        attachments: &media.by_id,
        children: &[],
        held: &mut held,
        removed: BTreeSet::new(),
        used: BTreeSet::new(),
    };
    let text = shortcodes::expand(&html_md::strip_private(html), &mut cx);
    html_md::plain_text(&html_md::erase_placeholders(&text))
}

/// A line that is nothing but a URL (which WordPress turns into an embedded player)
/// as a link in a paragraph of its own.
fn auto_embed(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for line in html.split_inclusive('\n') {
        let t = line.trim();
        let bare = (t.starts_with("http://") || t.starts_with("https://"))
            && !t.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''));
        if bare {
            let href = html_escape::encode_double_quoted_attribute(t);
            out.push_str(&format!("\n<p><a href=\"{href}\">{href}</a></p>\n"));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_export::Kind;

    fn entry(body: &str) -> Entry {
        Entry {
            kind: Kind::Post,
            id: "1".into(),
            title: "T".into(),
            date: None,
            slug: "t".into(),
            tags: vec![],
            categories: vec![],
            author: None,
            excerpt: String::new(),
            draft: false,
            aliases: vec![],
            body: body.into(),
            format: BodyFormat::WordPress,
            image: None,
            thumbnail_id: None,
            origin: "post 1".into(),
        }
    }

    #[test]
    fn a_url_on_its_own_line_becomes_a_link() {
        let r = render(
            &entry("Listen:\n\nhttps://audio.example/track/1\n\nEnd."),
            &Media::new(&[]),
        );
        assert!(
            r.markdown
                .contains("[https://audio.example/track/1](https://audio.example/track/1)"),
            "{}",
            r.markdown
        );
    }

    #[test]
    fn an_excerpt_loses_its_shortcodes_and_tags() {
        let m = Media::new(&[]);
        assert_eq!(
            excerpt("<p>Short [gallery] &amp; sweet</p>", &m),
            "Short & sweet"
        );
    }
}
