//! Connections that never send a request: they are closed in time, they cannot crowd out
//! readers, and they do not hold up shutdown. In-process servers (`serve_listener` with
//! short timeouts) check the deadlines; the real binary, under a low open-file limit,
//! checks the slots and SIGTERM.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Site;
use dispatches::web::serve_listener;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A server on a free port over the fixture site, with these timeouts; it stops when the
/// returned sender is dropped.
async fn serve(
    header_timeout: u64,
    idle_timeout: u64,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, Site) {
    let f = Site::fixture().with_config(|c| {
        c.header_timeout = Duration::from_secs(header_timeout);
        c.idle_timeout = Duration::from_secs(idle_timeout);
    });
    let state = f.state();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_listener(listener, state, async {
        let _ = stopped.await;
    }));
    (addr, stop, f)
}

/// Reads (and drops) what the server sends until it closes the connection; how long after
/// `since` that was, or `None` if it was still open `limit` after `since`.
async fn closed_after(s: &mut TcpStream, since: Instant, limit: Duration) -> Option<Duration> {
    let mut buf = [0u8; 4096];
    tokio::time::timeout_at((since + limit).into(), async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return since.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_closed_within_the_header_timeout() {
    let (addr, _stop, _f) = serve(1, 60).await;
    let since = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    // Bytes that never finish a request head count as silence too.
    let mut partial = TcpStream::connect(addr).await.unwrap();
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x")
        .await
        .unwrap();
    for (what, s) in [("silent", &mut silent), ("partial head", &mut partial)] {
        let took = closed_after(s, since, Duration::from_secs(5)).await;
        let took = took.unwrap_or_else(|| panic!("{what}: still open after 5 s"));
        assert!(
            took >= Duration::from_millis(800) && took < Duration::from_millis(2500),
            "{what}: closed after {took:?}, expected about 1 s"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_preface_alone_is_closed_likewise() {
    let (addr, _stop, _f) = serve(1, 60).await;
    let since = Instant::now();
    let mut preface_only = TcpStream::connect(addr).await.unwrap();
    preface_only.write_all(PREFACE).await.unwrap();
    // The preface and the client's SETTINGS, but no request.
    let mut settings_too = TcpStream::connect(addr).await.unwrap();
    settings_too.write_all(PREFACE).await.unwrap();
    settings_too.write_all(&frame(4, 0, 0, &[])).await.unwrap();
    for (what, s) in [
        ("preface only", &mut preface_only),
        ("preface and SETTINGS", &mut settings_too),
    ] {
        let took = closed_after(s, since, Duration::from_secs(5)).await;
        let took = took.unwrap_or_else(|| panic!("{what}: still open after 5 s"));
        assert!(
            took >= Duration::from_millis(800) && took < Duration::from_millis(2500),
            "{what}: closed after {took:?}, expected about 1 s"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_asks_in_time_keeps_its_connection() {
    let (addr, _stop, _f) = serve(1, 60).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    // Each request comes within the timeout; together they take more than twice as long.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("an answer within 5 s")
            .unwrap();
        let head = String::from_utf8_lossy(&buf[..n]);
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    }
}

/// An HTTP/2 frame: length, type, flags, stream, payload.
fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap().to_be_bytes();
    let mut f = vec![len[1], len[2], len[3], kind, flags];
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A HEADERS frame that asks for /healthz on stream 1 (END_STREAM | END_HEADERS), the
/// block in HPACK without Huffman coding: :method GET and :scheme http from the static
/// table, :path and :authority as literals.
fn get_healthz() -> Vec<u8> {
    let mut block = vec![0x82, 0x86, 0x04, 8];
    block.extend_from_slice(b"/healthz");
    block.extend_from_slice(&[0x01, 9]);
    block.extend_from_slice(b"localhost");
    frame(1, 0x5, 1, &block)
}

/// Reads one HTTP/2 frame: (type, flags, stream, payload).
async fn read_frame(s: &mut TcpStream) -> std::io::Result<(u8, u8, u32, Vec<u8>)> {
    let mut head = [0u8; 9];
    s.read_exact(&mut head).await?;
    let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
    let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).await?;
    Ok((head[3], head[4], stream, payload))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_http2_connection_is_sent_away_after_the_idle_timeout() {
    let (addr, _stop, _f) = serve(1, 3).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(PREFACE).await.unwrap();
    s.write_all(&frame(4, 0, 0, &[])).await.unwrap();
    s.write_all(&get_healthz()).await.unwrap();
    let started = Instant::now();
    let (mut status, mut answered, mut goaway) = (None, None, None);
    loop {
        let next = tokio::time::timeout(Duration::from_secs(8), read_frame(&mut s)).await;
        let Ok(Ok((kind, flags, stream, payload))) = next else {
            break;
        };
        match kind {
            // The server's SETTINGS: acknowledge them, as a client must.
            4 if flags & 1 == 0 => s.write_all(&frame(4, 1, 0, &[])).await.unwrap(),
            // `:status 200` is entry 8 of HPACK's static table.
            1 if stream == 1 => status = payload.first().copied(),
            0 if stream == 1 && flags & 1 == 1 => answered = Some(started.elapsed()),
            // PING: answer it, so that only idleness ends the connection.
            6 if flags & 1 == 0 => s.write_all(&frame(6, 1, 0, &payload)).await.unwrap(),
            7 => goaway = Some(started.elapsed()),
            _ => {}
        }
    }
    let closed = started.elapsed();
    assert_eq!(status, Some(0x88), "the request is answered 200");
    assert!(answered.is_some(), "the response body ends");
    let goaway = goaway.expect("a GOAWAY before the server closes");
    assert!(
        goaway >= Duration::from_millis(2500) && goaway < Duration::from_secs(5),
        "GOAWAY after {goaway:?}, expected 3 s after the response (not the header timeout of 1 s)"
    );
    assert!(closed < Duration::from_secs(7), "closed after {closed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_nobody_reads_is_abandoned_after_the_idle_timeout() {
    let (addr, _stop, _f) = serve(1, 3).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(PREFACE).await.unwrap();
    // SETTINGS_INITIAL_WINDOW_SIZE 0: the server may send no byte of any body.
    s.write_all(&frame(4, 0, 0, &[0, 4, 0, 0, 0, 0]))
        .await
        .unwrap();
    s.write_all(&get_healthz()).await.unwrap();
    let started = Instant::now();
    let (mut status, mut data) = (None, 0);
    loop {
        let next = tokio::time::timeout(Duration::from_secs(8), read_frame(&mut s)).await;
        let Ok(Ok((kind, flags, stream, payload))) = next else {
            break;
        };
        match kind {
            4 if flags & 1 == 0 => s.write_all(&frame(4, 1, 0, &[])).await.unwrap(),
            1 if stream == 1 => status = payload.first().copied(),
            0 => data += payload.len(),
            6 if flags & 1 == 0 => s.write_all(&frame(6, 1, 0, &payload)).await.unwrap(),
            _ => {}
        }
    }
    let closed = started.elapsed();
    assert_eq!(status, Some(0x88), "the response began");
    assert_eq!(data, 0, "no body was sent");
    assert!(
        closed >= Duration::from_millis(2500) && closed < Duration::from_secs(6),
        "closed after {closed:?}, expected 3 s after the request"
    );
}

/// The real binary, serving the fixture's content on a free port; killed if a test fails.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts the binary with these `DISPATCHES_*` settings, under `ulimit -n` when
    /// `open_files` is given (the shell sets the soft and the hard limit, so the server
    /// cannot raise it), and waits until `/healthz` answers.
    fn start(open_files: Option<u32>, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(
            content.join("hello.md"),
            "---\ntitle: Hello there\ndate: 2026-01-01\n---\nHi.\n",
        )
        .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let limit = open_files.map_or(String::new(), |n| format!("ulimit -n {n} && "));
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_dispatches"))
            .arg("--db")
            .arg(dir.path().join("archive.db"))
            .args(["serve", "--no-watch", "--addr"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--content")
            .arg(&content)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            port,
            _dir: dir,
        };
        let ready = Instant::now();
        while healthz(server.port, Duration::from_secs(1)).is_none() {
            assert!(
                ready.elapsed() < Duration::from_secs(30),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Sends SIGTERM; how long the server took to exit, and whether it exited 0.
    fn terminate(&mut self) -> (Duration, bool) {
        let started = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (started.elapsed(), status.success());
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "still running 15 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A new connection; it must be accepted (or queued) within 5 s.
    fn connect(&self) -> std::net::TcpStream {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .expect("a connection within 5 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /healthz` on a new connection: the status line, or `None` on no answer in time.
fn healthz(port: u16, limit: Duration) -> Option<String> {
    use std::io::{Read, Write};
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, limit).ok()?;
    s.set_read_timeout(Some(limit)).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.lines().next().map(str::to_string)
}

#[test]
fn healthz_answers_while_silent_connections_take_every_slot() {
    // 256 descriptors leave the server well under 256 connection slots: 400 silent
    // sockets take them all, and more keep coming while /healthz is asked.
    let server = Server::start(Some(256), &[("DISPATCHES_HEADER_TIMEOUT", "3")]);
    let mut silent: Vec<_> = (0..400).map(|_| server.connect()).collect();
    for round in 0..5 {
        silent.extend((0..50).map(|_| server.connect()));
        let started = Instant::now();
        let status = healthz(server.port, Duration::from_secs(2));
        assert_eq!(
            status.as_deref(),
            Some("HTTP/1.1 200 OK"),
            "round {round}: /healthz with {} silent connections",
            silent.len()
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every silent socket has been closed by the server: evicted for a newer one, or at
    // its deadline.
    let deadline = Instant::now() + Duration::from_secs(3 + 3);
    for (i, s) in silent.iter_mut().enumerate() {
        use std::io::Read;
        let left = deadline.saturating_duration_since(Instant::now());
        s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(0) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            other => panic!("silent connection {i} still open 6 s after the last: {other:?}"),
        }
    }
}

#[test]
fn sigterm_stops_the_server_promptly_with_silent_connections_open() {
    use std::io::{Read, Write};
    // The default timeouts: the silent sockets would be kept 10 s.
    let mut server = Server::start(None, &[]);
    let mut held: Vec<_> = (0..50).map(|_| server.connect()).collect();
    for s in &mut held[..10] {
        s.write_all(PREFACE).unwrap();
    }
    // A keep-alive connection that asked once and now idles.
    let mut idle = server.connect();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(idle.read(&mut buf).unwrap() > 0);
    held.push(idle);
    std::thread::sleep(Duration::from_millis(300));
    let (took, success) = server.terminate();
    assert!(success, "a graceful stop exits 0");
    assert!(
        took < Duration::from_secs(2),
        "stopped {took:?} after SIGTERM"
    );
}
