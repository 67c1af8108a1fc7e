//! Who may publish: the bearer token (header or form body, never the URL) checked
//! against the stored hashes in constant time, its scope, and a brake on a token that is
//! refused again and again. The brake counts failures per presented token (by its hash),
//! not per address: behind a proxy every client has the proxy's address, and a flood of
//! bad tokens from anywhere must never lock out the owner's good one. Guessing a token
//! (32 random bytes) is hopeless anyway; the brake spares the server a client that keeps
//! sending a revoked or mistyped one. Neither a token nor a refused attempt's token is
//! ever logged.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::{self, ReadPool};
use crate::tokens;

/// Refusals of one token within `WINDOW` before it is refused unchecked for `BLOCK`.
const MAX_FAILURES: u32 = 10;
const WINDOW: Duration = Duration::from_secs(10 * 60);
pub(super) const BLOCK: Duration = Duration::from_secs(15 * 60);
/// A token's last use is written at most this often (each write is a commit).
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// Refused tokens remembered at most; past this, old entries are forgotten first, then
/// those not blocked.
const MAX_TOKENS: usize = 10_000;

/// A token that checked out.
#[derive(Debug, Clone)]
pub(super) struct Granted {
    pub name: String,
    pub scopes: Vec<String>,
}

impl Granted {
    pub(super) fn may(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Default)]
pub(crate) struct Guard {
    /// Refusals by the hash of the token refused.
    failures: Mutex<HashMap<String, Failures>>,
    touched: Mutex<HashMap<String, Instant>>,
}

struct Failures {
    count: u32,
    since: Instant,
    blocked_until: Option<Instant>,
}

impl Guard {
    /// How long the token hashed to `key` must still wait, if it is refused for now.
    pub(crate) fn blocked(&self, key: &str) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let until = map.get(key)?.blocked_until?;
        until.checked_duration_since(Instant::now())
    }

    /// Counts a refusal of the token hashed to `key`.
    pub(crate) fn failed(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TOKENS {
            map.retain(|_, f| {
                now.duration_since(f.since) < WINDOW || f.blocked_until.is_some_and(|u| u > now)
            });
        }
        if map.len() >= MAX_TOKENS {
            map.retain(|_, f| f.blocked_until.is_some_and(|u| u > now));
        }
        let f = map.entry(key.to_string()).or_insert(Failures {
            count: 0,
            since: now,
            blocked_until: None,
        });
        if now.duration_since(f.since) > WINDOW {
            *f = Failures {
                count: 0,
                since: now,
                blocked_until: None,
            };
        }
        f.count += 1;
        if f.count >= MAX_FAILURES && f.blocked_until.is_none() {
            f.blocked_until = Some(now + BLOCK);
            tracing::warn!(
                "one publishing token was refused {MAX_FAILURES} times; it is refused unchecked for {} minutes",
                BLOCK.as_secs() / 60
            );
        }
    }

    /// Whether `name`'s last use should be written now.
    pub(crate) fn should_touch(&self, name: &str) -> bool {
        let mut map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match map.get(name) {
            Some(t) if now.duration_since(*t) < TOUCH_EVERY => false,
            _ => {
                map.insert(name.to_string(), now);
                true
            }
        }
    }
}

/// The stored token `token` hashes to, if any. Every stored hash is compared, each in
/// constant time, so the answer's timing says nothing about which came close.
pub(super) fn check(pool: &ReadPool, token: &str) -> Result<Option<Granted>, db::DbError> {
    let conn = pool.get()?;
    let rows = db::tokens::list(&conn)?;
    let hash = tokens::hash(token);
    let mut found = None;
    for row in rows {
        if tokens::same(&row.hash, &hash) {
            found = Some(Granted {
                name: row.name,
                scopes: row.scopes.split(' ').map(str::to_string).collect(),
            });
        }
    }
    Ok(found)
}
