//! Repairs of authors' raw HTML that browsers tolerate but the HTML standard does not,
//! applied to an article's final HTML at publish time: heading levels that skip (the
//! page's outline), images without `alt`, `<p>` inside `<summary>`, a `<details>`
//! without its `<summary>` first, and anchors that are only targets.
//!
//! The input is serialised by html5ever (through the sanitiser), so tags are
//! well-formed and attribute values double-quoted; a tag ends at the first `>` outside
//! quotes.

/// One tag found in the HTML.
pub(crate) struct Tag<'a> {
    pub start: usize,
    pub end: usize,
    /// The name as written, without `/`.
    pub name: &'a str,
    pub closing: bool,
    /// The whole tag, `<` to `>`.
    pub text: &'a str,
}

/// Every tag in `html`, in order.
pub(crate) fn tags(html: &str) -> Vec<Tag<'_>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let mut j = start + 1;
        let mut quote = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (None, b'"' | b'\'') => quote = Some(bytes[j]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        if j >= bytes.len() {
            break;
        }
        let text = &html[start..=j];
        let inner = &text[1..text.len() - 1];
        let closing = inner.starts_with('/');
        let name_part = inner.trim_start_matches('/');
        let name_len = name_part
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(name_part.len());
        let name = &name_part[..name_len];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push(Tag {
                start,
                end: j + 1,
                name,
                closing,
                text,
            });
        }
        i = j + 1;
    }
    out
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h' | b'H', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

fn has_attr(tag: &str, attr: &str) -> bool {
    tag.contains(&format!(" {attr}=")) || tag.ends_with(&format!(" {attr}>"))
}

/// The `src` of every `<img>` in an author's raw `html` that has no `alt` attribute.
pub(crate) fn images_without_alt(html: &str) -> Vec<String> {
    tags(html)
        .iter()
        .filter(|t| !t.closing && t.name.eq_ignore_ascii_case("img"))
        .filter_map(|t| {
            // Raw HTML may use any case and quoting: `ALT='x'`, a bare `alt`.
            let lower = t.text.to_ascii_lowercase();
            let named = |name: &str| {
                lower.match_indices(name).any(|(i, _)| {
                    lower[..i].ends_with(|c: char| c.is_ascii_whitespace())
                        && lower[i + name.len()..].starts_with(|c: char| {
                            c == '=' || c == '>' || c == '/' || c.is_ascii_whitespace()
                        })
                })
            };
            (!named("alt")).then(|| src_of(t.text, &lower))
        })
        .collect()
}

/// The value of `src` in a tag's text (whose lower-cased copy is `lower`), unquoted.
fn src_of(text: &str, lower: &str) -> String {
    let Some(i) = lower.find(" src=").or_else(|| lower.find("\nsrc=")) else {
        return String::new();
    };
    let rest = &text[i + 5..];
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or("").to_string(),
        _ => rest
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next()
            .unwrap_or("")
            .to_string(),
    }
}

/// Repairs `html`, the body of an article under a page whose `h1` is its title.
pub(crate) fn article(html: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let all = tags(html);
    // Headings: each at most one level below the one before; the first is h2. Closing
    // tags follow their opening tag's new level.
    let mut last = 1u8;
    let mut open: Vec<u8> = Vec::new();
    let mut summary_depth = 0usize;
    for (k, t) in all.iter().enumerate() {
        let lower = t.name.to_ascii_lowercase();
        if let Some(level) = heading_level(&lower) {
            if t.closing {
                if let Some(n) = open.pop() {
                    edits.push((t.start, t.end, format!("</h{n}>")));
                }
            } else {
                let n = level.clamp(2, last + 1);
                last = n;
                open.push(n);
                edits.push((t.start, t.start + 3, format!("<h{n}")));
            }
            continue;
        }
        match (lower.as_str(), t.closing) {
            ("img", false) if !has_attr(t.text, "alt") => {
                let at = t.start + 4;
                edits.push((at, at, " alt=\"\"".into()));
            }
            // An anchor that is only a link target (`<a name>` became `<a id>`) needs no
            // `rel`, which is only allowed with `href`.
            ("a", false) if !has_attr(t.text, "href") && has_attr(t.text, "rel") => {
                let without = remove_attr(t.text, "rel");
                edits.push((t.start, t.end, without));
            }
            ("summary", false) => summary_depth += 1,
            ("summary", true) => summary_depth = summary_depth.saturating_sub(1),
            ("p", _) if summary_depth > 0 => edits.push((t.start, t.end, String::new())),
            ("details", false) => {
                // Its first element child must be a summary.
                let ok = all.get(k + 1).is_some_and(|n| {
                    n.name.eq_ignore_ascii_case("summary")
                        && !n.closing
                        && html[t.end..n.start].trim().is_empty()
                });
                if !ok {
                    edits.push((t.end, t.end, "<summary>Details</summary>".into()));
                }
            }
            _ => {}
        }
    }
    // A summary that was not first is now a second one, which is not allowed: make it
    // a paragraph of the details' content.
    let mut out = apply(html, edits);
    if out.contains("<summary>Details</summary>") {
        out = demote_late_summaries(&out);
    }
    out
}

fn remove_attr(tag: &str, attr: &str) -> String {
    let key = format!(" {attr}=\"");
    match tag.find(&key) {
        Some(i) => {
            let rest = &tag[i + key.len()..];
            let end = rest.find('"').map_or(tag.len(), |j| i + key.len() + j + 1);
            format!("{}{}", &tag[..i], &tag[end..])
        }
        None => tag.to_string(),
    }
}

/// After an inserted `<summary>`, later summaries of the same details become `<p>`.
fn demote_late_summaries(html: &str) -> String {
    let mut edits = Vec::new();
    let all = tags(html);
    let mut depth: Vec<usize> = Vec::new();
    for t in &all {
        match (t.name, t.closing) {
            ("details", false) => depth.push(0),
            ("details", true) => {
                depth.pop();
            }
            ("summary", false) => {
                if let Some(seen) = depth.last_mut() {
                    *seen += 1;
                    if *seen > 1 {
                        edits.push((t.start, t.end, "<p>".to_string()));
                    }
                }
            }
            ("summary", true) if depth.last().is_some_and(|s| *s > 1) => {
                edits.push((t.start, t.end, "</p>".to_string()));
            }
            _ => {}
        }
    }
    apply(html, edits)
}

fn apply(html: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    if edits.is_empty() {
        return html.to_string();
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(html.len() + edits.len() * 8);
    let mut at = 0;
    for (start, end, with) in edits {
        if start < at {
            continue;
        }
        out.push_str(&html[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// A summary shown on a list page: no ids (many summaries share a page), headings
/// become paragraphs (the list's own headings are the outline), no anchor links.
pub(crate) fn summary(html: &str) -> String {
    let mut edits = Vec::new();
    let all = tags(html);
    let mut skip_until: Option<usize> = None;
    for (k, t) in all.iter().enumerate() {
        if skip_until.is_some_and(|e| t.start < e) {
            continue;
        }
        if heading_level(t.name).is_some() {
            let with = if t.closing {
                "</p>"
            } else {
                "<p class=\"summary-heading\">"
            };
            edits.push((t.start, t.end, with.to_string()));
            continue;
        }
        if t.name == "a" && !t.closing && t.text.contains("class=\"anchor\"") {
            // Drop the heading's self-link and its text.
            if let Some(close) = all[k + 1..].iter().find(|n| n.name == "a" && n.closing) {
                edits.push((t.start, close.end, String::new()));
                skip_until = Some(close.end);
            }
            continue;
        }
        if !t.closing && has_attr(t.text, "id") {
            edits.push((t.start, t.end, remove_attr(t.text, "id")));
        }
    }
    apply(html, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_never_skip_a_level() {
        let html =
            "<h3 id=\"a\">A</h3><p>x</p><h5>B</h5><h2>C</h2><h4 title=\"x>y\">D</h4><h1>E</h1>";
        assert_eq!(
            article(html),
            "<h2 id=\"a\">A</h2><p>x</p><h3>B</h3><h2>C</h2><h3 title=\"x>y\">D</h3><h2>E</h2>"
        );
    }

    #[test]
    fn images_without_any_alt_are_found() {
        assert_eq!(
            images_without_alt(
                "<img src=\"a.png\"><IMG SRC='b.png' ALT='b'><img alt src=c.png>\
                 <img\nsrc=d.png width=3><img data-alt=\"x\" src=\"e.png\"/>"
            ),
            ["a.png", "d.png", "e.png"]
        );
    }

    #[test]
    fn author_markup_is_made_valid() {
        assert_eq!(
            article("<p><img src=\"a.png\"> <img alt=\"b\" src=\"b.png\"></p>"),
            "<p><img alt=\"\" src=\"a.png\"> <img alt=\"b\" src=\"b.png\"></p>"
        );
        assert_eq!(
            article(
                "<details><summary><span><p>1 update</p></span></summary><p>body</p></details>"
            ),
            "<details><summary><span>1 update</span></summary><p>body</p></details>"
        );
        assert_eq!(
            article("<p><a id=\"tool\" rel=\"noopener noreferrer\"></a>x</p>"),
            "<p><a id=\"tool\"></a>x</p>"
        );
        assert_eq!(
            article("<details><p>body</p><summary>Late</summary></details>"),
            "<details><summary>Details</summary><p>body</p><p>Late</p></details>"
        );
    }

    #[test]
    fn summaries_lose_ids_headings_and_anchors() {
        assert_eq!(
            summary(
                "<h2 id=\"x\">T <a class=\"anchor\" href=\"#x\" aria-label=\"Link\">#</a></h2><p id=\"y\">z</p>"
            ),
            "<p class=\"summary-heading\">T </p><p>z</p>"
        );
    }
}
