//! Exported HTML to Markdown by htmd, after the blocks Markdown cannot say or htmd
//! would flatten are taken out: a table with merged cells kept as HTML for the
//! publish's sanitiser, a figure with a caption, a `<pre>` as a fenced block, an iframe
//! as a link. Blocks built here or by the caller wait behind placeholders that no
//! converter touches, and are put back afterwards.

use std::sync::LazyLock;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, HtmlToMarkdown};

use super::autop::{BLOCKS, find_tag, tag_name};
use htmd::options::{BulletListMarker, HrStyle, Options};

/// Opens and closes a placeholder: private-use characters, stripped from the input first.
pub(super) const OPEN: char = '\u{E000}';
pub(super) const CLOSE: char = '\u{E001}';

/// Blocks held back from conversion, put back afterwards.
#[derive(Default)]
pub(super) struct Held {
    blocks: Vec<String>,
}

impl Held {
    /// A placeholder for `markdown`, which the caller gives its own blank lines.
    pub(super) fn hold(&mut self, markdown: String) -> String {
        self.blocks.push(markdown);
        format!("{OPEN}{}{CLOSE}", self.blocks.len() - 1)
    }

    /// `text` with every placeholder replaced by what it holds.
    fn restore(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len_utf8()..];
            match after.find(CLOSE) {
                Some(j) => {
                    if let Some(b) = after[..j]
                        .parse::<usize>()
                        .ok()
                        .and_then(|n| self.blocks.get(n))
                    {
                        out.push_str(b);
                    }
                    rest = &after[j + CLOSE.len_utf8()..];
                }
                None => rest = after,
            }
        }
        out.push_str(rest);
        out
    }
}

/// `text` without any placeholder (for a summary, where held blocks have no place).
pub(super) fn erase_placeholders(text: &str) -> String {
    Held::default().restore(text)
}

/// Characters the placeholders use, removed from an export's text so that none can be
/// forged.
pub(super) fn strip_private(s: &str) -> String {
    s.replace([OPEN, CLOSE], "")
}

static CONVERTER: LazyLock<HtmlToMarkdown> = LazyLock::new(|| {
    HtmlToMarkdown::builder()
        .options(Options {
            bullet_list_marker: BulletListMarker::Dash,
            hr_style: HrStyle::Dashes,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Options::default()
        })
        .skip_tags(vec![
            "script", "style", "noscript", "form", "input", "button", "select", "textarea",
        ])
        // Inline marks Markdown has no syntax for, which the sanitiser keeps as they are:
        // `5<sup>3</sup>` must not read as 53.
        .add_handler(INLINE_KEPT.to_vec(), inline_kept)
        .build()
});

const INLINE_KEPT: &[&str] = &["sup", "sub", "del", "s", "strike", "ins", "mark", "kbd"];

fn inline_kept(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let tag = match element.tag {
        "strike" => "del",
        t => t,
    };
    let inner = handlers.walk_children(element.node).content;
    if inner.trim().is_empty() {
        return Some(inner.into());
    }
    Some(format!("<{tag}>{inner}</{tag}>").into())
}

/// Markdown for an HTML fragment whose held blocks are in `held`.
pub(super) fn to_markdown(html: &str, held: &mut Held) -> String {
    let html = keep_as_html(html, held);
    let html = figures(&html, held);
    let html = code_blocks(&html, held);
    let html = iframes_as_links(&html);
    let md = CONVERTER
        .convert(&html)
        .unwrap_or_else(|_| plain_text(&html));
    // A held block may hold another (a shortcode inside a table kept as HTML).
    let mut md = held.restore(&md);
    for _ in 0..4 {
        if !md.contains(OPEN) {
            break;
        }
        md = held.restore(&md);
    }
    let md = strip_private(&md);
    tidy(&md)
}

/// No more than one blank line in a row (outside code), and a final newline.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 1);
    let mut blank = 0;
    let mut fence: Option<&str> = None;
    for line in md.trim().lines() {
        let t = line.trim_start();
        match fence {
            Some(f) => {
                if t.starts_with(f) && t.trim_end() == f {
                    fence = None;
                }
                out.push_str(line);
                out.push('\n');
                continue;
            }
            None if t.starts_with("```") || t.starts_with("~~~~") => {
                fence = Some(if t.starts_with("```") { "```" } else { "~~~~" });
                blank = 0;
                out.push_str(line.trim_end());
                out.push('\n');
                continue;
            }
            None => {}
        }
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line.trim_end_matches([' ', '\t']).trim_end());
            if line.ends_with("  ") {
                // A hard line break htmd wrote as two trailing spaces.
                out.push_str("  ");
            }
            out.push('\n');
        }
    }
    out
}

/// Tables whose cells span rows or columns and definition lists (which Markdown cannot
/// say) kept as HTML; the publish's sanitiser decides what of it stays.
fn keep_as_html(html: &str, held: &mut Held) -> String {
    let merged = |t: &str| {
        let lower = t.to_ascii_lowercase();
        lower.contains("colspan") || lower.contains("rowspan")
    };
    let html = keep(html, "table", held, merged);
    // A definition list has no Markdown form either.
    keep(&html, "dl", held, |_| true)
}

/// Each element of `tag` that `wanted` picks held back as one block of HTML.
fn keep(html: &str, tag: &str, held: &mut Held, wanted: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = find_tag(rest, tag) {
        let Some(len) = element_len(&rest[i..], tag) else {
            break;
        };
        let element = &rest[i..i + len];
        out.push_str(&rest[..i]);
        if wanted(element) {
            let one_block = element.replace("\n\n", "\n");
            out.push_str(&held.hold(format!("\n\n{one_block}\n\n")));
        } else {
            out.push_str(element);
        }
        rest = &rest[i + len..];
    }
    out.push_str(rest);
    out
}

/// The length of the element of `tag` at the start of `html`, nested ones included.
fn element_len(html: &str, tag: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let next_open = lower[at..].find(&open).map(|i| at + i);
        let next_close = lower[at..].find(&close).map(|i| at + i)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + open.len();
            }
            _ => {
                depth = depth.saturating_sub(1);
                at = next_close + close.len();
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

/// A `<figure>` of one image and its `<figcaption>` (the block editor's image block,
/// Ghost's image card) as an image and its caption in a figure.
fn figures(html: &str, held: &mut Held) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = find_tag(rest, "figure") {
        let Some(len) = element_len(&rest[i..], "figure") else {
            break;
        };
        out.push_str(&rest[..i]);
        let fig = &rest[i..i + len];
        let lower = fig.to_ascii_lowercase();
        let one_image = lower.matches("<img").count() == 1 && !lower.contains("<table");
        match (one_image, lower.find("<figcaption")) {
            (true, Some(c)) => {
                let img_at = lower.find("<img").unwrap_or(0);
                let img_end = fig[img_at..]
                    .find('>')
                    .map_or(fig.len(), |e| img_at + e + 1);
                let img = &fig[img_at..img_end];
                let caption = plain_text(&fig[c..]);
                let alt = attr(img, "alt")
                    .filter(|a| !a.is_empty())
                    .unwrap_or_else(|| caption.clone());
                let mut image = image_md(&alt, &attr(img, "src").unwrap_or_default());
                if let Some(href) = lower[..img_at]
                    .rfind("<a ")
                    .and_then(|a| attr(&fig[a..img_at], "href"))
                {
                    image = format!("[{image}]({})", md_url(&href));
                }
                out.push_str(&held.hold(figure_md(&image, &caption)));
            }
            _ => out.push_str(fig),
        }
        rest = &rest[i + len..];
    }
    out.push_str(rest);
    out
}

/// Markdown's image: `![alt](src)`.
pub(super) fn image_md(alt: &str, src: &str) -> String {
    let alt = alt.replace(['[', ']', '\n'], " ");
    format!("![{}]({})", alt.trim(), md_url(src))
}

/// A URL fit for a Markdown link destination.
pub(super) fn md_url(u: &str) -> String {
    let u = u.trim();
    if u.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", u.replace(['<', '>', '\n'], ""))
    } else {
        u.to_string()
    }
}

/// An image (Markdown) and its caption (text) as a figure the sanitiser keeps.
pub(super) fn figure_md(image: &str, caption: &str) -> String {
    let caption = html_escape::encode_text(caption);
    format!("\n\n<figure>\n\n{image}\n\n<figcaption>{caption}</figcaption>\n</figure>\n\n")
}

/// Each `<pre>` as a fenced code block of its text (htmd keeps a `<pre>` without a
/// `<code>` inside as prose), its language from a `language-x` or `brush: x` class.
fn code_blocks(html: &str, held: &mut Held) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = find_tag(rest, "pre") {
        let Some(len) = element_len(&rest[i..], "pre") else {
            break;
        };
        out.push_str(&rest[..i]);
        let pre = &rest[i..i + len];
        let open_end = pre.find('>').map_or(pre.len(), |e| e + 1);
        let inner = &pre[open_end..pre.len() - "</pre>".len()];
        let code_open = inner
            .to_ascii_lowercase()
            .find("<code")
            .and_then(|c| inner[c..].find('>').map(|e| &inner[c..c + e + 1]));
        let classes = [
            attr(&pre[..open_end], "class"),
            code_open.and_then(|c| attr(c, "class")),
        ];
        let lang = classes
            .iter()
            .flatten()
            .find_map(|c| language(c))
            .unwrap_or_default();
        let text = tag_free(&inner.replace("<br />", "\n").replace("<br>", "\n"));
        let text = html_escape::decode_html_entities(&text);
        let text = text.trim_matches('\n');
        let fence = if text.contains("```") { "~~~~" } else { "```" };
        out.push_str(&held.hold(format!("\n\n{fence}{lang}\n{text}\n{fence}\n\n")));
        rest = &rest[i + len..];
    }
    out.push_str(rest);
    out
}

/// `language-rust`, `lang-rust`, `brush: rust;` → `rust`.
fn language(class: &str) -> Option<String> {
    let class = class.replace("brush:", "brush-").replace("lang:", "lang-");
    class.split([' ', ';']).find_map(|c| {
        let c = c.trim();
        ["language-", "lang-", "brush-"]
            .iter()
            .find_map(|p| c.strip_prefix(p))
            .map(|l| {
                l.trim()
                    .chars()
                    .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '#'))
                    .collect()
            })
            .filter(|l: &String| !l.is_empty())
    })
}

/// Text with every tag removed (nothing added in their place).
fn tag_free(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `<iframe src="https://…">` (an embedded player, which the sanitiser drops) as a link.
fn iframes_as_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = find_tag(rest, "iframe") {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let src = attr(&rest[i..tag_end], "src");
        let end = rest[tag_end..]
            .to_ascii_lowercase()
            .find("</iframe>")
            .map_or(tag_end, |e| tag_end + e + "</iframe>".len());
        if let Some(src) = src.filter(|s| s.starts_with("http") || s.starts_with("//")) {
            let src = if src.starts_with("//") {
                format!("https:{src}")
            } else {
                src
            };
            let src = html_escape::encode_double_quoted_attribute(&src);
            out.push_str(&format!("<p><a href=\"{src}\">{src}</a></p>"));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in one start tag, entities decoded.
pub(super) fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_at = tag.len() - after.len() + 1;
        let value = tag[value_at..].trim_start();
        let v = match value.chars().next()? {
            q @ ('"' | '\'') => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(html_escape::decode_html_entities(v).into_owned());
    }
    None
}

/// The text of an HTML fragment: tags dropped (a block tag or `<br>` leaves a space),
/// entities decoded, white space collapsed.
pub(super) fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        let tag = &rest[i..];
        let opens_tag = tag[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!'));
        if !opens_tag {
            // `a < b` in a title is text, not a tag.
            text.push('<');
            rest = &tag[1..];
            continue;
        }
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let name = tag_name(tag).1;
        if name == "br" || BLOCKS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = &tag[end..];
    }
    text.push_str(rest);
    let text = html_escape::decode_html_entities(&text);
    strip_private(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::import_export::autop::{autop, strip_block_comments};

    fn md(html: &str) -> String {
        let mut held = Held::default();
        let html = strip_block_comments(html, &mut held);
        to_markdown(&autop(&html), &mut held)
    }

    #[test]
    fn blank_lines_are_paragraphs_and_single_breaks_are_line_breaks() {
        assert_eq!(md("One\ntwo\n\nThree"), "One  \ntwo\n\nThree\n");
    }

    #[test]
    fn pre_keeps_its_blank_lines() {
        let out = md("Intro\n\n<pre>a\n\nb</pre>");
        assert!(out.contains("```\na\n\nb\n```"), "{out}");
    }

    #[test]
    fn block_comments_go_and_more_stays_a_marker() {
        let out =
            md("<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n<!--more-->\n<p>B</p>");
        assert_eq!(out, "A\n\n<!--more-->\n\nB\n");
    }

    #[test]
    fn a_table_with_merged_cells_stays_html() {
        let out =
            md("<table><tr><td colspan=\"2\">x</td></tr><tr><td>a</td><td>b</td></tr></table>");
        assert!(
            out.starts_with("<table>") && out.contains("colspan"),
            "{out}"
        );
    }

    #[test]
    fn a_plain_table_becomes_a_markdown_table() {
        let out = md("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>");
        assert!(out.contains("| A | B |"), "{out}");
    }

    #[test]
    fn an_iframe_becomes_a_link() {
        let out = md("<iframe src=\"https://player.example/v/1\"></iframe>");
        assert!(out.contains("(https://player.example/v/1)"), "{out}");
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(plain_text("x < y and y > z"), "x < y and y > z");
    }

    #[test]
    fn plain_text_keeps_inline_words_together() {
        assert_eq!(
            plain_text("<p>left <em>behind</em>.</p><p>Next&amp;</p>"),
            "left behind. Next&"
        );
    }

    #[test]
    fn marks_markdown_cannot_write_stay_inline_html() {
        assert_eq!(
            md("5<sup>3</sup> and H<sub>2</sub>O, <del>gone</del>"),
            "5<sup>3</sup> and H<sub>2</sub>O, <del>gone</del>\n"
        );
    }

    #[test]
    fn attributes_are_read_in_any_quoting() {
        assert_eq!(
            attr("<img src='a.png' alt=x>", "src").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            attr("<img data-src=\"b\" src=\"c\">", "src").as_deref(),
            Some("c")
        );
        assert_eq!(attr("<img alt=x>", "src"), None);
    }
}
