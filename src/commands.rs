//! What each subcommand does, between the parsed command line and the library.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::db::{self, queries};
use crate::publish::{self, Options};

/// `dispatches publish`: prints problems, skips and the summary; exit 1 if any file failed.
pub fn publish(
    paths: &[String],
    content: &Path,
    config: &Config,
    db_path: &Path,
    options: &Options,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let report = publish::publish(paths, content, config, None, db_path, options)?;
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

/// `dispatches serve`.
pub fn serve(
    addr: &str,
    content: &Path,
    watch: bool,
    config: Config,
    db_path: &Path,
) -> anyhow::Result<ExitCode> {
    crate::web::serve(addr, content, watch, config, db_path)?;
    Ok(ExitCode::SUCCESS)
}

/// `dispatches search`.
pub fn search(
    query: &str,
    json: bool,
    db_path: &Path,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let conn = db::open_read_only(db_path)?;
    let results = match crate::search::search(
        &conn,
        query,
        1,
        20,
        time::OffsetDateTime::now_utc().unix_timestamp(),
        config.timezone,
    ) {
        Ok(r) => r,
        Err(crate::search::SearchError::BadQuery(m)) => {
            eprintln!("error: {m}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!(
            "{} result{} for {query:?}",
            results.total,
            if results.total == 1 { "" } else { "s" }
        );
        for s in &results.suggestions {
            println!(
                "  try: {}  ({} result{})",
                s.query,
                s.total,
                if s.total == 1 { "" } else { "s" }
            );
        }
        for hit in &results.hits {
            println!(
                "\n{}  ({})\n  /dispatches/{}  {}\n  {}",
                hit.title,
                hit.date,
                hit.slug,
                hit.source_path,
                hit.snippet_text()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `dispatches backup OUT.db`: `VACUUM INTO` a temporary file beside OUT, check it,
/// fsync it, then rename it into place, so OUT is never half-written.
pub fn backup(db_path: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    // Not `open_read_only`: its query_only pragma forbids VACUUM INTO.
    let conn =
        rusqlite::Connection::open_with_flags(db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", db_path.display()))?;
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.partial",
        out.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_file(&tmp);
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
        .with_context(|| format!("copying into {}", tmp.display()))?;
    let copy = rusqlite::Connection::open(&tmp)?;
    if let Err(e) = queries::check_integrity(&copy) {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!(
            "the copy failed its check ({e}); {} was not written",
            out.display()
        );
    }
    let articles = queries::article_count(&copy)?;
    drop(copy);
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, out).with_context(|| format!("moving the copy to {}", out.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    println!("backup: {} ({articles} articles, checked)", out.display());
    Ok(ExitCode::SUCCESS)
}
