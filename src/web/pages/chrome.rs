//! The chrome every page shares (the menu, "Now writing", the site's own files, the
//! number of live streams), read from the archive once per generation and shared by the
//! pages rendered under it; and its stamp, which says whether a page kept in the archive
//! was rendered with the chrome of today.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::{Result, layout_from, navigation, now, own_files};
use crate::db::{changes, read};
use crate::web::AppState;
use crate::web::views::Layout;

/// The chrome of one generation.
pub(crate) struct Chrome {
    number: u64,
    /// The layout with this generation's chrome and no page of its own.
    base: Layout,
    /// Live streams, for the masthead.
    pub streams: usize,
    /// Digest of everything an article page shows that no publish records as changed:
    /// the chrome, the settings, the build, and the articles still scheduled (one going
    /// live changes its neighbours' pages without a publish).
    pub stamp: String,
}

/// The latest generation's chrome, and the stamps it replaced with when.
#[derive(Default)]
pub(crate) struct ChromeCache {
    latest: Mutex<Option<Arc<Chrome>>>,
    superseded: Mutex<VecDeque<(String, i64)>>,
}

/// Stamps remembered as replaced: enough for a burst of saves within the lag.
const SUPERSEDED_KEPT: usize = 64;

impl ChromeCache {
    /// Whether a page rendered with the chrome of `stamp` may be served while `current`
    /// is the chrome: the same, or replaced less than `CHROME_LAG_SECS` ago.
    pub(crate) fn fresh(&self, stamp: &str, current: &str) -> bool {
        stamp == current
            || self
                .superseded
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .any(|(s, at)| s == stamp && now() - at < crate::web::cache::CHROME_LAG_SECS)
    }

    fn replaced(&self, old: &Chrome, new: &Chrome) {
        if old.stamp == new.stamp {
            return;
        }
        let mut s = self
            .superseded
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        s.retain(|(stamp, _)| *stamp != old.stamp);
        s.push_back((old.stamp.clone(), now()));
        if s.len() > SUPERSEDED_KEPT {
            s.pop_front();
        }
    }
}

impl Chrome {
    /// The layout of one page: this chrome with the page's title and stream count.
    pub(crate) fn layout(&self, state: &AppState, title: &str, streams: usize) -> Layout {
        let own = layout_from(state, title, streams, None);
        Layout {
            page_title: own.page_title,
            streams_line: own.streams_line,
            masthead: own.masthead,
            ..self.base.clone()
        }
    }
}

/// The chrome of the current generation, read once by the first page that needs it.
pub(crate) fn current(conn: &Connection, state: &AppState) -> Result<Arc<Chrome>> {
    let number = state.generation.current()?.number;
    let cache = &state.chrome;
    if let Some(c) = cache
        .latest
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        && c.number == number
    {
        return Ok(c.clone());
    }
    let chrome = Arc::new(read_chrome(conn, state, number)?);
    let mut kept = cache.latest.lock().unwrap_or_else(PoisonError::into_inner);
    match kept.as_ref() {
        Some(old) if old.number > number => {}
        old => {
            if let Some(old) = old {
                cache.replaced(old, &chrome);
            }
            *kept = Some(chrome.clone());
        }
    }
    Ok(chrome)
}

fn read_chrome(conn: &Connection, state: &AppState, number: u64) -> Result<Chrome> {
    let streams = read::live_stream_count(conn, now())?;
    let writing = read::now_writing(conn)?;
    let mut base = layout_from(state, "", streams, writing);
    base.nav = navigation(conn, state, &base.w)?;
    own_files(conn, state, &mut base)?;
    let scheduled = changes::scheduled(conn, now())?;
    let mut h = Sha256::new();
    h.update(format!("{base:?}\n{:?}\n{scheduled:?}\n", state.config));
    h.update(build_id());
    let stamp = h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Chrome {
        number,
        base,
        streams,
        stamp,
    })
}

/// What tells this build from another: templates and code are compiled in, so a new
/// binary may render every page differently.
fn build_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .map(|m| (m.len(), m.modified().ok()));
        format!("{} {exe:?}", env!("CARGO_PKG_VERSION"))
    })
}
