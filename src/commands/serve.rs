//! `dispatches serve`: the server's lifecycle. Start the single writer, listen at once,
//! and meanwhile publish the content folder and then watch it, on a thread of their own;
//! at Ctrl-C or SIGTERM, stop the publish at its next article, stop the watcher before
//! the writer (it holds a writer handle), and let the writer fold the WAL back into the
//! archive.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::config::Config;
use crate::db::Writer;
use crate::watch::{self, ContentWatcher};
use crate::web::{self, AppState};

/// How `serve` treats the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Publish the content folder at start, then watch it (the default).
    Watch,
    /// Publish at start only (`--no-watch`).
    Publish,
    /// Only read a database another process writes (`--read-only`, a replica).
    ReadOnly,
}

/// `dispatches serve`: serve until Ctrl-C or SIGTERM while `content` is published (unless
/// read-only) and then watched (in `Watch` mode).
pub(crate) fn run(
    addr: &str,
    content: &Path,
    mode: Mode,
    config: Config,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let addr: SocketAddr = addr.parse().map_err(|e| {
        anyhow::anyhow!("--addr {addr:?}: {e}; use HOST:PORT such as 127.0.0.1:3000")
    })?;
    // Every connection is a file descriptor; the server sizes its connection slots
    // from the limit in force when it starts listening.
    if let Err(e) = web::raise_open_file_limit() {
        tracing::warn!("could not raise the open-file limit: {e}");
    }
    if mode == Mode::ReadOnly {
        // No writer and no migration: the schema must already be this binary's, which
        // opening the pool checks (and says what to do when it is not).
        let state = AppState::replica(db, config)?;
        tracing::info!(
            "read-only: serving {} as another process writes it",
            db.display()
        );
        let runtime = runtime()?;
        runtime.block_on(listen(addr, state))?;
        return Ok(ExitCode::SUCCESS);
    }
    let writer = Writer::start(db)?;
    let state = AppState::publishing(db, config, writer.clone(), content)?;
    let stop = Arc::new(AtomicBool::new(false));
    let background = Background::start(content, mode, &state, &writer, db, &stop)?;
    let runtime = runtime()?;
    let served = runtime.block_on(listen(addr, state));
    // Every task ends here, and with them the state's writer handle, so the writer
    // below can stop.
    drop(runtime);
    stop.store(true, Ordering::SeqCst);
    background.finish(writer);
    served.map(|()| ExitCode::SUCCESS)
}

/// The first publish and then the watcher, on a thread of their own, so that the server
/// listens at once and the archive as it was serves meanwhile (a restart never waits on
/// a large or poisoned folder before it answers).
struct Background {
    done: Receiver<Option<ContentWatcher>>,
}

/// How long shutdown waits for a publish in progress to notice it must stop. A render
/// is not interrupted mid-article; past this the process leaves, and SQLite rolls the
/// uncommitted publish back on the next open.
const STOP_WAIT: Duration = Duration::from_millis(1500);

impl Background {
    fn start(
        content: &Path,
        mode: Mode,
        state: &AppState,
        writer: &Writer,
        db: &Path,
        stop: &Arc<AtomicBool>,
    ) -> anyhow::Result<Background> {
        let (tx, done) = std::sync::mpsc::channel();
        if !content.is_dir() {
            tracing::warn!(
                "content folder {} does not exist; serving the archive as it is",
                content.display()
            );
            let _ = tx.send(None);
            return Ok(Background { done });
        }
        let (content, db) = (content.to_path_buf(), db.to_path_buf());
        let (state, writer, stop) = (state.clone(), writer.clone(), stop.clone());
        state.publishing.store(true, Ordering::Release);
        std::thread::Builder::new()
            .name("first-publish".into())
            .spawn(move || {
                let watcher = first_publish(&content, mode, &state, &writer, &db, &stop);
                let _ = tx.send(watcher);
            })?;
        Ok(Background { done })
    }

    /// Stops the watcher, then the writer (the watcher holds a writer handle), unless a
    /// publish is still rendering after `STOP_WAIT`: then the process leaves without it.
    fn finish(self, writer: Writer) {
        match self.done.recv_timeout(STOP_WAIT) {
            Ok(watcher) => {
                if let Some(w) = watcher {
                    w.stop();
                }
                writer.shutdown();
            }
            Err(_) => tracing::warn!(
                "stopping without waiting for the publish in progress; it is rolled back"
            ),
        }
    }
}

/// Publishes the content folder, then (in `Watch` mode, unless stopping) starts watching.
fn first_publish(
    content: &Path,
    mode: Mode,
    state: &AppState,
    writer: &Writer,
    db: &Path,
    stop: &Arc<AtomicBool>,
) -> Option<ContentWatcher> {
    let published = watch::publish_folder(
        content,
        &state.config,
        writer,
        db,
        &state.problems,
        Some(stop.clone()),
    );
    state.publishing.store(false, Ordering::Release);
    match published {
        Ok(report) => tracing::info!("{}", report.summary()),
        Err(e) if stop.load(Ordering::SeqCst) => tracing::info!("publish stopped: {e}"),
        Err(e) => tracing::error!("publishing {}: {e}", content.display()),
    }
    if mode != Mode::Watch || stop.load(Ordering::SeqCst) {
        return None;
    }
    match ContentWatcher::start(
        content,
        state.config.clone(),
        writer.clone(),
        db.to_path_buf(),
        state.problems.clone(),
    ) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::error!("{e:#}; saves are not published until the server restarts");
            None
        }
    }
}

/// The async runtime. Blocking work is reads on the pool, so more blocking threads than
/// pooled connections would only wait (each with its own allocator arena); tokio's
/// default of 512 costs memory under load and buys nothing. Searches run on threads of
/// their own (`web::searches`).
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(web::readers() + 2)
        .build()
}

/// Connections that arrive faster than they are accepted, or while every connection slot
/// is busy, wait in the kernel's listen queue. `TcpListener::bind` asks for 128 places: a
/// burst of a few hundred connections then has some dropped, and each of those clients
/// waits a second to try again. The kernel caps this at `net.core.somaxconn` (4,096 by
/// default since Linux 5.4).
const LISTEN_BACKLOG: u32 = 4096;

async fn listen(addr: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let bind = || -> std::io::Result<tokio::net::TcpListener> {
        let socket = match addr {
            SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        // As `TcpListener::bind` does: a restart need not wait for the old connections'
        // TIME_WAIT to end.
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(LISTEN_BACKLOG)
    };
    let listener = bind().map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    web::serve_listener(listener, state, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
