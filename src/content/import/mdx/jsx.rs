//! JSX as MDX writes it in prose: a component's tag (`<Note type="tip">`, `</Note>`,
//! `<Image src={cover} alt="…" />`) and `{…}` expressions, read far enough to translate
//! them; quotes and nested braces are respected, so `{'}'}` ends where JSX ends it.

/// One tag: its name, attributes and where it ends in the text it was read from.
#[derive(Debug, PartialEq)]
pub(crate) struct Tag {
    pub name: String,
    /// Attribute values: a quoted string as written, an `{expression}` as its inside,
    /// a bare attribute as `None`.
    pub attrs: Vec<(String, Option<String>)>,
    pub closing: bool,
    pub self_closing: bool,
    /// Byte length of the tag, `<` to `>`.
    pub len: usize,
}

impl Tag {
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The first of `keys` the tag has.
    pub(super) fn any(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.attr(k))
    }
}

/// Whether `text` starts a component tag: `<` or `</` then a capital letter (a lower-case
/// name is HTML, which the renderer handles).
pub(crate) fn starts_component(text: &str) -> bool {
    let rest = text.strip_prefix("</").or_else(|| text.strip_prefix('<'));
    rest.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The tag at the start of `text` (which starts with `<`), if it is complete there.
pub(crate) fn tag(text: &str) -> Option<Tag> {
    let mut i = 1;
    let closing = text[i..].starts_with('/');
    if closing {
        i += 1;
    }
    let name_len = text[i..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':')))
        .unwrap_or(text.len() - i);
    let name = text[i..i + name_len].to_string();
    if name.is_empty() {
        return None;
    }
    i += name_len;
    let mut attrs = Vec::new();
    loop {
        i += text[i..].len() - text[i..].trim_start().len();
        let rest = &text[i..];
        if let Some(r) = rest.strip_prefix("/>") {
            let len = text.len() - r.len();
            return Some(Tag {
                name,
                attrs,
                closing,
                self_closing: true,
                len,
            });
        }
        if rest.starts_with('>') {
            return Some(Tag {
                name,
                attrs,
                closing,
                self_closing: false,
                len: i + 1,
            });
        }
        if rest.starts_with('{') {
            // A spread (`{...props}`): nothing to keep.
            i += expression_len(rest)?;
            continue;
        }
        let key_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .filter(|n| *n > 0)?;
        let key = rest[..key_len].to_string();
        i += key_len;
        let after = text[i..].trim_start();
        if let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            i = text.len() - v.len();
            let (value, len) = value(v)?;
            attrs.push((key, Some(value)));
            i += len;
        } else {
            attrs.push((key, None));
        }
    }
}

/// An attribute value at the start of `v`: quoted, or an expression (a string literal in
/// it read as its text); with its length.
fn value(v: &str) -> Option<(String, usize)> {
    let q = v.chars().next()?;
    if matches!(q, '"' | '\'') {
        let end = v[1..].find(q)?;
        return Some((v[1..1 + end].to_string(), end + 2));
    }
    if q == '{' {
        let len = expression_len(v)?;
        let inner = v[1..len - 1].trim();
        return Some((string_literal(inner).unwrap_or(inner).to_string(), len));
    }
    None
}

/// The length of the `{…}` expression at the start of `text`, braces balanced outside
/// strings and comments; `None` when it does not end in `text`.
pub(crate) fn expression_len(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// The text of a JavaScript string literal (`' '`, `"a"`, `` `b` `` without `${`).
pub(crate) fn string_literal(expr: &str) -> Option<&str> {
    let q = expr
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let inner = expr.strip_prefix(q)?.strip_suffix(q)?;
    let templated = q == '`' && inner.contains("${");
    (!(inner.contains(q) || templated)).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_with_quoted_and_expression_values() {
        let t = tag("<Image src={cover} alt=\"A > B\" width=\"500\" /> rest").unwrap();
        assert_eq!(t.name, "Image");
        assert_eq!(t.attr("src"), Some("cover"));
        assert_eq!(t.attr("alt"), Some("A > B"));
        assert!(t.self_closing);
        assert_eq!(
            &"<Image src={cover} alt=\"A > B\" width=\"500\" /> rest"[t.len..],
            " rest"
        );
        let t = tag("<TabItem label={'Vue'} default>").unwrap();
        assert_eq!((t.attr("label"), t.self_closing), (Some("Vue"), false));
        assert_eq!(t.attrs[1], ("default".into(), None));
        assert!(tag("</Tabs>").unwrap().closing);
        assert_eq!(tag("<Note type=\"tip\""), None, "not ended here");
        assert_eq!(expression_len("{'}'} x"), Some(5));
        assert_eq!(string_literal("' '"), Some(" "));
    }
}
