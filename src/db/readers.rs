//! A small pool of read-only connections for the server: handlers borrow one inside
//! `spawn_blocking`, so reads never queue behind the writer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use rusqlite::Connection;

use super::{DbError, open_read_only};

/// Up to `size` read-only connections, opened on demand and reused.
#[derive(Clone)]
pub struct ReadPool {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    size: usize,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    idle: Vec<Connection>,
    open: usize,
    /// Bumped by `recycle`; connections of an older epoch are closed when returned.
    epoch: u64,
}

impl ReadPool {
    /// A pool over `path`; opens one connection now so a bad path fails at start.
    pub fn new(path: &Path, size: usize) -> Result<ReadPool, DbError> {
        let first = open_read_only(path)?;
        Ok(ReadPool {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                size: size.max(1),
                state: Mutex::new(State {
                    idle: vec![first],
                    open: 1,
                    epoch: 0,
                }),
                freed: Condvar::new(),
            }),
        })
    }

    /// Borrows a connection, waiting while all are in use.
    pub fn get(&self) -> Result<Pooled, DbError> {
        let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let epoch = state.epoch;
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    conn: Some(conn),
                    pool: self.inner.clone(),
                    epoch,
                });
            }
            if state.open < self.inner.size {
                state.open += 1;
                drop(state);
                return match open_read_only(&self.inner.path) {
                    Ok(conn) => Ok(Pooled {
                        conn: Some(conn),
                        pool: self.inner.clone(),
                        epoch,
                    }),
                    Err(e) => {
                        self.inner
                            .state
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .open -= 1;
                        Err(e)
                    }
                };
            }
            state = self
                .inner
                .freed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl ReadPool {
    /// Closes every connection (idle ones now, borrowed ones when returned), so the
    /// next reads start with empty page caches. For a replica written underneath us by
    /// a process that does not tell SQLite's change counter (Litestream's follow mode).
    pub fn recycle(&self) {
        let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        state.epoch += 1;
        let closed = state.idle.len();
        state.idle.clear();
        state.open -= closed;
        self.inner.freed.notify_all();
    }
}

/// A borrowed connection; returns to the pool when dropped.
pub struct Pooled {
    conn: Option<Connection>,
    pool: Arc<Inner>,
    epoch: u64,
}

impl std::ops::Deref for Pooled {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until drop")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut state = self.pool.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.epoch == self.epoch {
                state.idle.push(conn);
            } else {
                state.open -= 1;
                drop(conn);
            }
            self.pool.freed.notify_one();
        }
    }
}
