//! Bounds on what one file may ask of the renderer. Nesting thousands of lists or quotes
//! deep (`- - - - …`) or of raw HTML elements costs the HTML tree builder time that grows
//! with the cube of the depth, and a hundred thousand footnotes cost seconds and hundreds
//! of megabytes; no real post comes near these limits. The renderer sees every event
//! once, so checking as it goes costs nothing and stops a poisoned file at once, with the
//! line where it went too far. A time budget catches whatever else may be slow.

use std::time::{Duration, Instant};

use pulldown_cmark::{Event, Tag, TagEnd};

/// Deepest nesting of block containers (lists, items, quotes, footnotes).
pub(super) const MAX_NESTING: usize = 64;
/// Deepest nesting of an author's raw HTML elements.
pub(super) const MAX_HTML_NESTING: usize = 64;
/// Most footnote references and definitions in one file.
pub(super) const MAX_FOOTNOTES: usize = 2_000;
/// Most parser events in one file (about one per word or tag): bounds the memory one
/// render holds.
pub(super) const MAX_EVENTS: usize = 1_500_000;
/// Longest one file's render may take on a busy machine.
pub(super) const TIME_BUDGET: Duration = Duration::from_secs(10);

/// Why a file was too much to render; `at` is a byte offset in the Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct TooMuch {
    pub at: usize,
    pub message: String,
}

/// Elements that close themselves or are closed by the next of their kind, so they do
/// not nest however they are written.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
];

pub(super) struct Bounds {
    depth: usize,
    html_depth: usize,
    footnotes: usize,
    events: usize,
    started: Instant,
    budget: Duration,
}

impl Bounds {
    pub(super) fn new() -> Bounds {
        Bounds::with_budget(TIME_BUDGET)
    }

    pub(super) fn with_budget(budget: Duration) -> Bounds {
        Bounds {
            depth: 0,
            html_depth: 0,
            footnotes: 0,
            events: 0,
            started: Instant::now(),
            budget,
        }
    }

    /// Counts `event`, which starts at byte `at`; an error once a bound is passed.
    pub(super) fn see(&mut self, event: &Event<'_>, at: usize) -> Result<(), TooMuch> {
        self.events += 1;
        let fail = |message: String| Err(TooMuch { at, message });
        match event {
            Event::Start(
                Tag::List(_) | Tag::Item | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_),
            ) => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return fail(format!(
                        "lists and quotes nested more than {MAX_NESTING} deep; no page needs that many levels"
                    ));
                }
            }
            Event::End(
                TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition,
            ) => {
                self.depth = self.depth.saturating_sub(1);
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                self.html_depth = html_depth_after(h, self.html_depth);
                if self.html_depth > MAX_HTML_NESTING {
                    return fail(format!(
                        "raw HTML elements nested more than {MAX_HTML_NESTING} deep; close them, or write the structure in Markdown"
                    ));
                }
            }
            Event::FootnoteReference(_) => self.footnotes += 1,
            _ => {}
        }
        if matches!(event, Event::Start(Tag::FootnoteDefinition(_))) {
            self.footnotes += 1;
        }
        if self.footnotes > MAX_FOOTNOTES {
            return fail(format!(
                "more than {MAX_FOOTNOTES} footnotes; split the piece"
            ));
        }
        if self.events > MAX_EVENTS {
            return fail(format!(
                "more than {MAX_EVENTS} elements in one file; split the piece"
            ));
        }
        if self.events.is_multiple_of(4096) {
            self.check_time(at)?;
        }
        Ok(())
    }

    /// An error once the render has taken longer than its budget.
    pub(super) fn check_time(&self, at: usize) -> Result<(), TooMuch> {
        if self.started.elapsed() > self.budget {
            return Err(TooMuch {
                at,
                message: format!(
                    "rendering took longer than {} s and was stopped here; split the piece or simplify it",
                    self.budget.as_secs()
                ),
            });
        }
        Ok(())
    }
}

/// The open-element depth after the raw HTML `html`, starting from `depth`. A rough
/// count (void and self-closing elements, and those closed by their next sibling, do not
/// nest), which is all a bound needs.
fn html_depth_after(html: &str, mut depth: usize) -> usize {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '!' | '-'))
            .flat_map(|c| c.to_lowercase())
            .collect();
        if name.is_empty() || name.starts_with('!') || NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        let self_closing = rest
            .find('>')
            .is_some_and(|end| rest[..end].trim_end().ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_depth_counts_only_elements_that_nest() {
        assert_eq!(html_depth_after("<div><section>", 0), 2);
        assert_eq!(html_depth_after("</section></div>", 2), 0);
        assert_eq!(html_depth_after("<p>a<p>b<br><img src=x><hr/>", 0), 0);
        assert_eq!(html_depth_after("<x-y/> <!-- c --> a < b", 0), 0);
        assert_eq!(html_depth_after("<pre><picture>", 0), 2);
    }
}
