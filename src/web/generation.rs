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
}

struct State {
    /// A connection of its own: `PRAGMA data_version` only reports other connections'
    /// commits, so this one must never write.
    conn: Connection,
    data_version: i64,
    valid_until: i64,
    snapshot: Snapshot,
}

impl Generation {
    pub fn new(conn: Connection, config: &Config) -> Result<Generation, DbError> {
        let g = Generation {
            state: Mutex::new(State {
                conn,
                data_version: i64::MIN,
                valid_until: i64::MIN,
                snapshot: Snapshot {
                    number: 0,
                    modified_at: 0,
                },
            }),
            timezone: config.timezone,
        };
        g.current()?;
        Ok(g)
    }

    /// The generation now. Costs one `PRAGMA data_version` (a read of shared memory, no
    /// I/O) unless something changed.
    pub fn current(&self) -> Result<Snapshot, DbError> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = OffsetDateTime::now_utc();
        let version: i64 = s
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        if version == s.data_version && now.unix_timestamp() < s.valid_until {
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
