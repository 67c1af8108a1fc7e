//! `dispatches serve`: the server's lifecycle. Start the single writer, publish the
//! content folder, start the watcher, then listen until Ctrl-C or SIGTERM; on the way
//! out, stop the watcher before the writer (it holds a writer handle), and let the
//! writer fold the WAL back into the archive.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;
use crate::db::Writer;
use crate::watch::{self, ContentWatcher};
use crate::web::{self, AppState};

/// How `serve` treats the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Publish the content folder at start, then watch it (the default).
    Watch,
    /// Publish at start only (`--no-watch`).
    Publish,
    /// Only read a database another process writes (`--read-only`, a replica).
    ReadOnly,
}

/// `dispatches serve`: publish `content` (unless read-only), watch it (in `Watch`
/// mode), then serve until Ctrl-C or SIGTERM.
pub fn run(
    addr: &str,
    content: &Path,
    mode: Mode,
    config: Config,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let addr: SocketAddr = addr.parse().map_err(|e| {
        anyhow::anyhow!("--addr {addr:?}: {e}; use HOST:PORT such as 127.0.0.1:3000")
    })?;
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
    let state = AppState::new(db, config)?;
    if content.is_dir() {
        let report = watch::publish_folder(content, &state.config, &writer, db, &state.problems)?;
        tracing::info!("{}", report.summary());
    } else {
        tracing::warn!(
            "content folder {} does not exist; serving the archive as it is",
            content.display()
        );
    }
    let watcher = if mode == Mode::Watch && content.is_dir() {
        Some(ContentWatcher::start(
            content,
            state.config.clone(),
            writer.clone(),
            db.to_path_buf(),
            state.problems.clone(),
        )?)
    } else {
        None
    };
    let runtime = runtime()?;
    let served = runtime.block_on(listen(addr, state));
    // The watcher holds a writer handle; it must let go before the writer can stop.
    if let Some(w) = watcher {
        w.stop();
    }
    writer.shutdown();
    served.map(|()| ExitCode::SUCCESS)
}

/// The async runtime. Blocking work is reads on the pool, so more blocking threads than
/// pooled connections would only wait (each with its own allocator arena); tokio's
/// default of 512 costs memory under load and buys nothing.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(web::readers() + 2)
        .build()
}

async fn listen(addr: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
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
