//! Markdown to HTML: the one place that sets pulldown-cmark's options, and the event loop
//! that adds heading anchors, a table of contents, per-article footnote ids, highlighted
//! code, rewritten relative links, emoji shortcodes, a summary and the plain text for search.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};

use super::highlight;
use super::html::{alignment_classes, decode_entities, repair, sanitize};

use bounds::Bounds;
pub use bounds::TooMuch;
use math_and_callouts::callout_start;

mod bounds;
mod emoji;
mod footnotes;
mod headings;
mod kept;
mod math_and_callouts;

/// Words a minute for the reading-time estimate.
const WORDS_PER_MINUTE: usize = 230;

/// The parser options, in one place. Definition lists stay off: together with heading
/// attributes they panic pulldown-cmark 0.13 (upstream issue 1110). Metadata blocks stay
/// off too: front matter is split off before the body gets here.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub's alerts (`> [!NOTE]`), which Hugo renders the same way.
        | Options::ENABLE_GFM
        // `$…$` and `$$…$$`; a price such as "$5 and $6" stays text by its rules.
        | Options::ENABLE_MATH
}

/// How one article's body is rendered.
pub struct RenderOptions<'a> {
    /// Prefix for footnote ids, unique per article (its slug), so two articles can share a page.
    pub id_prefix: &'a str,
    /// Code blocks larger than this are not highlighted.
    pub highlight_max_bytes: usize,
    /// Skip sanitising (the site trusts its authors' raw HTML).
    pub trust_html: bool,
    /// Rewrites a link or image URL (e.g. a relative path to a published file), or keeps it.
    pub resolve_url: &'a dyn Fn(&str) -> Option<String>,
    /// Take the first `# ` heading as the title and leave it out of the body.
    pub take_title: bool,
    /// Replace `:shortcode:` emoji codes in prose with the emoji (see `emoji`).
    pub emoji: bool,
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What rendering produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Everything before `<!-- more -->`, else the first paragraph.
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    /// Prose and code as plain text, for the search index.
    pub text: String,
    /// Words of prose (code excluded).
    pub word_count: usize,
    pub reading_minutes: usize,
    /// The first `# ` heading's text when `take_title` was set.
    pub title: Option<String>,
    /// Images without a text alternative, as (0-based line in `markdown`, source).
    pub missing_alt: Vec<(usize, String)>,
    /// Other things the author should fix, as (0-based line in `markdown`, message).
    pub warnings: Vec<(usize, String)>,
}

/// Renders `markdown` under `opts`, or says where it asked too much (see `bounds`).
pub fn render(markdown: &str, opts: &RenderOptions<'_>) -> Result<Rendered, TooMuch> {
    let mut bounds = Bounds::new();
    let mut r = Renderer::new(opts);
    r.levels = headings::levels(markdown);
    let mut alt = AltCheck::default();
    let mut lines = LineCounter::default();
    let events = Parser::new_ext(markdown, options()).into_offset_iter();
    for (event, range) in emoji::Shortcodes::new(events, opts.emoji) {
        bounds.see(&event, range.start)?;
        if matches!(event, Event::InlineMath(_) | Event::DisplayMath(_)) {
            r.line = lines.at(markdown, range.start);
        }
        alt.see(&event, || lines.at(markdown, range.start));
        r.event(event);
        if let Some(message) = r.too_much.take() {
            return Err(TooMuch {
                at: range.start,
                message,
            });
        }
    }
    if let Some(message) = r.too_much.take() {
        return Err(TooMuch {
            at: markdown.len(),
            message,
        });
    }
    let mut rendered = r.finish();
    bounds.check_time(markdown.len())?;
    rendered.missing_alt = alt.missing;
    Ok(rendered)
}

/// The 0-based line of byte offsets in one text, counted on from the offset asked last:
/// events come (nearly) in order, so each byte is counted once however many offsets are
/// asked, where counting from the top each time made a file of 50,000 formulas take 4 s.
#[derive(Default)]
pub(crate) struct LineCounter {
    counted: usize,
    lines: usize,
}

impl LineCounter {
    pub(crate) fn at(&mut self, text: &str, offset: usize) -> usize {
        if offset < self.counted {
            // An offset behind the last one (a nested event): count from the top again.
            *self = LineCounter::default();
        }
        self.lines += text[self.counted..offset].matches('\n').count();
        self.counted = offset;
        self.lines
    }
}

/// Finds images a screen reader can say nothing about: `![](src)` with no text, and raw
/// `<img>` without `alt` (which the repair pass marks decorative, a guess the author
/// should confirm). Raw `alt=""` is the author's own statement and passes.
#[derive(Default)]
struct AltCheck {
    /// The image being read: (line, source, whether it has any alt text yet).
    open: Option<(usize, String, bool)>,
    missing: Vec<(usize, String)>,
}

impl AltCheck {
    fn see(&mut self, event: &Event<'_>, mut line: impl FnMut() -> usize) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.open = Some((line(), dest_url.to_string(), false));
            }
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => {
                if let Some(open) = &mut self.open {
                    open.2 = true;
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((at, src, false)) = self.open.take() {
                    self.missing.push((at, src));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains("<img") || h.contains("<IMG") => {
                let at = line();
                for src in repair::images_without_alt(h) {
                    self.missing.push((at, src));
                }
            }
            _ => {}
        }
    }
}

struct Renderer<'o, 'a> {
    opts: &'o RenderOptions<'o>,
    out: Vec<Event<'a>>,
    /// Nesting depth of block containers in `out`, to find top-level paragraphs.
    depth: usize,
    /// Index in `out` where `<!-- more -->` stood.
    more_at: Option<usize>,
    /// Inside a raw HTML tag that started in an earlier event.
    in_tag: bool,
    /// Range in `out` of the first top-level paragraph.
    first_para: Option<(usize, Option<usize>)>,
    /// Indices in `out` of footnote references (left out of the summary).
    fn_ref_at: HashSet<usize>,
    heading: Option<(HeadingLevel, Option<String>, Vec<Event<'a>>)>,
    code: Option<(String, String)>,
    footnote: Option<(String, Vec<Event<'a>>)>,
    footnote_defs: HashMap<String, Vec<Event<'a>>>,
    footnote_order: Vec<String>,
    ids: HashSet<String>,
    toc: Vec<TocEntry>,
    text: String,
    words: usize,
    title: Option<String>,
    seen_block: bool,
    /// The heading levels the author used, ascending, with how often each occurs.
    levels: Vec<(u8, usize)>,
    /// Markup of our own (formulas, highlighted code), put back after sanitising in
    /// place of its placeholders.
    kept: Vec<String>,
    /// The raw HTML block being read, whole blocks being where formulas are looked for.
    html_block: Option<String>,
    /// The 0-based line of the formula being rendered, for its warning.
    line: usize,
    warnings: Vec<(usize, String)>,
    /// Why the render must stop (a formula that asks too much), once known.
    too_much: Option<String>,
}

impl<'o, 'a> Renderer<'o, 'a> {
    fn new(opts: &'o RenderOptions<'o>) -> Self {
        Renderer {
            opts,
            out: Vec::new(),
            depth: 0,
            more_at: None,
            in_tag: false,
            first_para: None,
            fn_ref_at: HashSet::new(),
            heading: None,
            code: None,
            footnote: None,
            footnote_defs: HashMap::new(),
            footnote_order: Vec::new(),
            ids: HashSet::new(),
            toc: Vec::new(),
            text: String::new(),
            words: 0,
            title: None,
            seen_block: false,
            levels: Vec::new(),
            kept: Vec::new(),
            html_block: None,
            line: 0,
            warnings: Vec::new(),
            too_much: None,
        }
    }

    /// Where events go now: a heading or footnote being collected, else the body.
    fn sink(&mut self) -> &mut Vec<Event<'a>> {
        if let Some((_, _, events)) = &mut self.heading {
            events
        } else if let Some((_, events)) = &mut self.footnote {
            events
        } else {
            &mut self.out
        }
    }

    fn push(&mut self, e: Event<'a>) {
        self.sink().push(e);
    }

    fn prose(&mut self, s: &str) {
        self.words += s
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        self.text.push_str(s);
    }

    fn event(&mut self, event: Event<'a>) {
        if let Some((_, buf)) = &mut self.code {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.end_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) if self.footnote.is_none() => {
                self.heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
            }
            Event::End(TagEnd::Heading(_)) if self.heading.is_some() => self.end_heading(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.footnote = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = self.footnote.take() {
                    self.footnote_defs.entry(label).or_insert(events);
                }
            }
            Event::FootnoteReference(label) => self.footnote_ref(&label),
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if self.heading.is_none() && self.footnote.is_none() && is_more_marker(h) =>
            {
                // What the block held before the marker belongs to the summary.
                if let Some(block) = self.html_block.as_mut().map(std::mem::take) {
                    self.push_html_block(block);
                }
                self.more_at.get_or_insert(self.out.len());
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    let url = std::mem::replace(dest_url, CowStr::Borrowed(""));
                    *dest_url = self.resolve(url);
                }
                self.push(Event::Start(tag));
            }
            Event::Text(t) => {
                self.prose(&t);
                self.push(Event::Text(t));
            }
            Event::Code(t) => {
                self.prose(&t);
                self.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text.push(' ');
                self.push(event);
            }
            Event::InlineMath(tex) => self.math(&tex, false),
            Event::DisplayMath(tex) => self.math(&tex, true),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.enter_block(false);
                self.push(Event::Html(callout_start(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.text.push('\n');
                self.push(Event::Html("</aside>\n".into()));
                self.leave_block();
            }
            Event::Start(tag) => {
                self.enter_block(matches!(tag, Tag::Paragraph));
                if tag == Tag::HtmlBlock {
                    self.html_block = Some(String::new());
                }
                self.push(Event::Start(tag));
            }
            Event::End(end) => {
                if end == TagEnd::HtmlBlock
                    && let Some(block) = self.html_block.take()
                {
                    self.push_html_block(block);
                }
                if is_block_end(&end) {
                    self.text.push('\n');
                }
                self.push(Event::End(end));
                self.leave_block();
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                // An author's raw HTML is text a reader sees, so search must find it.
                let text = self.html_text(h);
                self.prose(&text);
                // A block arrives a line at a time, and a tag may span lines: formulas are
                // looked for in the whole block. An inline event is one tag, never text.
                match self.html_block.as_mut() {
                    Some(block) => block.push_str(h),
                    None => self.push(event),
                }
            }
            other => self.push(other),
        }
    }

    /// Counts a block (or inline element) opening at the top level, noting where the first
    /// top-level paragraph starts (the summary when there is no `<!--more-->`).
    fn enter_block(&mut self, paragraph: bool) {
        if self.heading.is_some() || self.footnote.is_some() {
            return;
        }
        if self.depth == 0 {
            self.seen_block = true;
            if paragraph && self.first_para.is_none() {
                self.first_para = Some((self.out.len(), None));
            }
        }
        self.depth += 1;
    }

    /// The matching close: where the first top-level paragraph ends.
    fn leave_block(&mut self) {
        if self.heading.is_some() || self.footnote.is_some() {
            return;
        }
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0
            && let Some((_, end @ None)) = &mut self.first_para
        {
            *end = Some(self.out.len());
        }
    }

    /// Pushes a raw HTML block (or what was read of it), its formulas as MathML.
    fn push_html_block(&mut self, block: String) {
        if !block.is_empty() {
            let html = self.html_math(&block).unwrap_or(block);
            self.push(Event::Html(html.into()));
        }
    }

    /// The visible text of a piece of raw HTML; a tag may run across pieces.
    fn html_text(&mut self, html: &str) -> String {
        let mut out = String::new();
        for c in html.chars() {
            match c {
                '<' => self.in_tag = true,
                '>' if self.in_tag => {
                    self.in_tag = false;
                    out.push(' ');
                }
                c if !self.in_tag => out.push(c),
                _ => {}
            }
        }
        decode_entities(&out)
    }

    fn resolve(&self, url: CowStr<'a>) -> CowStr<'a> {
        match (self.opts.resolve_url)(&url) {
            Some(new) => new.into(),
            None => url,
        }
    }

    fn end_code(&mut self) {
        let Some((info, code)) = self.code.take() else {
            return;
        };
        self.text.push_str(&code);
        self.text.push('\n');
        let inner = highlight::highlight_code(
            &code,
            &highlight::parse_info(&info),
            self.opts.highlight_max_bytes,
        );
        if self.depth == 0 && self.heading.is_none() && self.footnote.is_none() {
            self.seen_block = true;
        }
        // The `<pre>` itself stays for the sanitiser's tree builder, which closes an open
        // paragraph before it as it always did; only what is inside is kept aside.
        let kept = format!("{}{}</pre>\n", highlight::PRE_OPEN, self.keep(inner));
        self.push(Event::Html(kept.into()));
    }

    fn finish(mut self) -> Rendered {
        let footnotes = self.footnotes_html();
        let mut body = String::with_capacity(self.text.len() * 2);
        html::push_html(&mut body, self.out.iter().cloned());
        body.push_str(&footnotes);
        let body = alignment_classes(&body);
        let summary_events: Vec<Event<'_>> = match (self.more_at, self.first_para) {
            (Some(end), _) => self.out[..end].to_vec(),
            (None, Some((start, Some(end)))) => self.out[start..end].to_vec(),
            _ => Vec::new(),
        };
        let offset = match (self.more_at, self.first_para) {
            (Some(_), _) => 0,
            (None, Some((start, _))) => start,
            _ => 0,
        };
        let summary_events = summary_events
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !self.fn_ref_at.contains(&(i + offset)))
            .map(|(_, e)| e);
        let mut summary = String::new();
        html::push_html(&mut summary, summary_events);
        let summary = alignment_classes(&summary);
        let (html, summary_html) = if self.opts.trust_html {
            (body, summary)
        } else {
            (sanitize::clean(&body), sanitize::clean(&summary))
        };
        let html = self.put_back(repair::article(&html));
        // A list page shows many summaries at once; their ids would collide.
        let summary_html = self.put_back(repair::summary(&summary_html));
        Rendered {
            html,
            summary_html,
            toc: self.toc,
            text: super::cjk::space(&collapse_blank_lines(&self.text)),
            word_count: self.words,
            reading_minutes: self.words.div_ceil(WORDS_PER_MINUTE).max(1),
            title: self.title,
            missing_alt: Vec::new(),
            warnings: self.warnings,
        }
    }
}

/// The summary's end as engines mark it: Hugo's and WordPress's `<!--more-->`,
/// Docusaurus's `<!--truncate-->`, the Pelican summary plugin's end marker.
fn is_more_marker(html: &str) -> bool {
    let inner = html.trim();
    inner
        .strip_prefix("<!--")
        .and_then(|s| s.strip_suffix("-->"))
        .is_some_and(|s| {
            let s = s.trim();
            ["more", "truncate", "PELICAN_END_SUMMARY"]
                .iter()
                .any(|m| s.eq_ignore_ascii_case(m))
        })
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::TableRow
            | TagEnd::TableHead
    )
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn collapse_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines().map(str::trim_end) {
        if line.is_empty() && (out.is_empty() || out.ends_with("\n\n")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests;
