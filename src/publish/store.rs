//! Step 5, store: the batch's head opens one transaction on the writer, the rendered
//! articles stream into it as they come, and it commits only once every article has
//! arrived. A dry run renders the same way and only counts.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::render::{Planned, render_in_order};
use super::report::Report;
use crate::config::Config;
use crate::content::ContentSettings;
use crate::db::{ArticleRow, Batch, DbError, Writer};
use crate::error::FileError;

/// How the articles render while they are stored.
pub(super) struct Rendering<'a> {
    pub settings: ContentSettings<'a>,
    pub config: &'a Config,
    pub bar: &'a indicatif::ProgressBar,
    /// Set when the publish must stop (the server is shutting down): rendering stops at
    /// the next article and nothing is committed.
    pub cancel: Option<&'a AtomicBool>,
}

impl Rendering<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Renders `planned` in order, handing the rows to `deliver`.
    fn render(
        &self,
        planned: Vec<Planned>,
        report: &mut Report,
        deliver: &mut dyn FnMut(Vec<ArticleRow>) -> bool,
    ) {
        let cancelled = || self.cancelled();
        render_in_order(
            planned,
            self.settings,
            self.config,
            self.bar,
            &cancelled,
            report,
            deliver,
        );
    }
}

/// Renders `planned` and counts what a publish would add and update, writing nothing.
pub(super) fn dry_run(
    planned: Vec<Planned>,
    batch: &Batch,
    stored: &HashMap<String, String>,
    how: &Rendering<'_>,
    report: &mut Report,
) {
    let (mut updated, mut new) = (0, 0);
    how.render(planned, report, &mut |rows| {
        for row in rows {
            if stored.contains_key(&row.source_path) {
                updated += 1;
            } else {
                new += 1;
            }
        }
        true
    });
    report.updated += updated;
    report.new += new;
    report.removed = batch.remove.len();
}

/// Renders `planned` into one transaction with `batch`, through `writer` or a writer of
/// its own on `db_path`; when nothing changes, only makes sure the archive exists.
pub(super) fn store(
    planned: Vec<Planned>,
    batch: Batch,
    writer: Option<&Writer>,
    db_path: &Path,
    how: &Rendering<'_>,
    report: &mut Report,
) -> Result<(), DbError> {
    if planned.is_empty() && !batch.changes_besides_articles() {
        if !db_path.exists() {
            // Still create an empty, migrated archive so the server can start.
            Writer::start(db_path)?.shutdown();
        }
        return Ok(());
    }
    let own_writer = match writer {
        Some(_) => None,
        None => Some(Writer::start(db_path)?),
    };
    let open = writer
        .or(own_writer.as_ref())
        .expect("one of the two")
        .begin(batch)?;
    let mut written = Vec::new();
    how.render(planned, report, &mut |rows| {
        written.extend(rows.iter().map(|r| r.source_path.clone()));
        open.send(rows)
    });
    report.written = written;
    // Dropped unfinished, an open publish rolls back.
    let applied = if how.cancelled() {
        drop(open);
        Err(DbError::Interrupted)
    } else {
        open.finish()
    };
    // Our own writer is shut down, not dropped: its last act folds the WAL back into
    // the archive.
    if let Some(w) = own_writer {
        w.shutdown();
    }
    let applied = applied?;
    report.new += applied.added;
    report.updated += applied.updated;
    report.removed += applied.removed;
    for (path, message) in applied.refused {
        report.failed.push(FileError::file(path, message));
    }
    Ok(())
}
