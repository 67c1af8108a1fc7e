//! The `<img>` tags of an article's final HTML made cheap for readers: the size of each
//! published image (so nothing jumps as it loads), its WebP variants as `srcset`, and
//! lazy loading for all but the first image of a page. Runs after the sanitiser, so the
//! attributes it adds are ours and never an author's.

use super::{attribute, attribute_at, escape, tags};
use crate::content::images::ImageFacts;

/// The width an image takes in the page's column, for the browser to pick a variant:
/// the column (`--measure` in the stylesheet, 70ch of the body font, about 40rem), or
/// the viewport less its margins on a phone.
pub(crate) const SIZES: &str = "(min-width: 44rem) 40rem, calc(100vw - 2rem)";

/// Looks up a published image by its path inside the content folder.
pub(crate) type Lookup<'a> = dyn Fn(&str) -> Option<ImageFacts> + Sync + 'a;

/// What decorating gave: the HTML and the published images it uses (by their paths in
/// the content folder), so the page is rendered again when one of them changes.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Decorated {
    pub html: String,
    pub used: Vec<String>,
}

/// Adds sizes, variants and loading hints to every `<img>` in `html`, and gives the
/// relative `src` of an author's raw `<img>` the address `resolve` makes of it (Markdown
/// images are resolved as they are rendered). With `first_is_eager`, the first image
/// loads at once (it may be what the reader sees first); every other image waits until
/// it nears the viewport.
pub(crate) fn decorate(
    html: &str,
    lookup: &Lookup<'_>,
    resolve: &dyn Fn(&str) -> Option<String>,
    first_is_eager: bool,
) -> Decorated {
    let mut out = String::with_capacity(html.len() + 256);
    let mut used = Vec::new();
    let mut copied = 0;
    let mut seen = 0usize;
    for t in tags(html) {
        if t.closing || !t.name.eq_ignore_ascii_case("img") {
            continue;
        }
        let (src_at, src) = attribute_at(t.text, "src").unzip();
        let resolved = src.as_deref().and_then(resolve);
        let facts = resolved
            .as_deref()
            .or(src.as_deref())
            .and_then(published_path)
            .and_then(|path| lookup(&path).map(|f| (path, f)));
        // The value is replaced where it is written, quoted anew.
        if let Some(new) = &resolved
            && let Some(at) = src_at
        {
            out.push_str(&html[copied..t.start + at.start]);
            out.push_str(&format!("\"{}\"", escape(new)));
            copied = t.start + at.end;
        }
        let eager = first_is_eager && seen == 0;
        seen += 1;
        let added = added_attributes(t.text, facts.as_ref(), eager);
        if let Some((path, _)) = facts
            && !used.contains(&path)
        {
            used.push(path);
        }
        if added.is_empty() {
            continue;
        }
        // Before `>` or `/>`.
        let close = if t.text.ends_with("/>") { 2 } else { 1 };
        let at = t.end - close;
        out.push_str(&html[copied..at]);
        let tight = html[..at].ends_with(|c: char| c.is_ascii_whitespace());
        out.push_str(if tight { &added[1..] } else { &added });
        copied = at;
    }
    out.push_str(&html[copied..]);
    Decorated { html: out, used }
}

/// The attributes `tag` lacks, each with a leading space.
fn added_attributes(tag: &str, facts: Option<&(String, ImageFacts)>, eager: bool) -> String {
    let mut added = String::new();
    let has = |name: &str| attribute(tag, name).is_some();
    if let Some((path, f)) = facts {
        add_size(tag, f, &mut added);
        if !f.variant_widths.is_empty() && !has("srcset") {
            added.push_str(&format!(
                " srcset=\"{}\" sizes=\"{SIZES}\"",
                escape(&srcset(path, f))
            ));
        }
    }
    if !eager {
        if !has("loading") {
            added.push_str(" loading=\"lazy\"");
        }
        if !has("decoding") {
            added.push_str(" decoding=\"async\"");
        }
    }
    added
}

/// `width` and `height` from the file, or the missing one of the two from the other
/// and the file's proportions; an author's own values stay.
fn add_size(tag: &str, f: &ImageFacts, added: &mut String) {
    let number = |name: &str| attribute(tag, name).and_then(|v| v.trim().parse::<u64>().ok());
    let (w, h) = (f.width as u64, f.height as u64);
    if w == 0 || h == 0 {
        return;
    }
    match (attribute(tag, "width"), attribute(tag, "height")) {
        (None, None) => added.push_str(&format!(" width=\"{w}\" height=\"{h}\"")),
        (Some(_), None) => {
            if let Some(given) = number("width") {
                added.push_str(&format!(" height=\"{}\"", (given * h + w / 2) / w));
            }
        }
        (None, Some(_)) => {
            if let Some(given) = number("height") {
                added.push_str(&format!(" width=\"{}\"", (given * w + h / 2) / h));
            }
        }
        (Some(_), Some(_)) => {}
    }
}

/// The variants, then the original at its own width.
pub(crate) fn srcset(path: &str, f: &ImageFacts) -> String {
    let mut parts: Vec<String> = f
        .variant_widths
        .iter()
        .map(|w| format!("{} {w}w", crate::urls::image_variant(&f.variant_key, *w)))
        .collect();
    parts.push(format!("{} {}w", crate::urls::file(path), f.width));
    parts.join(", ")
}

/// The path inside the content folder of a `src` that points at a published file.
pub(crate) fn published_path(src: &str) -> Option<String> {
    let rest = src.strip_prefix(crate::urls::FILES)?.strip_prefix('/')?;
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    // Lenient on escapes (an author's `100%.png`), strict on UTF-8: a path that is not
    // text names no file.
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
    String::from_utf8(bytes).ok().filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str) -> Option<ImageFacts> {
        match path {
            "post/photo one.jpg" => Some(ImageFacts {
                width: 2000,
                height: 1000,
                variant_key: "abc".into(),
                variant_widths: vec![480, 960, 1600],
            }),
            "post/small.png" => Some(ImageFacts {
                width: 300,
                height: 200,
                ..ImageFacts::default()
            }),
            _ => None,
        }
    }

    fn run(html: &str, eager: bool) -> Decorated {
        let resolve = |src: &str| crate::content::resolve_relative("post", src);
        decorate(html, &facts, &resolve, eager)
    }

    #[test]
    fn a_published_image_gets_its_size_and_variants() {
        let d = run(
            "<p><img src=\"/files/post/photo%20one.jpg\" alt=\"x\"></p>",
            true,
        );
        assert_eq!(
            d.html,
            format!(
                "<p><img src=\"/files/post/photo%20one.jpg\" alt=\"x\" width=\"2000\" \
                 height=\"1000\" srcset=\"/images/abc/480.webp 480w, /images/abc/960.webp 960w, \
                 /images/abc/1600.webp 1600w, /files/post/photo%20one.jpg 2000w\" \
                 sizes=\"{SIZES}\"></p>"
            )
        );
        assert_eq!(d.used, ["post/photo one.jpg"]);
    }

    #[test]
    fn every_image_but_the_first_loads_lazily() {
        let html = "<img src=\"/files/post/small.png\" alt=\"\">\
                    <img src=\"https://example.org/a.png\" alt=\"\">\
                    <img src=\"/files/missing.png\" alt=\"\" loading=\"eager\">";
        let d = run(html, true);
        assert_eq!(
            d.html,
            "<img src=\"/files/post/small.png\" alt=\"\" width=\"300\" height=\"200\">\
             <img src=\"https://example.org/a.png\" alt=\"\" loading=\"lazy\" decoding=\"async\">\
             <img src=\"/files/missing.png\" alt=\"\" loading=\"eager\" decoding=\"async\">"
        );
        assert_eq!(d.used, ["post/small.png"]);
        // Below a hero, even the first is lazy.
        assert!(
            run(html, false)
                .html
                .starts_with("<img src=\"/files/post/small.png\" alt=\"\" width=\"300\" height=\"200\" loading=\"lazy\"")
        );
    }

    #[test]
    fn an_authors_own_size_stays_and_the_other_side_follows_it() {
        let d = run("<img src=\"/files/post/small.png\" width=\"150\">", true);
        assert_eq!(
            d.html,
            "<img src=\"/files/post/small.png\" width=\"150\" height=\"100\">"
        );
        let d = run("<img src=\"/files/post/small.png\" width=\"50%\">", true);
        assert_eq!(d.html, "<img src=\"/files/post/small.png\" width=\"50%\">");
        let d = run(
            "<img height=\"20\" width=\"30\" src=\"/files/post/small.png\"/>",
            true,
        );
        assert_eq!(
            d.html,
            "<img height=\"20\" width=\"30\" src=\"/files/post/small.png\"/>"
        );
    }

    #[test]
    fn a_relative_src_in_raw_html_is_resolved_and_sized() {
        let d = run("<img src=\"small.png\" alt=\"s\">", true);
        assert_eq!(
            d.html,
            "<img src=\"/files/post/small.png\" alt=\"s\" width=\"300\" height=\"200\">"
        );
        assert_eq!(d.used, ["post/small.png"]);
    }

    /// Trusted raw HTML reaches this pass as written: single quotes, or ` src="` inside
    /// another attribute's value.
    #[test]
    fn the_src_replaced_is_the_src_attribute_however_it_is_quoted() {
        let d = run("<img src='small.png'>", true);
        assert_eq!(
            d.html,
            "<img src=\"/files/post/small.png\" width=\"300\" height=\"200\">"
        );
        let d = run("<img alt='see src=\"zz\"' src=\"small.png\">", true);
        assert_eq!(
            d.html,
            "<img alt='see src=\"zz\"' src=\"/files/post/small.png\" width=\"300\" height=\"200\">"
        );
    }

    #[test]
    fn other_tags_and_text_are_left_alone() {
        let html = "<p>a &lt;img src=x&gt; <code>&lt;img&gt;</code> <imgx src=\"/files/post/small.png\"></p>";
        assert_eq!(run(html, false).html, html);
    }
}
