//! Obsidian's callouts: a blockquote opening with `[!kind]`, then `+` or `-` to make it
//! fold (open or closed), then an optional title; nested by nesting blockquotes. Any
//! kind is taken (custom ones as notes). A GitHub alert (`> [!NOTE]` alone) is left to
//! the renderer, which draws it the same way.

use super::super::lines::{callout_close, callout_open, label_of, with_code};

/// `body` with its callouts as callout HTML around their Markdown.
pub(super) fn translate(body: &str) -> String {
    if !body.contains("[!") {
        return body.to_string();
    }
    let lines = with_code(body);
    let mut out = String::with_capacity(body.len() + 128);
    let mut i = 0;
    while i < lines.len() {
        let (line, code) = lines[i];
        match (code, head(line)) {
            (false, Some(h)) if !is_plain_alert(&h) => {
                let (inner, next) = quoted_block(&lines, i + 1, &h.indent);
                out.push_str(&callout_open(&h.indent, &h.kind, &h.title, h.fold));
                out.push_str(&translate(&inner));
                out.push_str(&callout_close(&h.indent, h.fold.is_some()));
                i = next;
            }
            _ => {
                out.push_str(line);
                i += 1;
            }
        }
    }
    out
}

struct Head {
    indent: String,
    kind: String,
    fold: Option<bool>,
    title: String,
    /// The title as written, empty when none was.
    written: bool,
}

/// `> [!kind]± Title` (indented or not).
fn head(line: &str) -> Option<Head> {
    let t = line.trim_start();
    let indent = line[..line.len() - t.len()].to_string();
    let rest = t.strip_prefix('>')?.trim_start().strip_prefix("[!")?;
    let (kind, rest) = rest.split_once(']')?;
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let (fold, rest) = match rest.chars().next() {
        Some('+') => (Some(true), &rest[1..]),
        Some('-') => (Some(false), &rest[1..]),
        _ => (None, rest),
    };
    let title = rest.trim();
    Some(Head {
        indent,
        kind: kind.to_string(),
        fold,
        title: if title.is_empty() {
            label_of(&kind.to_lowercase())
        } else {
            title.to_string()
        },
        written: !title.is_empty(),
    })
}

/// A GitHub alert the renderer draws itself: one of its five kinds, no title, no fold.
fn is_plain_alert(h: &Head) -> bool {
    !h.written
        && h.fold.is_none()
        && ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"].contains(&h.kind.as_str())
}

/// The lines of the blockquote from `from` on, one `>` level taken off; and the index of
/// the first line after it.
fn quoted_block(lines: &[(&str, bool)], from: usize, indent: &str) -> (String, usize) {
    let mut inner = String::new();
    let mut i = from;
    while let Some((line, _)) = lines.get(i) {
        // Up to three spaces may stand before a `>`, as before any block.
        let Some(rest) = line
            .strip_prefix(indent)
            .map(|l| {
                l.strip_prefix("   ")
                    .or(l.strip_prefix("  "))
                    .or(l.strip_prefix(' '))
                    .unwrap_or(l)
            })
            .and_then(|l| l.strip_prefix('>'))
        else {
            break;
        };
        inner.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        if !rest.ends_with('\n') {
            inner.push('\n');
        }
        i += 1;
    }
    (inner, i)
}
