//! CJK text for the full-text index. FTS5's unicode61 tokenizer keeps a run of Chinese or
//! Japanese characters as one token, so a word inside a sentence could never be found.
//! Indexing each character as a token, and searching a run as a phrase of characters,
//! finds any substring, as unigram indexes of CJK search engines do.

/// Han ideographs, kana and CJK punctuation-free ranges that have no spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF) // Extensions B and later
}

/// Puts a space between adjacent CJK characters.
pub(crate) fn space(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut prev_cjk = false;
    for c in s.chars() {
        let cjk = is_cjk(c);
        if cjk && prev_cjk {
            out.push(' ');
        }
        out.push(c);
        prev_cjk = cjk;
    }
    out
}

/// Undoes `space` in text shown to readers (snippets). Characters in `invisible` (our
/// match sentinels) may sit between the two CJK characters and are kept.
pub(crate) fn unspace(s: &str, invisible: &[char]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = chars[..i].iter().rev().find(|c| !invisible.contains(c));
            let after = chars[i + 1..].iter().find(|c| !invisible.contains(c));
            if before.is_some_and(|&c| is_cjk(c)) && after.is_some_and(|&c| is_cjk(c)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_round_trips_and_leaves_other_text() {
        let s = "错误: 返回类型使用`->`表示 and ひらがな, Ελληνικά";
        let spaced = space(s);
        assert_eq!(
            spaced,
            "错 误: 返 回 类 型 使 用`->`表 示 and ひ ら が な, Ελληνικά"
        );
        assert_eq!(unspace(&spaced, &[]), s);
        assert_eq!(
            unspace(
                "\u{E000}返\u{E001} \u{E000}回\u{E001}",
                &['\u{E000}', '\u{E001}']
            ),
            "\u{E000}返\u{E001}\u{E000}回\u{E001}"
        );
    }
}
