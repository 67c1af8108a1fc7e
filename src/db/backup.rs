//! Copies of the archive: a checked backup (`VACUUM INTO` a scratch file, both integrity
//! checks, fsync, rename) and a restore that copies a checked backup in through SQLite's
//! backup API, so that no file is ever renamed over a database with a live `-wal`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::read::{article_count, check_integrity};
use super::{DbError, SCHEMA_VERSION, open_writable};

/// Copies the archive at `src` to `out`: `VACUUM INTO` a temporary file beside OUT, run
/// both checks on it, fsync it, then rename it into place, so OUT is never half-written
/// and nothing is left beside it when a step fails. Returns the copy's article count.
pub(crate) fn checked_copy(src: &Path, out: &Path) -> Result<i64, DbError> {
    // Not `open_read_only`: its query_only pragma forbids VACUUM INTO.
    let conn = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|cause| DbError::open(src, "opening the archive to copy", cause))?;
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| DbError::io(dir, "creating the folder", e))?;
    let tmp = scratch_beside(out, "partial");
    let _ = std::fs::remove_file(&tmp);
    let copied = (|| {
        conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
            .map_err(|cause| DbError::open(&tmp, "copying the archive", cause))?;
        let copy = Connection::open(&tmp)?;
        check_integrity(&copy).map_err(|why| DbError::Check {
            path: out.display().to_string(),
            why: format!("the copy failed its check ({why}); it was not written"),
        })?;
        let articles = article_count(&copy)?;
        drop(copy);
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| DbError::io(&tmp, "syncing the copy", e))?;
        std::fs::rename(&tmp, out)
            .map_err(|e| DbError::io(out, "moving the copy into place", e))?;
        Ok(articles)
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    copied
}

/// Puts the backup at `from` back as the archive at `db_path`: checks that it is an
/// archive this version can read, makes a checked copy beside the archive (the full-text
/// check needs a writable connection, and the backup is the operator's file), copies
/// that in with SQLite's backup API (readers see the whole old or the whole new archive),
/// then migrates and checks once more. Returns the restored article count. No scratch
/// file is left behind, whether it succeeds or is refused.
pub(crate) fn restore(from: &Path, db_path: &Path) -> Result<i64, DbError> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|cause| DbError::open(from, "opening the backup", cause))?;
    let version: i64 = source
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|cause| DbError::open(from, "reading the backup", cause))?;
    if version == 0 || version > SCHEMA_VERSION {
        return Err(DbError::Check {
            path: from.display().to_string(),
            why: format!(
                "not a dispatches archive this version can restore (schema version {version}, this program knows 1 to {SCHEMA_VERSION})"
            ),
        });
    }
    drop(source);
    let scratch = scratch_beside(db_path, "restore");
    let result = (|| {
        checked_copy(from, &scratch)?;
        let mut dest = Connection::open(db_path)
            .map_err(|cause| DbError::open(db_path, "opening the archive", cause))?;
        dest.busy_timeout(Duration::from_secs(10))?;
        dest.restore(
            rusqlite::MAIN_DB,
            &scratch,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|cause| DbError::open(db_path, "restoring into the archive", cause))?;
        drop(dest);
        // An older backup is brought up to this version's schema, then checked once more.
        let conn = open_writable(db_path)?;
        check_integrity(&conn).map_err(|why| DbError::Check {
            path: db_path.display().to_string(),
            why: format!("after restoring: {why}"),
        })?;
        Ok(article_count(&conn)?)
    })();
    let _ = std::fs::remove_file(&scratch);
    result
}

/// A hidden scratch file in the folder of `path`: `.NAME.KIND`.
fn scratch_beside(path: &Path, kind: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{kind}"))
}
