//! Article pages kept in the archive (`db::stored`): served on a memory miss before
//! anything is rendered, written after a render through the single writer (a few at a
//! time, whatever has queued while it was busy), and filled by a background pass
//! (`storing`) that renders every published dispatch without a current page, so that a
//! crawl, a restart or a replica sends stored bytes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use tower::ServiceExt as _;

use super::encoding::Encoding;
use super::{Entry, answer, unix_now};
use crate::db::stored::{Page, Rendered};
use crate::db::{self, Snapshot};
use crate::urls;
use crate::web::AppState;
use crate::web::pages::chrome;

/// Pages rendered and not yet written beyond this are not kept (the writer is behind).
const MAX_PENDING: usize = 256;
/// How many pages the background pass lets wait for the writer before it renders more.
const PASS_PENDING: usize = 32;
/// Pages written in one transaction, unless `FLUSH_AFTER` passes first.
const BATCH: usize = 16;
const FLUSH_AFTER: Duration = Duration::from_millis(250);

/// Marks a request of the background pass: render and store, keep nothing in memory.
#[derive(Clone, Copy)]
pub(super) struct Warming;

/// Rendered pages waiting for the writer.
pub(super) struct Store {
    writer: db::Writer,
    pending: Arc<Mutex<Vec<Rendered>>>,
    /// A write job is queued and has not yet taken `pending`.
    queued: Arc<AtomicBool>,
    /// The background pass has pages left to render.
    pub(super) busy: AtomicBool,
}

impl Store {
    pub(super) fn new(writer: db::Writer) -> Arc<Store> {
        Arc::new(Store {
            writer,
            pending: Arc::default(),
            queued: Arc::default(),
            busy: AtomicBool::new(false),
        })
    }

    fn waiting(&self) -> usize {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Queues `page` for the writer: written with the pages queued after it, once
    /// `BATCH` have queued or `FLUSH_AFTER` has passed, in one transaction. Every commit
    /// moves the site's generation, so one per page would keep the chrome and the
    /// other pages' cache entries from lasting.
    fn push(self: &Arc<Self>, page: Rendered) {
        let queued = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.len() >= MAX_PENDING {
                return;
            }
            pending.push(page);
            pending.len()
        };
        if queued >= BATCH {
            self.flush();
        } else if queued == 1 {
            let store = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(FLUSH_AFTER).await;
                store.flush();
            });
        }
    }

    /// Hands what has queued to the writer, unless a write job already waits for it.
    fn flush(&self) {
        if self.waiting() == 0 || self.queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let (pending, queued) = (self.pending.clone(), self.queued.clone());
        let sent = self.writer.try_small(move |conn| {
            queued.store(false, Ordering::Release);
            let pages =
                std::mem::take(&mut *pending.lock().unwrap_or_else(PoisonError::into_inner));
            db::stored::put(conn, &pages).map(|_| ())
        });
        if !sent {
            self.queued.store(false, Ordering::Release);
        }
    }
}

/// What the archive offers for an article page missing from memory.
pub(super) enum Found {
    Served(Response),
    /// Render it; keep it under this stamp when given.
    Render(Option<Keep>),
}

/// How a page about to be rendered is to be stored.
pub(super) struct Keep {
    slug: String,
    stamp: String,
    seen: i64,
}

/// The stored page of the article at `req`'s path when its chrome is current (or within
/// the lag), answered and kept in memory; otherwise how to store the render.
pub(super) async fn from_archive(
    state: &AppState,
    snapshot: Snapshot,
    (epoch, seen): (u64, Option<i64>),
    (uri, headers, method): (&Uri, &HeaderMap, &Method),
    warming: bool,
) -> Found {
    let Some(slug) = urls::article_slug(uri.path()) else {
        return Found::Render(None);
    };
    let st = state.clone();
    let read = tokio::task::spawn_blocking(move || {
        let conn = st.pool.get().map_err(|e| e.to_string())?;
        let chrome = chrome::current(&conn, &st).map_err(|e| format!("{e:?}"))?;
        let page = match warming {
            true => None,
            false => db::stored::get(&conn, &slug).map_err(|e| e.to_string())?,
        };
        Ok::<_, String>((chrome.stamp.clone(), page, slug))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    let (stamp, page, slug) = match read {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("reading a stored page: {e}");
            return Found::Render(None);
        }
    };
    if let Some(page) = page.filter(|p| state.chrome.fresh(&p.stamp, &stamp))
        && let Some(entry) = entry(state, snapshot, epoch, page)
    {
        let entry = Arc::new(entry);
        let key = super::cache_key(uri).to_string();
        state.cache.insert(key, entry.clone());
        return Found::Served(answer(&entry, headers, method, None).0);
    }
    let keep = state
        .cache
        .store
        .as_ref()
        .and(seen)
        .map(|seen| Keep { slug, stamp, seen });
    Found::Render(keep)
}

/// A memory entry from a stored page.
fn entry(state: &AppState, snapshot: Snapshot, epoch: u64, page: Page) -> Option<Entry> {
    let mut headers = HeaderMap::new();
    for line in page.headers.lines() {
        let (name, value) = line.split_once(": ")?;
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(value).ok()?,
        );
    }
    for (name, value) in &state.security {
        headers.insert(name, value.clone());
    }
    let entry = Entry {
        generation: snapshot.number,
        status: StatusCode::OK,
        headers,
        digest: page.digest,
        last_modified: snapshot.modified_at,
        kept: Bytes::from(page.br),
        size: usize::try_from(page.size).ok()?,
        compressible: true,
        variants: Default::default(),
        weight: 0,
        epoch: Some(epoch),
        // Its chrome was found current just now.
        rendered_at: unix_now(),
    };
    let gzip = Encoding::Gzip;
    let etag = format!("W/\"{}-{}\"", entry.digest, gzip.token());
    let variant = entry.variant_of(Some(gzip), Bytes::from(page.gzip), etag);
    let _ = entry.variants[gzip.index()].set(variant);
    Some(entry.weighed())
}

/// Queues a rendered article page for the archive.
pub(super) fn keep(state: &AppState, keep: Keep, entry: &Entry, rendered: &Bytes) {
    let Some(store) = &state.cache.store else {
        return;
    };
    if entry.status != StatusCode::OK || !entry.compressible {
        return;
    }
    let mut headers = String::new();
    for (name, value) in &entry.headers {
        let derived = [
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::ETAG,
        ]
        .contains(name)
            || state.security.contains_key(name);
        if let (false, Ok(value)) = (derived, value.to_str()) {
            headers.push_str(&format!("{name}: {value}\n"));
        }
    }
    store.push(Rendered {
        page: Page {
            slug: keep.slug,
            stamp: keep.stamp,
            digest: entry.digest.clone(),
            size: rendered.len() as i64,
            headers,
            br: entry.kept.to_vec(),
            gzip: Encoding::Gzip.compress(rendered).to_vec(),
            rendered_at: unix_now(),
        },
        seen: keep.seen,
    });
}

/// The background pass: whenever the generation moves, renders every published
/// dispatch without a page of the current chrome, one at a time (a crawl keeps the
/// rest of the machine), through `router` as a request would, and stores it. Waits
/// while the server's first publish runs.
pub(crate) async fn storing(state: AppState, router: Router) {
    let Some(store) = &state.cache.store else {
        return;
    };
    // Busy from the start: the first pass follows the server's first publish.
    store.busy.store(true, Ordering::Release);
    let mut done_at = None;
    // The stamp and the last page change of the last pass: the next looks only at the
    // pages changed since, unless the stamp moved.
    let mut last: Option<(String, i64)> = None;
    loop {
        let number = state.generation.current().ok().map(|s| s.number);
        if state.publishing.load(Ordering::Acquire) || number.is_none() || number == done_at {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        let (st, since) = (state.clone(), last.take());
        let missing = tokio::task::spawn_blocking(move || to_store(&st, since))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        let missing = match missing {
            Ok((m, seen)) => {
                last = Some(seen);
                m
            }
            Err(e) => {
                tracing::warn!("listing the pages to store: {e}");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        store.busy.store(true, Ordering::Release);
        for slug in &missing {
            while store.waiting() >= PASS_PENDING {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            render(&router, slug).await;
        }
        store.flush();
        while store.waiting() > 0 || store.queued.load(Ordering::Acquire) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Pages refused because a publish changed them meanwhile come round again with
        // the next generation; none is tried twice in one.
        store.busy.store(false, Ordering::Release);
        done_at = number;
    }
}

/// The dispatches to render, and the stamp and last page change they were listed at:
/// every one without a current page when the stamp moved (or the record of changes
/// does not reach back to `since`), otherwise those among the pages changed since.
fn to_store(
    state: &AppState,
    since: Option<(String, i64)>,
) -> Result<(Vec<String>, (String, i64)), String> {
    let conn = state.pool.get().map_err(|e| e.to_string())?;
    let stamp = chrome::current(&conn, state)
        .map_err(|e| format!("{e:?}"))?
        .stamp
        .clone();
    let now = crate::web::pages::now();
    let changed = match since {
        Some((s, seq)) if s == stamp => db::changes::since(&conn, seq)
            .map_err(|e| e.to_string())?
            .filter(|(_, slugs)| !slugs.iter().any(|s| s == db::changes::ALL)),
        _ => None,
    };
    let (slugs, seq) = match changed {
        Some((seq, slugs)) => (db::stored::missing_among(&conn, &stamp, now, &slugs), seq),
        None => {
            let seq = db::changes::latest(&conn).map_err(|e| e.to_string())?;
            (db::stored::missing(&conn, &stamp, now, i64::MAX), seq)
        }
    };
    Ok((slugs.map_err(|e| e.to_string())?, (stamp, seq)))
}

async fn render(router: &Router, slug: &str) {
    let mut req = Request::new(Body::empty());
    *req.uri_mut() = match urls::article(slug).parse() {
        Ok(uri) => uri,
        Err(_) => return,
    };
    req.headers_mut()
        .insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
    req.extensions_mut().insert(Warming);
    let Ok(resp) = router.clone().oneshot(req).await;
    let _ = axum::body::to_bytes(resp.into_body(), usize::MAX).await;
}
