//! Headings: the page's title taken from a leading h1, body levels packed from h2 down,
//! unique ids with anchors, and the table of contents.

use std::fmt::Write as _;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, html};

use super::{Renderer, TocEntry, options, plain_text};
use crate::content::html::escape;
use crate::content::slugify;

impl Renderer<'_, '_> {
    pub(super) fn end_heading(&mut self) {
        let Some((level, explicit_id, events)) = self.heading.take() else {
            return;
        };
        let mut inner = String::new();
        html::push_html(&mut inner, events.iter().cloned());
        let plain = plain_text(&events);
        // The heading's words reached the text (and the count) as its events passed.
        self.text.push('\n');
        if self.opts.take_title
            && self.title.is_none()
            && !self.seen_block
            && level == HeadingLevel::H1
        {
            self.title = Some(plain);
            // The title is no longer part of the outline.
            if let Some(i) = self.levels.iter().position(|(l, _)| *l == 1) {
                self.levels[i].1 -= 1;
                if self.levels[i].1 == 0 {
                    self.levels.remove(i);
                }
            }
            return;
        }
        self.seen_block = true;
        // The page's own title is the one h1; body headings start at h2 and the levels an
        // author used are packed together (### then ##### becomes h2 then h3), so the
        // outline never skips a level.
        let rank = self
            .levels
            .iter()
            .position(|(l, _)| *l == level as u8)
            .unwrap_or(0) as u8;
        let n = (2 + rank).min(6);
        let base = explicit_id.unwrap_or_else(|| slugify(&plain));
        let id = self.unique_id(if base.is_empty() {
            "section".into()
        } else {
            base
        });
        if n <= 3 {
            self.toc.push(TocEntry {
                level: n,
                id: id.clone(),
                title: plain.clone(),
            });
        }
        let id = escape(&id);
        let mut h = String::new();
        let _ = writeln!(
            h,
            "<h{n} id=\"{id}\">{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>"
        );
        self.out.push(Event::Html(h.into()));
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// The heading levels in `markdown`, ascending, with their counts (a cheap first pass).
pub(super) fn levels(markdown: &str) -> Vec<(u8, usize)> {
    let mut levels: Vec<(u8, usize)> = Vec::new();
    for e in Parser::new_ext(markdown, options()) {
        if let Event::Start(Tag::Heading { level, .. }) = e {
            match levels.iter_mut().find(|(l, _)| *l == level as u8) {
                Some((_, n)) => *n += 1,
                None => levels.push((level as u8, 1)),
            }
        }
    }
    levels.sort_unstable();
    levels
}
