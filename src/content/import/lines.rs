//! What the line-based dialects (directives, MDX, Obsidian, Pelican's markers) share: a
//! walk over a body's lines that hands on fenced code as written, and the callout an
//! admonition of any engine becomes (the aside `> [!NOTE]` renders as, with its title).

use super::super::html::escape;

/// A body's lines, `\n` kept, with whether each lies in fenced code (its fences
/// included).
pub(crate) fn with_code(body: &str) -> Vec<(&str, bool)> {
    let mut fence: Option<(char, usize)> = None;
    let mut out = Vec::new();
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let run = |c: char| t.chars().take_while(|x| *x == c).count();
        match fence {
            Some((c, n)) => {
                if run(c) >= n && t.trim_start_matches(c).trim().is_empty() {
                    fence = None;
                }
                out.push((line, true));
            }
            None => {
                let opened = ['`', '~'].into_iter().find(|c| run(*c) >= 3);
                if let Some(c) = opened
                    && !(c == '`' && t.trim_start_matches('`').contains('`'))
                {
                    fence = Some((c, run(c)));
                    out.push((line, true));
                } else {
                    out.push((line, false));
                }
            }
        }
    }
    out
}

/// Applies `f` to every line outside fenced code; code is copied as written.
pub(crate) fn map_prose(body: &str, mut f: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    for (line, code) in with_code(body) {
        if code {
            out.push_str(line);
        } else {
            f(line, &mut out);
        }
    }
    out
}

/// The stylesheet's callout kinds, for an admonition of any engine's name.
pub(crate) fn callout_kind(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "tip" | "success" | "hint" | "check" | "done" | "positive" => "tip",
        "important" | "abstract" | "summary" | "tldr" | "example" | "quote" => "important",
        "warning" | "warn" | "attention" | "question" | "help" | "faq" => "warning",
        "caution" | "danger" | "error" | "bug" | "failure" | "fail" | "missing" | "negative" => {
            "caution"
        }
        _ => "note",
    }
}

/// A name as a label: `info` → `Info`.
pub(crate) fn label_of(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The opening of a callout, on a line of its own followed by a blank line, so that what
/// it holds reads as Markdown. `fold`: `Some(open)` makes it a `<details>` a reader
/// folds (Obsidian's `+`/`-`).
pub(crate) fn callout_open(indent: &str, kind: &str, title: &str, fold: Option<bool>) -> String {
    let class = callout_kind(kind);
    let title = escape(title.trim());
    match fold {
        Some(open) => format!(
            "\n{indent}<details class=\"callout callout-{class}\"{}><summary class=\"callout-label\">{title}</summary>\n\n",
            if open { " open" } else { "" }
        ),
        None => format!(
            "\n{indent}<aside class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-label\">{title}</p>\n\n"
        ),
    }
}

/// The closing of a callout opened with `callout_open`.
pub(crate) fn callout_close(indent: &str, fold: bool) -> String {
    let tag = if fold { "details" } else { "aside" };
    format!("\n{indent}</{tag}>\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_code_is_told_apart_from_prose() {
        let body = "a\n```js\n:::note\n```\nb\n~~~~\n```\n~~~~\n";
        let code: Vec<bool> = with_code(body).into_iter().map(|(_, c)| c).collect();
        assert_eq!(code, [false, true, true, true, false, true, true, true]);
    }
}
