//! Syntax highlighting at publish time: syntect with two-face's newer grammars, loaded once.
//! Each token gets one short class from a fixed set (`k` keyword, `s` string, …), never
//! inline colours, so one page serves light and dark themes; the stylesheet colours each
//! class as each theme colours that kind of token.

use std::fmt::Write as _;
use std::str::FromStr as _;
use std::sync::LazyLock;

use syntect::highlighting::{
    Color, FontStyle, HighlightIterator, HighlightState, Highlighter, ScopeSelectors,
    StyleModifier, Theme, ThemeItem, ThemeSettings,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedThemeName;

use super::html::escape_text;

/// The token classes: class, the TextMate selectors that put a token in it, and the scope
/// stack whose colour the stylesheet takes from each theme.
///
/// Why not syntect's classed HTML, one class per scope: it nests a span per scope (about
/// 90 bytes of markup per token), which made highlighted articles four times the size of
/// their Markdown, in the archive and on the wire. One class per token, chosen by the
/// most specific selector as a theme would choose a colour, keeps every colour a theme
/// gives the common kinds of token in a fraction of the bytes.
const CLASSES: &[(&str, &str, &str)] = &[
    ("c", "comment", "source comment.line"),
    (
        "s",
        "string, constant.character, meta.mapping.key string",
        "source string.quoted.double",
    ),
    (
        "n",
        "constant, support.constant, variable.other.constant",
        "source constant.numeric",
    ),
    ("k", "keyword, storage", "source keyword.control"),
    ("o", "keyword.operator", "source keyword.operator"),
    (
        "t",
        "entity.name.type, entity.name.class, entity.name.struct, entity.name.enum, \
         entity.name.trait, entity.name.union, entity.name.interface, \
         entity.other.inherited-class, support.type, support.class, storage.type.primitive",
        "source entity.name.type",
    ),
    (
        "f",
        "entity.name.function, support.function, variable.function, support.macro, \
         entity.name.macro",
        "source entity.name.function",
    ),
    (
        "v",
        "variable.parameter, variable.language",
        "source variable.parameter",
    ),
    (
        "g",
        "entity.name.tag",
        "text.html.basic meta.tag entity.name.tag",
    ),
    (
        "a",
        "entity.other.attribute-name, meta.annotation, meta.attribute",
        "text.html.basic meta.tag entity.other.attribute-name",
    ),
    (
        "h",
        "markup.heading, entity.name.section",
        "text.html.markdown markup.heading.1.markdown entity.name.section.markdown",
    ),
    ("b", "markup.bold", "text.html.markdown markup.bold"),
    ("i", "markup.italic", "text.html.markdown markup.italic"),
    ("gi", "markup.inserted", "source.diff markup.inserted.diff"),
    ("gd", "markup.deleted", "source.diff markup.deleted.diff"),
];

/// A theme whose "colour" for a token is its class: the foreground's red channel holds
/// the index into `CLASSES` plus one (0: plain text). Selector matching is syntect's own.
static CLASSIFIER: LazyLock<Theme> = LazyLock::new(|| Theme {
    name: None,
    author: None,
    settings: ThemeSettings {
        foreground: Some(Color {
            r: 0,
            g: 0,
            b: 0,
            a: 0xFF,
        }),
        ..ThemeSettings::default()
    },
    scopes: CLASSES
        .iter()
        .enumerate()
        .map(|(i, (_, selectors, _))| ThemeItem {
            scope: ScopeSelectors::from_str(selectors).expect("valid selectors"),
            style: StyleModifier {
                foreground: Some(Color {
                    r: i as u8 + 1,
                    g: 0,
                    b: 0,
                    a: 0xFF,
                }),
                background: None,
                font_style: None,
            },
        })
        .collect(),
});

/// A single line longer than this is not highlighted: pathological minified files make
/// the regex engine crawl and the HTML explode.
const MAX_LINE_BYTES: usize = 8 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// The themes the two stylesheets are generated from.
/// Both themes keep every token at 4.5:1 or better against our code background.
pub(crate) const LIGHT_THEME: EmbeddedThemeName = EmbeddedThemeName::ColdarkCold;
pub(crate) const DARK_THEME: EmbeddedThemeName = EmbeddedThemeName::CatppuccinMocha;

/// A fenced block's info string, e.g. `swift, highlight=[1, 3]` or `rust,ignore`.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Info {
    /// The language token as written, lower-cased (`""` when none).
    pub lang: String,
    /// 1-based line numbers to emphasise.
    pub highlight: Vec<usize>,
}

/// Reads the language and `highlight=`/`hl_lines=` attributes; anything else is ignored.
pub(crate) fn parse_info(info: &str) -> Info {
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

/// How every highlighted block opens; the renderer keeps this element for the sanitiser
/// to see (so it closes an open paragraph as any `<pre>` does) and only the inside aside.
pub(crate) const PRE_OPEN: &str = "<pre class=\"code\" tabindex=\"0\">";

/// Renders one code block as `<pre><code>` with one `<span class="line">` per line, as
/// the renderer writes it around [`highlight_code`].
#[cfg(test)]
fn highlight_block(code: &str, info: &Info, max_bytes: usize) -> String {
    format!(
        "{PRE_OPEN}{}</pre>\n",
        highlight_code(code, info, max_bytes)
    )
}

/// The `<code>` element of a highlighted block, without the `<pre>` around it. Unknown
/// languages, blocks over `max_bytes` and very long lines come out as escaped text.
pub(crate) fn highlight_code(code: &str, info: &Info, max_bytes: usize) -> String {
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
    let _ = write!(out, "<code{lang_class}>");
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
    out.push_str("</code>");
    out
}

fn escaped_lines(code: &str) -> Vec<String> {
    code.lines().map(escape_text).collect()
}

/// Per-line HTML, one `<span class="…">` per run of tokens of one class; spans never
/// cross a line, so every line can be wrapped in its own element (for `highlight=`).
fn classed_lines(code: &str, syntax: &SyntaxReference) -> Option<Vec<String>> {
    let highlighter = Highlighter::new(&CLASSIFIER);
    let mut parse = ParseState::new(syntax);
    let mut classes = HighlightState::new(&highlighter, ScopeStack::new());
    let mut lines = Vec::new();
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, &SYNTAXES).ok()?;
        let mut out = String::with_capacity(line.len() + 32);
        // Runs of one class, merged across tokens (`a.b` need not be three spans).
        let mut run: (u8, String) = (0, String::new());
        let flush = |run: &mut (u8, String), out: &mut String| {
            if run.1.is_empty() {
                return;
            }
            match run.0 {
                0 => out.push_str(&escape_text(&run.1)),
                i => {
                    let _ = write!(
                        out,
                        "<span class=\"{}\">{}</span>",
                        CLASSES[usize::from(i) - 1].0,
                        escape_text(&run.1)
                    );
                }
            }
            run.1.clear();
        };
        // Whitespace joins a run only between two tokens of its class; otherwise it
        // stays outside any span.
        let mut blank = String::new();
        for (style, text) in HighlightIterator::new(&mut classes, &ops, line, &highlighter) {
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                blank.push_str(text);
                continue;
            }
            let class = style.foreground.r;
            if class != run.0 {
                flush(&mut run, &mut out);
                out.push_str(&blank);
                run.0 = class;
            } else {
                run.1.push_str(&blank);
            }
            blank.clear();
            run.1.push_str(text);
        }
        flush(&mut run, &mut out);
        out.push_str(&blank);
        lines.push(out);
    }
    Some(lines)
}

/// The highlight stylesheet: each class coloured as the light theme colours its kind of
/// token, then as the dark theme does inside `prefers-color-scheme: dark`.
pub(crate) fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    // Each theme only under its own scheme: a light rule with no dark counterpart would
    // otherwise leak its colour into dark mode.
    format!(
        "@media (prefers-color-scheme: light) {{\n{}}}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        theme_rules(themes.get(LIGHT_THEME)),
        theme_rules(themes.get(DARK_THEME))
    )
}

fn theme_rules(theme: &Theme) -> String {
    let highlighter = Highlighter::new(theme);
    let plain = highlighter.get_default();
    let mut css = String::new();
    for (class, _, sample) in CLASSES {
        let Ok(stack) = ScopeStack::from_str(sample) else {
            continue;
        };
        let style = highlighter.style_for_stack(stack.as_slice());
        let mut rule = String::new();
        let fg = style.foreground;
        if fg != plain.foreground {
            let _ = if fg.a == 0xFF {
                write!(rule, "color:#{:02x}{:02x}{:02x};", fg.r, fg.g, fg.b)
            } else {
                write!(
                    rule,
                    "color:rgba({},{},{},{:.2});",
                    fg.r,
                    fg.g,
                    fg.b,
                    f32::from(fg.a) / 255.0
                )
            };
        }
        if style.font_style.contains(FontStyle::BOLD) {
            rule.push_str("font-weight:bold;");
        }
        if style.font_style.contains(FontStyle::ITALIC) {
            rule.push_str("font-style:italic;");
        }
        if style.font_style.contains(FontStyle::UNDERLINE) {
            rule.push_str("text-decoration:underline;");
        }
        if !rule.is_empty() {
            let _ = writeln!(css, "pre.code .{class}{{{rule}}}");
        }
    }
    css
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
        assert!(
            html.contains("<span class=\"k\">"),
            "classes emitted: {html}"
        );
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
        assert!(html.contains("<span class=\"k\">let</span>"), "{html}");
        assert!(html.contains("<span class=\"t\">Result</span>"), "{html}");
        // The string's second line keeps its class.
        assert!(html.contains("<span class=\"s\">line\"</span>"), "{html}");
        assert!(html.contains("<span class=\"f\">f</span>"), "{html}");
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
        assert!(!html.contains("<span class=\"k"));
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
        assert!(!html.contains("class=\"n\""));
        let small = "{\"a\": 1}\n";
        assert!(highlight_block(small, &parse_info("json"), 10).contains("\"line\""));
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_LINE_BYTES + 1));
        assert!(!highlight_block(&long_line, &parse_info("rust"), 1 << 20).contains("class=\"k\""));
    }

    #[test]
    fn stylesheet_has_both_themes() {
        let css = stylesheet();
        assert!(css.contains("prefers-color-scheme: dark"));
        // Both themes colour the main kinds of token.
        for class in ["c", "s", "k", "f", "n"] {
            assert_eq!(
                css.matches(&format!("pre.code .{class}{{")).count(),
                2,
                "{class}: {css}"
            );
        }
    }
}
