//! MDX (`.mdx`, and Markdown in MDX sites) as plain Markdown: ES `import`/`export`
//! statements dropped (an imported image remembered for `<Image src={…}>`); JSX comments
//! dropped, a heading's `{/*id*/}` kept as its anchor; string expressions (`{' '}`) as
//! their text; components by what they are: admonitions (`<Note>`, `<Callout>`,
//! `<Admonition type>`, Starlight's `<Aside>`…) as callouts, `<Tabs>`/`<TabItem label>` as
//! labelled sections, code-carrying components as code blocks, images as images, and
//! any other component as its children, with one warning per file naming it. Content
//! indented inside a component is dedented (MDX has no indented code).

use std::collections::{HashMap, HashSet};

mod jsx;

use super::super::html::escape;
use super::code_block;
use super::lines::{callout_close, callout_open, label_of, with_code};
use jsx::Tag;

/// Components that are admonitions, by the names documentation themes give them.
const CALLOUTS: &[&str] = &[
    "Note",
    "Intro",
    "Callout",
    "Admonition",
    "Aside",
    "Tip",
    "Info",
    "Warning",
    "Caution",
    "Danger",
    "Important",
    "Alert",
    "Notice",
    "Hint",
];
/// Components whose children (or `code` attribute) are code.
const CODE: &[&str] = &["Code", "CodeBlock", "Highlight", "Snippet", "Sandpack"];
const IMAGES: &[&str] = &["Image", "Img", "Picture", "ThemedImage", "Figure"];

/// Whether `body` reads as MDX: an ES `import`/`export` statement at the margin.
pub(crate) fn looks_like(body: &str) -> bool {
    with_code(body)
        .into_iter()
        .any(|(line, code)| !code && is_esm(line))
}

fn is_esm(line: &str) -> bool {
    (line.starts_with("import ") || line.starts_with("import{"))
        && (line.contains(" from ") || line.contains("from\"") || line.contains("from'"))
        || line.trim_end() == "import {"
        || line.trim_end() == "import{"
        || line.starts_with("import \"")
        || line.starts_with("import '")
        || [
            "export const ",
            "export default ",
            "export function ",
            "export let ",
        ]
        .iter()
        .any(|p| line.starts_with(p))
}

/// What an open component closes with.
struct Open {
    name: String,
    close: String,
    /// Leading spaces taken off the lines inside.
    dedent: usize,
    /// A code-carrying component: its language and the code so far.
    code: Option<(String, String)>,
}

/// `body` as Markdown, and warnings with their 0-based lines.
pub(crate) fn translate(body: &str) -> (String, Vec<(usize, String)>) {
    let lines = with_code(body);
    let mut m = Mdx {
        out: String::with_capacity(body.len()),
        warnings: Vec::new(),
        warned: HashSet::new(),
        imports: HashMap::new(),
        stack: Vec::new(),
        in_comment: false,
        line: 0,
    };
    let mut i = 0;
    while i < lines.len() {
        m.line = i;
        i = m.line_at(&lines, i);
    }
    while let Some(open) = m.stack.pop() {
        m.close(open);
    }
    (m.out, m.warnings)
}

struct Mdx {
    out: String,
    warnings: Vec<(usize, String)>,
    warned: HashSet<String>,
    imports: HashMap<String, String>,
    stack: Vec<Open>,
    in_comment: bool,
    line: usize,
}

impl Mdx {
    /// Translates the line at `i` (and any it continues onto); the next line's index.
    fn line_at(&mut self, lines: &[(&str, bool)], i: usize) -> usize {
        let (line, code) = lines[i];
        if let Some(open) = self.stack.last_mut()
            && let Some((_, buf)) = &mut open.code
        {
            let close = format!("</{}>", open.name);
            match line.find(&close) {
                Some(at) => {
                    buf.push_str(&line[..at]);
                    let open = self.stack.pop().expect("open");
                    self.close(open);
                    self.inline(&line[at + close.len()..]);
                }
                None => buf.push_str(line),
            }
            return i + 1;
        }
        let line = self.dedented(line);
        if code {
            self.out.push_str(line);
            return i + 1;
        }
        if self.stack.is_empty() && !self.in_comment && is_esm(line) {
            return self.esm(lines, i);
        }
        let t = line.trim_start();
        if !self.in_comment && jsx::starts_component(t) {
            return self.block_tag(lines, i, line);
        }
        // An HTML tag alone on its line: MDX reads Markdown between such tags, so it
        // is set apart by blank lines, where Markdown would have read raw HTML on.
        let alone =
            t.starts_with('<') && jsx::tag(t).is_some_and(|tag| tag.len == t.trim_end().len());
        if alone && !self.in_comment {
            self.out.push('\n');
            self.inline(line);
            self.out.push('\n');
            return i + 1;
        }
        self.inline(line);
        i + 1
    }

    fn dedented<'l>(&self, line: &'l str) -> &'l str {
        let n = self.stack.last().map_or(0, |o| o.dedent);
        let spaces = line.len() - line.trim_start_matches([' ', '\t']).len();
        &line[spaces.min(n)..]
    }

    /// An ES statement from line `i`: dropped (its lines left blank); a default import
    /// remembered by its name.
    fn esm(&mut self, lines: &[(&str, bool)], i: usize) -> usize {
        let mut text = String::new();
        let mut j = i;
        while j < lines.len() {
            text.push_str(lines[j].0);
            self.out.push('\n');
            j += 1;
            if statement_ends(&text) {
                break;
            }
        }
        if let Some((name, path)) = default_import(&text) {
            self.imports.insert(name, path);
        }
        j
    }

    /// A line starting with a component tag (which may run over several lines).
    fn block_tag(&mut self, lines: &[(&str, bool)], i: usize, line: &str) -> usize {
        let indent = &line[..line.len() - line.trim_start().len()];
        let mut text = line.trim_start().to_string();
        let mut j = i + 1;
        let tag = loop {
            if let Some(tag) = jsx::tag(&text) {
                break tag;
            }
            match lines.get(j) {
                Some((next, false)) if j - i < 50 => {
                    text.push_str(next);
                    j += 1;
                }
                _ => {
                    self.inline(line);
                    return i + 1;
                }
            }
        };
        let rest = text[tag.len..].to_string();
        self.tag(&tag, indent, Some((lines, j)));
        self.inline(&rest);
        j
    }

    /// Translates one tag; `block` gives the lines after it, to dedent what it holds.
    fn tag(&mut self, tag: &Tag, indent: &str, block: Option<(&[(&str, bool)], usize)>) {
        if tag.closing {
            if let Some(at) = self.stack.iter().rposition(|o| o.name == tag.name) {
                while self.stack.len() > at {
                    let open = self.stack.pop().expect("open");
                    self.close(open);
                }
            }
            return;
        }
        let (open, close, code) = self.meaning(tag, indent);
        self.out.push_str(&open);
        if tag.self_closing {
            return;
        }
        let dedent = block.map_or(0, |(lines, from)| inner_indent(lines, from, &tag.name));
        self.stack.push(Open {
            name: tag.name.clone(),
            close,
            dedent,
            code,
        });
    }

    /// What a component opens and closes with, and whether it carries code.
    fn meaning(&mut self, tag: &Tag, indent: &str) -> (String, String, Option<(String, String)>) {
        let name = tag.name.rsplit('.').next().unwrap_or(&tag.name);
        if CALLOUTS.contains(&name) {
            let kind = tag
                .any(&["type", "variant", "kind", "status"])
                .unwrap_or(name);
            let title = tag
                .any(&["title", "label", "heading"])
                .map_or_else(|| label_of(kind), str::to_string);
            let open = format!("\n{}", callout_open(indent, kind, &title, None));
            return (open, callout_close(indent, false), None);
        }
        let lang = tag.any(&["lang", "language"]).unwrap_or("").to_string();
        if CODE.contains(&name) {
            return match tag.any(&["code", "children"]) {
                Some(code) => (code_block(&lang, code), String::new(), None),
                None => (String::new(), String::new(), Some((lang, String::new()))),
            };
        }
        if IMAGES.contains(&name) {
            return (self.image(tag), String::new(), None);
        }
        match name {
            "Tabs" | "TabGroup" | "CodeGroup" => (
                format!("\n{indent}<div class=\"tabs\">\n\n"),
                format!("\n{indent}</div>\n\n"),
                None,
            ),
            "TabItem" | "Tab" => {
                let label = escape(tag.any(&["label", "title", "value"]).unwrap_or(""));
                (
                    format!(
                        "\n{indent}<section class=\"tab\"><p class=\"tab-label\"><strong>{label}</strong></p>\n\n"
                    ),
                    format!("\n{indent}</section>\n\n"),
                    None,
                )
            }
            "Details" => {
                let summary = escape(tag.any(&["summary", "title"]).unwrap_or("Details"));
                (
                    format!("\n{indent}<details><summary>{summary}</summary>\n\n"),
                    format!("\n{indent}</details>\n\n"),
                    None,
                )
            }
            _ => {
                self.warn_once(
                    &tag.name,
                    format!(
                        "MDX component `<{}>` has no meaning outside the old site; its content is shown without it",
                        tag.name
                    ),
                );
                (String::new(), String::new(), None)
            }
        }
    }

    fn image(&self, tag: &Tag) -> String {
        let src = tag.attr("src").unwrap_or("");
        let src = self.imports.get(src).map_or(src, String::as_str);
        let src = src.strip_prefix("@/").unwrap_or(src);
        if src.is_empty() {
            return String::new();
        }
        let alt = tag.attr("alt").unwrap_or("").replace(['[', ']'], "");
        format!("![{alt}](<{}>)", src.replace('>', "%3E"))
    }

    fn close(&mut self, open: Open) {
        match open.code {
            Some((lang, code)) => self.out.push_str(&code_block(&lang, &code)),
            None => self.out.push_str(&open.close),
        }
    }

    fn warn_once(&mut self, key: &str, message: String) {
        if self.warned.insert(key.to_string()) {
            self.warnings.push((self.line, message));
        }
    }
}

/// Whether the ES statement in `text` is complete.
fn statement_ends(text: &str) -> bool {
    let t = text.trim_end();
    let depth: i32 = t
        .chars()
        .map(|c| match c {
            '{' | '(' | '[' => 1,
            '}' | ')' | ']' => -1,
            _ => 0,
        })
        .sum();
    let dangling = t.ends_with(['=', ',', '(', '{', '[']) || t.ends_with("=>");
    depth <= 0
        && !dangling
        && (!t.starts_with("import") || t.contains("from") || t.ends_with(['"', '\'', ';']))
}

/// `import name from "path"`: the name and path.
fn default_import(text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix("import ")?;
    let (name, from) = rest.split_once(" from ")?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    let path = from.trim().trim_end_matches(';').trim_matches(['"', '\'']);
    Some((name.to_string(), path.to_string()))
}

/// The smallest indentation of the lines inside the component opened before line
/// `from`, up to its closing tag.
fn inner_indent(lines: &[(&str, bool)], from: usize, name: &str) -> usize {
    let close = format!("</{name}>");
    lines[from..]
        .iter()
        .take_while(|(l, _)| !l.trim_start().starts_with(&close))
        .filter(|(l, _)| !l.trim().is_empty())
        .map(|(l, _)| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0)
}

mod inline;
