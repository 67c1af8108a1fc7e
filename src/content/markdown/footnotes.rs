//! Footnotes in the renderer: references numbered in order of first use, ids prefixed with
//! the article's slug (two articles can share a page), definitions collected at the end.

use std::fmt::Write as _;

use pulldown_cmark::{Event, html};

use super::Renderer;
use crate::content::html::{escape, strip_tags};
use crate::content::slugify;

impl<'a> Renderer<'_, 'a> {
    pub(super) fn footnote_ref(&mut self, label: &str) {
        let (n, first) = match self.footnote_order.iter().position(|l| l == label) {
            Some(i) => (i + 1, false),
            None => {
                self.footnote_order.push(label.to_string());
                (self.footnote_order.len(), true)
            }
        };
        let id = self.footnote_id(label);
        // Only the first reference carries the id the note's back link returns to.
        let ref_id = if first {
            format!(" id=\"fnref-{id}\"")
        } else {
            String::new()
        };
        let html = format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\"{ref_id} role=\"doc-noteref\">{n}</a></sup>"
        );
        if self.heading.is_none() && self.footnote.is_none() {
            self.fn_ref_at.insert(self.out.len());
        }
        self.push(Event::InlineHtml(html.into()));
    }

    pub(super) fn footnote_id(&self, label: &str) -> String {
        let label: String = label
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("{}-{}", slugify(self.opts.id_prefix), label)
    }

    pub(super) fn footnotes_html(&mut self) -> String {
        if self.footnote_defs.is_empty() {
            return String::new();
        }
        // Referenced notes in order of first reference, then any never referenced.
        let mut labels = self.footnote_order.clone();
        let mut rest: Vec<String> = self
            .footnote_defs
            .keys()
            .filter(|k| !labels.contains(k))
            .cloned()
            .collect();
        rest.sort();
        labels.extend(rest);
        let mut s = String::from(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n",
        );
        for label in labels {
            let Some(events) = self.footnote_defs.remove(&label) else {
                continue;
            };
            let id = escape(&self.footnote_id(&label));
            let mut body = String::new();
            html::push_html(&mut body, events.into_iter());
            self.text.push_str(&strip_tags(&body));
            let _ = writeln!(
                s,
                "<li id=\"fn-{id}\">{body} <a href=\"#fnref-{id}\" class=\"footnote-back\" role=\"doc-backlink\" aria-label=\"Back to the text\">↩</a></li>"
            );
        }
        s.push_str("</ol>\n</section>\n");
        s
    }
}
