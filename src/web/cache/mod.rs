//! The HTTP cache in front of every GET: rendered responses are kept per URL and site
//! generation. A new generation (any commit, a scheduled article going live, midnight)
//! drops every page but article pages: those are dropped by the publish that changed
//! them (`db::changes`: the article, its neighbours, the lists it left or entered and
//! those showing it), read by the first request of the new generation before any
//! article page is answered, so an article's own text is never served stale once its
//! publish has committed. What an article page shares with every page (the masthead's
//! date, "Now writing", the number of streams), and neighbours and lists changed by a
//! scheduled article going live, may lag by up to `CHROME_LAG_SECS`. It also owns validators (ETags from the body, strong as rendered and
//! weak when compressed; Last-Modified from the generation), conditional requests (304)
//! and content encoding (`encoding`): a text response is kept brotli-compressed, the
//! encoding browsers and crawlers ask for, so most answers send the kept bytes as they
//! are, and an article page takes about 7 KB of the budget instead of 26.

mod encoding;
mod stored;
mod sync;

pub(super) use stored::storing;

use std::sync::{Arc, Mutex, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::db::Snapshot;
use crate::urls;
use encoding::Encoding;
use sync::Synced;

/// Bodies above this are served but not kept (large images stream straight through).
const MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;
/// Query strings longer than this are not worth a slot (and keep keys bounded).
const MAX_KEY_BYTES: usize = 1024;
/// Below this, compression costs more than it saves.
const MIN_COMPRESS_BYTES: usize = 256;
/// What an entry costs beyond its bytes: the headers of the entry and of each answer
/// built from it (a dozen security headers each), and the entry itself.
const ENTRY_OVERHEAD: usize = 3 * 1024;

/// How long an article page rendered under an earlier generation may still be served
/// (when no publish since changed it): the bound on how late its chrome may be.
pub(super) const CHROME_LAG_SECS: i64 = 60;

/// The bounded store of rendered responses.
pub(super) struct ResponseCache {
    entries: quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>,
    /// The generation whose page changes have been applied to `entries`.
    synced: Mutex<Synced>,
    /// Article pages rendered here, on their way to the archive; `None` without a writer
    /// (a replica, a state that only reads).
    store: Option<Arc<stored::Store>>,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, e: &Arc<Entry>) -> u64 {
        // Fixed for an entry's life (the cache's accounting needs that): an entry that
        // gains an encoding is replaced by a copy that counts it (`Entry::regrown`).
        (key.len() + e.weight) as u64
    }
}

impl ResponseCache {
    pub(super) fn new(capacity_bytes: u64, writer: Option<crate::db::Writer>) -> ResponseCache {
        ResponseCache {
            entries: quick_cache::sync::Cache::with_weighter(
                1024,
                capacity_bytes.max(1024 * 1024),
                ByBytes,
            ),
            synced: Mutex::new(Synced {
                number: 0,
                seq: None,
                epoch: 0,
            }),
            store: writer.map(stored::Store::new),
        }
    }

    /// Whether the background pass is storing pages (`/healthz` says so).
    pub(super) fn storing(&self) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| s.busy.load(std::sync::atomic::Ordering::Acquire))
    }

    /// Puts `entry` back under `key` if it is still the one kept there, so that its
    /// weight counts what it has grown by (or `new` in its place).
    fn replace(&self, key: &str, old: &Arc<Entry>, new: Arc<Entry>) {
        if self
            .entries
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(&current, old))
        {
            self.entries.insert(key.to_string(), new);
        }
    }
}

/// One rendered response and what it was rendered under.
struct Entry {
    generation: u64,
    status: StatusCode,
    headers: HeaderMap,
    /// Hex digest prefix of the rendered body: the validator of every encoding.
    digest: String,
    last_modified: i64,
    /// The body as kept: brotli-compressed when `compressible`, else as rendered.
    kept: Bytes,
    /// The rendered body's length.
    size: usize,
    compressible: bool,
    /// The answer in each encoding (`Encoding::ALL`, then identity), built on first use.
    variants: [OnceLock<Variant>; 4],
    /// Bytes held when the entry was made: `kept`, the encodings then built, overhead.
    weight: usize,
    /// For an article page, the epoch it was rendered in: it may then outlive its
    /// generation (see the module's documentation).
    epoch: Option<u64>,
    /// Unix seconds.
    rendered_at: i64,
}

/// One encoding of an entry, ready to send.
#[derive(Clone)]
struct Variant {
    headers: HeaderMap,
    /// Empty for a compressible entry's identity: decompressed from `kept` when sent.
    body: Bytes,
    etag: String,
}

/// Serves GET and HEAD from the cache, rendering (through `next`) on a miss.
pub(super) async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !cacheable(&state, req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let snapshot = match state.generation.current() {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("reading the archive's generation: {e}");
            return next.run(req).await;
        }
    };
    // An article page may outlive its generation: the changes since must be applied to
    // the cache before one is looked up or kept.
    let article = req.uri().query().is_none() && urls::article_slug(req.uri().path()).is_some();
    let synced = match article {
        true => Some(state.cache.sync(&state, snapshot).await),
        false => None,
    };
    let epoch = synced.map(|(epoch, _)| epoch);
    let warming = req.extensions().get::<stored::Warming>().is_some();
    if !warming && let Some(resp) = lookup(&state, snapshot, epoch, &req) {
        return resp;
    }
    let mut to_store = None;
    if let Some(synced) = synced {
        let asked = (req.uri(), req.headers(), req.method());
        match stored::from_archive(&state, snapshot, synced, asked, warming).await {
            stored::Found::Served(resp) => return resp,
            stored::Found::Render(keep) => to_store = keep,
        }
    }
    let method = req.method().clone();
    let key = cache_key(req.uri()).to_string();
    // Only what answering needs: the request itself goes to the handler.
    let mut asked = HeaderMap::new();
    for name in [
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::ACCEPT_ENCODING,
    ] {
        if let Some(v) = req.headers().get(&name) {
            asked.insert(name, v.clone());
        }
    }
    // Always render as GET: a HEAD would come back without its body, and that must not
    // be what the next GET is served.
    let mut req = req;
    *req.method_mut() = Method::GET;
    let resp = next.run(req).await;
    match keep(resp, snapshot, epoch).await {
        Ok((entry, rendered)) => {
            let entry = Arc::new(entry);
            if let Some(keep) = to_store {
                stored::keep(&state, keep, &entry, &rendered);
            }
            if warming {
                return StatusCode::NO_CONTENT.into_response();
            }
            if key.len() <= MAX_KEY_BYTES {
                state.cache.insert(key.clone(), entry.clone());
            }
            let (resp, grown) = answer(&entry, &asked, &method, Some(&rendered));
            if grown {
                state.cache.replace(&key, &entry, Arc::new(entry.regrown()));
            }
            resp
        }
        Err(resp) => strip_for_head(resp, &method),
    }
}

/// Whether a request may be answered from (and kept in) the cache at all.
fn cacheable(state: &AppState, method: &Method, path: &str) -> bool {
    // Development mode shows publish problems that change without a commit; authors
    // want every request fresh anyway.
    (method == Method::GET || method == Method::HEAD) && !bypass(path) && !state.config.dev
}

fn cache_key(uri: &axum::http::Uri) -> &str {
    uri.path_and_query().map_or("/", |p| p.as_str())
}

/// The answer from a fresh entry for this URL, if there is one: rendered under this
/// generation, or an article page of this `epoch` rendered less than `CHROME_LAG_SECS`
/// ago that no publish since has changed (`sync` dropped those).
fn lookup(
    state: &AppState,
    snapshot: Snapshot,
    epoch: Option<u64>,
    req: &Request,
) -> Option<Response> {
    let key = cache_key(req.uri());
    let entry = state.cache.entries.get(key)?;
    let fresh = entry.generation == snapshot.number
        || (epoch.is_some()
            && entry.epoch == epoch
            && unix_now() - entry.rendered_at < CHROME_LAG_SECS);
    if !fresh {
        return None;
    }
    let (resp, grown) = answer(&entry, req.headers(), req.method(), None);
    if grown {
        state.cache.replace(key, &entry, Arc::new(entry.regrown()));
    }
    Some(resp)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Paths whose responses must be live each time.
fn bypass(path: &str) -> bool {
    urls::routes::is_live(path)
}

/// Turns a rendered response into an entry (and hands back the rendered body), or hands
/// the response back when it must not be kept.
async fn keep(
    resp: Response,
    snapshot: Snapshot,
    epoch: Option<u64>,
) -> Result<(Entry, Bytes), Response> {
    let status = resp.status();
    let storable = matches!(
        status,
        StatusCode::OK | StatusCode::MOVED_PERMANENTLY | StatusCode::NOT_FOUND | StatusCode::GONE
    );
    let no_store = resp
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    let too_big = axum::body::HttpBody::size_hint(resp.body())
        .upper()
        .is_none_or(|n| n > MAX_ENTRY_BYTES as u64);
    if !storable || no_store || too_big {
        return Err(resp);
    }
    let (parts, body) = resp.into_parts();
    let body = match axum::body::to_bytes(body, MAX_ENTRY_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!("collecting a response body: {e}");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let compressible = body.len() >= MIN_COMPRESS_BYTES
        && parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_text);
    let digest = Sha256::digest(&body);
    let digest = crate::hex::encode(&digest[..10]);
    let kept = if compressible {
        Encoding::Brotli.compress(&body)
    } else {
        body.clone()
    };
    let entry = Entry {
        generation: snapshot.number,
        status,
        headers: parts.headers,
        digest,
        last_modified: snapshot.modified_at,
        kept,
        size: body.len(),
        compressible,
        variants: Default::default(),
        weight: 0,
        epoch,
        rendered_at: unix_now(),
    }
    .weighed();
    Ok((entry, body))
}

fn is_text(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t.starts_with("text/")
        || matches!(
            t,
            "application/json"
                | "application/feed+json"
                | "application/xml"
                | "application/atom+xml"
                | "application/opensearchdescription+xml"
                | "image/svg+xml"
        )
}

/// The response for one request from an entry: 304 when the client's copy is current,
/// otherwise the best encoding the client accepts. `rendered` is the body as rendered
/// when the caller has it (a miss). Also says whether the entry grew (a new encoding
/// was kept), so that the caller weighs it again.
fn answer(
    entry: &Entry,
    asked: &HeaderMap,
    method: &Method,
    rendered: Option<&Bytes>,
) -> (Response, bool) {
    let encoding = if entry.compressible {
        encoding::choose(asked)
    } else {
        None
    };
    let (variant, grown) = entry.variant(encoding, rendered);
    if entry.status == StatusCode::OK && not_modified(asked, &variant.etag, entry.last_modified) {
        let mut headers = variant.headers.clone();
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
        ] {
            headers.remove(name);
        }
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        *resp.headers_mut() = headers;
        return (resp, grown);
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else if entry.compressible && encoding.is_none() {
        // Identity is rare (no browser or crawler asks for it) and decompressing costs
        // a fraction of compressing: it is not kept.
        match rendered.cloned().or_else(|| entry.rendered()) {
            Some(b) => Body::from(b),
            None => return (StatusCode::INTERNAL_SERVER_ERROR.into_response(), grown),
        }
    } else {
        Body::from(variant.body.clone())
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = entry.status;
    *resp.headers_mut() = variant.headers.clone();
    (resp, grown)
}

impl Entry {
    /// The entry as sent in `encoding` (`None`: as rendered), built once; and whether it
    /// was built now (the entry grew).
    fn variant(&self, encoding: Option<Encoding>, rendered: Option<&Bytes>) -> (&Variant, bool) {
        let slot = encoding.map_or(3, Encoding::index);
        let mut grown = false;
        let variant = self.variants[slot].get_or_init(|| {
            let (etag, body) = match encoding {
                // Weak, as nginx makes them for what it compresses: the same page
                // compressed by another build (or level) is other bytes.
                Some(e) => (
                    format!("W/\"{}-{}\"", self.digest, e.token()),
                    self.encoded(e, rendered),
                ),
                None if self.compressible => (format!("\"{}\"", self.digest), Bytes::new()),
                None => (format!("\"{}\"", self.digest), self.kept.clone()),
            };
            grown = encoding.is_some_and(|e| e != Encoding::Brotli);
            self.variant_of(encoding, body, etag)
        });
        (variant, grown)
    }

    /// The body in `e`: the kept bytes for brotli, else compressed now.
    fn encoded(&self, e: Encoding, rendered: Option<&Bytes>) -> Bytes {
        if e == Encoding::Brotli {
            return self.kept.clone();
        }
        match rendered.cloned().or_else(|| self.rendered()) {
            Some(b) => e.compress(&b),
            None => Bytes::new(),
        }
    }

    /// The body as rendered.
    fn rendered(&self) -> Option<Bytes> {
        if !self.compressible {
            return Some(self.kept.clone());
        }
        let b = encoding::unbrotli(&self.kept, self.size);
        if b.is_none() {
            tracing::error!("a kept response did not decompress");
        }
        b
    }

    fn variant_of(&self, encoding: Option<Encoding>, body: Bytes, etag: String) -> Variant {
        let mut headers = self.headers.clone();
        if self.status == StatusCode::OK {
            headers.insert(header::ETAG, value(&etag));
            headers.insert(
                header::LAST_MODIFIED,
                value(&httpdate::fmt_http_date(to_system_time(self.last_modified))),
            );
        }
        if self.compressible {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        if let Some(e) = encoding {
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(e.token()),
            );
        }
        let len = match encoding {
            None if self.compressible => self.size,
            None => self.kept.len(),
            Some(_) => body.len(),
        };
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        Variant {
            headers,
            body,
            etag,
        }
    }

    /// A copy with the encodings built so far, weighed with them.
    fn regrown(&self) -> Entry {
        let variants = std::array::from_fn(|i| {
            let slot = OnceLock::new();
            if let Some(v) = self.variants[i].get() {
                let _ = slot.set(v.clone());
            }
            slot
        });
        Entry {
            generation: self.generation,
            status: self.status,
            headers: self.headers.clone(),
            digest: self.digest.clone(),
            last_modified: self.last_modified,
            kept: self.kept.clone(),
            size: self.size,
            compressible: self.compressible,
            variants,
            weight: 0,
            epoch: self.epoch,
            rendered_at: self.rendered_at,
        }
        .weighed()
    }

    /// The entry with its weight set from what it holds now.
    fn weighed(mut self) -> Entry {
        let encoded: usize = self.variants[..3]
            .iter()
            .filter_map(|v| v.get())
            .filter(|v| !v.body.is_empty() && v.body.as_ptr() != self.kept.as_ptr())
            .map(|v| v.body.len())
            .sum();
        self.weight = self.kept.len() + encoded + ENTRY_OVERHEAD;
        self
    }
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).expect("ASCII we built")
}

fn to_system_time(unix: i64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64)
}

/// RFC 9110 §13.1: If-None-Match (weak comparison) wins over If-Modified-Since.
fn not_modified(asked: &HeaderMap, etag: &str, last_modified: i64) -> bool {
    let etag = etag.strip_prefix("W/").unwrap_or(etag);
    if let Some(inm) = asked.get(header::IF_NONE_MATCH) {
        let Ok(inm) = inm.to_str() else { return false };
        return inm
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
    }
    asked
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| to_system_time(last_modified) <= since)
}

/// A HEAD answer carries a GET's headers and no body.
fn strip_for_head(resp: Response, method: &Method) -> Response {
    if method != Method::HEAD {
        return resp;
    }
    let (parts, _) = resp.into_parts();
    Response::from_parts(parts, Body::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_wins_and_compares_weakly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(not_modified(&h, "\"abc\"", 0));
        assert!(not_modified(&h, "W/\"abc\"", 0));
        // A stale tag is not overridden by a matching date.
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"old\""));
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sun, 06 Nov 2044 08:49:37 GMT"),
        );
        assert!(!not_modified(&h, "\"abc\"", 0));
        h.remove(header::IF_NONE_MATCH);
        assert!(not_modified(&h, "\"abc\"", 1_000_000));
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("not a date"),
        );
        assert!(!not_modified(&h, "\"abc\"", 0));
    }
}
