//! `dispatches publish`: import files, folders and globs, print what happened, exit 1 if
//! any file failed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::publish::{self, Options};

/// `dispatches publish`: prints problems, skips and the summary; exit 1 if any file failed.
pub fn run(
    paths: &[String],
    content: &Path,
    config: &Config,
    db_path: &Path,
    options: &Options,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let report = publish::publish(paths, content, config, None, db_path, options)
        .with_context(|| format!("publishing into {}", db_path.display()))?;
    if !quiet {
        for (path, reason) in &report.skipped {
            eprintln!("skipped {path}: {reason}");
        }
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for f in &report.failed {
        eprintln!("error: {f}");
    }
    println!("{}", report.summary());
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
