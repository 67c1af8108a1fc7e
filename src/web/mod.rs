//! The web layer: `app(state)` builds the router over the shared state; `serve_listener`
//! runs it behind hyper with bounded connections (`conn`) and graceful shutdown. The server's
//! lifecycle (writer, first publish, watcher, listener) is `commands::serve`.

mod assets;
mod cache;
mod conn;
pub(crate) mod error;
mod feeds;
mod fonts;
mod footer;
mod masthead;
mod micropub;
mod pages;
pub(crate) mod searches;
mod views;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use hyper_util::rt::TokioIo;
use tower::ServiceExt as _;
use tower_http::classify::{
    ClassifiedResponse, ClassifyResponse, NeverClassifyEos, ServerErrorsAsFailures,
    ServerErrorsFailureClass, SharedClassifier,
};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::db::ReadPool;
use crate::urls::{self, RouteId};

use crate::db::Generation;
pub use assets::Assets;
pub use conn::raise_open_file_limit;

use crate::watch::Problems;

/// What every handler can reach; cloned per request, so one shared allocation.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// The readers of pages, feeds and `/healthz`; searches never take one.
    pub pool: ReadPool,
    /// Searches' own slots, queue and readers.
    pub searches: searches::Searches,
    pub config: Arc<Config>,
    pub assets: Arc<Assets>,
    /// The `footer` setting, rendered once.
    pub footer_html: Option<String>,
    pub generation: Arc<Generation>,
    /// Files the last publish refused, for development-mode banners.
    pub problems: Arc<Problems>,
    /// True while the server's first publish runs in the background; `/healthz` says so.
    pub publishing: Arc<std::sync::atomic::AtomicBool>,
    /// The content folder Micropub writes into, with the server's writer; `None` when
    /// the server has no folder (or serves a replica): writes answer 503.
    pub micropub: Option<Arc<crate::micropub::folder::Folder>>,
    /// Refusals per presented token, and when each token was last recorded as used.
    pub(crate) guard: micropub::Guard,
    cache: cache::ResponseCache,
    /// The latest generation's chrome (`pages::chrome`).
    chrome: pages::chrome::ChromeCache,
    security: HeaderMap,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// State over the archive at `db` (which must exist and be migrated).
    pub fn new(db: &Path, config: Config) -> anyhow::Result<AppState> {
        Self::build(db, config, false, None)
    }

    /// State that also publishes: Micropub writes into `content` and publishes through
    /// `writer` (the server's single writer). A missing folder leaves Micropub off.
    pub fn publishing(
        db: &Path,
        config: Config,
        writer: crate::db::Writer,
        content: &Path,
    ) -> anyhow::Result<AppState> {
        let content = content.is_dir().then(|| (writer, content.to_path_buf()));
        Self::build(db, config, false, content)
    }

    /// State over a replica that another program writes underneath us.
    pub fn replica(db: &Path, config: Config) -> anyhow::Result<AppState> {
        Self::build(db, config, true, None)
    }

    fn build(
        db: &Path,
        config: Config,
        replica: bool,
        publishing: Option<(crate::db::Writer, std::path::PathBuf)>,
    ) -> anyhow::Result<AppState> {
        let pool = ReadPool::new(db, readers())?;
        let searches = searches::Searches::new(db, &config)?;
        let mut generation = Generation::new(crate::db::open_read_only(db)?, config.timezone)?;
        if replica {
            let pool = pool.clone();
            let search_pool = searches.pool();
            generation = generation.watch_replica(
                db,
                Box::new(move || {
                    pool.recycle();
                    search_pool.recycle();
                }),
            );
        } else {
            generation = generation.watch_files(db);
        }
        let content = publishing.as_ref().map(|(_, c)| c.clone());
        if let Some(content) = &content {
            config.check_files(content)?;
        }
        // A font is read from the content folder when there is one (the first publish has
        // not run yet), else from the archive.
        let fonts = fonts::stylesheet(&config, |path| match &content {
            Some(dir) => std::fs::read(dir.join(path)).ok(),
            None => {
                let conn = pool.get().ok()?;
                crate::db::read::file(&conn, path)
                    .ok()
                    .flatten()
                    .map(|f| f.1)
            }
        });
        let footer_html = footer::html(&config)?;
        let config = Arc::new(config);
        let problems = Arc::new(Problems::default());
        let writer = publishing.as_ref().map(|(writer, _)| writer.clone());
        let micropub = publishing.map(|(writer, content)| {
            Arc::new(crate::micropub::folder::Folder::new(
                content,
                config.clone(),
                writer,
                db.to_path_buf(),
                problems.clone(),
                pool.clone(),
            ))
        });
        Ok(AppState(Arc::new(Shared {
            pool,
            searches,
            generation: Arc::new(generation),
            cache: cache::ResponseCache::new(config.cache_bytes, writer),
            chrome: Default::default(),
            security: security_headers(&config),
            problems,
            publishing: Arc::default(),
            micropub,
            guard: micropub::Guard::default(),
            assets: Arc::new(Assets::build(&config, &fonts)),
            footer_html,
            config,
        })))
    }
}

/// The whole site as a router: every entry of the route table (`urls::routes`) with its
/// handler, the layers every response passes through, and the site's 404 for the rest.
pub fn app(state: AppState) -> Router {
    let mut site = Router::new();
    // Micropub takes uploads, so its own body limit and a longer timeout; it is never
    // cached (see `cache::bypass`).
    let mut micropub = Router::new();
    for route in urls::routes::table(&state.config.work_path) {
        if route.id.is_micropub() {
            micropub = micropub.route(&route.pattern, handler(route.id));
        } else {
            site = site.route(&route.pattern, handler(route.id));
        }
    }
    let micropub = micropub
        // The handlers bound what they read (and answer 413 in Micropub's JSON, whether
        // the body has a length or comes chunked); no plain-text 413 from a layer.
        .layer(axum::extract::DefaultBodyLimit::max(micropub::body_limit(
            &state.config,
        )))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(120),
        ));
    let site = site
        .fallback(pages::fallback)
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ));
    let routed = site
        .merge(micropub)
        // Innermost: the site's 404 and 410 pages are rendered before the security
        // headers and the cache see the response.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::error_pages,
        ))
        // Inside the cache, so that kept responses carry the headers and a hit need not
        // add them again.
        .layer(middleware::from_fn_with_state(state.clone(), security))
        // One line per request at DEBUG (`DISPATCHES_LOG=tower_http=debug`); server errors
        // are logged at ERROR whatever the level, except searches refused on purpose
        // (`searches` counts those and warns once a minute). Cache hits are not logged,
        // as nginx with `access_log off`.
        .layer(
            TraceLayer::new(SharedClassifier::new(SiteFailures))
                .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .with_state(state.clone());
    // The cache wraps the whole router as its only service, so a hit costs a lookup and a
    // header copy, before any routing, and every test through `app` takes the path that
    // serves most requests.
    Router::new()
        .fallback_service(routed)
        .layer(middleware::from_fn_with_state(state, cache::layer))
}

/// The handler of each route of the table; the match is exhaustive, so a new route
/// cannot be declared without one.
fn handler(id: RouteId) -> MethodRouter<AppState> {
    if let Some(feed) = feeds::route(id) {
        return feed;
    }
    match id {
        RouteId::Home => get(pages::home),
        RouteId::Article => get(pages::article),
        RouteId::Preview => get(pages::preview),
        RouteId::Stream => get(pages::stream),
        RouteId::Tags => get(pages::tags),
        RouteId::Tag => get(pages::tag),
        RouteId::Author => get(pages::author),
        RouteId::Archive => get(pages::archive),
        RouteId::ArchiveYear => get(pages::archive_year),
        RouteId::ArchiveMonth => get(pages::archive_month),
        RouteId::Search => get(pages::search_page),
        RouteId::SearchJson => get(pages::search_json),
        RouteId::Sitemap => get(feeds::sitemap),
        RouteId::Robots => get(feeds::robots),
        RouteId::OpenSearch => get(feeds::opensearch),
        RouteId::Healthz => get(pages::healthz),
        RouteId::Events => get(pages::events),
        RouteId::Static => get(pages::static_asset),
        RouteId::Files => get(pages::file),
        RouteId::Image => get(pages::image_variant),
        RouteId::Micropub => get(micropub::query).post(micropub::post),
        RouteId::MicropubMedia => post(micropub::media),
        RouteId::Work => get(pages::work),
        RouteId::Project => get(pages::project),
        RouteId::Page => get(pages::page),
        RouteId::Feed
        | RouteId::FeedJson
        | RouteId::StreamFeed
        | RouteId::StreamFeedJson
        | RouteId::TagFeed
        | RouteId::TagFeedJson
        | RouteId::AuthorFeed
        | RouteId::AuthorFeedJson => unreachable!("feeds::route answers every feed"),
    }
}

/// Server errors as failures (logged at ERROR), except a search refused because its slots
/// and queue were full: that is the server shedding load as designed, and under a flood
/// a line for each would cost more than the refusal itself.
#[derive(Clone, Copy)]
struct SiteFailures;

impl ClassifyResponse for SiteFailures {
    type FailureClass = ServerErrorsFailureClass;
    type ClassifyEos = NeverClassifyEos<ServerErrorsFailureClass>;

    fn classify_response<B>(
        self,
        res: &axum::http::Response<B>,
    ) -> ClassifiedResponse<Self::FailureClass, Self::ClassifyEos> {
        if res.extensions().get::<searches::Refusal>().is_some() {
            ClassifiedResponse::Ready(Ok(()))
        } else {
            ServerErrorsAsFailures::new().classify_response(res)
        }
    }

    fn classify_error<E: std::fmt::Display + 'static>(self, error: &E) -> Self::FailureClass {
        ServerErrorsAsFailures::new().classify_error(error)
    }
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

/// Read-only connections in the pool: two per core.
pub(crate) fn readers() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get() * 2)
}

/// Serves the site on `listener` until `shutdown` resolves, then lets open requests
/// finish (for up to 10 s) while idle connections close at once. Unlike `axum::serve`,
/// a client that sends no request in time is cut off, and the connections held stay
/// below the open-file limit (see [`conn`] for how).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let app = app(state.clone());
    tokio::spawn(cache::storing(state.clone(), app.clone()));
    let limits = conn::Limits::new(&state.config);
    tracing::info!(
        "accepting up to {} connections at a time; each has {:?} to send a request",
        limits.max_connections,
        limits.header_timeout
    );
    let builder = conn::builder(&limits);
    let mut acceptor = conn::Acceptor::new(limits);
    tokio::pin!(shutdown);
    loop {
        let (stream, slot) = tokio::select! {
            accepted = acceptor.accept(&listener) => accepted,
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let peer = stream.peer_addr().ok();
        let service = hyper::service::service_fn({
            let app = app.clone();
            let activity = slot.activity().clone();
            let backoff = searches::Backoff::default();
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                let in_flight = conn::InFlight::begin(&activity);
                req.extensions_mut().insert(backoff.clone());
                // The peer's address, for handlers that want to know who asked.
                if let Some(peer) = peer {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                }
                let app = app.clone();
                async move {
                    let resp = match app.oneshot(req.map(axum::body::Body::new)).await {
                        Ok(resp) => resp,
                        Err(never) => match never {},
                    };
                    Ok::<_, std::convert::Infallible>(
                        resp.map(|body| conn::Tracked::new(body, in_flight)),
                    )
                }
            }
        });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        tokio::spawn(slot.run(conn, |conn| conn.graceful_shutdown()));
    }
    // New connections are refused from here on.
    drop(listener);
    tracing::info!("shutting down; finishing open requests");
    acceptor.shutdown(Duration::from_secs(10)).await;
    Ok(())
}
