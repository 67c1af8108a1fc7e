//! Emoji shortcodes (`:smile:` → 😄), GitHub's list, as a pass over the parser's events.
//!
//! Only prose changes: code spans, code blocks, raw HTML, math and link destinations are
//! other events or tag fields and pass untouched; so does the text of an autolink (it is
//! the URL itself) and text inside a raw inline `<code>`, `<kbd>` or `<samp>`.
//!
//! The emoji is written as the bare character, as Hugo and Zola do. Screen readers already
//! announce an emoji by its Unicode name in the reader's own language; a wrapper with an
//! English `aria-label` from the shortcode list would say less, and in the wrong language
//! on a site in another one.

use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// The longest shortcode name worth looking up (gemoji's longest is 41 characters).
const MAX_NAME: usize = 64;

/// The events of `inner` with shortcodes in prose replaced; when `on` is false, `inner`
/// unchanged.
pub(super) struct Shortcodes<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> {
    inner: Peekable<I>,
    on: bool,
    in_code_block: bool,
    /// One entry per open link: whether it is an autolink, whose text is its URL.
    links: Vec<bool>,
    /// Raw inline `<code>`, `<kbd>` and `<samp>` elements open.
    raw_code: usize,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Shortcodes<'a, I> {
    pub(super) fn new(inner: I, on: bool) -> Self {
        Shortcodes {
            inner: inner.peekable(),
            on,
            in_code_block: false,
            links: Vec::new(),
            raw_code: 0,
        }
    }

    /// Notes where code, autolinks and raw code elements begin and end.
    fn track(&mut self, event: &Event<'a>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::Start(Tag::Link { link_type, .. }) => self
                .links
                .push(matches!(link_type, LinkType::Autolink | LinkType::Email)),
            Event::End(TagEnd::Link) => {
                self.links.pop();
            }
            Event::InlineHtml(html) => match raw_code_tag(html) {
                Some(true) => self.raw_code += 1,
                Some(false) => self.raw_code = self.raw_code.saturating_sub(1),
                None => {}
            },
            _ => {}
        }
    }

    fn in_prose(&self) -> bool {
        !self.in_code_block && self.raw_code == 0 && !self.links.last().copied().unwrap_or(false)
    }

    /// `first` and the text events right after it as one (the parser splits text at
    /// characters such as `_`, which shortcodes contain), with shortcodes replaced.
    fn text(&mut self, first: CowStr<'a>, mut range: Range<usize>) -> (Event<'a>, Range<usize>) {
        let mut text = first;
        if let Some((Event::Text(_), _)) = self.inner.peek() {
            let mut joined = text.into_string();
            while let Some((Event::Text(next), next_range)) =
                self.inner.next_if(|(e, _)| matches!(e, Event::Text(_)))
            {
                joined.push_str(&next);
                range.end = next_range.end;
            }
            text = joined.into();
        }
        match replace(&text) {
            Some(replaced) => (Event::Text(replaced.into()), range),
            None => (Event::Text(text), range),
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Shortcodes<'a, I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let (event, range) = self.inner.next()?;
        if !self.on {
            return Some((event, range));
        }
        match event {
            Event::Text(text) if self.in_prose() => Some(self.text(text, range)),
            event => {
                self.track(&event);
                Some((event, range))
            }
        }
    }
}

/// Whether a piece of raw inline HTML opens (`Some(true)`) or closes (`Some(false)`) an
/// element whose text is code.
fn raw_code_tag(html: &str) -> Option<bool> {
    let tag = html.trim().strip_prefix('<')?;
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let name: String = tag
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(name.as_str(), "code" | "kbd" | "samp").then_some(!closing)
}

/// `text` with every known shortcode replaced, or `None` when it has none.
pub(super) fn replace(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut run = Vec::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(offset) = text[from..].find(':') {
        let start = from + offset;
        match run_at(text, start, &mut run) {
            Some(end) => {
                out.push_str(&text[copied..start]);
                run.drain(..).for_each(|emoji| out.push_str(emoji));
                (copied, from) = (end, end);
            }
            None => from = start + 1,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The end of the run of shortcodes written back to back (`:tada::tada:`, often just one)
/// whose first colon is at `start`, its emoji pushed onto `run`. A run stands as a word of
/// its own, with nothing alphanumeric or `:` just before or after it, and converts whole or
/// not at all: so `10:30:00`, `a:b:c`, `:smile:s` and a Rust path written in prose such as
/// `Vec::new::<T>` (`:new:` is 🆕) stay as written.
fn run_at(text: &str, start: usize, run: &mut Vec<&'static str>) -> Option<usize> {
    run.clear();
    let before = text[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == ':') {
        return None;
    }
    let mut at = start;
    loop {
        let (end, emoji) = shortcode_at(text, at)?;
        run.push(emoji);
        match text[end..].chars().next() {
            Some(':') => at = end,
            Some(c) if c.is_alphanumeric() => return None,
            _ => return Some(end),
        }
    }
}

/// The end of the one shortcode whose opening colon is at `start`, and its emoji.
fn shortcode_at(text: &str, start: usize) -> Option<(usize, &'static str)> {
    let rest = &text[start + 1..];
    let len = rest.bytes().take(MAX_NAME + 1).position(|b| b == b':')?;
    let name = &rest[..len];
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-');
    if name.is_empty() || !name.bytes().all(allowed) {
        return None;
    }
    emojis::get_by_shortcode(name).map(|e| (start + len + 2, e.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_shortcodes_become_emoji() {
        assert_eq!(replace("Hello :smile:!").as_deref(), Some("Hello 😄!"));
        assert_eq!(replace(":+1: and :-1:").as_deref(), Some("👍 and 👎"));
        assert_eq!(replace(":tada::tada:").as_deref(), Some("🎉🎉"));
        assert_eq!(replace(":x::o: :ok:").as_deref(), Some("❌⭕ 🆗"));
        assert_eq!(
            replace("(:sweat_smile:)").as_deref(),
            Some("(\u{1f605})"),
            "punctuation around a shortcode is a word boundary"
        );
    }

    #[test]
    fn unknown_codes_and_times_stay_as_written() {
        for text in [
            ":foo:",
            "10:30:00",
            "at 10:100:00",
            "a:smile:b",
            ":smile:s",
            "::",
            ": smile :",
            "std::io::Error",
            "http://example.org/:smile:x",
            "Vec::new::<u8>",
            "a::ok::b",
            ":tada::foo",
            ":tada::tada:s",
        ] {
            assert_eq!(replace(text), None, "{text}");
        }
    }

    #[test]
    fn a_failed_candidate_does_not_hide_the_next() {
        assert_eq!(
            replace("ratio 3:2 :smile:").as_deref(),
            Some("ratio 3:2 😄")
        );
        assert_eq!(replace(":foo: :smile:").as_deref(), Some(":foo: 😄"));
    }

    #[test]
    fn raw_code_tags_are_recognised() {
        assert_eq!(raw_code_tag("<code>"), Some(true));
        assert_eq!(raw_code_tag("<KBD class=\"k\">"), Some(true));
        assert_eq!(raw_code_tag("</samp>"), Some(false));
        assert_eq!(raw_code_tag("<codex>"), None);
        assert_eq!(raw_code_tag("<span>"), None);
    }
}
