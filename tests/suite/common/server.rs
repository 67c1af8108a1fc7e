//! The real binary serving a site on a free port, and the one HTTP client the tests use
//! to talk to it.

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::{Page, Site};

/// How long the server may take to publish its content and start listening.
const START: Duration = Duration::from_secs(60);
/// How long a request, or a graceful stop, may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// `dispatches serve` running; killed (by its process id) when dropped.
pub struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `dispatches --db ARCHIVE serve --no-watch --addr 127.0.0.1:0 --content …`
    /// and waits until it says where it listens.
    pub(super) fn start(site: &Site, archive: &Path) -> Server {
        let server = Server::listening(site, archive);
        server.wait_until_published();
        server
    }

    /// The server as soon as it listens, its first publish perhaps still running.
    pub(super) fn listening(site: &Site, archive: &Path) -> Server {
        Server::listening_with(site, archive, &[])
    }

    /// The same, with `extra` options after `serve`.
    pub(super) fn listening_with(site: &Site, archive: &Path, extra: &[&str]) -> Server {
        let mut command = site.binary();
        command
            .env("DISPATCHES_LOG", "info")
            .arg("--db")
            .arg(archive)
            .args(["serve", "--no-watch", "--addr", "127.0.0.1:0", "--content"])
            .arg(site.content())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        // Reads the log to its end, so the server never blocks on a full pipe.
        std::thread::spawn({
            let log = log.clone();
            move || {
                for line in std::io::BufReader::new(stderr)
                    .lines()
                    .map_while(Result::ok)
                {
                    if let Some(addr) = line.split("serving on http://").nth(1) {
                        let _ = tx.send(addr.trim().to_string());
                    }
                    log.lock().unwrap().push(line);
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        match rx.recv_timeout(START) {
            Ok(addr) => server.addr = addr,
            Err(_) => panic!(
                "the server did not say where it listens within {START:?}: {:?}\n{}",
                server.child.try_wait(),
                server.log()
            ),
        }
        server
    }

    /// The server listens before its first publish ends; tests that read pages want the
    /// content in, which `/healthz` tells.
    pub fn wait_until_published(&self) {
        let started = std::time::Instant::now();
        while self.get("/healthz").body.contains("publishing") {
            assert!(
                started.elapsed() < START,
                "the first publish did not end within {START:?}\n{}",
                self.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// `HOST:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// One HTTP/1.1 GET over a fresh connection.
    pub fn get(&self, path: &str) -> Page {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s.set_write_timeout(Some(PATIENCE)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        parse(&raw).unwrap_or_else(|| {
            panic!(
                "GET {path}: not an HTTP response: {}",
                String::from_utf8_lossy(&raw)
            )
        })
    }

    /// One HTTP/1.1 request with `method`, extra headers and a body, over a fresh
    /// connection.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Page {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s.set_write_timeout(Some(PATIENCE)).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        parse(&raw).unwrap_or_else(|| panic!("{method} {path}: not an HTTP response"))
    }

    /// Asks the server to stop (SIGTERM) and waits for it to exit.
    pub fn stop(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let asked = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                asked.elapsed() < PATIENCE,
                "the server did not stop within {PATIENCE:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Status line, headers and body of a whole response (a chunked body is joined).
fn parse(raw: &[u8]) -> Option<Page> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Page::new(StatusCode::from_u16(status).ok()?, headers, body))
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}
