//! The chrome every page shares (the menu, "Now writing", the site's own files, the
//! number of live streams), read from the archive once per generation and shared by the
//! pages rendered under it.

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::{Result, layout_from, navigation, now, own_files};
use crate::db::read;
use crate::web::AppState;
use crate::web::views::Layout;

/// The chrome of one generation.
pub struct Chrome {
    number: u64,
    /// The layout with this generation's chrome and no page of its own.
    base: Layout,
    /// Live streams, for the masthead.
    pub streams: usize,
}

/// The latest generation's chrome.
#[derive(Default)]
pub struct ChromeCache(Mutex<Option<Arc<Chrome>>>);

impl Chrome {
    /// The layout of one page: this chrome with the page's title and stream count.
    pub fn layout(&self, state: &AppState, title: &str, streams: usize) -> Layout {
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
pub fn current(conn: &Connection, state: &AppState) -> Result<Arc<Chrome>> {
    let number = state.generation.current()?.number;
    let cache = &state.chrome;
    if let Some(c) = cache
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        && c.number == number
    {
        return Ok(c.clone());
    }
    let chrome = Arc::new(read_chrome(conn, state, number)?);
    let mut kept = cache.0.lock().unwrap_or_else(PoisonError::into_inner);
    if kept.as_ref().is_none_or(|c| c.number <= number) {
        *kept = Some(chrome.clone());
    }
    Ok(chrome)
}

fn read_chrome(conn: &Connection, state: &AppState, number: u64) -> Result<Chrome> {
    let streams = read::live_stream_count(conn, now())?;
    let writing = read::now_writing(conn)?;
    let mut base = layout_from(state, "", streams, writing);
    base.nav = navigation(conn, state, &base.w)?;
    own_files(conn, state, &mut base)?;
    Ok(Chrome {
        number,
        base,
        streams,
    })
}
