//! The web layer: `app(state)` builds the router; `serve` publishes the content folder,
//! then runs it behind hyper with a header-read timeout and graceful shutdown.

mod assets;
mod cache;
mod feeds;
mod generation;
mod handlers;
mod views;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware;
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tower::ServiceExt as _;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::db::{ReadPool, Writer};

pub use assets::Assets;
pub use generation::Generation;

use crate::watch::{ContentWatcher, Problems};

/// What every handler can reach; cloned per request, so one shared allocation.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub pool: ReadPool,
    pub config: Arc<Config>,
    pub assets: Arc<Assets>,
    pub generation: Arc<Generation>,
    /// Files the last publish refused, for development-mode banners.
    pub problems: Arc<Problems>,
    cache: cache::ResponseCache,
    security: HeaderMap,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

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

impl AppState {
    /// State over the archive at `db` (which must exist and be migrated).
    pub fn new(db: &Path, config: Config) -> anyhow::Result<AppState> {
        Self::build(db, config, false)
    }

    /// State over a replica that another program writes underneath us.
    pub fn replica(db: &Path, config: Config) -> anyhow::Result<AppState> {
        Self::build(db, config, true)
    }

    fn build(db: &Path, config: Config, replica: bool) -> anyhow::Result<AppState> {
        let pool = ReadPool::new(db, readers())?;
        let mut generation = Generation::new(crate::db::open_read_only(db)?, &config)?;
        if replica {
            let pool = pool.clone();
            generation = generation.watch_replica(db, Box::new(move || pool.recycle()));
        } else {
            generation = generation.watch_files(db);
        }
        Ok(AppState(Arc::new(Shared {
            pool,
            generation: Arc::new(generation),
            cache: cache::ResponseCache::new(config.cache_bytes),
            security: security_headers(&config),
            problems: Arc::new(Problems::default()),
            assets: Arc::new(Assets::build()),
            config: Arc::new(config),
        })))
    }
}

/// The whole site as a router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(handlers::home))
        .route("/dispatches/{slug}", get(handlers::article))
        .route("/streams/{id}", get(handlers::stream))
        .route("/tags/{tag}", get(handlers::tag))
        .route("/authors/{id}", get(handlers::author))
        .route("/archive", get(handlers::archive))
        .route("/search", get(handlers::search_page))
        .route("/search.json", get(handlers::search_json))
        .merge(feeds::routes())
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/robots.txt", get(feeds::robots))
        .route("/opensearch.xml", get(feeds::opensearch))
        .route("/healthz", get(handlers::healthz))
        .route("/_events", get(handlers::events))
        .route("/static/{name}", get(handlers::static_asset))
        .route("/files/{*path}", get(handlers::file))
        .fallback(handlers::fallback)
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        // Inside the cache, so that kept responses carry the headers and a hit need not
        // add them again.
        .layer(middleware::from_fn_with_state(state.clone(), security))
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        // One line per request at DEBUG (`DISPATCHES_LOG=tower_http=debug`); server errors
        // are logged at ERROR whatever the level. Cache hits answered before routing
        // (see `serve_listener`) are not logged, as nginx with `access_log off`.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .with_state(state)
}

/// The headers every response carries. Our pages need no inline script or style, so
/// the policy allows only our own files; authors' images may come from other hosts.
fn security_headers(config: &Config) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("ASCII policy"),
        );
    };
    put(
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
         media-src 'self' https:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
            .into(),
    );
    put("x-content-type-options", "nosniff".into());
    put("x-frame-options", "DENY".into());
    put("referrer-policy", "strict-origin-when-cross-origin".into());
    put(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()".into(),
    );
    put("cross-origin-opener-policy", "same-origin".into());
    put("cross-origin-resource-policy", "same-origin".into());
    // `credentialless`, not `require-corp`: authors' images on other hosts (img-src
    // https:) send no CORP header and must keep loading.
    put("cross-origin-embedder-policy", "credentialless".into());
    if config.hsts_max_age > 0 {
        put(
            "strict-transport-security",
            format!("max-age={}; includeSubDomains", config.hsts_max_age),
        );
    }
    h
}

/// Adds the security headers a handler did not set itself (files set a stricter policy).
async fn security(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let mut resp = next.run(req).await;
    for (name, value) in state.security.iter() {
        if !resp.headers().contains_key(name) {
            resp.headers_mut().insert(name.clone(), value.clone());
        }
    }
    resp
}

/// `dispatches serve`: publish `content` (unless read-only), watch it (in `Watch`
/// mode), then serve until Ctrl-C or SIGTERM.
pub fn serve(
    addr: &str,
    content: &Path,
    mode: Mode,
    config: Config,
    db: &Path,
) -> anyhow::Result<()> {
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
        return runtime.block_on(run(addr, state));
    }
    let writer = Writer::start(db)?;
    let state = AppState::new(db, config)?;
    if content.is_dir() {
        let report =
            crate::watch::publish_folder(content, &state.config, &writer, db, &state.problems)?;
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
    let served = runtime.block_on(run(addr, state));
    // The watcher holds a writer handle; it must let go before the writer can stop.
    if let Some(w) = watcher {
        w.stop();
    }
    writer.shutdown();
    served
}

/// The async runtime. Blocking work is reads on the pool, so more blocking threads than
/// pooled connections would only wait (each with its own allocator arena); tokio's
/// default of 512 costs memory under load and buys nothing.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(readers() + 2)
        .build()
}

/// Read-only connections in the pool: two per core.
fn readers() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get() * 2)
}

async fn run(addr: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    serve_listener(listener, state, shutdown_signal()).await
}

/// Serves the site on `listener` until `shutdown` resolves, then lets open requests
/// finish. Unlike `axum::serve`, a client that never finishes its headers is cut off.
/// A request the response cache can answer is answered before routing: a hit then
/// costs a hash lookup and a header copy, not the whole middleware stack.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let app = app(state.clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10));
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(c) => c,
                    Err(e) => { tracing::warn!("accept: {e}"); continue; }
                };
                let _ = stream.set_nodelay(true);
                let service = hyper::service::service_fn({
                    let app = app.clone();
                    let state = state.clone();
                    move |mut req: axum::http::Request<hyper::body::Incoming>| {
                        let early = cache::answer_early(&state, &mut req);
                        let app = app.clone();
                        async move {
                            match early {
                                Some(resp) => Ok(resp),
                                None => app.oneshot(req.map(axum::body::Body::new)).await,
                            }
                        }
                    }
                });
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    tracing::info!("shutting down; finishing open requests");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
    Ok(())
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
