//! Formulas and GitHub alerts in the renderer: TeX becomes MathML behind placeholders the
//! sanitiser leaves alone (its markup is ours, not the author's) and is put back after;
//! an alert opens a labelled aside.

use pulldown_cmark::{BlockQuoteKind, Event};

use super::Renderer;
use crate::content::math;

/// Private-use characters around a formula's number while the HTML is sanitised.
const MATH_START: char = '\u{E010}';
const MATH_END: char = '\u{E011}';

/// The opening of a GitHub alert: an aside with a visible label, styled per kind.
pub(super) fn callout_start(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => {
            r#"<aside class="callout callout-note" role="note"><p class="callout-label">Note</p>"#
        }
        BlockQuoteKind::Tip => {
            r#"<aside class="callout callout-tip" role="note"><p class="callout-label">Tip</p>"#
        }
        BlockQuoteKind::Important => {
            r#"<aside class="callout callout-important" role="note"><p class="callout-label">Important</p>"#
        }
        BlockQuoteKind::Warning => {
            r#"<aside class="callout callout-warning" role="note"><p class="callout-label">Warning</p>"#
        }
        BlockQuoteKind::Caution => {
            r#"<aside class="callout callout-caution" role="note"><p class="callout-label">Caution</p>"#
        }
    }
}

impl<'a> Renderer<'_, 'a> {
    /// A formula: MathML behind a placeholder the sanitiser leaves alone, or, when it does
    /// not parse, its source as code and a warning. Its source is what search indexes.
    pub(super) fn math(&mut self, tex: &str, display: bool) {
        self.text.push_str(tex);
        match math::to_mathml(tex, display) {
            Ok(mathml) => {
                let placeholder = format!("{MATH_START}{}{MATH_END}", self.math.len());
                self.math.push(mathml);
                self.push(Event::Html(placeholder.into()));
            }
            Err(why) => {
                self.warnings.push((
                    self.line,
                    format!("the formula `{tex:.60}` is shown as code: {why}"),
                ));
                self.push(Event::Code(tex.to_string().into()));
            }
        }
    }

    /// Formulas inside raw HTML, delimited the way KaTeX's and MathJax's auto-render read
    /// them (`\(…\)` inline, `\[…\]` display), as Hugo's and Jekyll's math pages write
    /// them; `None` when there are none.
    pub(super) fn html_math(&mut self, html: &str) -> Option<String> {
        if !html.contains("\\(") && !html.contains("\\[") {
            return None;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(['\\']) {
            let (close, display) = match rest[i..].get(..2) {
                Some("\\(") => ("\\)", false),
                Some("\\[") => ("\\]", true),
                _ => {
                    out.push_str(&rest[..i + 1]);
                    rest = &rest[i + 1..];
                    continue;
                }
            };
            let Some(len) = rest[i + 2..].find(close) else {
                break;
            };
            out.push_str(&rest[..i]);
            let tex = &rest[i + 2..i + 2 + len];
            match math::to_mathml(tex.trim(), display) {
                Ok(mathml) => {
                    out.push_str(&format!("{MATH_START}{}{MATH_END}", self.math.len()));
                    self.math.push(mathml);
                }
                Err(_) => out.push_str(&rest[i..i + 2 + len + close.len()]),
            }
            rest = &rest[i + 2 + len + close.len()..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// Puts the rendered formulas back in place of their placeholders.
    pub(super) fn put_math_back(&self, html: String) -> String {
        if self.math.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(i) = rest.find(MATH_START) {
            out.push_str(&rest[..i]);
            let after = &rest[i + MATH_START.len_utf8()..];
            let Some(j) = after.find(MATH_END) else {
                break;
            };
            match after[..j]
                .parse::<usize>()
                .ok()
                .and_then(|n| self.math.get(n))
            {
                Some(mathml) => out.push_str(mathml),
                None => out.push_str(&rest[i..i + MATH_START.len_utf8() + j + MATH_END.len_utf8()]),
            }
            rest = &after[j + MATH_END.len_utf8()..];
        }
        out.push_str(rest);
        out
    }
}
