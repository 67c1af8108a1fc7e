//! Syntax highlighting at publish time: syntect with two-face's newer grammars, loaded once,
//! emitting CSS classes (never inline colours) so one page serves light and dark themes.

use std::fmt::Write as _;
use std::sync::LazyLock;

use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedThemeName;

/// Prefix of every class syntect emits, so highlight CSS cannot collide with the site's.
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// A single line longer than this is not highlighted: pathological minified files make
/// the regex engine crawl and the HTML explode.
const MAX_LINE_BYTES: usize = 8 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// The themes the two stylesheets are generated from.
/// Both themes keep every token at 4.5:1 or better against our code background.
pub const LIGHT_THEME: EmbeddedThemeName = EmbeddedThemeName::ColdarkCold;
pub const DARK_THEME: EmbeddedThemeName = EmbeddedThemeName::CatppuccinMocha;

/// A fenced block's info string, e.g. `swift, highlight=[1, 3]` or `rust,ignore`.
#[derive(Debug, Default, PartialEq)]
pub struct Info {
    /// The language token as written, lower-cased (`""` when none).
    pub lang: String,
    /// 1-based line numbers to emphasise.
    pub highlight: Vec<usize>,
}

/// Reads the language and `highlight=`/`hl_lines=` attributes; anything else is ignored.
pub fn parse_info(info: &str) -> Info {
    let info = info.trim();
    let lang: String = info
        .trim_start_matches(['{', '.'])
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '{' | '}'))
        .take(40)
        .collect::<String>()
        .to_lowercase();
    let mut highlight = Vec::new();
    for key in ["highlight=", "hl_lines="] {
        if let Some(at) = info.find(key) {
            let rest = &info[at + key.len()..];
            let rest = rest.trim_start_matches(['[', '"', '\'']);
            let end = rest.find([']', '"', '\'', '}']).unwrap_or(rest.len());
            for part in rest[..end].split([',', ' ']).filter(|p| !p.is_empty()) {
                let (a, b) = part.split_once('-').unwrap_or((part, part));
                if let (Ok(a), Ok(b)) = (a.trim().parse::<usize>(), b.trim().parse::<usize>()) {
                    // Bound the range so `highlight=[1-99999999]` cannot allocate wildly.
                    highlight.extend((a..=b.min(a + 10_000)).filter(|n| *n > 0));
                }
            }
        }
    }
    highlight.sort_unstable();
    highlight.dedup();
    Info { lang, highlight }
}

fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let token = match lang {
        "" | "text" | "txt" | "plain" | "plaintext" | "none" => return None,
        "console" | "shell" | "sh" | "zsh" | "shell-session" => "bash",
        "rs" => "rust",
        "golang" => "go",
        "js" | "mjs" | "cjs" => "javascript",
        "ts" => "typescript",
        "py" => "python",
        "yml" => "yaml",
        other => other,
    };
    SYNTAXES
        .find_syntax_by_token(token)
        .or_else(|| SYNTAXES.find_syntax_by_name(token))
}

/// Renders one code block as `<pre><code>` with one `<span class="line">` per line.
/// Unknown languages, blocks over `max_bytes` and very long lines come out as escaped text.
pub fn highlight_block(code: &str, info: &Info, max_bytes: usize) -> String {
    let syntax = find_syntax(&info.lang)
        .filter(|_| code.len() <= max_bytes && code.lines().all(|l| l.len() <= MAX_LINE_BYTES));
    let mut out = String::with_capacity(code.len() * 2 + 64);
    let lang_class = if info.lang.is_empty() {
        String::new()
    } else {
        let safe: String = info
            .lang
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#'))
            .collect();
        format!(" class=\"language-{safe}\" data-lang=\"{safe}\"")
    };
    let _ = write!(out, "<pre class=\"code\" tabindex=\"0\"><code{lang_class}>");
    let lines = match syntax {
        Some(syntax) => classed_lines(code, syntax).unwrap_or_else(|| escaped_lines(code)),
        None => escaped_lines(code),
    };
    for (i, line) in lines.iter().enumerate() {
        let class = if info.highlight.binary_search(&(i + 1)).is_ok() {
            "line hl"
        } else {
            "line"
        };
        let _ = writeln!(out, "<span class=\"{class}\">{line}</span>");
    }
    out.push_str("</code></pre>\n");
    out
}

fn escaped_lines(code: &str) -> Vec<String> {
    code.lines().map(escape).collect()
}

/// Per-line classed HTML whose spans are balanced within each line: the scopes open at
/// the end of a line are closed there and reopened on the next, so every line can be
/// wrapped in its own element (for `highlight=` and line numbers).
fn classed_lines(code: &str, syntax: &SyntaxReference) -> Option<Vec<String>> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut open: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, &SYNTAXES).ok()?;
        let (html, _) = line_tokens_to_classed_spans(line, &ops, STYLE, &mut stack).ok()?;
        let mut out: String = open.concat();
        // Track which span tags are open after this line by scanning what syntect wrote:
        // text is escaped, so every `<` starts one of its tags.
        let mut rest = html.as_str();
        while let Some(at) = rest.find('<') {
            let end = rest[at..].find('>')? + at + 1;
            let tag = &rest[at..end];
            if tag.starts_with("</") {
                open.pop();
            } else {
                open.push(tag.to_string());
            }
            rest = &rest[end..];
        }
        out.push_str(html.trim_end_matches(['\n', '\r']));
        for _ in &open {
            out.push_str("</span>");
        }
        lines.push(out);
    }
    Some(lines)
}

/// Escapes text for an HTML element or attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The highlight stylesheet: light rules, then the dark theme's inside
/// `prefers-color-scheme: dark`, both from the same class names.
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    let light = css_for_theme_with_class_style(themes.get(LIGHT_THEME), STYLE).unwrap_or_default();
    let dark = css_for_theme_with_class_style(themes.get(DARK_THEME), STYLE).unwrap_or_default();
    // Each theme only under its own scheme: a light rule with no dark counterpart would
    // otherwise leak its colour into dark mode.
    format!(
        "@media (prefers-color-scheme: light) {{\n{light}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

/// Loads the grammars now instead of on the first code block.
pub fn warm_up() {
    LazyLock::force(&SYNTAXES);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings() {
        assert_eq!(
            parse_info("swift, highlight=[1, 3]"),
            Info {
                lang: "swift".into(),
                highlight: vec![1, 3]
            }
        );
        assert_eq!(parse_info("rust,ignore").lang, "rust");
        assert_eq!(parse_info("{.python}").lang, "python");
        assert_eq!(parse_info("go {hl_lines=\"2-4\"}").highlight, vec![2, 3, 4]);
        assert_eq!(parse_info("").lang, "");
        assert!(parse_info("x highlight=[0-99999999999]").highlight.len() <= 10_001);
    }

    #[test]
    fn modern_rust_is_highlighted_with_balanced_lines() {
        let code = "async fn f() -> Result<(), Box<dyn Error>> {\n    let s = \"multi\nline\";\n    x.await\n}\n";
        let html = highlight_block(code, &parse_info("rust, highlight=[2]"), 1 << 20);
        assert!(html.contains("hl-"), "classes emitted: {html}");
        assert!(
            html.contains("&lt;dyn Error&gt;") || html.contains("Error"),
            "{html}"
        );
        assert_eq!(html.matches("<span class=\"line").count(), 5);
        assert_eq!(html.matches("<span class=\"line hl\">").count(), 1);
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count()
        );
        // `async` and `await` are keywords in the newer grammar.
        assert!(
            html.contains("hl-storage") || html.contains("hl-keyword"),
            "{html}"
        );
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = highlight_block(
            "<script>alert(1)</script>\n",
            &parse_info("frobnicate"),
            1 << 20,
        );
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("hl-"));
    }

    #[test]
    fn hostile_info_string_cannot_inject() {
        let html = highlight_block("x\n", &parse_info("\"><script>alert(1)</script>"), 1 << 20);
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn huge_blocks_are_not_highlighted() {
        let json = format!("{{\"a\": [{}]}}\n", "1,".repeat(600_000));
        let html = highlight_block(&json, &parse_info("json"), 256 * 1024);
        assert!(!html.contains("hl-"));
        let small = "{\"a\": 1}\n";
        assert!(highlight_block(small, &parse_info("json"), 10).contains("\"line\""));
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_LINE_BYTES + 1));
        assert!(!highlight_block(&long_line, &parse_info("rust"), 1 << 20).contains("hl-"));
    }

    #[test]
    fn stylesheet_has_both_themes() {
        let css = stylesheet();
        assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
    }
}
