//! The connections the server holds, and what a client must do to keep one.
//!
//! hyper cuts off an HTTP/1 client whose request head does not arrive in time, but only
//! once it knows the connection speaks HTTP/1: the automatic builder first waits for bytes
//! to tell HTTP/1 from HTTP/2, and HTTP/2 has no such timeout at all. A socket that sends
//! nothing, or only HTTP/2's preface, would hold a file descriptor for good; at the
//! descriptor limit `accept` fails at once, again and again. So here every connection
//!
//! - has `header_timeout` to send its first request (a whole HTTP/1 head, or HTTP/2's
//!   preface and a request), after which hyper times each further HTTP/1 head and an
//!   HTTP/2 connection is closed once nothing has been in flight for `idle_timeout`; a
//!   response the client stops reading for as long is abandoned with its connection (a
//!   slow reader would otherwise hold a slot for good);
//! - takes one of a fixed number of slots, below the file-descriptor limit. When they
//!   run low, each new connection closes the oldest one with nothing in flight (first
//!   one that never sent a request), so a flood of silent sockets cannot lock readers
//!   out. When every connection is busy, new ones wait in the kernel's backlog instead
//!   of being accepted and closed: they are served as soon as a slot frees, and the
//!   accept loop neither spins nor turns load into refused connections;
//! - counts its requests in flight until each response's body is sent, so that shutdown
//!   closes idle connections at once and lets busy ones finish.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body as HttpBody, Frame, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

use crate::config::Config;

/// Never more connections than this, whatever the file-descriptor limit: an open HTTP/2
/// connection holds about 18 KB (4 KB before it sends anything), so this bounds them
/// near 300 MB, and one archive server meets far fewer readers at once.
const MAX_CONNECTIONS: u64 = 16_384;

/// How long an idle HTTP/2 connection is given to take its GOAWAY before it is dropped.
const GOAWAY_GRACE: Duration = Duration::from_secs(1);

/// How long the accept loop pauses after an error that is not about one connection (out
/// of file descriptors or memory): the pending connection stays queued, so retrying at
/// once would fail again at once and spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// How many connections, and for how long each.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    /// The site's timeouts, and as many connections as the open-file limit leaves room for.
    pub(super) fn new(config: &Config) -> Limits {
        Limits {
            header_timeout: config.header_timeout,
            idle_timeout: config.idle_timeout,
            max_connections: max_connections(open_file_limit()),
        }
    }
}

/// hyper's settings: HTTP/1 heads timed, HTTP/2 bounded against the known floods.
pub(super) fn builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        // RFC 9113 asks for at least 100; a browser needs a handful for our pages, and
        // it bounds the handlers one connection can keep busy.
        .max_concurrent_streams(100)
        // Rapid reset (streams opened and cancelled before they are answered) and
        // streams the server must reset for a client's errors: past these, GOAWAY.
        .max_pending_accept_reset_streams(20)
        .max_local_error_reset_streams(256)
        // The decoded header block; h2 derives from it how many CONTINUATION frames one
        // block may take, so a CONTINUATION flood ends here.
        .max_header_list_size(16 * 1024)
        // A peer that vanished with a stream open (the live-reload event stream) is
        // noticed within half a minute.
        .keep_alive_interval(Duration::from_secs(20))
        .keep_alive_timeout(Duration::from_secs(10));
    builder
}

/// Raises the soft limit on open files to the hard one: connections are file descriptors,
/// and the soft limit is often 1,024 while the hard one is far higher. Returns the limit
/// now in force.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            limit = raised;
        }
    }
    Ok(limit.rlim_cur)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    Ok(open_file_limit())
}

/// The soft limit on open files (1,024, the usual default, where it cannot be read).
fn open_file_limit() -> u64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct we pass.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            return limit.rlim_cur;
        }
    }
    1024
}

/// Connections allowed at once under an open-file limit of `limit`. The rest is kept for
/// everything else the server opens: standard streams, the runtime's poll and wake-up
/// descriptors, the archive (every pooled reader, the writer and the change watcher hold
/// the database and its WAL; the WAL index is shared), the content watcher, a publish
/// reading a file on every core, a backup's copy, and the one connection accepted while
/// it waits for a slot.
fn max_connections(limit: u64) -> usize {
    let kept = 64 + 4 * super::readers() as u64;
    let n = limit
        .saturating_sub(kept)
        .max(limit / 4)
        .clamp(1, MAX_CONNECTIONS);
    usize::try_from(n).expect("at most MAX_CONNECTIONS")
}

/// What one connection is doing, shared by its task, its requests and the registry.
pub(super) struct Activity {
    accepted: Instant,
    /// Requests whose response has not been sent to its end.
    in_flight: AtomicUsize,
    /// Whether a whole request has arrived yet.
    requested: AtomicBool,
    /// When a request last began or ended, or a response was last asked for more of its
    /// body, in milliseconds after `accepted`.
    last_active: AtomicU64,
    /// Tells the task to close the connection now, to make room for a new one.
    evict: Notify,
    /// Tells the task that a request ended, for shutdown to close the connection once
    /// nothing is left in flight.
    done: Notify,
}

impl Activity {
    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Notes that the connection made progress now.
    fn touch(&self) {
        let since = u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_active.store(since, Ordering::Release);
    }

    /// Whether the connection is to be closed, sent away, or looked at again later.
    fn due(&self, now: Instant, limits: &Limits) -> Due {
        if !self.requested.load(Ordering::Acquire) {
            let deadline = self.accepted + limits.header_timeout;
            return if now >= deadline {
                Due::Close
            } else {
                Due::At(deadline)
            };
        }
        let active = Duration::from_millis(self.last_active.load(Ordering::Acquire));
        let deadline = self.accepted + active + limits.idle_timeout;
        match (now >= deadline, self.in_flight() > 0) {
            (false, _) => Due::At(deadline),
            // A response nobody reads cannot be finished gracefully.
            (true, true) => Due::Close,
            (true, false) => Due::GoAway,
        }
    }
}

enum Due {
    /// No request in time, or a response stalled: drop the connection.
    Close,
    /// Idle too long: a graceful close (HTTP/2's GOAWAY).
    GoAway,
    /// Look again then.
    At(Instant),
}

/// One request in flight on a connection, from its head until its response's body has
/// been sent or dropped.
pub(super) struct InFlight(Arc<Activity>);

impl InFlight {
    pub(super) fn begin(activity: &Arc<Activity>) -> InFlight {
        activity.touch();
        activity.requested.store(true, Ordering::Release);
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // Before the count drops, so that whoever sees none in flight sees this time.
        self.0.touch();
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.done.notify_one();
        }
    }
}

/// A response body that keeps its request counted as in flight until it is dropped, and
/// notes each time it is asked for more: hyper asks only when the client has taken what
/// came before, so a response nobody reads stops asking.
pub(super) struct Tracked<B> {
    body: B,
    in_flight: InFlight,
}

impl<B> Tracked<B> {
    pub(super) fn new(body: B, in_flight: InFlight) -> Tracked<B> {
        Tracked { body, in_flight }
    }
}

impl<B: HttpBody + Unpin> HttpBody for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        this.in_flight.0.touch();
        Pin::new(&mut this.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The open connections, oldest first, for making room when every slot is taken.
#[derive(Default)]
struct Registry(Mutex<BTreeMap<u64, Arc<Activity>>>);

impl Registry {
    /// Tells the oldest connection that never sent a request, or else the oldest with
    /// nothing in flight, to close. False when every connection is busy.
    fn evict_one(&self) -> bool {
        let mut conns = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let silent = conns
            .iter()
            .find(|(_, a)| !a.requested.load(Ordering::Acquire));
        let pick = silent
            .or_else(|| conns.iter().find(|(_, a)| a.in_flight() == 0))
            .map(|(id, _)| *id);
        match pick.and_then(|id| conns.remove(&id)) {
            Some(a) => {
                a.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A connection's place among the open ones: while it lives, it holds a slot.
pub(super) struct Slot {
    id: u64,
    activity: Arc<Activity>,
    registry: Arc<Registry>,
    limits: Limits,
    stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut conns = self.registry.0.lock().unwrap_or_else(|e| e.into_inner());
        conns.remove(&self.id);
    }
}

impl Slot {
    pub(super) fn activity(&self) -> &Arc<Activity> {
        &self.activity
    }

    /// Drives `conn` until it ends, it misses its deadline, it is evicted, or the server
    /// stops (then at once if nothing is in flight, else after a graceful close).
    /// `graceful` starts hyper's graceful close: HTTP/1 ends after the response in
    /// flight, HTTP/2 sends GOAWAY and finishes its streams.
    pub(super) async fn run<C, F>(self, conn: C, graceful: F)
    where
        C: Future,
        F: FnOnce(Pin<&mut C>),
    {
        #[derive(PartialEq)]
        enum Phase {
            Serving,
            GoingAway,
            Finishing,
        }
        tokio::pin!(conn);
        let mut graceful = Some(graceful);
        let mut close_gracefully = |conn: Pin<&mut C>| {
            if let Some(g) = graceful.take() {
                g(conn);
            }
        };
        let mut stop = self.stop.clone();
        let a = &self.activity;
        let mut phase = Phase::Serving;
        let mut wake = a.accepted + self.limits.header_timeout;
        loop {
            tokio::select! {
                _ = conn.as_mut() => return,
                () = a.evict.notified() => return,
                _ = stop.changed(), if phase != Phase::Finishing => {
                    if a.in_flight() == 0 {
                        return;
                    }
                    close_gracefully(conn.as_mut());
                    phase = Phase::Finishing;
                }
                () = a.done.notified(), if phase == Phase::Finishing => {
                    if a.in_flight() == 0 {
                        return;
                    }
                }
                () = tokio::time::sleep_until(wake), if phase != Phase::Finishing => {
                    if phase == Phase::GoingAway {
                        return;
                    }
                    let now = Instant::now();
                    match a.due(now, &self.limits) {
                        Due::Close => return,
                        Due::GoAway => {
                            close_gracefully(conn.as_mut());
                            phase = Phase::GoingAway;
                            wake = now + GOAWAY_GRACE;
                        }
                        Due::At(t) => wake = t,
                    }
                }
            }
        }
    }
}

/// Accepts connections into slots, and stops them all at the end.
pub(super) struct Acceptor {
    limits: Limits,
    slots: Arc<Semaphore>,
    registry: Arc<Registry>,
    next_id: u64,
    stop: watch::Sender<bool>,
    errors: Throttle,
    evictions: Throttle,
}

impl Acceptor {
    pub(super) fn new(limits: Limits) -> Acceptor {
        Acceptor {
            slots: Arc::new(Semaphore::new(limits.max_connections)),
            limits,
            registry: Arc::default(),
            next_id: 0,
            stop: watch::Sender::new(false),
            errors: Throttle::default(),
            evictions: Throttle::default(),
        }
    }

    /// The next connection and its slot. While fewer than a sixteenth of the slots are
    /// free, each new connection closes an idle one (see [`Registry::evict_one`]): the
    /// closing happens in that connection's task, and starting it before the slots run
    /// out lets the accept loop go on at once instead of waiting for it. With every slot
    /// busy, this waits for one, and the connections behind this one wait in the kernel's
    /// backlog.
    pub(super) async fn accept(&mut self, listener: &TcpListener) -> (TcpStream, Slot) {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    self.accept_failed(&e).await;
                    continue;
                }
            };
            let reserve = self.limits.max_connections / 16;
            if self.slots.available_permits() <= reserve
                && self.registry.evict_one()
                && let Some(left_out) = self.evictions.allow()
            {
                tracing::warn!(
                    "{} of {} connection slots taken: closing the oldest connection with no \
                     request in flight for each new one{}",
                    self.limits.max_connections - self.slots.available_permits(),
                    self.limits.max_connections,
                    and_more(left_out)
                );
            }
            let slots = self.slots.clone();
            let permit = match slots.clone().try_acquire_owned() {
                Ok(permit) => permit,
                Err(_) => slots
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed"),
            };
            return (stream, self.slot(permit));
        }
    }

    fn slot(&mut self, permit: OwnedSemaphorePermit) -> Slot {
        self.next_id += 1;
        let activity = Arc::new(Activity {
            accepted: Instant::now(),
            in_flight: AtomicUsize::new(0),
            requested: AtomicBool::new(false),
            last_active: AtomicU64::new(0),
            evict: Notify::new(),
            done: Notify::new(),
        });
        let mut conns = self.registry.0.lock().unwrap_or_else(|e| e.into_inner());
        conns.insert(self.next_id, activity.clone());
        drop(conns);
        Slot {
            id: self.next_id,
            activity,
            registry: self.registry.clone(),
            limits: self.limits,
            stop: self.stop.subscribe(),
            _permit: permit,
        }
    }

    /// Logs `e` (at most once a second) and, unless it concerns only the connection
    /// being accepted, pauses: out of descriptors, the next accept would fail the same way
    /// at once. An idle connection is closed to give one back.
    async fn accept_failed(&mut self, e: &std::io::Error) {
        use std::io::ErrorKind::{ConnectionAborted, ConnectionReset, Interrupted};
        let one_connection = matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted);
        if let Some(left_out) = self.errors.allow() {
            tracing::warn!(
                "accepting a connection: {e}{}{}",
                if one_connection {
                    ""
                } else {
                    "; pausing 100 ms"
                },
                and_more(left_out)
            );
        }
        if !one_connection {
            self.registry.evict_one();
            tokio::time::sleep(ACCEPT_PAUSE).await;
        }
    }

    /// Tells every connection to stop and waits up to `grace` for them: idle ones close at
    /// once, busy ones after their responses.
    pub(super) async fn shutdown(self, grace: Duration) {
        self.stop.send_replace(true);
        let all = u32::try_from(self.limits.max_connections).expect("at most MAX_CONNECTIONS");
        if tokio::time::timeout(grace, self.slots.acquire_many(all))
            .await
            .is_err()
        {
            let busy = self.limits.max_connections - self.slots.available_permits();
            tracing::warn!("{busy} connections still busy after {grace:?}; closing them");
        }
    }
}

/// Lets an event be logged at most once a second and counts the ones left out.
#[derive(Default)]
struct Throttle {
    last: Option<Instant>,
    left_out: u64,
}

impl Throttle {
    /// `Some(events left out since the last one logged)` when this one may be logged.
    fn allow(&mut self) -> Option<u64> {
        let now = Instant::now();
        match self.last {
            Some(last) if now < last + Duration::from_secs(1) => {
                self.left_out += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.left_out))
            }
        }
    }
}

fn and_more(left_out: u64) -> String {
    match left_out {
        0 => String::new(),
        n => format!(" ({n} more since the last such message)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_leave_room_for_everything_else() {
        let kept = 64 + 4 * super::super::readers();
        assert_eq!(
            max_connections(1024),
            (1024usize.saturating_sub(kept)).max(256)
        );
        assert_eq!(max_connections(1_048_576), MAX_CONNECTIONS as usize);
        // A tiny limit still leaves a quarter of it for connections.
        assert_eq!(max_connections(64), 16);
        assert_eq!(max_connections(0), 1);
    }

    #[test]
    fn throttle_counts_what_it_leaves_out() {
        let mut t = Throttle::default();
        assert_eq!(t.allow(), Some(0));
        assert_eq!(t.allow(), None);
        assert_eq!(t.allow(), None);
        t.last = Some(Instant::now() - Duration::from_secs(2));
        assert_eq!(t.allow(), Some(2));
    }
}
