//! Obsidian's Markdown: `[[Note]]`, `[[Note|label]]`, `[[Note#Heading]]` and
//! `[[#Heading]]` as links to the notes' articles (found by name anywhere in the vault);
//! `![[image.png|300]]` as the image at that width, `![[Note]]` as a link; callouts of
//! any type (`> [!kind]± Title`) as titled callouts, folding ones as `<details>`; and in
//! a vault, `%%comments%%` dropped and inline `#tags` made the article's tags. Code is
//! left as written.

mod callouts;
mod vault;

pub(crate) use vault::Vault;

use super::lines::with_code;
use crate::content::slugify;

/// What translating gave besides the body: warnings (0-based lines) and inline tags.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub warnings: Vec<(usize, String)>,
    pub tags: Vec<String>,
}

/// Whether `body` holds anything this module translates.
pub(crate) fn present(body: &str, vault: Option<&Vault>) -> bool {
    body.contains("[[")
        || body.contains("[!")
        || vault.is_some_and(|v| v.obsidian && (body.contains("%%") || body.contains('#')))
}

/// `body` with Obsidian's syntax translated.
pub(crate) fn translate(body: &str, vault: Option<&Vault>) -> (String, Extras) {
    let body = callouts::translate(body);
    let obsidian = vault.is_some_and(|v| v.obsidian);
    let mut t = Inline {
        vault,
        obsidian,
        in_comment: false,
        extras: Extras::default(),
        line: 0,
    };
    let mut out = String::with_capacity(body.len());
    for (i, (line, code)) in with_code(&body).into_iter().enumerate() {
        t.line = i;
        if code && !t.in_comment {
            out.push_str(line);
        } else {
            t.line_into(line, &mut out);
        }
    }
    (out, t.extras)
}

struct Inline<'v> {
    vault: Option<&'v Vault>,
    obsidian: bool,
    in_comment: bool,
    extras: Extras,
    line: usize,
}

impl Inline<'_> {
    fn line_into(&mut self, line: &str, out: &mut String) {
        let mut i = 0;
        let heading = line.starts_with('#');
        while i < line.len() {
            let rest = &line[i..];
            if self.in_comment {
                match rest.find("%%") {
                    Some(end) => {
                        self.in_comment = false;
                        i += end + 2;
                    }
                    None => {
                        if rest.ends_with('\n') {
                            out.push('\n');
                        }
                        return;
                    }
                }
                continue;
            }
            let Some(at) = rest.find(['`', '[', '!', '%', '#', '\\']) else {
                out.push_str(rest);
                return;
            };
            out.push_str(&rest[..at]);
            let before = line[..i + at].chars().next_back();
            i += at + self.special(&rest[at..], before, heading, out);
        }
    }

    /// Translates what starts `text`; how many bytes it used.
    fn special(
        &mut self,
        text: &str,
        before: Option<char>,
        heading: bool,
        out: &mut String,
    ) -> usize {
        let b = text.as_bytes();
        match b[0] {
            b'`' => {
                let n = text.bytes().take_while(|c| *c == b'`').count();
                let end = text[n..].find(&text[..n]).map_or(n, |e| n + e + n);
                out.push_str(&text[..end]);
                end
            }
            b'\\' => {
                let n = text[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
                out.push_str(&text[..n]);
                n
            }
            b'!' if text.starts_with("![[") => self.wikilink(&text[1..], true, out).map_or_else(
                || {
                    out.push('!');
                    1
                },
                |n| n + 1,
            ),
            // `[[[Note]]]`: a bracket, then the link.
            b'[' if text.starts_with("[[[") => {
                out.push('[');
                1
            }
            b'[' if text.starts_with("[[") => {
                self.wikilink(text, false, out).unwrap_or_else(|| {
                    out.push('[');
                    1
                })
            }
            b'%' if self.obsidian && text.starts_with("%%") => {
                self.in_comment = true;
                2
            }
            b'#' if self.obsidian && !heading && before.is_none_or(char::is_whitespace) => {
                self.tag(text, out)
            }
            _ => {
                out.push_str(&text[..1]);
                1
            }
        }
    }

    /// An inline `#tag`: kept as a link to the tag's page, and made one of the
    /// article's tags. `#` followed by anything else is text.
    fn tag(&mut self, text: &str, out: &mut String) -> usize {
        let len = text[1..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/')))
            .unwrap_or(text.len() - 1);
        let tag = &text[1..1 + len];
        if tag.is_empty()
            || tag
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '/')
        {
            out.push('#');
            return 1;
        }
        if !self.extras.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            self.extras.tags.push(tag.to_string());
        }
        out.push_str(&format!("[#{tag}](<{}>)", crate::urls::tag(&slugify(tag))));
        1 + len
    }

    /// `[[target#heading|label]]` at the start of `text`, written as a Markdown link (an
    /// image for an embedded image); its length, or `None` when it is not one.
    fn wikilink(&mut self, text: &str, embed: bool, out: &mut String) -> Option<usize> {
        let end = text.find("]]")?;
        let inner = &text[2..end];
        if inner.is_empty() || inner.contains(['\n', '<', '>']) || inner.contains("[[") {
            return None;
        }
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t.trim(), Some(l.trim())),
            None => (inner.trim(), None),
        };
        let (name, heading) = match target.split_once('#') {
            Some((n, h)) => (n.trim(), Some(h.trim().trim_start_matches('^'))),
            None => (target, None),
        };
        let shown = label
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| match (name, heading) {
                ("", Some(h)) => h.to_string(),
                (n, Some(h)) => format!("{n} › {h}"),
                (n, None) => n.to_string(),
            });
        let anchor = heading.map_or(String::new(), |h| format!("#{}", slugify(h)));
        if name.is_empty() {
            out.push_str(&format!("[{}](<{anchor}>)", escape_label(&shown)));
            return Some(end + 2);
        }
        let Some(path) = self.vault.and_then(|v| v.resolve(name)) else {
            self.extras.warnings.push((
                self.line,
                format!("`[[{inner}]]`: no file named {name:?} in the site; shown as text"),
            ));
            out.push_str(&escape_label(&shown));
            return Some(end + 2);
        };
        out.push_str(&link(path, &anchor, &shown, embed, label));
        Some(end + 2)
    }
}

/// A resolved wikilink as Markdown: a note as a link to its article (`@/` is the content
/// root, which the renderer turns into the article's URL), an embedded image as an
/// image at the width its label gives.
fn link(path: &str, anchor: &str, shown: &str, embed: bool, label: Option<&str>) -> String {
    let is_note = crate::content::is_markdown_name(path);
    if embed && !is_note && crate::content::images::is_image_path(path) {
        let src = crate::urls::file(path);
        let width =
            label.filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit() || b == b'x'));
        let alt = path.rsplit('/').next().unwrap_or(path);
        return match width.and_then(|w| w.split('x').next()) {
            Some(w) => format!(
                "<img src=\"{}\" alt=\"{}\" width=\"{w}\">",
                super::super::html::escape(&src),
                super::super::html::escape(alt)
            ),
            None => format!("![{}](<{src}>)", escape_label(alt)),
        };
    }
    let url = if is_note {
        format!("@/{path}{anchor}")
    } else {
        crate::urls::file(path)
    };
    let link = format!("[{}](<{}>)", escape_label(shown), url.replace('>', "%3E"));
    if embed {
        format!("\n\n{link}\n\n")
    } else {
        link
    }
}

fn escape_label(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

#[cfg(test)]
mod tests;
