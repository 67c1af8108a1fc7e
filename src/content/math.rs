//! TeX math to MathML at publish time (pulldown-latex, which follows MathML Core), so a
//! formula needs no script and no change to the Content-Security-Policy. A formula that
//! does not parse is refused as a whole: the page shows its source as code and the author
//! hears why, instead of a half-rendered formula with an error box in it.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::event::{Content, Event};
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

mod macros;
pub use macros::Refused;

/// Longest formula rendered; the longest in the corpora is a few hundred bytes.
const MAX_TEX_BYTES: usize = 8 * 1024;
/// Deepest nesting of groups in a formula. The TeX parser's time grows steeply with
/// depth, and one formula is one parser event, which the renderer's own bounds and time
/// budget cannot interrupt.
const MAX_TEX_DEPTH: usize = 32;

/// Most commands and scripts (the parser's possible depth of recursion) in a formula
/// parsed on the caller's stack; each level takes up to about 5 KB of it in a debug build.
const MAX_INLINE_CHAIN: usize = 96;
/// The stack a formula with more is parsed on: 8 KB of `\not\not…` took more than
/// 8 MiB and less than 64 MiB in a debug build. Only what is used is ever committed.
const DEEP_STACK_BYTES: usize = 128 << 20;

/// The MathML of `tex`, or why it does not parse (`Refused::Invalid`: shown as code) or
/// asks too much (`Refused::TooMuch`: its file is refused).
pub fn to_mathml(tex: &str, display: bool) -> Result<String, Refused> {
    let invalid = |why: String| Err(Refused::Invalid(why));
    if tex.len() > MAX_TEX_BYTES {
        return invalid(format!("longer than {MAX_TEX_BYTES} bytes"));
    }
    // The parser recurses into groups and expands macros by recursing: both are bounded
    // here, before it starts, since a stack overflow cannot be caught.
    let expanded;
    let tex = if macros::needed(tex) {
        expanded = macros::expand(tex)?;
        expanded.as_str()
    } else {
        tex
    };
    if depth(tex) > MAX_TEX_DEPTH {
        return invalid(format!("groups nested more than {MAX_TEX_DEPTH} deep"));
    }
    if chain(tex) <= MAX_INLINE_CHAIN {
        return parse_and_render(tex, display);
    }
    // Commands that take an unbraced command as their argument (`\sqrt\sqrt…`) make
    // the parser recurse once per command: a formula with many runs where its stack
    // holds the longest formula there can be.
    let tex = tex.to_string();
    std::thread::Builder::new()
        .name("formula".into())
        .stack_size(DEEP_STACK_BYTES)
        .spawn(move || parse_and_render(&tex, display))
        .map_err(|e| Refused::Invalid(format!("no thread to render it on: {e}")))?
        .join()
        .unwrap_or_else(|_| Err(Refused::Invalid("the TeX renderer failed on it".into())))
}

/// The MathML of `tex`, bounded already.
fn parse_and_render(tex: &str, display: bool) -> Result<String, Refused> {
    let invalid = |why: String| Err(Refused::Invalid(why));
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(tex, &storage) {
        match event {
            Ok(e) => events.push(e),
            // The error's text carries a drawing of the context over several lines; its
            // first line says what is wrong.
            Err(e) => {
                let why = e.to_string();
                return invalid(why.lines().next().unwrap_or("not valid TeX").to_string());
            }
        }
    }
    let escaped = escaped_texts(&events);
    let events = with_escaped_texts(events, &escaped);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    push_mathml(
        &mut out,
        events.into_iter().map(Ok::<_, std::fmt::Error>),
        config,
    )
    .map_err(|e| Refused::Invalid(e.to_string()))?;
    Ok(styles_as_mstyle(&escape_symbols(&out)))
}

/// The text of each event that carries a string (`\text{}`, `\operatorname{}`, numbers
/// and every other text command end up as one), HTML-escaped: the renderer writes
/// them as they are, and the page, its feeds and other readers without a CSP take
/// markup in them as markup.
fn escaped_texts(events: &[Event<'_>]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Content(Content::Text(s) | Content::Number(s) | Content::Function(s)) => {
                Some(html_escape::encode_quoted_attribute(s).into_owned())
            }
            _ => None,
        })
        .collect()
}

/// `events` with their strings replaced, in order, by `escaped`.
fn with_escaped_texts<'e>(events: Vec<Event<'e>>, escaped: &'e [String]) -> Vec<Event<'e>> {
    let mut escaped = escaped.iter();
    events
        .into_iter()
        .map(|e| match e {
            Event::Content(Content::Text(_)) => {
                Event::Content(Content::Text(escaped.next().map_or("", |s| s)))
            }
            Event::Content(Content::Number(_)) => {
                Event::Content(Content::Number(escaped.next().map_or("", |s| s)))
            }
            Event::Content(Content::Function(_)) => {
                Event::Content(Content::Function(escaped.next().map_or("", |s| s)))
            }
            e => e,
        })
        .collect()
}

/// A symbol the renderer writes as it is (`<` from `\lt` or `<` in a formula, `&`)
/// escaped: after `escaped_texts`, a `<` that does not open a tag and a `&` that does
/// not start an entity can only be such a symbol.
fn escape_symbols(mathml: &str) -> String {
    let mut out = String::with_capacity(mathml.len());
    let mut rest = mathml;
    while let Some(i) = rest.find(['<', '&', '>']) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let keep = match rest.as_bytes()[i] {
            b'<' => after.starts_with(|c: char| c == '/' || c.is_ascii_alphabetic()),
            b'&' => is_entity(after),
            // A `>` closes a tag unless it stands between a tag's end and the next tag.
            _ => !(out.ends_with('>') && after.starts_with("</")),
        };
        out.push_str(match (keep, rest.as_bytes()[i]) {
            (true, _) => &rest[i..i + 1],
            (false, b'<') => "&lt;",
            (false, b'&') => "&amp;",
            (false, _) => "&gt;",
        });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Whether `s` (what follows a `&`) is the rest of a character reference.
fn is_entity(s: &str) -> bool {
    let body = s.split(';').next().unwrap_or("");
    s.len() > body.len()
        && !body.is_empty()
        && body.len() <= 32
        && (body.chars().all(|c| c.is_ascii_alphanumeric())
            || body
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric())))
}

/// MathML Core lets any element carry `displaystyle` and `scriptlevel`, and the renderer
/// puts them on `mrow` (for `\displaystyle`, `\dfrac`); the HTML checker reads MathML 3,
/// where only `mstyle` (and a few others) may. An `mrow` with either becomes an `mstyle`,
/// which browsers lay out the same.
fn styles_as_mstyle(mathml: &str) -> String {
    if !mathml.contains("<mrow displaystyle") && !mathml.contains("<mrow scriptlevel") {
        return mathml.to_string();
    }
    let mut out = String::with_capacity(mathml.len());
    let mut copied = 0;
    // For each open `mrow`: whether it became an `mstyle`.
    let mut open: Vec<bool> = Vec::new();
    for t in super::html::tags(mathml) {
        if t.name != "mrow" {
            continue;
        }
        let renamed = if t.closing {
            open.pop().unwrap_or(false)
        } else {
            let styled = super::html::attribute(t.text, "displaystyle").is_some()
                || super::html::attribute(t.text, "scriptlevel").is_some();
            if !t.text.ends_with("/>") {
                open.push(styled);
            }
            styled
        };
        if renamed {
            let at = t.start + if t.closing { 2 } else { 1 };
            out.push_str(&mathml[copied..at]);
            out.push_str("mstyle");
            copied = at + "mrow".len();
        }
    }
    out.push_str(&mathml[copied..]);
    out
}

/// Commands and scripts in `tex`: at most the parser's depth of recursion.
fn chain(tex: &str) -> usize {
    tex.bytes()
        .filter(|b| matches!(b, b'\\' | b'^' | b'_'))
        .count()
}

/// The deepest nesting of `{…}` groups and `\left…\right` pairs in `tex`.
fn depth(tex: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = tex;
    while let Some(c) = rest.chars().next() {
        let step = if rest.starts_with("\\left") {
            depth += 1;
            5
        } else if rest.starts_with("\\right") {
            depth = depth.saturating_sub(1);
            6
        } else if rest.starts_with("\\{") || rest.starts_with("\\}") {
            2
        } else {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            c.len_utf8()
        };
        deepest = deepest.max(depth);
        rest = &rest[step..];
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_style_on_a_row_moves_to_an_mstyle_for_the_checker() {
        let m = to_mathml(r"\varphi = \dfrac{1+\sqrt5}{2}", false).unwrap();
        assert!(
            !m.contains("<mrow displaystyle") && !m.contains("<mrow scriptlevel"),
            "{m}"
        );
        assert!(m.contains("<mstyle displaystyle=\"true\""), "{m}");
        assert_eq!(
            m.matches("<mstyle").count(),
            m.matches("</mstyle>").count(),
            "{m}"
        );
        assert_eq!(
            m.matches("<mrow").count(),
            m.matches("</mrow>").count(),
            "{m}"
        );
        assert_eq!(
            styles_as_mstyle("<mrow><mrow scriptlevel=\"1\"><mi>x</mi></mrow><mrow/></mrow>"),
            "<mrow><mstyle scriptlevel=\"1\"><mi>x</mi></mstyle><mrow/></mrow>"
        );
    }

    #[test]
    fn formulas_become_mathml_and_broken_ones_say_why() {
        let inline = to_mathml(r"x^2 + \frac{a}{b}", false).unwrap();
        assert!(inline.starts_with(r#"<math display="inline">"#), "{inline}");
        assert!(inline.contains("<msup>") && inline.contains("<mfrac>"));
        let block = to_mathml(r"\sum_{i=1}^n i", true).unwrap();
        assert!(block.starts_with(r#"<math display="block">"#));
        let e = to_mathml(r"\frac{a}{", false).unwrap_err();
        assert!(e.why().contains("unbalanced"), "{e:?}");
        assert!(!to_mathml("<script>", false).unwrap().contains("<script>"));
        let deep = format!("{}x{}", "{".repeat(1_000), "}".repeat(1_000));
        assert!(
            to_mathml(&deep, false)
                .unwrap_err()
                .why()
                .contains("nested")
        );
        assert!(
            to_mathml(&"x+".repeat(10_000), false)
                .unwrap_err()
                .why()
                .contains("longer")
        );
        assert!(to_mathml(r"\left( \frac{\{a\}}{b} \right)", true).is_ok());
    }

    #[test]
    fn a_long_chain_of_commands_is_parsed_where_the_stack_holds_it() {
        // The caller's stack as small as a render thread's: the deep one is the formula's own.
        let chains = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                for unit in [r"\sqrt", r"\not", r"\hat", r"\frac1", r"\mathrm", r"x^"] {
                    let tex = format!("{} x", unit.repeat(MAX_TEX_BYTES / unit.len() - 1));
                    let _ = to_mathml(&tex, false);
                }
                to_mathml(&format!("{}x", r"\sqrt ".repeat(500)), true).is_ok()
            })
            .unwrap()
            .join();
        assert_eq!(chains.ok(), Some(true));
    }

    #[test]
    fn markup_in_text_commands_and_symbols_is_escaped() {
        for tex in [
            r"\text{<img src=x onerror=alert(1)>}",
            r"\operatorname{<iframe srcdoc=x>}",
            r"\mathrm{<b>x</b>}",
            r"\fcolorbox{red}{blue}{<a href='javascript:x'>c</a>}",
            r"\text{a & b} < c > d \lt e",
        ] {
            let m = to_mathml(tex, false).unwrap();
            for live in ["<img", "<iframe", "<b>", "<a ", "& ", "<<", ">></"] {
                assert!(!m.contains(live), "{live} in {m}");
            }
        }
        let m = to_mathml(r"\text{<img>} < b", false).unwrap();
        assert!(m.contains("&lt;img&gt;") && m.contains("&lt;"), "{m}");
    }
}
