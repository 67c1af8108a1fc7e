//! TeX math to MathML at publish time (pulldown-latex, which follows MathML Core), so a
//! formula needs no script and no change to the Content-Security-Policy. A formula that
//! does not parse is refused as a whole: the page shows its source as code and the author
//! hears why, instead of a half-rendered formula with an error box in it.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// The MathML of `tex`, or why it does not parse.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
