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
                }),
                freed: Condvar::new(),
            }),
        })
    }

    /// Borrows a connection, waiting while all are in use.
    pub fn get(&self) -> Result<Pooled, DbError> {
        let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    conn: Some(conn),
                    pool: self.inner.clone(),
                });
            }
            if state.open < self.inner.size {
                state.open += 1;
                drop(state);
                return match open_read_only(&self.inner.path) {
                    Ok(conn) => Ok(Pooled {
                        conn: Some(conn),
                        pool: self.inner.clone(),
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

/// A borrowed connection; returns to the pool when dropped.
pub struct Pooled {
    conn: Option<Connection>,
    pool: Arc<Inner>,
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
            state.idle.push(conn);
            self.pool.freed.notify_one();
        }
    }
}
