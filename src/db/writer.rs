//! The single writer: one thread owns the only read-write connection and applies typed
//! jobs from a bounded channel, each in one `BEGIN IMMEDIATE` transaction, so readers see
//! the whole old archive or the whole new one.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};

use super::apply::apply_batch;
use super::batch::{Applied, ArticleRow, Batch};
use super::{DbError, count_commit, open_writable};

/// What a streamed publish sends after its head.
pub(crate) enum Incoming {
    /// The next rows, in order; sent a few at a time so that neither side wakes the
    /// other for every row.
    Rows(Vec<ArticleRow>),
    /// Every row has been sent: commit.
    End,
}

type Reply = std::sync::mpsc::Sender<Result<Applied, DbError>>;

enum Job {
    Open(Box<Batch>, Receiver<Incoming>, Reply),
    /// A small write of this layer's own (a token's last use), in its own transaction.
    Small(Box<dyn FnOnce(&mut Connection) + Send>),
}

/// A publish whose articles are still being rendered: its transaction is open, and rows
/// sent now are written while the next ones render.
pub struct OpenPublish {
    rows: SyncSender<Incoming>,
    answer: Receiver<Result<Applied, DbError>>,
}

impl OpenPublish {
    /// Sends the next rows; false when the writer has stopped (its error comes from
    /// `finish`).
    pub fn send(&self, rows: Vec<ArticleRow>) -> bool {
        rows.is_empty() || self.rows.send(Incoming::Rows(rows)).is_ok()
    }

    /// Commits what was sent and waits for the outcome. An open publish dropped without
    /// `finish` (a renderer that panicked, say) commits nothing.
    pub fn finish(self) -> Result<Applied, DbError> {
        let _ = self.rows.send(Incoming::End);
        self.answer.recv().map_err(|_| DbError::WriterGone)?
    }
}

/// Handle to the writer thread. Cloning shares the same thread; the thread ends when
/// the last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: SyncSender<Job>,
    thread: std::sync::Arc<std::sync::Mutex<Option<JoinHandle<()>>>>,
}

impl Writer {
    /// Opens (and migrates) the database, then starts the thread that owns it.
    pub fn start(path: &Path) -> Result<Writer, DbError> {
        let conn = open_writable(path)?;
        // Bounded: a burst of saves waits here instead of piling up in memory.
        let (jobs, rx) = sync_channel::<Job>(16);
        let thread = std::thread::Builder::new()
            .name("db-writer".into())
            .spawn(move || run(conn, rx))
            .map_err(|e| DbError::io(path, "starting the writer thread", e))?;
        Ok(Writer {
            jobs,
            thread: std::sync::Arc::new(std::sync::Mutex::new(Some(thread))),
        })
    }

    /// Opens the transaction for `head` (removals, streams, authors, redirects, files) and
    /// takes its articles as they come, in the order sent.
    pub fn begin(&self, head: Batch) -> Result<OpenPublish, DbError> {
        let (reply, answer) = channel();
        // Bounded: rendering may run ahead of the writer by this many sends, no more.
        let (rows, incoming) = sync_channel(8);
        self.jobs
            .send(Job::Open(Box::new(head), incoming, reply))
            .map_err(|_| DbError::WriterGone)?;
        Ok(OpenPublish { rows, answer })
    }

    /// Runs `f` on the writer's connection inside one `BEGIN IMMEDIATE` transaction, if
    /// the queue has room: a bookkeeping write is dropped rather than waited for.
    /// Returns whether it was queued.
    pub(crate) fn try_small(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<()> + Send + 'static,
    ) -> bool {
        let job = Job::Small(Box::new(move |conn: &mut Connection| {
            let done = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .and_then(|tx| {
                    f(&tx)?;
                    tx.commit()
                });
            match done {
                Ok(()) => count_commit(),
                Err(e) => tracing::warn!("bookkeeping write: {}", super::explain(&e)),
            }
        }));
        self.jobs.try_send(job).is_ok()
    }

    /// Stops the thread after the jobs already queued, and waits for it.
    pub fn shutdown(self) {
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        drop(self.jobs);
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

fn run(mut conn: Connection, jobs: Receiver<Job>) {
    for job in jobs {
        match job {
            Job::Open(head, rows, reply) => {
                let ended = std::cell::Cell::new(false);
                let articles = std::iter::from_fn(|| match rows.recv() {
                    Ok(Incoming::Rows(rows)) => Some(rows),
                    Ok(Incoming::End) => {
                        ended.set(true);
                        None
                    }
                    Err(_) => None,
                })
                .flatten();
                let _ = reply.send(apply(&mut conn, &head, articles, &|| ended.get()));
            }
            Job::Small(f) => f(&mut conn),
        }
    }
    // Leave a tidy file behind: fold the WAL back in. PASSIVE and a short wait: a reader
    // such as Litestream may hold the WAL, and stopping must not wait on it.
    let _ = conn.busy_timeout(std::time::Duration::from_millis(200));
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE); PRAGMA optimize;");
}

/// One transaction: `batch`'s head and `articles`; committed only if `complete()` says
/// every article arrived, and only if something changed.
fn apply(
    conn: &mut Connection,
    batch: &Batch,
    articles: impl Iterator<Item = ArticleRow>,
    complete: &dyn Fn() -> bool,
) -> Result<Applied, DbError> {
    // IMMEDIATE: take the write lock now, so busy_timeout applies; a deferred
    // transaction that upgrades later fails at once with "database is locked".
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let applied = apply_batch(&tx, batch, articles)?;
    if !complete() {
        // Dropping the transaction rolls it back.
        return Err(DbError::Interrupted);
    }
    if !batch.changes_besides_articles() && applied.added == 0 && applied.updated == 0 {
        // Every changed article failed to render or was refused: nothing to record.
        return Ok(applied);
    }
    tx.commit()?;
    count_commit();
    Ok(applied)
}
