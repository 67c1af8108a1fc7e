//! TeX math to MathML at publish time (pulldown-latex, which follows MathML Core), so a
//! formula needs no script and no change to the Content-Security-Policy. A formula that
//! does not parse is refused as a whole: the page shows its source as code and the author
//! hears why, instead of a half-rendered formula with an error box in it.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// Longest formula rendered; the longest in the corpora is a few hundred bytes.
const MAX_TEX_BYTES: usize = 8 * 1024;
/// Deepest nesting of groups in a formula. The TeX parser's time grows steeply with
/// depth, and one formula is one parser event, which the renderer's own bounds and time
/// budget cannot interrupt.
const MAX_TEX_DEPTH: usize = 32;

/// The MathML of `tex`, or why it does not parse.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    if tex.len() > MAX_TEX_BYTES {
        return Err(format!("longer than {MAX_TEX_BYTES} bytes"));
    }
    if depth(tex) > MAX_TEX_DEPTH {
        return Err(format!("groups nested more than {MAX_TEX_DEPTH} deep"));
    }
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect();
    if let Some(Err(e)) = events.iter().find(|e| e.is_err()) {
        // The error's text carries a drawing of the context over several lines; its
        // first line says what is wrong.
        let why = e.to_string();
        return Err(why.lines().next().unwrap_or("not valid TeX").to_string());
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    push_mathml(&mut out, events.into_iter(), config).map_err(|e| e.to_string())?;
    Ok(styles_as_mstyle(&out))
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
        assert!(e.contains("unbalanced"), "{e}");
        assert!(!to_mathml("<script>", false).unwrap().contains("<script>"));
        let deep = format!("{}x{}", "{".repeat(1_000), "}".repeat(1_000));
        assert!(to_mathml(&deep, false).unwrap_err().contains("nested"));
        assert!(
            to_mathml(&"x+".repeat(10_000), false)
                .unwrap_err()
                .contains("longer")
        );
        assert!(to_mathml(r"\left( \frac{\{a\}}{b} \right)", true).is_ok());
    }
}
