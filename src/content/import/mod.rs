//! Other generators' template syntax in a Markdown body, translated into plain Markdown
//! before it renders: Hugo shortcodes, Zola shortcodes, Jekyll's Liquid and the Go blog's
//! `.article` directives. Code blocks and inline code are left as written; embeds become
//! link cards (the CSP forbids frames and third-party scripts); anything without a
//! meaning outside its theme becomes a warning, and the reader sees its inner text or
//! nothing, never the syntax.

mod directives;
pub(crate) mod eleventy;
mod go_article;
mod hugo;
pub(crate) mod lines;
mod liquid;
pub(crate) mod mdx;
pub(crate) mod obsidian;
pub(crate) mod old_paths;
mod tags;
mod zola;

#[cfg(test)]
mod tests;

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::{Map, Value};

use super::html::escape;

pub(crate) use hugo::{folder_not_rendered, not_rendered};

/// Reads a file by its `/`-separated path inside the content folder; `None` when it is
/// not there. The content stage reads nothing itself: the publisher lends it this.
pub(crate) type ReadFile<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// What the translators know about the file and its site.
#[derive(Clone, Copy)]
pub(crate) struct ImportContext<'a> {
    /// The file's folder inside the content root (`""` at the root).
    pub dir: &'a str,
    /// The file's name without its extension (a Hexo post's asset folder).
    pub name: &'a str,
    /// A Go blog post with `template: true`: its body was a Go template.
    pub go_template: bool,
    /// A Jekyll site (a `_config.yml` above it, or a `_posts` folder): `{{ … }}` is Liquid.
    pub jekyll: bool,
    /// The article's own front matter (`param`, `page.X`).
    pub page: &'a Map<String, Value>,
    /// The site's settings (a Jekyll `_config.yml`), for `{{ site.X }}`.
    pub site: &'a Map<String, Value>,
    /// Files beside the post, for Go's `{{code}}` and Hugo's `include`.
    pub read_file: Option<ReadFile<'a>>,
    /// The body is MDX (an `.mdx` file, or ES `import` lines in it).
    pub mdx: bool,
    /// The site's files, for `[[Note]]` links, and whether it is an Obsidian vault.
    pub vault: Option<&'a obsidian::Vault>,
    /// An Eleventy site's data this file sees (global and folder data files): its
    /// `{{ … }}` are Nunjucks, read from its front matter and this.
    pub data: Option<&'a Map<String, Value>>,
}

/// A translated body and what the author should know, each warning with its 0-based line
/// in the body.
#[derive(Debug, Default)]
pub(crate) struct Translated {
    pub body: String,
    pub warnings: Vec<(usize, String)>,
    /// Tags written in the body (Obsidian's inline `#tags`).
    pub tags: Vec<String>,
}

/// Most template constructs (`{{`, `{%`) one file may hold. The most in the corpora is
/// 139 (a page of Hugo's documentation about templates); translating is quadratic in
/// nested constructs, so a file of a hundred thousand would stall the writer.
pub(crate) const MAX_CONSTRUCTS: usize = 2_000;

/// The byte offset of the construct past `MAX_CONSTRUCTS` in `body`, if there is one.
pub(crate) fn too_many_constructs(body: &str) -> Option<usize> {
    body.match_indices('{')
        .filter(|(i, _)| matches!(body.as_bytes().get(i + 1), Some(b'{' | b'%')))
        .nth(MAX_CONSTRUCTS)
        .map(|(i, _)| i)
}

/// The block-level dialects, before template constructs: MDX, Obsidian's links and
/// callouts, container directives.
fn blocks(body: &str, cx: &ImportContext<'_>) -> Translated {
    let mut t = Translated {
        body: body.to_string(),
        ..Translated::default()
    };
    if cx.mdx {
        let (out, warnings) = mdx::translate(&t.body);
        t.body = out;
        t.warnings = warnings;
    }
    if obsidian::present(&t.body, cx.vault) {
        let (out, extras) = obsidian::translate(&t.body, cx.vault);
        t.body = out;
        t.warnings.extend(extras.warnings);
        t.tags = extras.tags;
    }
    if directives::present(&t.body) {
        t.body = directives::translate(&t.body);
    }
    t
}

/// Translates every template construct outside code in `body`.
pub(crate) fn translate(body: &str, cx: &ImportContext<'_>) -> Translated {
    // Go evaluated its template everywhere, code included: `{{raw "<"}}` inside a code
    // block was the way to write `<` there, and readers saw `<`.
    let unquoted;
    let body = if cx.go_template && body.contains("{{raw \"") {
        unquoted = go_article::unquote_raw_strings(body);
        unquoted.as_str()
    } else {
        body
    };
    let blocks = blocks(body, cx);
    let body = blocks.body.as_str();
    let (mut early, tags) = (blocks.warnings, blocks.tags);
    if !body.contains("{{") && !body.contains("{%") {
        return Translated {
            body: body.to_string(),
            warnings: early,
            tags,
        };
    }
    let code = code_ranges(body);
    let mut s = Scan {
        src: body,
        out: String::with_capacity(body.len()),
        warnings: Vec::new(),
        cx,
    };
    let mut i = 0;
    let mut copied = 0;
    while let Some(found) = body[i..].find('{') {
        let at = i + found;
        if let Some(r) = code.iter().find(|r| r.contains(&at)) {
            // Code stays as written, but a Hugo-escaped shortcode reads as the shortcode.
            s.out.push_str(&body[copied..at]);
            s.out.push_str(&hugo::unescape(&body[at..r.end]));
            i = r.end;
            copied = i;
            continue;
        }
        s.out.push_str(&body[copied..at]);
        copied = at;
        let out_from = s.out.len();
        match s.construct(at) {
            Some(end) => {
                s.pad_lines(at, end, out_from);
                i = end;
                copied = end;
            }
            None => i = at + 1,
        }
    }
    s.out.push_str(&body[copied..]);
    early.append(&mut s.warnings);
    Translated {
        body: s.out,
        warnings: early,
        tags,
    }
}

/// Byte ranges of fenced and indented code blocks and of inline code, as pulldown-cmark
/// reads them (the same options the renderer uses, so both agree on what is code).
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(body, super::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// The translation under way.
pub(crate) struct Scan<'a> {
    pub src: &'a str,
    pub out: String,
    pub warnings: Vec<(usize, String)>,
    pub cx: &'a ImportContext<'a>,
}

impl Scan<'_> {
    /// Translates the construct starting at `at` (a `{`), if one does, and says where it
    /// ends.
    fn construct(&mut self, at: usize) -> Option<usize> {
        let rest = &self.src[at..];
        if rest.starts_with("{{<") || rest.starts_with("{{%") {
            return hugo::at(self, at);
        }
        if zola::looks_like(rest) {
            return zola::at(self, at);
        }
        if rest.starts_with("{%") {
            return liquid::tag(self, at);
        }
        let inner = rest.strip_prefix("{{")?;
        if self.cx.go_template && inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '.') {
            return go_article::at(self, at);
        }
        if self.cx.jekyll || self.cx.data.is_some() || inner.trim_start().starts_with("site.") {
            return liquid::output(self, at);
        }
        None
    }

    /// 0-based line of byte `at` in the body.
    pub(crate) fn line(&self, at: usize) -> usize {
        self.src[..at.min(self.src.len())].matches('\n').count()
    }

    pub(crate) fn warn(&mut self, at: usize, message: String) {
        let line = self.line(at);
        self.warnings.push((line, message));
    }

    /// Keeps later lines where they were (warnings name them) when a construct that
    /// spanned several lines was written in fewer.
    fn pad_lines(&mut self, from: usize, to: usize, out_from: usize) {
        let consumed = self.src[from..to].matches('\n').count();
        let emitted = self.out[out_from..].matches('\n').count();
        if emitted < consumed {
            self.out.push_str(&"\n".repeat(consumed - emitted));
        }
    }
}

/// Arguments of a shortcode or directive: positional and `key=value`, values bare or
/// quoted with `"`, `'` or `` ` ``.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Args {
    pub positional: Vec<String>,
    pub named: Vec<(String, String)>,
}

impl Args {
    pub(crate) fn parse(text: &str) -> Args {
        let mut args = Args::default();
        let mut chars = text.trim().chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
            let Some(&first) = chars.peek() else { break };
            let key_or_value = read_value(&mut chars, first);
            if chars.next_if_eq(&'=').is_some() {
                let Some(&first) = chars.peek() else {
                    args.named.push((key_or_value, String::new()));
                    break;
                };
                let value = read_value(&mut chars, first);
                args.named.push((key_or_value, value));
            } else {
                args.positional.push(key_or_value);
            }
        }
        args
    }

    /// The value named `key`, else the positional one at `index`.
    pub(crate) fn get(&self, key: &str, index: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(index).map(String::as_str))
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn named(&self, key: &str) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

fn read_value(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, first: char) -> String {
    let mut value = String::new();
    if matches!(first, '"' | '\'' | '`') {
        chars.next();
        let mut escaped = false;
        for c in chars.by_ref() {
            if escaped {
                value.push(c);
                escaped = false;
            } else if c == '\\' && first == '"' {
                escaped = true;
            } else if c == first {
                break;
            } else {
                value.push(c);
            }
        }
    } else {
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != '=' && *c != ',') {
            value.push(c);
        }
        if value.is_empty() {
            // A stray `=`: step over it so parsing always advances.
            chars.next();
        }
    }
    value
}

/// A link card for an embed the page cannot frame: an ordinary link with a class the
/// stylesheet dresses, set apart as its own paragraph.
pub(crate) fn link_card(kind: &str, url: &str, label: &str) -> String {
    format!(
        "\n\n<a class=\"embed embed-{kind}\" href=\"{}\">{}</a>\n\n",
        escape(url),
        escape(label)
    )
}

/// A fenced code block holding `code` as written, with a fence no line of it can close.
pub(crate) fn code_block(lang: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let code = code.strip_prefix('\n').unwrap_or(code);
    let newline = if code.ends_with('\n') { "" } else { "\n" };
    format!("\n\n{fence}{lang}\n{code}{newline}{fence}\n\n")
}

/// Inline code holding `code` as written.
pub(crate) fn inline_code(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

/// The article URL a link to another post's file stands for: `blog/2016-01-01-name.md`,
/// `name/index.md` and `2016-01-01-name` all become `/dispatches/name`.
pub(crate) fn article_url(target: &str) -> String {
    let (path, anchor) = match target.find('#') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let path = path.trim().trim_end_matches('/');
    let path = path
        .strip_suffix("/index.md")
        .or_else(|| path.strip_suffix("/_index.md"))
        .unwrap_or(path);
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .or_else(|| name.strip_suffix(".html"))
        .unwrap_or(name);
    let name = super::dates::split_date_prefix(name).map_or(name, |(_, rest)| rest);
    format!("{}{anchor}", crate::urls::article(&super::url_safe(name)))
}

/// The value at a dotted path (`repository`, `author.name`) of a settings map, as text.
pub(crate) fn lookup(map: &Map<String, Value>, path: &str) -> Option<String> {
    let mut parts = path.split('.');
    let mut value = map.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}
