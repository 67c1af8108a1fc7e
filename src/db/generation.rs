//! The site's generation: a number that changes exactly when what any page shows may have
//! changed — a commit by any process, a scheduled article going live, or a new day in the
//! site's time zone (the masthead carries the date). Caches key on it.
//!
//! Asking SQLite (`PRAGMA data_version`) takes file locks, which on a cached page cost
//! more than the rest of the answer. So a request asks SQLite only when something may
//! have changed: this process committed (a counter), the archive's files were written
//! by another process (an inotify watch), or a scheduled time has come. Otherwise it
//! reads the last answer.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rusqlite::Connection;
use time::{OffsetDateTime, Time};
use time_tz::{OffsetDateTimeExt, PrimitiveDateTimeExt};

use super::{DbError, read};

/// What a response may be cached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// Bumped on every change; cache entries of another number are stale.
    pub number: u64,
    /// Unix time of the last change a reader could see (for `Last-Modified`).
    pub modified_at: i64,
}

pub struct Generation {
    state: Mutex<State>,
    timezone: &'static time_tz::Tz,
    /// For a replica: the archive's files, whose size and modification time reveal
    /// writes that `data_version` cannot see, and what to do when they change.
    replica: Option<Replica>,
    /// The last answer, and until when it holds unless a commit or a file event says
    /// otherwise; written only by `check`, under `state`'s lock.
    quick: RwLock<Quick>,
    /// Until when (`monotonic_ms`) every request asks SQLite: a file event pushes it
    /// forward. Monotonic, so that a step of the wall clock cannot close the window early. A WAL write is seen before its commit is visible, so one event must
    /// cover the commit that follows it; a second is ample even with fsync.
    hot_until: Arc<AtomicU64>,
    /// Keeps the watch on the archive's folder alive; `None` when it could not start,
    /// and then every request asks SQLite.
    files: Option<notify::RecommendedWatcher>,
}

/// How long after a write to the archive's files requests keep asking SQLite.
const HOT_MS: u64 = 1_000;

#[derive(Debug, Clone, Copy)]
struct Quick {
    snapshot: Snapshot,
    /// Unix seconds: the next scheduled article or midnight.
    valid_until: i64,
    /// `db::local_commits()` when the snapshot was taken.
    commits: u64,
}

struct Replica {
    path: std::path::PathBuf,
    on_change: Box<dyn Fn() + Send + Sync>,
}

struct State {
    /// A connection of its own: `PRAGMA data_version` only reports other connections'
    /// commits, so this one must never write.
    conn: Connection,
    data_version: i64,
    /// (size, modified) of the archive and its WAL, when watched as a replica.
    files: Option<[(u64, std::time::SystemTime); 2]>,
}

impl Generation {
    pub fn new(conn: Connection, timezone: &'static time_tz::Tz) -> Result<Generation, DbError> {
        let g = Generation {
            state: Mutex::new(State {
                conn,
                data_version: i64::MIN,
                files: None,
            }),
            timezone,
            replica: None,
            quick: RwLock::new(Quick {
                snapshot: Snapshot {
                    number: 0,
                    modified_at: 0,
                },
                valid_until: i64::MIN,
                commits: u64::MAX,
            }),
            hot_until: Arc::new(AtomicU64::new(u64::MAX)),
            files: None,
        };
        g.current()?;
        Ok(g)
    }

    /// Watches the folder of the archive at `path` for writes by other processes (a
    /// `dispatches publish` beside the server), so that requests need not ask SQLite
    /// while nothing is written. Without the watch, every request asks.
    pub fn watch_files(mut self, path: &Path) -> Generation {
        use notify::Watcher as _;
        // SQLite writes the WAL beside the real file when the path is a symlink, so the
        // watch must be on the real file's folder and name.
        let Ok(real) = std::fs::canonicalize(path) else {
            return self;
        };
        let (Some(name), Some(folder)) = (real.file_name(), real.parent()) else {
            return self;
        };
        let name = name.to_string_lossy().into_owned();
        let folder = folder.to_path_buf();
        let hot = self.hot_until.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            let ours = match &event {
                // Opening and reading (our own readers do) change nothing.
                Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => false,
                // An overflowed queue (a rescan) or an event about no file in
                // particular may hide a write of ours.
                Ok(e) if e.need_rescan() || e.paths.is_empty() => true,
                Ok(e) => e.paths.iter().any(|p| {
                    p.file_name()
                        .is_some_and(|f| f.to_string_lossy().starts_with(name.as_str()))
                }),
                Err(_) => true,
            };
            if ours {
                hot.fetch_max(monotonic_ms() + HOT_MS, Ordering::AcqRel);
            }
        };
        let watched = notify::recommended_watcher(handler).and_then(|mut w| {
            w.watch(&folder, notify::RecursiveMode::NonRecursive)
                .map(|()| w)
        });
        match watched {
            Ok(w) => {
                self.files = Some(w);
                // Events from now on are seen; what came before, the next check reads.
                self.hot_until
                    .store(monotonic_ms() + HOT_MS, Ordering::Release);
            }
            Err(e) => tracing::warn!(
                "cannot watch {} for other processes' writes ({e}); every request will ask \
                 the database for its version instead",
                folder.display()
            ),
        }
        self
    }

    /// Also watches the files at `path` (a replica written by another program, which
    /// SQLite's change counter may not reveal); `on_change` runs when they change, and
    /// this generation's own connection is reopened.
    pub fn watch_replica(
        mut self,
        path: &std::path::Path,
        on_change: Box<dyn Fn() + Send + Sync>,
    ) -> Generation {
        self.replica = Some(Replica {
            path: path.to_path_buf(),
            on_change,
        });
        self
    }

    fn stat(path: &std::path::Path) -> [(u64, std::time::SystemTime); 2] {
        let one = |p: &std::path::Path| {
            std::fs::metadata(p).map_or((0, std::time::UNIX_EPOCH), |m| {
                (m.len(), m.modified().unwrap_or(std::time::UNIX_EPOCH))
            })
        };
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        [one(path), one(std::path::Path::new(&wal))]
    }

    /// The generation now: an atomic load or two while nothing can have changed, one
    /// `PRAGMA data_version` otherwise.
    pub fn current(&self) -> Result<Snapshot, DbError> {
        if let Some(s) = self.unchanged() {
            return Ok(s);
        }
        self.check()
    }

    /// The last snapshot, when nothing that could change it has happened since.
    fn unchanged(&self) -> Option<Snapshot> {
        if self.files.is_none() || monotonic_ms() < self.hot_until.load(Ordering::Acquire) {
            return None;
        }
        let q = *self.quick.read().unwrap_or_else(PoisonError::into_inner);
        let fresh =
            (unix_ms() / 1000) < q.valid_until.max(0) as u64 && q.commits == super::local_commits();
        fresh.then_some(q.snapshot)
    }

    /// Asks SQLite (and, for a replica, the file system) whether anything changed.
    fn check(&self) -> Result<Snapshot, DbError> {
        // Read before asking: a commit landing in between leaves the counter ahead of
        // what we store, so the next request asks again.
        let commits = super::local_commits();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = OffsetDateTime::now_utc();
        let mut replaced = false;
        if let Some(r) = &self.replica {
            let files = Self::stat(&r.path);
            if s.files.is_some_and(|f| f != files) {
                tracing::debug!("the replica's files changed; reopening its connections");
                (r.on_change)();
                s.conn = super::open_read_only(&r.path)?;
                s.data_version = i64::MIN;
                replaced = true;
            }
            s.files = Some(files);
        }
        // A cached statement: this runs on every request.
        let version: i64 = s
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        let last = *self.quick.read().unwrap_or_else(PoisonError::into_inner);
        let next =
            if !replaced && version == s.data_version && now.unix_timestamp() < last.valid_until {
                Quick { commits, ..last }
            } else {
                let (last_change, next_scheduled) =
                    read::site_clock(&s.conn, now.unix_timestamp())?;
                let midnight = self.next_midnight(now);
                let today = midnight - 86_400;
                s.data_version = version;
                Quick {
                    snapshot: Snapshot {
                        number: last.snapshot.number + 1,
                        modified_at: last_change.max(today).min(now.unix_timestamp()),
                    },
                    valid_until: next_scheduled.map_or(midnight, |t| t.min(midnight)),
                    commits,
                }
            };
        *self.quick.write().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(next.snapshot)
    }

    /// The next midnight in the site's zone, as Unix time (falling back to UTC days when
    /// the zone has no midnight that day).
    fn next_midnight(&self, now: OffsetDateTime) -> i64 {
        let local = now.to_timezone(self.timezone);
        let Some(tomorrow) = local.date().next_day() else {
            return i64::MAX;
        };
        tomorrow
            .with_time(Time::MIDNIGHT)
            .assume_timezone(self.timezone)
            .take_first()
            .map_or(
                now.unix_timestamp() - now.unix_timestamp() % 86_400 + 86_400,
                |t| t.unix_timestamp(),
            )
    }
}

/// Milliseconds since the first call, from the monotonic clock.
fn monotonic_ms() -> u64 {
    static START: std::sync::LazyLock<std::time::Instant> =
        std::sync::LazyLock::new(std::time::Instant::now);
    START.elapsed().as_millis() as u64
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
