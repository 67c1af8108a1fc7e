//! The content watcher: file-system events under `content/` are gathered until the
//! folder is quiet, then the whole folder is published through the single writer.
//!
//! Publishing the folder rather than the paths an event named is what makes every
//! editor work: vim's `4913` probe and rename-over-original, atomic saves through a
//! temporary file, a `git checkout` of a thousand files, a rename, a delete, and a lost
//! or overflowed event queue all end in the same state — the folder as it is now —
//! and unchanged files cost a hash, not a render.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::Config;
use crate::db::Writer;
use crate::error::FileError;
use crate::publish::{self, Options};

/// Quiet time after the last event before publishing: long enough to gather an
/// editor's save dance (write temp, rename, chmod), short enough to feel instant.
pub const QUIET: Duration = Duration::from_millis(60);
/// A stream of events (a long checkout) still publishes at least this often.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// A file whose size or modification time changed within this window is still being
/// written; wait for it.
const SETTLE: Duration = Duration::from_millis(40);

/// What the last publish said about files that failed, for development-mode banners:
/// (source path relative to the content folder, message).
#[derive(Default)]
pub struct Problems {
    failures: Mutex<Vec<FileError>>,
}

impl Problems {
    pub fn set(&self, failures: Vec<FileError>) {
        *self.failures.lock().unwrap_or_else(|e| e.into_inner()) = failures;
    }

    /// The failure of the file at `source_path` (relative to the content folder).
    pub fn for_source(&self, source_path: &str) -> Option<String> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures
            .iter()
            .find(|f| {
                Path::new(&f.path).ends_with(source_path)
                    || f.path.trim_start_matches("./") == source_path
            })
            .map(|f| f.to_string())
    }
}

/// A running watcher; `stop` ends it (and releases its writer handle).
pub struct ContentWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _watcher: RecommendedWatcher,
}

impl ContentWatcher {
    /// Watches `content` recursively and publishes it on every change.
    pub fn start(
        content: &Path,
        config: Arc<Config>,
        writer: Writer,
        db: PathBuf,
        problems: Arc<Problems>,
    ) -> anyhow::Result<ContentWatcher> {
        let (tx, rx) = channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", content.display()))?;
        watcher
            .watch(content, RecursiveMode::Recursive)
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot watch {}: {e}; check inotify limits (fs.inotify.max_user_watches)",
                    content.display()
                )
            })?;
        let stop = Arc::new(AtomicBool::new(false));
        let content = content.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("content-watcher".into())
            .spawn({
                let stop = stop.clone();
                move || run(&rx, &content, &config, &writer, &db, &problems, &stop)
            })?;
        tracing::info!("watching for changes");
        Ok(ContentWatcher {
            stop,
            thread: Some(thread),
            _watcher: watcher,
        })
    }

    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    rx: &Receiver<notify::Result<notify::Event>>,
    content: &Path,
    config: &Config,
    writer: &Writer,
    db: &Path,
    problems: &Problems,
    stop: &Arc<AtomicBool>,
) {
    while !stop.load(Ordering::SeqCst) {
        // Wait for the first event of a burst.
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => {
                if !relevant(&event) {
                    continue;
                }
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                tracing::error!("the file watcher stopped; restart the server to resume watching");
                return;
            }
        }
        gather(rx, stop);
        wait_until_settled(content);
        publish_now(content, config, writer, db, problems, stop);
    }
}

/// Whether an event could change what is published (errors count: they mean events
/// were lost, and a publish of the whole folder recovers from that).
fn relevant(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(e) => !matches!(e.kind, notify::EventKind::Access(_)),
        Err(e) => {
            tracing::warn!("file watcher: {e}; publishing the whole folder");
            true
        }
    }
}

/// Takes events until none has come for `QUIET`, or `MAX_WAIT` has passed.
fn gather(rx: &Receiver<notify::Result<notify::Event>>, stop: &AtomicBool) {
    let started = Instant::now();
    while started.elapsed() < MAX_WAIT && !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(QUIET) {
            Ok(_) => continue,
            Err(_) => return,
        }
    }
}

/// Waits (briefly) while files in `content` are still growing, so a large file copied
/// in is published whole, not cut short.
fn wait_until_settled(content: &Path) {
    let recent = |limit: Duration| {
        walkdir::WalkDir::new(content)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.metadata().ok()?.modified().ok())
            .any(|m| m.elapsed().is_ok_and(|age| age < limit))
    };
    let deadline = Instant::now() + MAX_WAIT;
    while recent(SETTLE) && Instant::now() < deadline {
        std::thread::sleep(SETTLE);
    }
}

fn publish_now(
    content: &Path,
    config: &Config,
    writer: &Writer,
    db: &Path,
    problems: &Problems,
    stop: &Arc<AtomicBool>,
) {
    match publish_folder(content, config, writer, db, problems, Some(stop.clone())) {
        Ok(report)
            if report.new + report.updated + report.removed > 0 || !report.failed.is_empty() =>
        {
            tracing::info!("{}", report.summary());
        }
        Ok(_) => {}
        Err(e) => tracing::error!("publishing after a change: {e}"),
    }
}

/// Publishes the whole content folder (pruning what is gone) through `writer`, logs each
/// problem, and keeps the failures for development-mode banners. A bad save keeps the
/// last good version live; the author hears why here.
pub fn publish_folder(
    content: &Path,
    config: &Config,
    writer: &Writer,
    db: &Path,
    problems: &Problems,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<publish::Report, crate::db::DbError> {
    // The server's publishes share what they found on disk: a save's publish reads
    // the file saved, not every file of the folder.
    static SEEN: std::sync::OnceLock<Arc<publish::seen::Seen>> = std::sync::OnceLock::new();
    let options = Options {
        prune: true,
        cancel,
        seen: Some(SEEN.get_or_init(Arc::default).clone()),
        ..Options::default()
    };
    let report = publish::publish(
        &[content.display().to_string()],
        content,
        config,
        Some(writer),
        db,
        &options,
    )?;
    for f in &report.failed {
        tracing::warn!("{f}");
    }
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    problems.set(report.failed.clone());
    Ok(report)
}
