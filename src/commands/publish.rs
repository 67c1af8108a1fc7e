//! `dispatches publish`: import files, folders and globs, print what happened, exit 1 if
//! any file failed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::publish::{self, Options};

/// `dispatches publish`: prints problems, skips and the summary; exit 1 if any file failed.
pub(super) fn run(
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
    let (links, images) = broken(&report, content, db_path, &config.work_path);
    if links > 0 {
        println!(
            "{links} broken internal link{} in what was published; `dispatches check` lists them",
            if links == 1 { "" } else { "s" }
        );
    }
    if images > 0 {
        println!(
            "{images} image{} in what was published resolve{} to nothing; `dispatches check` \
             lists them",
            if images == 1 { "" } else { "s" },
            if images == 1 { "s" } else { "" }
        );
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// How many internal links of the articles just written lead nowhere, and how many of
/// their images resolve to nothing (0 when it cannot tell: the counts are advice, never
/// a reason for the publish to fail).
fn broken(report: &publish::Report, content: &Path, db_path: &Path, work: &str) -> (usize, usize) {
    if report.dry_run || report.written.is_empty() {
        return (0, 0);
    }
    let Ok(conn) = crate::db::open_read_only(db_path) else {
        return (0, 0);
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    crate::check::check(&conn, content, &report.written, now, work).map_or((0, 0), |(broken, _)| {
        let images = broken
            .iter()
            .filter(|b| b.what == crate::check::What::Image)
            .count();
        (broken.len() - images, images)
    })
}
