//! `dispatches healthcheck`: exit 0 when a running server's `/healthz` answers, for
//! container health checks.

use std::process::ExitCode;

use anyhow::Context as _;

/// `dispatches healthcheck`: asks the server's `/healthz` over plain HTTP (slim images
/// have no curl). Exit 0 when it answers 200 within three seconds.
pub(super) fn run(addr: &str) -> anyhow::Result<ExitCode> {
    use std::io::{Read as _, Write as _};
    use std::net::{TcpStream, ToSocketAddrs};
    let timeout = std::time::Duration::from_secs(3);
    let target = addr
        .to_socket_addrs()
        .with_context(|| format!("--addr {addr:?}"))?
        .next()
        .ok_or_else(|| anyhow::anyhow!("--addr {addr:?} names no address"))?;
    // A server bound to every interface answers on loopback.
    let target = if target.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), target.port())
    } else {
        target
    };
    let mut stream = TcpStream::connect_timeout(&target, timeout)
        .with_context(|| format!("connecting to {target}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut answer = String::new();
    stream.take(4096).read_to_string(&mut answer)?;
    let status = answer.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) == Some("200") {
        println!("{}", answer.lines().last().unwrap_or("ok"));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("unhealthy: {status}");
        Ok(ExitCode::from(1))
    }
}
