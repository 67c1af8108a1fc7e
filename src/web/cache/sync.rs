//! How the response cache follows publishes (`db::changes`): once per generation it drops
//! the article pages a publish changed, and refuses to keep an article page rendered
//! under a generation it has moved past.

use std::sync::{Arc, PoisonError};

use super::{Entry, ResponseCache};
use crate::db::{self, Snapshot};
use crate::urls;
use crate::web::AppState;

/// How far the cache has followed `db::changes`.
pub(super) struct Synced {
    pub(super) number: u64,
    /// The last change applied; `None` before the first read and after a failed one.
    pub(super) seq: Option<i64>,
    /// Article entries of another epoch are stale: moved on when changes are lost.
    pub(super) epoch: u64,
}

impl ResponseCache {
    fn synced(&self) -> std::sync::MutexGuard<'_, Synced> {
        self.synced.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `entry` unless it is an article page rendered under a generation the cache
    /// has already moved past (a publish it did not see may have changed it).
    pub(super) fn insert(&self, key: String, entry: Arc<Entry>) {
        let synced = self.synced();
        let current = entry.epoch.is_none_or(|epoch| {
            synced.seq.is_some() && synced.number == entry.generation && synced.epoch == epoch
        });
        if current {
            self.entries.insert(key, entry);
        }
    }

    /// Applies the changes of the publishes up to `snapshot` (once per generation):
    /// drops the article pages they changed. Returns the epoch article entries must have,
    /// and the last change applied (a render that follows sees at least that one).
    pub(super) async fn sync(&self, state: &AppState, snapshot: Snapshot) -> (u64, Option<i64>) {
        {
            let s = self.synced();
            if s.seq.is_some() && s.number >= snapshot.number {
                return (s.epoch, s.seq);
            }
        }
        let seq = self.synced().seq;
        let pool = state.pool.clone();
        let read = tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(|e| e.to_string())?;
            match seq {
                Some(seq) => db::changes::since(&conn, seq),
                None => db::changes::latest(&conn).map(|last| Some((last, Vec::new()))),
            }
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        let mut s = self.synced();
        if s.seq.is_some() && s.number >= snapshot.number {
            return (s.epoch, s.seq);
        }
        match read {
            Ok(Some((last, slugs))) if s.seq == seq => {
                for slug in &slugs {
                    if slug == db::changes::ALL {
                        s.epoch += 1;
                    } else {
                        self.entries.remove(urls::article(slug).as_str());
                    }
                }
                s.seq = Some(last);
            }
            other => {
                if let Err(e) = other {
                    tracing::error!("reading which pages a publish changed: {e}");
                }
                // Lost track: every article page is stale.
                s.epoch += 1;
                s.seq = None;
                return (s.epoch, None);
            }
        }
        s.number = snapshot.number;
        (s.epoch, s.seq)
    }
}
