//! The site's generation: a number that changes exactly when what any page shows may have
//! changed — a commit by any process, a scheduled article going live, or a new day in the
//! site's time zone (the masthead carries the date). Caches key on it.

use std::sync::Mutex;

use rusqlite::Connection;
use time::{OffsetDateTime, Time};
use time_tz::{OffsetDateTimeExt, PrimitiveDateTimeExt};

use crate::config::Config;
use crate::db::{DbError, queries};

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
    valid_until: i64,
    snapshot: Snapshot,
}

impl Generation {
    pub fn new(conn: Connection, config: &Config) -> Result<Generation, DbError> {
        let g = Generation {
            state: Mutex::new(State {
                conn,
                data_version: i64::MIN,
                files: None,
                valid_until: i64::MIN,
                snapshot: Snapshot {
                    number: 0,
                    modified_at: 0,
                },
            }),
            timezone: config.timezone,
            replica: None,
        };
        g.current()?;
        Ok(g)
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

    /// The generation now. Costs one `PRAGMA data_version` (a read of shared memory, no
    /// I/O) unless something changed.
    pub fn current(&self) -> Result<Snapshot, DbError> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = OffsetDateTime::now_utc();
        let mut replaced = false;
        if let Some(r) = &self.replica {
            let files = Self::stat(&r.path);
            if s.files.is_some_and(|f| f != files) {
                tracing::debug!("the replica's files changed; reopening its connections");
                (r.on_change)();
                s.conn = crate::db::open_read_only(&r.path)?;
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
        if !replaced && version == s.data_version && now.unix_timestamp() < s.valid_until {
            return Ok(s.snapshot);
        }
        let (last_change, next_scheduled) = queries::site_clock(&s.conn, now.unix_timestamp())?;
        let midnight = self.next_midnight(now);
        let today = midnight - 86_400;
        s.data_version = version;
        s.valid_until = next_scheduled.map_or(midnight, |t| t.min(midnight));
        s.snapshot = Snapshot {
            number: s.snapshot.number + 1,
            modified_at: last_change.max(today).min(now.unix_timestamp()),
        };
        Ok(s.snapshot)
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
