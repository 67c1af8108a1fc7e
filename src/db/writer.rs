//! The single writer: one thread owns the only read-write connection and applies typed
//! jobs from a bounded channel, each in one `BEGIN IMMEDIATE` transaction, so readers see
//! the whole old archive or the whole new one.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};

use super::{DbError, count_commit, open_writable, queries};

/// An article ready to store.
#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub source_path: String,
    pub content_hash: String,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub published_at: i64,
    pub updated_at: Option<i64>,
    pub stream_id: Option<String>,
    /// Byline author id and the name to use if no author file defines it.
    pub author: Option<(String, String)>,
    pub draft: bool,
    pub hero_json: Option<String>,
    pub sources_json: String,
    pub authors_json: String,
    pub extra_json: String,
    pub front_matter_json: String,
    pub markdown: String,
    pub html: String,
    pub summary_html: String,
    pub toc_json: String,
    pub body_text: String,
    pub word_count: i64,
    pub reading_minutes: i64,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
}

/// An author file.
#[derive(Debug, Clone)]
pub struct AuthorRow {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links_json: String,
    pub html: String,
    pub source_path: String,
    pub content_hash: String,
}

/// A stream file.
#[derive(Debug, Clone)]
pub struct StreamRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub html: String,
    pub source_path: String,
    pub content_hash: String,
}

/// A redirect stub.
#[derive(Debug, Clone)]
pub struct RedirectRow {
    pub slug: String,
    pub target: String,
    pub source_path: String,
    pub content_hash: String,
}

/// A file served beside articles.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub path: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub content_hash: String,
}

/// Everything one publish changes, applied atomically.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub streams: Vec<StreamRow>,
    pub authors: Vec<AuthorRow>,
    pub articles: Vec<ArticleRow>,
    pub redirects: Vec<RedirectRow>,
    pub files: Vec<FileRow>,
    /// Source paths whose files are gone (`--prune`): their rows are removed.
    pub remove: Vec<String>,
    /// The publish time (unix seconds).
    pub now: i64,
}

/// What the transaction did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Rows the database refused (e.g. a slug taken meanwhile by another process),
    /// as (source path, message). The rest of the batch still commits.
    pub refused: Vec<(String, String)>,
}

enum Job {
    Publish(
        Box<Batch>,
        std::sync::mpsc::Sender<Result<Applied, DbError>>,
    ),
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
            .map_err(|e| DbError::Sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        Ok(Writer {
            jobs,
            thread: std::sync::Arc::new(std::sync::Mutex::new(Some(thread))),
        })
    }

    /// Applies `batch` in one transaction and waits for the outcome.
    pub fn publish(&self, batch: Batch) -> Result<Applied, DbError> {
        let (reply, answer) = channel();
        self.jobs
            .send(Job::Publish(Box::new(batch), reply))
            .map_err(|_| DbError::WriterGone)?;
        answer.recv().map_err(|_| DbError::WriterGone)?
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
            Job::Publish(batch, reply) => {
                let _ = reply.send(apply(&mut conn, &batch));
            }
        }
    }
    // Leave a tidy file behind: fold the WAL back in. PASSIVE and a short wait: a reader
    // such as Litestream may hold the WAL, and stopping must not wait on it.
    let _ = conn.busy_timeout(std::time::Duration::from_millis(200));
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE); PRAGMA optimize;");
}

fn apply(conn: &mut Connection, batch: &Batch) -> Result<Applied, DbError> {
    // IMMEDIATE: take the write lock now, so busy_timeout applies; a deferred
    // transaction that upgrades later fails at once with "database is locked".
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let applied = queries::apply_batch(&tx, batch)?;
    tx.commit()?;
    count_commit();
    Ok(applied)
}
