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

/// `dispatches serve`.
pub fn serve(
    addr: &str,
    content: &Path,
    mode: crate::web::Mode,
    config: Config,
    db_path: &Path,
) -> anyhow::Result<ExitCode> {
    crate::web::serve(addr, content, mode, config, db_path)?;
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

/// `dispatches backup OUT.db`: a checked copy of the live archive.
pub fn backup(db_path: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let articles = checked_copy(db_path, out)?;
    println!("backup: {} ({articles} articles, checked)", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Copies the archive at `src` to `out`: `VACUUM INTO` a temporary file beside OUT, run
/// both checks on it, fsync it, then rename it into place, so OUT is never half-written.
/// Returns the copy's article count.
fn checked_copy(src: &Path, out: &Path) -> anyhow::Result<i64> {
    // Not `open_read_only`: its query_only pragma forbids VACUUM INTO.
    let conn =
        rusqlite::Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", src.display()))?;
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
    Ok(articles)
}

/// `dispatches restore FROM`: checks the backup, then copies it into the archive with
/// SQLite's backup API. The copy happens inside the archive's own locking, so a server
/// reading it meanwhile sees the whole old or the whole new archive, and no file is
/// ever renamed over a database with a live `-wal` or `-shm`.
pub fn restore(from: &Path, db_path: &Path) -> anyhow::Result<ExitCode> {
    let source =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening the backup {}", from.display()))?;
    let version: i64 = source
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .with_context(|| format!("reading {}", from.display()))?;
    if version == 0 || version > db::SCHEMA_VERSION {
        anyhow::bail!(
            "{} is not a dispatches archive this version can restore (schema version {version}, this program knows 1 to {})",
            from.display(),
            db::SCHEMA_VERSION
        );
    }
    drop(source);
    // The full-text check needs a writable connection, and the backup is the operator's
    // file: make a checked copy beside the archive, then restore from that.
    let scratch = db_path.with_file_name(".restore.db");
    let result = (|| -> anyhow::Result<i64> {
        checked_copy(from, &scratch)
            .with_context(|| format!("{} was not restored", from.display()))?;
        let mut dest = rusqlite::Connection::open(db_path)
            .with_context(|| format!("opening {}", db_path.display()))?;
        dest.busy_timeout(std::time::Duration::from_secs(10))?;
        dest.restore(
            rusqlite::MAIN_DB,
            &scratch,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| {
            anyhow::anyhow!("restoring into {}: {}", db_path.display(), db::explain(&e))
        })?;
        drop(dest);
        // An older backup is brought up to this version's schema, then checked once more.
        let conn = db::open_writable(db_path)?;
        queries::check_integrity(&conn).map_err(|e| anyhow::anyhow!("after restoring: {e}"))?;
        Ok(queries::article_count(&conn)?)
    })();
    let _ = std::fs::remove_file(&scratch);
    let articles = result?;
    println!(
        "restored {} into {}: {articles} articles",
        from.display(),
        db_path.display(),
    );
    Ok(ExitCode::SUCCESS)
}

/// `dispatches healthcheck`: asks the server's `/healthz` over plain HTTP (slim images
/// have no curl). Exit 0 when it answers 200 within three seconds.
pub fn healthcheck(addr: &str) -> anyhow::Result<ExitCode> {
    use std::io::{Read as _, Write as _};
    use std::net::{TcpStream, ToSocketAddrs};
    let timeout = std::time::Duration::from_secs(3);
    let target = addr
        .to_socket_addrs()
        .with_context(|| format!("--addr {addr:?}"))?
        .next()
        .ok_or_else(|| anyhow::anyhow!("--addr {addr:?} names no address"))?;
    // A server bound to every interface answers on loopback.
    let target = if target.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), target.port())
    } else {
        target
    };
    let mut stream = TcpStream::connect_timeout(&target, timeout)
        .with_context(|| format!("connecting to {target}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut answer = String::new();
    stream.take(4096).read_to_string(&mut answer)?;
    let status = answer.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) == Some("200") {
        println!("{}", answer.lines().last().unwrap_or("ok"));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("unhealthy: {status}");
        Ok(ExitCode::from(1))
    }
}
