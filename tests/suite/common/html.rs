//! Just enough of an HTML tokenizer to check what tags a page carries: start tags with
//! their attributes, never text, comments, or the inside of `<script>` and `<style>`.

/// A start tag: its name and attributes, names in lower case, values as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, Option<String>)>,
    /// The tag as it appears in the page.
    pub source: String,
}

impl Tag {
    pub fn has(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|(name, _)| name == attribute)
    }
}

/// Every start tag in `html`, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<').map(|j| i + j) {
        i = at + 1;
        if html[at..].starts_with("<!--") {
            i = html[at..].find("-->").map_or(html.len(), |j| at + j + 3);
            continue;
        }
        // `</end>`, `<!doctype>` and a `<` in text (which a page escapes anyway).
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let (tag, end) = start_tag(html, at);
        i = end;
        // Raw text: nothing inside is a tag.
        if tag.name == "script" || tag.name == "style" {
            let close = format!("</{}", tag.name);
            i = find_ci(html, i, &close).unwrap_or(html.len());
        }
        tags.push(tag);
    }
    tags
}

/// Parses the start tag at `at` (its `<`); returns it and the index after its `>`.
fn start_tag(html: &str, at: usize) -> (Tag, usize) {
    let bytes = html.as_bytes();
    let mut i = at + 1;
    let word = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len()
            && !bytes[*i].is_ascii_whitespace()
            && !matches!(bytes[*i], b'>' | b'/' | b'=')
        {
            *i += 1;
        }
        html[start..*i].to_ascii_lowercase()
    };
    let skip_space = |i: &mut usize| {
        while *i < bytes.len() && (bytes[*i].is_ascii_whitespace() || bytes[*i] == b'/') {
            *i += 1;
        }
    };
    let name = word(&mut i);
    let mut attributes = Vec::new();
    loop {
        skip_space(&mut i);
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let attribute = if bytes[i] == b'=' {
            // A stray `=`: read it as a nameless attribute, and move on.
            i += 1;
            String::new()
        } else {
            word(&mut i)
        };
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..]
                        .find(q as char)
                        .map_or(html.len(), |j| i + 1 + j);
                    i = (end + 1).min(html.len());
                    Some(html[start + 1..end].to_string())
                }
                _ => {
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    Some(html[start..i].to_string())
                }
            }
        } else {
            None
        };
        attributes.push((attribute, value));
    }
    let tag = Tag {
        name,
        attributes,
        source: html[at..i].to_string(),
    };
    (tag, i)
}

/// The index of `needle` in `haystack` at or after `from`, ignoring ASCII case.
fn find_ci(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let needle = needle.as_bytes();
    (from..=hay.len().checked_sub(needle.len())?)
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The text of `html` a reader sees outside `<pre>` and `<code>`, tags removed and the
/// common entities decoded.
pub fn text_outside_code(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["<pre", "<code"]
            .iter()
            .filter_map(|open| rest.find(open).map(|i| (i, *open)))
            .min();
        let Some((at, open)) = next else { break };
        out.push_str(&rest[..at]);
        let close = if open == "<pre" { "</pre>" } else { "</code>" };
        rest = rest[at..]
            .find(close)
            .map_or("", |j| &rest[at + j + close.len()..]);
    }
    out.push_str(rest);
    let mut text = String::with_capacity(out.len());
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text inside `<pre>` and `<code>` of `html`, tags removed and entities decoded.
pub fn text_of_code(html: &str) -> String {
    let mut code = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<pre") {
        let end = rest[at..].find("</pre>").map_or(rest.len(), |j| at + j);
        code.push_str(&rest[at..end]);
        rest = &rest[end..];
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in code.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
