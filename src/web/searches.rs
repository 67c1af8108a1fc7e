//! Searches' own share of the server. A search costs from a millisecond to a second of
//! CPU and is easy to send in bulk (every reader's keystroke is one), while an article
//! page costs a few milliseconds and must stay quick whatever searches do. So searches
//! never borrow the pages' readers:
//!
//! - `slots` searches run at once, each on a thread and a read-only connection of its
//!   own (a pool that only searches use), so article, list and feed pages and `/healthz`
//!   keep every reader and blocking thread they had. The search threads run at a lower
//!   CPU priority (nice 10 on Linux): when both want the cores, pages get them first, and
//!   searches still get a share, so none starves;
//! - `queue` more may wait for a slot, at most [`QUEUE_WAIT`]; a search beyond those is
//!   refused at once (the caller answers 503 with `Retry-After`), so a flood costs each
//!   extra search an immediate answer, not a place in a line ten seconds long;
//! - a running search stops when nobody waits for it any more (the client went away, or
//!   the request timed out: the handler's future is dropped) and after [`RUN_BUDGET`]
//!   in all, because the slot it holds is released only when its work has stopped.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::AppState;
use super::error::WebError;
use crate::config::Config;
use crate::db::{self, ReadPool, read};

/// How long a search may wait for a slot before it is refused. Searches take a few
/// milliseconds each, so a queue that has not moved for a second is a flood.
pub(crate) const QUEUE_WAIT: Duration = Duration::from_secs(1);
/// How long one search request may run in all: its query and any suggestions (each
/// query also has `search::TIME_BUDGET`). Well inside the server's request timeout.
pub(crate) const RUN_BUDGET: Duration = Duration::from_secs(2);
/// What a refused search is told: the `Retry-After` seconds.
pub(crate) const RETRY_AFTER_SECS: u64 = 1;
/// The search threads' nice value: CFS then gives a page's thread about nine times a
/// search thread's share of a busy core.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const SEARCH_NICE: libc::c_int = 10;

/// At most one warning about refused searches per this interval.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// One connection's promise to come back later: set when a search of its is refused, so
/// that a client which ignores `Retry-After` and asks again at once has that search held
/// (asleep, costing nothing) until the time it was given. A flood of 64 connections
/// retrying in a loop otherwise makes tens of thousands of refusals a second, whose
/// parsing and answering take the cores from the pages; a reader's browser, which sends
/// one search at a time, never meets it. Per connection, so no other client waits.
#[derive(Clone, Default)]
pub struct Backoff(Arc<Mutex<Option<Instant>>>);

impl Backoff {
    /// Until the connection's last refusal has expired.
    async fn wait(&self) {
        let until = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = until.filter(|t| *t > Instant::now()) {
            tokio::time::sleep_until(t.into()).await;
        }
    }

    fn refused(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + Duration::from_secs(RETRY_AFTER_SECS));
    }
}

/// Marks a response refusing a search (503 on purpose): not a server failure to log.
#[derive(Clone, Copy)]
pub(crate) struct Refusal;

/// Work for a search thread.
type Job = Box<dyn FnOnce() + Send>;

/// The slots, the queue and the connections of searches.
pub struct Searches {
    pool: ReadPool,
    /// To the search threads (one per slot); they end when this is dropped.
    jobs: mpsc::Sender<Job>,
    /// One permit per search running or waiting: `slots + queue`.
    admitted: Arc<Semaphore>,
    /// One permit per search running: `slots`, one connection each.
    running: Arc<Semaphore>,
    /// The masthead's live facts as the last search saw them (streams, "now writing"),
    /// so that the page refusing a search needs no database.
    masthead: Mutex<(usize, Option<String>)>,
    /// Searches refused since the last warning, and when that was.
    refused: AtomicU64,
    warned: Mutex<Option<Instant>>,
    queue: usize,
    slots: usize,
}

/// Why a search did not run.
pub enum Refused {
    /// Every slot and every place in the queue was taken.
    Busy,
    Failed(WebError),
}

impl From<WebError> for Refused {
    fn from(e: WebError) -> Self {
        Refused::Failed(e)
    }
}

/// Searches that may run at once under `config`: its setting, or half the cores (at
/// least one). Half, because a running search uses a whole core while it lasts: the other
/// half is left to pages, whatever the searches do.
pub(crate) fn slots(config: &Config) -> usize {
    match config.search_slots {
        0 => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        n => n,
    }
}

impl Searches {
    pub fn new(db: &std::path::Path, config: &Config) -> Result<Searches, db::DbError> {
        let slots = slots(config);
        let pool = ReadPool::new(db, slots)?;
        let masthead = {
            let conn = pool.get()?;
            let streams = read::live_stream_count(&conn, super::pages::now())?;
            (streams, read::now_writing(&conn)?)
        };
        Ok(Searches {
            pool,
            jobs: start_threads(slots),
            admitted: Arc::new(Semaphore::new(slots + config.search_queue)),
            running: Arc::new(Semaphore::new(slots)),
            masthead: Mutex::new(masthead),
            refused: AtomicU64::new(0),
            warned: Mutex::new(None),
            queue: config.search_queue,
            slots,
        })
    }

    /// The searches' connections (to recycle them with the pages' on a replica).
    pub fn pool(&self) -> ReadPool {
        self.pool.clone()
    }

    /// Runs `f` in a search slot with a connection of the searches' own, or refuses at
    /// once when the slots and the queue are full (or after `QUEUE_WAIT` in the queue).
    /// A search from a connection (`backoff`) refused less than `Retry-After` ago waits
    /// out that time first.
    pub async fn run<T: Send + 'static>(
        &self,
        state: &AppState,
        backoff: Option<&Backoff>,
        f: impl FnOnce(&Connection, &AppState) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, Refused> {
        if let Some(b) = backoff {
            b.wait().await;
        }
        let refuse = || {
            if let Some(b) = backoff {
                b.refused();
            }
            self.refuse()
        };
        let Ok(admitted) = self.admitted.clone().try_acquire_owned() else {
            return Err(refuse());
        };
        let running = self.running.clone().try_acquire_owned();
        let running: OwnedSemaphorePermit = match running {
            Ok(p) => p,
            Err(_) => {
                match tokio::time::timeout(QUEUE_WAIT, self.running.clone().acquire_owned()).await {
                    Ok(Ok(p)) => p,
                    _ => return Err(refuse()),
                }
            }
        };
        let cancel = Arc::new(AtomicBool::new(false));
        // Dropped with this future: when the client goes or the request times out, the
        // query sees the flag at its next progress check and stops.
        let _stop = CancelOnDrop(cancel.clone());
        let pool = self.pool.clone();
        let state = state.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let r = pool.get().map_err(WebError::from).and_then(|conn| {
                db::with_cancel(cancel, || {
                    db::with_deadline(RUN_BUDGET, || f(&conn, &state))
                })
            });
            // The slot is held until the work has stopped, not merely until nobody
            // waits; and it is free (its connection back in the pool) before the answer
            // goes out, so the client's next search finds it free.
            drop((admitted, running));
            let _ = tx.send(r);
        });
        // A thread is free: only a search holding a `running` permit sends a job.
        self.jobs
            .send(job)
            .map_err(|_| Refused::Failed(WebError::internal("the search threads stopped")))?;
        rx.await
            .map_err(|_| Refused::Failed(WebError::internal("a search thread failed")))?
            .map_err(Refused::Failed)
    }

    /// Counts a refusal, and tells the operator at most once a minute: refusals are
    /// expected under a flood, but steady ones mean too few slots for the readers.
    fn refuse(&self) -> Refused {
        let n = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut warned) = self.warned.try_lock()
            && warned.is_none_or(|t| t.elapsed() >= WARN_EVERY)
        {
            *warned = Some(Instant::now());
            self.refused.fetch_sub(n, Ordering::Relaxed);
            tracing::warn!(
                "{n} searches refused (503) since the last report: all {} search slots and {} \
                 places in the queue were taken; raise search_slots if the machine has cores \
                 to spare",
                self.slots,
                self.queue
            );
        }
        Refused::Busy
    }

    /// Records the masthead's live facts, as a search just read them.
    pub fn remember_masthead(&self, streams: usize, now_writing: Option<String>) {
        *self.masthead.lock().unwrap_or_else(|e| e.into_inner()) = (streams, now_writing);
    }

    /// The masthead's live facts as last seen, for a page drawn without the database.
    pub fn masthead(&self) -> (usize, Option<String>) {
        self.masthead
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Starts `n` search threads taking jobs from one channel, at the lower priority.
fn start_threads(n: usize) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("search-{i}"))
            .spawn(move || {
                lower_priority();
                loop {
                    let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        // A panicking search loses its answer (the handler says 500),
                        // not the thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("starting a search thread: {e}");
        }
    }
    tx
}

/// Lowers the calling thread's CPU priority (on Linux, nice is per thread).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn lower_priority() {
    // SAFETY: setpriority only changes the scheduling weight of this thread (who = 0).
    let r = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, SEARCH_NICE) };
    if r != 0 {
        tracing::debug!(
            "search threads keep the normal priority: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn lower_priority() {}

/// Sets the flag when dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
