//! What a publish tells its caller: counts, skipped files with why, failures as
//! `path:line: field: message`, warnings, and the one summary line; and the progress bar
//! a terminal shows meanwhile.

use std::io::IsTerminal;
use std::time::Duration;

use crate::error::FileError;

/// The outcome of one publish.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files that are not articles, with why.
    pub skipped: Vec<(String, String)>,
    pub failed: Vec<FileError>,
    /// Things that published but deserve a look (no date, slug qualified with its date).
    pub warnings: Vec<String>,
    /// Source paths of the articles this publish wrote (new or changed), for checks that
    /// only need to look at what changed.
    pub written: Vec<String>,
    pub dry_run: bool,
    pub elapsed: Duration,
}

impl Report {
    /// The one summary line.
    pub fn summary(&self) -> String {
        format!(
            "{}{} new, {} updated, {} unchanged, {} skipped, {} failed, {} removed in {:.2} s",
            if self.dry_run {
                "dry run (nothing written): "
            } else {
                "published: "
            },
            self.new,
            self.updated,
            self.unchanged,
            self.skipped.len(),
            self.failed.len(),
            self.removed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// A progress bar over `len` files, drawn only when wanted and on a terminal.
pub(crate) fn progress_bar(wanted: bool, len: usize) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
