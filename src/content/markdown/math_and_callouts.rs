//! Formulas and GitHub alerts in the renderer: TeX becomes MathML, kept out of the
//! sanitiser (its markup is ours, not the author's; see `kept`); an alert opens a
//! labelled aside.

use pulldown_cmark::{BlockQuoteKind, Event};

use super::Renderer;
use crate::content::html::repair;
use crate::content::math;

/// Elements whose text auto-render leaves alone.
const VERBATIM: [&str; 5] = ["code", "pre", "script", "style", "textarea"];

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
    /// A formula: MathML kept out of the sanitiser, or, when it does
    /// not parse, its source as code and a warning. Its source is what search indexes.
    pub(super) fn math(&mut self, tex: &str, display: bool) {
        self.text.push_str(tex);
        match math::to_mathml(tex, display) {
            Ok(mathml) => {
                let placeholder = self.keep(mathml);
                self.push(Event::Html(placeholder.into()));
            }
            Err(math::Refused::TooMuch(why)) => {
                self.refused(tex, &why);
                self.push(Event::Code(tex.to_string().into()));
            }
            Err(math::Refused::Invalid(why)) => {
                self.warnings.push((
                    self.line,
                    format!("the formula `{tex:.60}` is shown as code: {why}"),
                ));
                self.push(Event::Code(tex.to_string().into()));
            }
        }
    }

    /// Notes that a formula asks too much: the render stops at this event and the file
    /// is refused with the reason (see `render`).
    fn refused(&mut self, tex: &str, why: &str) {
        self.too_much.get_or_insert_with(|| {
            format!(
                "the formula `{}` is refused: {why}",
                tex.chars().take(60).collect::<String>()
            )
        });
    }

    /// Formulas inside raw HTML, delimited the way KaTeX's and MathJax's auto-render read
    /// them (`\(…\)` inline, `\[…\]` display), as Hugo's and Jekyll's math pages write
    /// them; `None` when there are none. As there, only text is read: a formula's
    /// delimiters inside a tag (an attribute's value) or inside code stay as written.
    pub(super) fn html_math(&mut self, html: &str) -> Option<String> {
        if !html.contains("\\(") && !html.contains("\\[") {
            return None;
        }
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        let mut verbatim = 0usize;
        for tag in repair::tags(html) {
            self.formulas_in_text(&html[at..tag.start], verbatim > 0, &mut out);
            out.push_str(tag.text);
            if VERBATIM.iter().any(|v| tag.name.eq_ignore_ascii_case(v)) {
                verbatim = if tag.closing {
                    verbatim.saturating_sub(1)
                } else {
                    verbatim + 1
                };
            }
            at = tag.end;
        }
        self.formulas_in_text(&html[at..], verbatim > 0, &mut out);
        Some(out)
    }

    /// `text` onto `out`, each formula in it as MathML unless `verbatim`.
    fn formulas_in_text(&mut self, text: &str, verbatim: bool, out: &mut String) {
        let mut rest = text;
        while !verbatim && let Some(i) = rest.find('\\') {
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
                    let placeholder = self.keep(mathml);
                    out.push_str(&placeholder);
                }
                Err(math::Refused::TooMuch(why)) => {
                    self.refused(tex, &why);
                    out.push_str(&rest[i..i + 2 + len + close.len()]);
                }
                Err(math::Refused::Invalid(_)) => out.push_str(&rest[i..i + 2 + len + close.len()]),
            }
            rest = &rest[i + 2 + len + close.len()..];
        }
        out.push_str(rest);
    }
}
