//! `dispatches import`: an export file into Markdown files; prints what was skipped and
//! why, each warning and failure, and a summary line; exit 1 if any item failed.

use std::path::Path;
use std::process::ExitCode;

use crate::import_export::{self, Options};

/// Runs the import and reports it.
pub(super) fn run(export: &Path, into: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if into.exists() && !into.is_dir() {
        eprintln!(
            "error: {} is a file; --into names the folder to write Markdown into",
            into.display()
        );
        return Ok(ExitCode::from(2));
    }
    let options = Options {
        export: export.to_path_buf(),
        into: into.to_path_buf(),
        force,
    };
    let summary = match import_export::import(&options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for (what, why) in &summary.skipped {
        eprintln!("skipped {what}: {why}");
    }
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    for (what, why) in &summary.failed {
        eprintln!("error: {what}: {why}");
    }
    println!("{}", summary.line());
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
