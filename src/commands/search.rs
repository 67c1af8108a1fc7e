//! `dispatches search`: the site's search, printed as text or JSON.

use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;
use crate::db;

/// `dispatches search`.
pub(super) fn run(
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
        &config.work_path,
    ) {
        Ok(r) => r,
        Err(crate::search::SearchError::BadQuery(m)) => {
            eprintln!("error: {m}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    // Written by hand, not println!: output piped into `head` must end quietly.
    let mut out = std::io::stdout().lock();
    let written = (|| -> std::io::Result<()> {
        use std::io::Write as _;
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&results)?)?;
            return Ok(());
        }
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        writeln!(
            out,
            "{} result{} for {query:?}",
            results.total,
            plural(results.total)
        )?;
        for s in &results.suggestions {
            writeln!(
                out,
                "  try: {}  ({} result{})",
                s.query,
                s.total,
                plural(s.total)
            )?;
        }
        for hit in &results.hits {
            writeln!(
                out,
                "\n{}  ({})\n  /dispatches/{}  {}\n  {}",
                hit.title,
                hit.date,
                hit.slug,
                hit.source_path,
                hit.snippet_text()
            )?;
        }
        Ok(())
    })();
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
