//! Container directives as Docusaurus and Starlight write admonitions: `:::note`,
//! `:::tip Title`, `:::caution[Title]`, `:::info{title="Title"}`, closed by a line of
//! colons, nested by more colons or by order. Each becomes a callout with its title;
//! fenced code inside is left as written.

use super::lines::{callout_close, callout_open, label_of, map_prose};

/// Whether `body` has a directive line at all (most files do not).
pub(crate) fn present(body: &str) -> bool {
    body.contains(":::")
}

/// `body` with its container directives as callouts; an opening left unclosed is closed
/// at the end, as Docusaurus does.
pub(crate) fn translate(body: &str) -> String {
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut out = map_prose(body, |line, out| {
        let indent_len = line.len() - line.trim_start().len();
        let (indent, t) = line.split_at(indent_len);
        let t = t.trim_end();
        let colons = t.chars().take_while(|c| *c == ':').count();
        if colons < 3 {
            // A paragraph wrapped onto the closing fence: `last words. :::`.
            match t.strip_suffix(":::").filter(|r| r.ends_with(' ')) {
                Some(text) if !open.is_empty() => {
                    let (_, ind) = open.pop().expect("open");
                    out.push_str(indent);
                    out.push_str(text.trim_end());
                    out.push('\n');
                    out.push_str(&callout_close(&ind, false));
                }
                _ => out.push_str(line),
            }
            return;
        }
        let rest = &t[colons..];
        if rest.trim().is_empty() {
            match open.pop() {
                Some((_, ind)) => out.push_str(&callout_close(&ind, false)),
                None => out.push_str(line),
            }
            return;
        }
        match opening(rest) {
            Some((name, title, text)) => {
                let title = title.unwrap_or_else(|| label_of(name));
                out.push_str(&callout_open(indent, name, &title, None));
                open.push((colons, indent.to_string()));
                if !text.is_empty() {
                    out.push_str(indent);
                    out.push_str(text);
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    });
    while let Some((_, ind)) = open.pop() {
        out.push_str(&callout_close(&ind, false));
    }
    out
}

/// The name and title of an opening: `note`, `tip Title`, `caution[Title]`,
/// `info{title="Title"}`, and any text after a bracketed title (a paragraph wrapped
/// onto the opening line).
fn opening(rest: &str) -> Option<(&str, Option<String>, &str)> {
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after = after.trim();
    let mut text = "";
    let title = if let Some(t) = after.strip_prefix('[') {
        t.split_once(']').map(|(t, rest)| {
            text = rest.trim();
            t.to_string()
        })
    } else if let Some(attrs) = after.strip_prefix('{') {
        attr(attrs, "title")
    } else if after.is_empty() {
        None
    } else {
        Some(after.to_string())
    };
    Some((name, title.filter(|t| !t.trim().is_empty()), text))
}

/// The quoted value of `key=` in `{key="value" …}`.
fn attr(attrs: &str, key: &str) -> Option<String> {
    let at = attrs.find(&format!("{key}="))? + key.len() + 1;
    let rest = &attrs[at..];
    let q = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &rest[1..];
    rest.find(q).map(|end| rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admonitions_nest_and_keep_their_titles() {
        let out = translate(
            "::::tip Going further\nOuter\n\n:::danger[Careful]\nInner\n:::\n::::\n\n```\n:::note\n```\n",
        );
        assert!(out.contains("callout-tip"), "{out}");
        assert!(out.contains(">Going further</p>"), "{out}");
        assert!(out.contains("callout-caution"), "{out}");
        assert!(out.contains(">Careful</p>"), "{out}");
        assert_eq!(out.matches("</aside>").count(), 2, "{out}");
        assert!(out.contains("```\n:::note\n```"), "code stays: {out}");
        let out = translate(":::info{title=\"Heads up\"}\nText\n");
        assert!(
            out.contains(">Heads up</p>") && out.contains("</aside>"),
            "{out}"
        );
        assert!(translate(":::note\nx\n:::\n").contains(">Note</p>"));
        let out = translate(":::caution[Heads up] Wrapped\nparagraph. :::\n\nAfter.\n");
        assert!(
            out.contains(">Heads up</p>\n\nWrapped\nparagraph.\n\n</aside>"),
            "{out}"
        );
    }
}
