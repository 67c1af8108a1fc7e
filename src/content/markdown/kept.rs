//! Markup the renderer made itself (formulas as MathML, highlighted code) held out of
//! the sanitiser behind placeholders and put back after it: the sanitiser does not know
//! MathML, and parsing thousands of highlight spans we wrote costs a publish time for
//! nothing.

use std::sync::LazyLock;

use super::Renderer;

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
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

    /// Puts the kept markup back in place of its placeholders.
    pub(super) fn put_back(&self, html: String) -> String {
        if self.kept.is_empty() {
            return html;
        }
        let mut out =
            String::with_capacity(html.len() + self.kept.iter().map(String::len).sum::<usize>());
        let mut rest = html.as_str();
        while let Some(i) = rest.find(START) {
            out.push_str(&rest[..i]);
            let after = &rest[i + START.len_utf8()..];
            let kept = after
                .strip_prefix(KEY.as_str())
                .and_then(|n| Some((n, n.find(END)?)))
                .and_then(|(n, j)| Some((n[..j].parse::<usize>().ok()?, n, j)))
                .and_then(|(k, n, j)| Some((self.kept.get(k)?, &n[j + END.len_utf8()..])));
            match kept {
                Some((markup, next)) => {
                    out.push_str(markup);
                    rest = next;
                }
                None => {
                    out.push(START);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}
