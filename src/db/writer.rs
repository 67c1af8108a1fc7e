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

impl Batch {
    /// Whether anything but articles changes: removals, streams, authors, redirects or
    /// files.
    pub fn changes_besides_articles(&self) -> bool {
        !(self.remove.is_empty()
            && self.streams.is_empty()
            && self.authors.is_empty()
            && self.redirects.is_empty()
            && self.files.is_empty())
    }
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

/// What a streamed publish sends after its head.
pub enum Streamed {
    /// The next rows, in order; sent a few at a time so that neither side wakes the
    /// other for every row.
    Rows(Vec<ArticleRow>),
    /// Every row has been sent: commit.
    End,
}

type Reply = std::sync::mpsc::Sender<Result<Applied, DbError>>;

enum Job {
    Publish(Box<Batch>, Reply),
    Stream(Box<Batch>, Receiver<Streamed>, Reply),
}

/// A publish whose articles are still being rendered: its transaction is open, and rows
/// sent now are written while the next ones render.
pub struct Stream {
    rows: SyncSender<Streamed>,
    answer: Receiver<Result<Applied, DbError>>,
}

impl Stream {
    /// Sends the next rows; false when the writer has stopped (its error comes from
    /// `finish`).
    pub fn send(&self, rows: Vec<ArticleRow>) -> bool {
        rows.is_empty() || self.rows.send(Streamed::Rows(rows)).is_ok()
    }

    /// Commits what was sent and waits for the outcome. A stream dropped without
    /// `finish` (a renderer that panicked, say) commits nothing.
    pub fn finish(self) -> Result<Applied, DbError> {
        let _ = self.rows.send(Streamed::End);
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

    /// Opens the transaction for `head` (removals, streams, authors, redirects, files) and
    /// takes its articles as they come, in the order sent.
    pub fn start_stream(&self, head: Batch) -> Result<Stream, DbError> {
        let (reply, answer) = channel();
        // Bounded: rendering may run ahead of the writer by this many sends, no more.
        let (rows, incoming) = sync_channel(8);
        self.jobs
            .send(Job::Stream(Box::new(head), incoming, reply))
            .map_err(|_| DbError::WriterGone)?;
        Ok(Stream { rows, answer })
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
            Job::Publish(mut batch, reply) => {
                let articles = std::mem::take(&mut batch.articles);
                let _ = reply.send(apply(&mut conn, &batch, articles.into_iter(), &|| true));
            }
            Job::Stream(head, rows, reply) => {
                let ended = std::cell::Cell::new(false);
                let articles = std::iter::from_fn(|| match rows.recv() {
                    Ok(Streamed::Rows(rows)) => Some(rows),
                    Ok(Streamed::End) => {
                        ended.set(true);
                        None
                    }
                    Err(_) => None,
                })
                .flatten();
                let _ = reply.send(apply(&mut conn, &head, articles, &|| ended.get()));
            }
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
    let applied = queries::apply_batch(&tx, batch, articles)?;
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
