//! Markup the renderer made itself (formulas as MathML, highlighted code) held out of
//! the sanitiser behind placeholders and put back after it: the sanitiser does not know
//! MathML, and parsing thousands of highlight spans we wrote costs a publish time for
//! nothing.

use std::sync::LazyLock;

use super::Renderer;
use crate::content::html::repair;

/// Private-use characters around a placeholder's key and number.
const START: char = '\u{E010}';
const END: char = '\u{E011}';

/// Drawn once per process, so that nothing an author writes can stand for a
/// placeholder: text holding U+E010 (some icon fonts use it) stays text, and a forged
/// placeholder inside an attribute cannot pull markup into it.
static KEY: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 8];
    // Without the system's randomness the time is still unknown to authors in advance.
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes = t.to_le_bytes();
    }
    crate::hex::encode(&bytes)
});

impl Renderer<'_, '_> {
    /// Keeps `html` aside; the placeholder returned stands for it until [`put_back`].
    ///
    /// [`put_back`]: Renderer::put_back
    pub(super) fn keep(&mut self, html: String) -> String {
        let placeholder = format!("{START}{}{}{END}", *KEY, self.kept.len());
        self.kept.push(html);
        placeholder
    }

    /// Puts the kept markup back in place of its placeholders, in text only: a
    /// placeholder that an author's malformed HTML carried into a tag (an attribute's
    /// value left open across blocks) is dropped, never filled with markup.
    pub(super) fn put_back(&self, html: String) -> String {
        if self.kept.is_empty() {
            return html;
        }
        let tags: Vec<(usize, usize)> = repair::tags(&html)
            .iter()
            .map(|t| (t.start, t.end))
            .collect();
        let in_tag = |at: usize| {
            let k = tags.partition_point(|&(start, _)| start <= at);
            k > 0 && at < tags[k - 1].1
        };
        let mut out =
            String::with_capacity(html.len() + self.kept.iter().map(String::len).sum::<usize>());
        let mut done = 0;
        let mut from = 0;
        while let Some(i) = html[from..].find(START).map(|i| from + i) {
            let after = i + START.len_utf8();
            let Some((k, end)) = self.placeholder_at(&html[after..]) else {
                from = after;
                continue;
            };
            out.push_str(&html[done..i]);
            if !in_tag(i) {
                out.push_str(&self.kept[k]);
            }
            done = after + end;
            from = done;
        }
        out.push_str(&html[done..]);
        out
    }

    /// The kept markup's number and the placeholder's length past its start character,
    /// when `rest` goes on as one of ours.
    fn placeholder_at(&self, rest: &str) -> Option<(usize, usize)> {
        let numbered = rest.strip_prefix(KEY.as_str())?;
        let j = numbered.find(END)?;
        let k = numbered[..j]
            .parse::<usize>()
            .ok()
            .filter(|&k| k < self.kept.len())?;
        Some((k, KEY.len() + j + END.len_utf8()))
    }
}
