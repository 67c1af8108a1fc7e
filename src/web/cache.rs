//! The HTTP cache in front of every GET: rendered responses are kept per URL and site
//! generation, so a publish invalidates exactly (a new generation) and nothing is ever
//! served stale. It also owns validators (strong ETags from the body, Last-Modified from
//! the generation), conditional requests (304) and content encoding (br, zstd, gzip, each
//! compressed once per entry and kept).

use std::io::Write as _;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::db::Snapshot;
use crate::urls;

/// Bodies above this are served but not kept (large images stream straight through).
const MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;
/// Query strings longer than this are not worth a slot (and keep keys bounded).
const MAX_KEY_BYTES: usize = 1024;
/// Below this, compression costs more than it saves.
const MIN_COMPRESS_BYTES: usize = 256;

/// The bounded store of rendered responses.
pub struct ResponseCache {
    entries: quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, e: &Arc<Entry>) -> u64 {
        // Room for the encoded copies, which arrive later (a weight may not change).
        (key.len() + e.body.len() * 2 + 512) as u64
    }
}

impl ResponseCache {
    pub fn new(capacity_bytes: u64) -> ResponseCache {
        ResponseCache {
            entries: quick_cache::sync::Cache::with_weighter(
                1024,
                capacity_bytes.max(1024 * 1024),
                ByBytes,
            ),
        }
    }
}

/// One rendered response and what it was rendered under.
struct Entry {
    generation: u64,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// Hex digest prefix of the body: the strong validator of the identity encoding.
    digest: String,
    last_modified: i64,
    compressible: bool,
    /// The whole answer in each encoding (identity, then `Encoding::ALL`), built on first
    /// use: a hit copies headers and shares the body, it computes nothing.
    variants: [OnceLock<Variant>; 4],
}

/// One encoding of an entry, ready to send.
struct Variant {
    headers: HeaderMap,
    body: Bytes,
    etag: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Zstd,
    Gzip,
}

impl Encoding {
    const ALL: [Encoding; 3] = [Encoding::Brotli, Encoding::Zstd, Encoding::Gzip];

    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Zstd => "zstd",
            Encoding::Gzip => "gzip",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn compress(self, data: &[u8]) -> Bytes {
        let out = match self {
            // Quality 9 and a 4 MiB window: most of brotli's gain at a fraction of
            // quality 11's time, and it is paid once per entry.
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(data.len() / 3);
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 9,
                    lgwin: 22,
                    ..Default::default()
                };
                let mut input = data;
                brotli::BrotliCompress(&mut input, &mut out, &params).map(|_| out)
            }
            Encoding::Zstd => zstd::bulk::compress(data, 9),
            Encoding::Gzip => {
                let mut enc = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 3),
                    flate2::Compression::new(7),
                );
                enc.write_all(data).and_then(|()| enc.finish())
            }
        };
        // Compressing a buffer in memory cannot fail short of allocation failure.
        Bytes::from(out.expect("in-memory compression"))
    }
}

/// Marks a request the cache was already asked about before routing, with the
/// generation it was asked under, so that `layer` does not ask again.
#[derive(Clone, Copy)]
struct Missed(Snapshot);

/// Answers `req` from the cache if a fresh entry exists, before any routing; `None`
/// sends it down the router (where `layer` renders and keeps it).
pub fn answer_early<B>(state: &AppState, req: &mut Request<B>) -> Option<Response> {
    if !cacheable(state, req.method(), req.uri().path()) {
        return None;
    }
    let snapshot = state.generation.current().ok()?;
    let hit = lookup(state, snapshot, req.method(), req.uri(), req.headers());
    if hit.is_none() {
        req.extensions_mut().insert(Missed(snapshot));
    }
    hit
}

/// Serves GET and HEAD from the cache, rendering (through `next`) on a miss.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !cacheable(&state, req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let snapshot = match req.extensions().get::<Missed>() {
        Some(Missed(snapshot)) => *snapshot,
        None => {
            let snapshot = match state.generation.current() {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!("reading the archive's generation: {e}");
                    return next.run(req).await;
                }
            };
            if let Some(resp) = lookup(&state, snapshot, req.method(), req.uri(), req.headers()) {
                return resp;
            }
            snapshot
        }
    };
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
    match keep(resp, snapshot).await {
        Ok(entry) => {
            let entry = Arc::new(entry);
            if key.len() <= MAX_KEY_BYTES {
                state.cache.entries.insert(key, entry.clone());
            }
            strip_for_head(answer(&entry, &asked), &method)
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

/// The answer from a fresh entry for this URL, if there is one.
fn lookup(
    state: &AppState,
    snapshot: Snapshot,
    method: &Method,
    uri: &axum::http::Uri,
    asked: &HeaderMap,
) -> Option<Response> {
    let entry = state
        .cache
        .entries
        .get(cache_key(uri))
        .filter(|e| e.generation == snapshot.number)?;
    Some(strip_for_head(answer(&entry, asked), method))
}

/// Paths whose responses must be live each time (the route table says which).
fn bypass(path: &str) -> bool {
    urls::routes::is_live(path)
}

/// Turns a rendered response into an entry, or hands it back when it must not be kept.
async fn keep(resp: Response, snapshot: Snapshot) -> Result<Entry, Response> {
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
    let digest: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    Ok(Entry {
        generation: snapshot.number,
        status,
        headers: parts.headers,
        body,
        digest,
        last_modified: snapshot.modified_at,
        compressible,
        variants: Default::default(),
    })
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
/// otherwise the best encoding the client accepts.
fn answer(entry: &Entry, asked: &HeaderMap) -> Response {
    let encoding = if entry.compressible {
        choose_encoding(asked)
    } else {
        None
    };
    let variant = entry.variant(encoding);
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
        return resp;
    }
    let mut resp = Response::new(Body::from(variant.body.clone()));
    *resp.status_mut() = entry.status;
    *resp.headers_mut() = variant.headers.clone();
    resp
}

impl Entry {
    /// The entry as sent in `encoding` (`None`: as rendered), built once.
    fn variant(&self, encoding: Option<Encoding>) -> &Variant {
        let slot = encoding.map_or(0, |e| e.index() + 1);
        self.variants[slot].get_or_init(|| {
            let etag = match encoding {
                Some(e) => format!("\"{}-{}\"", self.digest, e.token()),
                None => format!("\"{}\"", self.digest),
            };
            let body = match encoding {
                Some(e) => e.compress(&self.body),
                None => self.body.clone(),
            };
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
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            Variant {
                headers,
                body,
                etag,
            }
        })
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

/// The client's preferred encoding among ours (ties go to br, then zstd, then gzip);
/// `q=0` refuses one, `*` stands for any not named.
fn choose_encoding(asked: &HeaderMap) -> Option<Encoding> {
    let header = asked.get(header::ACCEPT_ENCODING)?.to_str().ok()?;
    let mut q = [None::<f32>; 3];
    let mut star = None::<f32>;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(|v| v.trim().parse::<f32>()))
            .map_or(Some(1.0), Result::ok)
            .unwrap_or(0.0);
        match name.as_str() {
            "*" => star = Some(weight),
            _ => {
                if let Some(e) = Encoding::ALL.iter().find(|e| e.token() == name) {
                    q[e.index()] = Some(weight);
                }
            }
        }
    }
    let mut best: Option<(Encoding, f32)> = None;
    for e in Encoding::ALL {
        let w = q[e.index()].or(star).unwrap_or(0.0);
        if w > 0.0 && best.is_none_or(|(_, b)| w > b) {
            best = Some((e, w));
        }
    }
    best.map(|(e, _)| e)
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

    fn asked(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn encoding_negotiation_follows_q_values() {
        assert_eq!(
            choose_encoding(&asked("gzip, deflate, br, zstd")),
            Some(Encoding::Brotli)
        );
        assert_eq!(choose_encoding(&asked("gzip")), Some(Encoding::Gzip));
        assert_eq!(
            choose_encoding(&asked("br;q=0.5, gzip;q=0.9")),
            Some(Encoding::Gzip)
        );
        assert_eq!(
            choose_encoding(&asked("br;q=0, zstd")),
            Some(Encoding::Zstd)
        );
        assert_eq!(choose_encoding(&asked("identity")), None);
        assert_eq!(choose_encoding(&asked("*;q=0")), None);
        assert_eq!(choose_encoding(&asked("*")), Some(Encoding::Brotli));
        assert_eq!(choose_encoding(&asked("gzip;q=bogus")), None);
        assert_eq!(choose_encoding(&HeaderMap::new()), None);
    }

    #[test]
    fn if_none_match_wins_and_compares_weakly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(not_modified(&h, "\"abc\"", 0));
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

    #[test]
    fn every_encoding_round_trips() {
        use std::io::Read as _;
        let text = "The quick brown fox. ".repeat(200);
        let br = Encoding::Brotli.compress(text.as_bytes());
        let mut out = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, text.as_bytes());
        let z = Encoding::Zstd.compress(text.as_bytes());
        assert_eq!(
            zstd::bulk::decompress(&z, 1 << 20).unwrap(),
            text.as_bytes()
        );
        let gz = Encoding::Gzip.compress(text.as_bytes());
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        assert!(br.len() < text.len() / 10);
    }
}
