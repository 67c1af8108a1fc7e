//! Snippets: FTS5 marks matches with private-use sentinels in unescaped text; the whole
//! snippet is escaped first, and only then do the sentinels become `<mark>`.

use crate::content::html::escape;

/// Where FTS5's `snippet()` starts and ends a match (the SQL passes the same characters).
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// Escapes a snippet, then turns the sentinels into `<mark>`: only our markup survives.
pub(super) fn mark(snippet: &str) -> String {
    let snippet = crate::content::cjk::unspace(snippet, &[MARK_START, MARK_END]);
    // Adjacent marks (CJK characters match one by one) read as one.
    escape(&snippet.replace(&format!("{MARK_END}{MARK_START}"), ""))
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_everything_but_marks() {
        assert_eq!(
            mark("a \u{E000}<b>\u{E001} c"),
            "a <mark>&lt;b&gt;</mark> c"
        );
    }
}
