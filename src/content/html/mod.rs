//! All string work on HTML, in one place: escaping text, decoding character references,
//! the sanitising policy (`sanitize`), repairs of authors' raw HTML (`repair`), and
//! making site paths absolute for feeds and meta tags.

pub(crate) mod images;
pub(crate) mod repair;
pub(crate) mod sanitize;

pub(crate) use repair::tags;

/// The value of attribute `name` (any case) in a tag's text `<x a="1" b=2 c>`, unquoted
/// and with character references decoded; `Some("")` for a bare attribute.
pub(crate) fn attribute(tag: &str, name: &str) -> Option<String> {
    attribute_at(tag, name).map(|(_, value)| value)
}

/// [`attribute`], with where its value is written in `tag`: quotes included, empty (at
/// the attribute's end) for a bare attribute.
pub(crate) fn attribute_at(tag: &str, name: &str) -> Option<(std::ops::Range<usize>, String)> {
    let bytes = tag.as_bytes();
    let mut i = tag.find(|c: char| c.is_ascii_whitespace())?;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !b" \t\n\r\x0c=>/".contains(&bytes[i]) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let key = &tag[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (span, value) = if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = tag[i + 1..]
                        .find(q as char)
                        .map_or(tag.len(), |e| i + 1 + e);
                    let span = i..(end + 1).min(tag.len());
                    let v = &tag[i + 1..end];
                    i = end + 1;
                    (span, v)
                }
                _ => {
                    let end = tag[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(tag.len(), |e| i + e);
                    let span = i..end;
                    let v = &tag[i..end];
                    i = end;
                    (span, v)
                }
            }
        } else {
            (i..i, "")
        };
        if key.eq_ignore_ascii_case(name) {
            return Some((span, decode_entities(value)));
        }
    }
    None
}

/// Escapes text for an HTML element or attribute.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for an element's content, written as the sanitiser's serialiser writes it (so
/// markup that skips the sanitiser comes out byte for byte as if it had passed): `&`,
/// `<`, `>` and no-break spaces as references, line ends as `\n`, NUL dropped as
/// HTML's parser drops it.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '\0' => {}
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            c => out.push(c),
        }
    }
    out
}

/// Decodes every character reference HTML knows (`&amp;`, `&mdash;`, `&#39;`, `&#x2014;`
/// …) into text: for titles and plain text taken from authors' raw HTML, and for
/// snippets shown as text.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    html_escape::decode_html_entities(s).into_owned()
}

/// A site path made absolute; full URLs are left alone.
pub(crate) fn absolute(src: &str, base: &str) -> String {
    if src.starts_with('/') && !src.starts_with("//") {
        format!("{base}{src}")
    } else {
        src.to_string()
    }
}

/// Makes the links and images of rendered HTML absolute, for readers that show an entry
/// away from the site: `href="/…"`, `src="/…"` get the base URL, `href="#…"` the
/// article's own URL. Our renderer and sanitiser always write double-quoted attributes.
pub(crate) fn absolutize(html: &str, base: &str, page: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find("=\"") {
        let (head, tail) = rest.split_at(i + 2);
        out.push_str(head);
        let name = &head[..head.len() - 2];
        if name.ends_with(" srcset") {
            // `url 480w, url 960w`: each candidate's site path gets the base.
            let end = tail.find('"').unwrap_or(tail.len());
            let candidates: Vec<String> =
                tail[..end].split(", ").map(|c| absolute(c, base)).collect();
            out.push_str(&candidates.join(", "));
            rest = &tail[end..];
            continue;
        }
        let attr_is_url = name.ends_with(" href") || name.ends_with(" src");
        // Absolute, protocol-relative and empty values stay as written.
        let relative = !(tail.starts_with("//") || tail.starts_with('"') || has_scheme(tail));
        if attr_is_url && relative {
            if tail.starts_with('/') {
                out.push_str(base);
            } else if tail.starts_with('#') || tail.starts_with('?') {
                out.push_str(page);
            } else {
                // `img.png`, `dir/img.png`, `../x`: resolved against the article's own
                // folder, as on its page (a reader would use the feed's URL instead).
                out.push_str(&page[..page.rfind('/').map_or(page.len(), |i| i + 1)]);
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Whether an attribute value (up to its closing quote) starts with a URL scheme.
fn has_scheme(value: &str) -> bool {
    let end = value.find([':', '/', '?', '#', '"']).unwrap_or(value.len());
    value[end..].starts_with(':')
        && value[..end].starts_with(|c: char| c.is_ascii_alphabetic())
        && value[..end]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Table cell alignment as classes instead of pulldown-cmark's `style` attributes, so
/// pages satisfy a Content-Security-Policy without `'unsafe-inline'` styles.
pub(crate) fn alignment_classes(html: &str) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html.to_string();
    }
    html.replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"")
}

/// The text of an HTML fragment without its tags (for titles and plain text taken from
/// authors' raw HTML; entities are decoded separately).
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a URL from an author may become an `href` or `src`: http, https and mailto, or
/// relative. The same allowlist as the body's sanitiser, applied to what front matter
/// puts in pages, meta tags, JSON-LD and feeds. Tabs and newlines are dropped first and
/// leading spaces and control characters ignored, as browsers do, so that
/// `java\tscript:` cannot pass as a relative path.
pub(crate) fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let u = cleaned.trim_start_matches(|c: char| c <= ' ');
    let end = u.find([':', '/', '?', '#']).unwrap_or(u.len());
    if !u[end..].starts_with(':') {
        return true;
    }
    let scheme = u[..end].to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_urls_or_relative_ones_are_safe() {
        for ok in [
            "https://a.example/x",
            "HTTP://a",
            "mailto:a@b.c",
            "/files/a.png",
            "a.png",
            "../b",
            "#top",
            "?q=1",
            "//cdn.example/x",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "\u{1}javascript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn escaping_and_decoding_round_trip() {
        let text = r#"a < b && "c" > 'd'"#;
        assert_eq!(decode_entities(&escape(text)), text);
    }

    #[test]
    fn every_kind_of_character_reference_decodes() {
        assert_eq!(
            decode_entities("&mdash;&#8212;&#x2014;&nbsp;&hellip;&copy;"),
            "———\u{a0}…©"
        );
        assert_eq!(decode_entities("AT&T &unknown;"), "AT&T &unknown;");
    }

    #[test]
    fn absolutize_rewrites_site_paths_and_fragments_only() {
        let html = r##"<p><a href="/dispatches/x">x</a> <img src="/files/a.png" alt="">
            <a href="#fn-1">1</a> <a href="https://e.org/">e</a> <a href="//evil.org/">p</a>
            <span title="/not-a-url">t</span> <a class="x" href="/y">y</a>
            <img src="fig/1.png" alt=""> <a href="mailto:a@b.org">m</a> <a href="">e</a></p>"##;
        let out = absolutize(html, "https://s.org", "https://s.org/dispatches/a");
        let set = r#"<img src="/files/a.png" srcset="/images/k/480.webp 480w, /files/a.png 900w">"#;
        assert_eq!(
            absolutize(set, "https://s.org", "https://s.org/dispatches/a"),
            "<img src=\"https://s.org/files/a.png\" srcset=\"https://s.org/images/k/480.webp 480w, \
             https://s.org/files/a.png 900w\">"
        );
        assert!(
            out.contains(r#"href="https://s.org/dispatches/x""#),
            "{out}"
        );
        assert!(out.contains(r#"src="https://s.org/files/a.png""#), "{out}");
        assert!(
            out.contains(r##"href="https://s.org/dispatches/a#fn-1""##),
            "{out}"
        );
        assert!(out.contains(r#"href="https://e.org/""#), "{out}");
        assert!(out.contains(r#"href="//evil.org/""#), "{out}");
        assert!(out.contains(r#"title="/not-a-url""#), "{out}");
        assert!(out.contains(r#"href="https://s.org/y""#), "{out}");
        assert!(
            out.contains(r#"src="https://s.org/dispatches/fig/1.png""#),
            "{out}"
        );
        assert!(out.contains(r#"href="mailto:a@b.org""#), "{out}");
        assert!(out.contains(r#"href="""#), "{out}");
    }
}
