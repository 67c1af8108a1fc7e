//! The content watcher: file-system events under `content/` are gathered until the
//! folder is quiet, then published through the single writer: the Markdown files a
//! burst wrote, alone, or else the whole folder.
//!
//! The folder is published whenever a burst did more than write Markdown files (see
//! `burst`): vim's rename-over-original, a `git checkout` of a thousand files, a rename,
//! a delete, a changed setting or data file, and a lost or overflowed event queue all
//! end in the same state — the folder as it is now — and unchanged files cost a stat,
//! not a render. A save of one article reads that file and the archive's rows for it.

mod burst;

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
/// editor's save dance (write temp, rename, chmod: microseconds to a few milliseconds
/// apart), short enough to feel instant. A file still being copied in sends an event
/// per write, so it keeps the burst open.
pub const QUIET: Duration = Duration::from_millis(25);
/// A stream of events (a long checkout) still publishes at least this often.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// A file whose size or modification time changed within this window is still being
/// written; wait for it. Shorter than `QUIET`, so a burst whose events all arrived is
/// settled already.
const SETTLE: Duration = Duration::from_millis(20);

/// What the last publish said about files that failed, for development-mode banners:
/// (source path relative to the content folder, message); and its counts.
#[derive(Default)]
pub struct Problems {
    failures: Mutex<Vec<FileError>>,
    last: Mutex<Option<publish::Report>>,
}

impl Problems {
    pub fn set(&self, failures: Vec<FileError>) {
        *self.failures.lock().unwrap_or_else(|e| e.into_inner()) = failures;
    }

    /// The report of the watcher's last publish, if it has published.
    pub fn last_report(&self) -> Option<publish::Report> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Takes the last publish's report out, so that the next one can be told apart.
    pub fn take_last_report(&self) -> Option<publish::Report> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Keeps a publish's failures: all of them after the folder's publish (`only` is
    /// `None`); after a publish of `only` some files, theirs replace what was said of
    /// those files, and the other files' failures stand.
    fn set_report(&self, report: &publish::Report, only: Option<&[PathBuf]>) {
        {
            let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            match only {
                None => failures.clear(),
                Some(files) => failures.retain(|f| !files.iter().any(|p| Path::new(&f.path) == p)),
            }
            failures.extend(report.failed.iter().cloned());
        }
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(report.clone());
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
        // Events name paths under the folder as watched: canonical, so that each is
        // placed inside it as a publish places it.
        let content = &std::fs::canonicalize(content).unwrap_or_else(|_| content.to_path_buf());
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
        // Known before `start` returns (and any later change is an event), so that a
        // burst can tell a file that was there (its removal publishes the folder) from a
        // temporary one.
        let mut names = burst::Names::default();
        names.get(content);
        let stop = Arc::new(AtomicBool::new(false));
        let content = content.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("content-watcher".into())
            .spawn({
                let stop = stop.clone();
                move || {
                    let ctx = (content.as_path(), &*config, &writer, db.as_path());
                    run(&rx, ctx, names, &problems, &stop)
                }
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
    (content, config, writer, db): (&Path, &Config, &Writer, &Path),
    mut names: burst::Names,
    problems: &Problems,
    stop: &Arc<AtomicBool>,
) {
    while !stop.load(Ordering::SeqCst) {
        // Wait for the first event of a burst.
        let mut burst = burst::Burst::default();
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => {
                if !relevant(&event) {
                    continue;
                }
                burst.add(content, &event);
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                tracing::error!("the file watcher stopped; restart the server to resume watching");
                return;
            }
        }
        gather(rx, content, &mut burst, stop);
        let plan = burst.plan(content, &mut names);
        let cancel = Some(stop.clone());
        match plan {
            burst::Plan::Files(files) if files.is_empty() => continue,
            burst::Plan::Files(files) => {
                wait_until_settled(files.iter().cloned());
                let published =
                    publish_files(&files, content, config, writer, db, names.get(content));
                log(published, Some(&files), problems);
            }
            burst::Plan::Folder => {
                let all = names.get(content);
                wait_until_settled(all.iter().map(|rel| content.join(rel)));
                let published = publish_folder_with(content, config, writer, db, cancel, Some(all));
                log(published, None, problems);
            }
        }
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

/// Takes events into `burst` until none has come for `QUIET`, or `MAX_WAIT` has passed.
fn gather(
    rx: &Receiver<notify::Result<notify::Event>>,
    content: &Path,
    burst: &mut burst::Burst,
    stop: &AtomicBool,
) {
    let started = Instant::now();
    while started.elapsed() < MAX_WAIT && !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(QUIET) {
            Ok(event) => burst.add(content, &event),
            Err(_) => return,
        }
    }
}

/// Waits (briefly) while any of `files` is still growing, so a large file copied in is
/// published whole, not cut short.
fn wait_until_settled(files: impl Iterator<Item = PathBuf> + Clone) {
    let recent = |limit: Duration| {
        files.clone().any(|path| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m.elapsed().is_ok_and(|age| age < limit))
        })
    };
    let deadline = Instant::now() + MAX_WAIT;
    while recent(SETTLE) && Instant::now() < deadline {
        std::thread::sleep(SETTLE);
    }
}

fn log(
    published: Result<publish::Report, crate::db::DbError>,
    only: Option<&[PathBuf]>,
    problems: &Problems,
) {
    match published {
        Ok(report) => {
            for f in &report.failed {
                tracing::warn!("{f}");
            }
            for w in &report.warnings {
                tracing::warn!("{w}");
            }
            if report.new + report.updated + report.removed > 0 || !report.failed.is_empty() {
                tracing::info!("{}", report.summary());
            }
            problems.set_report(&report, only);
        }
        Err(e) => tracing::error!("publishing after a change: {e}"),
    }
}

/// Publishes the Markdown files a save wrote, alone: their slugs settled against every
/// stored slug, links to other articles resolved by the archive and `names`.
fn publish_files(
    files: &[PathBuf],
    content: &Path,
    config: &Config,
    writer: &Writer,
    db: &Path,
    names: Arc<Vec<String>>,
) -> Result<publish::Report, crate::db::DbError> {
    let options = Options {
        seen: Some(seen().clone()),
        names: Some(names),
        ..Options::default()
    };
    let inputs: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    publish::publish(&inputs, content, config, Some(writer), db, &options)
}

/// What the server's publishes found on disk, shared by them all: a save's publish
/// reads the file saved, not every file of the folder.
fn seen() -> &'static Arc<publish::seen::Seen> {
    static SEEN: std::sync::OnceLock<Arc<publish::seen::Seen>> = std::sync::OnceLock::new();
    SEEN.get_or_init(Arc::default)
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
    let report = publish_folder_with(content, config, writer, db, cancel, None)?;
    for f in &report.failed {
        tracing::warn!("{f}");
    }
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    problems.set_report(&report, None);
    Ok(report)
}

/// The folder's publish, with the names of its files when the caller knows them.
fn publish_folder_with(
    content: &Path,
    config: &Config,
    writer: &Writer,
    db: &Path,
    cancel: Option<Arc<AtomicBool>>,
    names: Option<Arc<Vec<String>>>,
) -> Result<publish::Report, crate::db::DbError> {
    let options = Options {
        prune: true,
        cancel,
        seen: Some(seen().clone()),
        names,
        ..Options::default()
    };
    publish::publish(
        &[content.display().to_string()],
        content,
        config,
        Some(writer),
        db,
        &options,
    )
}
