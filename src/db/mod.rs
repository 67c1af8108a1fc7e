//! The archive database: opening it with the right pragmas, migrating it, and the error
//! type of this layer. Every SQL string of the program lives below here:
//!
//! - `batch`: the typed rows one publish hands the writer (plain data);
//! - `apply`: applying a batch inside the writer's transaction;
//! - `writer`: the single writer thread, alone with the only read-write connection;
//! - `readers`: the pool of read-only connections the server borrows from;
//! - `read`: every read query of the publish and the pages;
//! - `related`: related dispatches, ranked at publish time and kept up to date;
//! - `changes`: which article pages each publish changed, for the response cache;
//! - `search`: the full-text search SQL;
//! - `generation`: the number caches key on, which changes when a page may have;
//! - `backup`: checked copies out and restores in;
//! - `tokens`: publishing tokens (hashes only); `micropub`: what Micropub looks up;
//! - `secrets`: the key preview links are signed with.

pub(crate) mod apply;
pub(crate) mod backup;
pub(crate) mod batch;
pub(crate) mod changes;
pub(crate) mod entries;
pub(crate) mod generation;
pub(crate) mod links;
pub(crate) mod micropub;
pub(crate) mod prior;
pub(crate) mod read;
pub(crate) mod readers;
pub mod related;
pub(crate) mod search;
pub(crate) mod secrets;
pub(crate) mod stored;
pub(crate) mod tokens;
pub(crate) mod writer;

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

pub use batch::{Applied, ArticleRow, AuthorRow, Batch, FileRow, RedirectRow, StreamRow};
pub use generation::{Generation, Snapshot};
pub use readers::ReadPool;
pub use writer::{OpenPublish, Writer};

/// The schema version this binary writes and reads.
pub const SCHEMA_VERSION: i64 = 14;

/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The same for the writer, which may wait for another whole publish.
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// Database errors; each says what was being done and to which file.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path}: {action}: {}", explain(.cause))]
    Open {
        path: String,
        action: &'static str,
        // Not named `source`: the message already says it in words.
        cause: rusqlite::Error,
    },
    #[error(
        "{path}: the archive has schema version {found}, this program knows {expected}; {hint}"
    )]
    Schema {
        path: String,
        found: i64,
        expected: i64,
        hint: &'static str,
    },
    /// Shown in words a reader can act on; the SQLite error is not repeated as a cause.
    #[error("database: {}", explain(.0))]
    Sqlite(rusqlite::Error),
    /// A file operation around the archive (its folder, a copy, a rename).
    #[error("{path}: {action}: {cause}")]
    Io {
        path: String,
        action: &'static str,
        cause: std::io::Error,
    },
    /// A copy or backup that failed its integrity check, or is not an archive at all.
    #[error("{path}: {why}")]
    Check { path: String, why: String },
    #[error("the database writer has stopped; see the log for why")]
    WriterGone,
    #[error("the publish stopped before all its articles were rendered; nothing was changed")]
    Interrupted,
}

impl DbError {
    /// An SQLite failure while doing `action` to the file at `path`.
    pub fn open(path: &Path, action: &'static str, cause: rusqlite::Error) -> DbError {
        DbError::Open {
            path: path.display().to_string(),
            action,
            cause,
        }
    }

    /// A file-system failure while doing `action` to `path`.
    pub fn io(path: &Path, action: &'static str, cause: std::io::Error) -> DbError {
        DbError::Io {
            path: path.display().to_string(),
            action,
            cause,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

/// An SQLite error as advice: the common failures of an operator's disk, in words.
pub fn explain(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => "the archive or its folder is not writable by this user \
            (SQLite also creates the -wal and -shm files beside it); nothing was changed"
            .into(),
        Some(ErrorCode::DiskFull) => {
            "the disk is full; this publish was rolled back and nothing published before was lost"
                .into()
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "the archive stayed locked by another process for longer than the busy timeout".into()
        }
        Some(ErrorCode::CannotOpen) => {
            "cannot open the archive file; check that the path and its folder exist".into()
        }
        Some(ErrorCode::NotADatabase) => "the file is not an SQLite database".into(),
        _ => match e {
            // The variant's own text, without the "Error code N" cause it carries.
            rusqlite::Error::SqliteFailure(f, Some(m)) => format!("{m} ({:?})", f.code),
            other => other.to_string(),
        },
    }
}

/// Opens (creating if needed) the read-write connection and brings the schema up to date.
pub fn open_writable(path: &Path) -> Result<Connection, DbError> {
    let shown = path.display().to_string();
    let open_err = |action| {
        let shown = shown.clone();
        move |cause| DbError::Open {
            path: shown,
            action,
            cause,
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbError::io(dir, "creating the data folder", e))?;
    }
    let conn = Connection::open(path).map_err(open_err("opening the archive"))?;
    // SQLite quietly falls back to read-only when the file is not writable; a writer
    // must say so at once, naming the file.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(DbError::Open {
            path: shown,
            action: "opening the archive for writing",
            cause: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                None,
            ),
        });
    }
    // A publish holds the write lock while its articles render (about 15 s for 10,000 on
    // two cores), so a second publisher waits that long before it may start.
    conn.busy_timeout(WRITE_BUSY_TIMEOUT)
        .map_err(open_err("setting busy_timeout"))?;
    // WAL: readers never block the writer; NORMAL: durable at checkpoints, and a crash
    // loses at most the last transactions, never consistency.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(open_err("enabling WAL"))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_err("setting synchronous"))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open_err("enabling foreign keys"))?;
    stable_plans(&conn).map_err(open_err("fixing query plans"))?;
    if migrate(&conn, &shown)?
        && let Err(e) = compact_after_upgrade(&conn, &shown)
    {
        // The upgrade itself is committed; only space is lost, and `VACUUM` run by hand
        // later recovers it.
        tracing::warn!("{e}; the archive works as it is");
    }
    Ok(conn)
}

/// A cached statement keeps its plan whatever is bound to it. Without this SQLite plans
/// `LIMIT ?` (and a few other shapes) for the value bound, so every bind of a new value
/// re-parses and re-plans the statement: the related list's query spent four fifths of
/// its time in the parser, a third of an uncached article page's CPU.
fn stable_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map(drop)
}

/// Opens a read-only connection; the schema must already be this binary's.
pub fn open_read_only(path: &Path) -> Result<Connection, DbError> {
    let shown = path.display().to_string();
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|cause| DbError::Open {
        path: shown.clone(),
        action: "opening the archive read-only",
        cause,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    // 4 MiB of page cache per reader (the default is 2): list pages and search touch
    // the same index pages again and again. 8 MiB bought no throughput once article
    // rows kept their large columns last (schema 4) and cost 18 MB of RSS under load.
    conn.pragma_update(None, "cache_size", -4096)?;
    // Checked every few thousand virtual-machine steps (well under a millisecond): a
    // query run under `with_deadline` stops (SQLITE_INTERRUPT) once its time is up, and
    // one run under `with_cancel` as soon as its flag is set.
    conn.progress_handler(4096, Some(should_stop))?;
    stable_plans(&conn)?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found != SCHEMA_VERSION {
        return Err(DbError::Schema {
            path: shown,
            found,
            expected: SCHEMA_VERSION,
            hint: if found > SCHEMA_VERSION {
                "it was written by a newer dispatches; upgrade this binary"
            } else {
                "run `dispatches publish` (or serve without --read-only) once with this version to migrate it"
            },
        });
    }
    Ok(conn)
}

/// Transactions committed by this process's writers.
static COMMITS: AtomicU64 = AtomicU64::new(0);

/// How many transactions this process has committed so far. Caches in the same process
/// compare it with one atomic load instead of asking SQLite on every request.
pub fn local_commits() -> u64 {
    COMMITS.load(Ordering::Acquire)
}

/// Called after each commit, before the publish that made it returns.
fn count_commit() {
    COMMITS.fetch_add(1, Ordering::Release);
}

thread_local! {
    /// When the query running on this thread must stop; read by the progress handler.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Set by another thread when nobody waits for this thread's query any more.
    static CANCEL: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// The progress handler of every read-only connection: true stops the running statement.
fn should_stop() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() >= t))
        || CANCEL.with(|c| {
            c.borrow()
                .as_ref()
                .is_some_and(|f| f.load(Ordering::Relaxed))
        })
}

/// Runs `f` (queries on read-only connections, on this thread) with a time budget. Inside
/// another budget the earlier deadline wins, so a caller's budget for a whole request
/// bounds every query under it.
pub fn with_deadline<T>(budget: Duration, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<Instant>);
    impl Drop for Reset {
        fn drop(&mut self) {
            DEADLINE.with(|d| d.set(self.0));
        }
    }
    let mine = Instant::now() + budget;
    let _reset = Reset(DEADLINE.with(|d| {
        let outer = d.get();
        d.replace(Some(outer.map_or(mine, |o| o.min(mine))))
    }));
    f()
}

/// Runs `f` (queries on read-only connections, on this thread) so that setting `cancel`
/// from any thread stops its statements within milliseconds (SQLITE_INTERRUPT): the work
/// of a request whose client has gone is given up instead of finished for nobody.
pub fn with_cancel<T>(cancel: Arc<AtomicBool>, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<Arc<AtomicBool>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            CANCEL.with(|c| *c.borrow_mut() = self.0.take());
        }
    }
    let _reset = Reset(CANCEL.with(|c| c.borrow_mut().replace(cancel)));
    f()
}

/// Rewrites the file when an upgrade left much of it free (schema 4 rewrites every
/// article row): an archive should not stay half again as large after an upgrade.
fn compact_after_upgrade(conn: &Connection, shown: &str) -> Result<(), DbError> {
    let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
    let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
    if free * 4 > pages {
        tracing::info!("{shown}: compacting the archive after the schema upgrade (once)");
        conn.execute_batch("VACUUM")
            .map_err(|cause| DbError::Open {
                path: shown.to_string(),
                action: "compacting after the schema upgrade",
                cause,
            })?;
    }
    Ok(())
}

/// Applies every migration above the file's `user_version`, each in its own transaction;
/// true when an archive that had content was upgraded.
fn migrate(conn: &Connection, shown: &str) -> Result<bool, DbError> {
    const MIGRATIONS: &[&str] = &[
        include_str!("schema.sql"),
        include_str!("schema_2.sql"),
        include_str!("schema_3.sql"),
        include_str!("schema_4.sql"),
        include_str!("schema_5.sql"),
        include_str!("schema_6.sql"),
        include_str!("schema_7.sql"),
        include_str!("schema_8.sql"),
        include_str!("schema_9.sql"),
        include_str!("schema_10.sql"),
        include_str!("schema_11.sql"),
        include_str!("schema_12.sql"),
        include_str!("schema_13.sql"),
        include_str!("schema_14.sql"),
    ];
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(DbError::Schema {
            path: shown.to_string(),
            found,
            expected: SCHEMA_VERSION,
            hint: "it was written by a newer dispatches; upgrade this binary",
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
        ))
        .map_err(|cause| {
            let _ = conn.execute_batch("ROLLBACK");
            DbError::Open {
                path: shown.to_string(),
                action: "migrating the schema",
                cause,
            }
        })?;
    }
    if (1..12).contains(&found) {
        // Related lists are kept from version 12 on: rank an upgraded archive's now.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        match related::rank_all(conn) {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(cause) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(DbError::Open {
                    path: shown.to_string(),
                    action: "ranking related articles after the schema upgrade",
                    cause,
                });
            }
        }
    }
    Ok(found > 0 && found < SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement that never ends on its own.
    const ENDLESS: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) \
                           SELECT count(*) FROM c";

    fn reader() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.db");
        drop(open_writable(&path).unwrap());
        let conn = open_read_only(&path).unwrap();
        (dir, conn)
    }

    fn interrupted(r: rusqlite::Result<i64>) -> bool {
        matches!(r, Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted)
    }

    #[test]
    fn a_cached_statement_is_not_planned_again_for_each_value_bound() {
        let (dir, reader) = reader();
        let writer = open_writable(&dir.path().join("archive.db")).unwrap();
        for conn in [&reader, &writer] {
            let mut stmt = conn
                .prepare_cached("SELECT slug FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2")
                .unwrap();
            for n in 1..=5 {
                stmt.query_map((n, n), |r| r.get::<_, String>(0))
                    .unwrap()
                    .for_each(drop);
            }
            let again = stmt.get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(again, 0, "re-planned on each bind");
        }
    }

    #[test]
    fn a_cancelled_query_stops_within_milliseconds() {
        let (_dir, conn) = reader();
        let cancel = Arc::new(AtomicBool::new(false));
        let setter = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                cancel.store(true, Ordering::Relaxed);
                Instant::now()
            })
        };
        let r = with_cancel(cancel, || {
            conn.query_row(ENDLESS, [], |r| r.get::<_, i64>(0))
        });
        let stopped = Instant::now();
        let set = setter.join().unwrap();
        assert!(interrupted(r));
        // Generous: the progress handler runs every few thousand steps.
        assert!(stopped.duration_since(set) < Duration::from_secs(1));
        // The flag belongs to that call only: the next query on this thread runs.
        let n: i64 = conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn an_inner_budget_cannot_outlast_the_outer_one() {
        let (_dir, conn) = reader();
        let t = Instant::now();
        let r = with_deadline(Duration::from_millis(100), || {
            with_deadline(Duration::from_secs(60), || {
                conn.query_row(ENDLESS, [], |r| r.get::<_, i64>(0))
            })
        });
        assert!(interrupted(r));
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}
