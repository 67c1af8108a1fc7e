//! WordPress's own markup, undone before conversion: block comments removed,
//! `<!--more-->` kept as the summary's end, and wpautop's paragraph rule applied (blank
//! lines are paragraphs, single line breaks `<br>`, block tags stand alone, `<pre>`
//! untouched).

use super::html_md::{CLOSE, Held, OPEN};

/// Removes WordPress's block comments (`<!-- wp:paragraph -->`, `<!-- /wp:… -->`),
/// marks `<!--more-->` for the summary's end, and drops `<!--nextpage-->`.
pub(super) fn strip_block_comments(html: &str, held: &mut Held) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let Some(end) = after.find("-->") else {
            rest = "";
            break;
        };
        let inner = after[..end].trim();
        if inner.starts_with("more") {
            out.push_str("\n\n");
            out.push_str(&held.hold("\n\n<!--more-->\n\n".into()));
            out.push_str("\n\n");
        } else if inner.starts_with("wp:") || inner.starts_with("/wp:") || inner == "nextpage" {
            out.push('\n');
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

/// The tags WordPress's autop treats as blocks (never wrapped in a paragraph).
pub(super) const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "map",
    "math",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "iframe",
    "audio",
    "video",
    "object",
    "script",
];

/// wpautop's rule: text separated by a blank line is a paragraph, a single line break
/// inside one is `<br>`, and block tags stand on their own; `<pre>` is left alone.
pub(super) fn autop(html: &str) -> String {
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    let (html, pres) = hold_pre(&html);
    let spaced = space_blocks(&html);
    let mut out = String::with_capacity(spaced.len() + 64);
    for chunk in spaced.split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if starts_with_block(chunk) || chunk.starts_with("<!--") {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br />"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
    restore_pre(&out, &pres)
}

/// Each `<pre>…</pre>` replaced by a marker, so that autop leaves its lines alone.
fn hold_pre(html: &str) -> (String, Vec<String>) {
    let mut pres = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = find_tag(rest, "pre") {
        let Some(end) = rest[i..].find("</pre>") else {
            break;
        };
        let end = i + end + "</pre>".len();
        out.push_str(&rest[..i]);
        out.push_str(&format!("\n\n<pre{OPEN}{}{CLOSE}>\n\n", pres.len()));
        pres.push(rest[i..end].to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, pres)
}

fn restore_pre(html: &str, pres: &[String]) -> String {
    let mut out = html.to_string();
    for (n, pre) in pres.iter().enumerate() {
        out = out.replacen(&format!("<pre{OPEN}{n}{CLOSE}>"), pre, 1);
    }
    out
}

/// The byte offset of the next `<tag` (followed by `>`, space or `/`), any case.
pub(super) fn find_tag(html: &str, tag: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let needle = format!("<{tag}");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&needle) {
        let at = from + i;
        match lower.as_bytes().get(at + needle.len()) {
            Some(b'>' | b' ' | b'/' | b'\n' | b'\t') | None => return Some(at),
            _ => from = at + needle.len(),
        }
    }
    None
}

/// A blank line before every block tag's start and after every block tag's end.
fn space_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let (closing, name) = tag_name(tag);
        if BLOCKS.contains(&name.as_str()) {
            if closing {
                out.push_str(&tag[..end]);
                out.push_str("\n\n");
            } else {
                out.push_str("\n\n");
                out.push_str(&tag[..end]);
            }
        } else {
            out.push_str(&tag[..end]);
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    out
}

/// `(closing, lower-case name)` of the tag at the start of `tag` (`<div …`, `</p>`).
pub(super) fn tag_name(tag: &str) -> (bool, String) {
    let body = tag.strip_prefix('<').unwrap_or(tag);
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    (closing, name)
}

fn starts_with_block(chunk: &str) -> bool {
    chunk.starts_with('<') && BLOCKS.contains(&tag_name(chunk).1.as_str())
}
