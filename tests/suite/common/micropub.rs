//! What the Micropub tests share: a publishing site with a token, requests with a
//! peer address, multipart bodies, and the checks every create makes.

use std::net::SocketAddr;

use super::{Page, Site};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use serde_json::Value;

pub const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
pub const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00rest of a tiny jpeg";
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
pub const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";

/// A publishing site with a token of every scope.
pub fn site() -> (Site, String) {
    let site = Site::new().publishing();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n",
    )
    .republish();
    let token = add_token(&site, "all", "create,update,delete,undelete,media");
    (site, token)
}

pub fn add_token(site: &Site, name: &str, scope: &str) -> String {
    let run = site.bin(&["token", "add", name, "--scope", scope]);
    run.success();
    run.stdout.trim().to_string()
}

pub fn req(
    method: &str,
    uri: &str,
    token: Option<&str>,
    ctype: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if !ctype.is_empty() {
        r = r.header("content-type", ctype);
    }
    let mut r = r.body(body.into()).unwrap();
    r.extensions_mut()
        .insert(ConnectInfo("192.0.2.7:1234".parse::<SocketAddr>().unwrap()));
    r
}

pub async fn form(site: &Site, token: &str, body: &str) -> Page {
    site.send(req(
        "POST",
        "/micropub",
        Some(token),
        FORM,
        body.to_string(),
    ))
    .await
}

pub async fn json_post(site: &Site, token: &str, body: Value) -> Page {
    site.send(req(
        "POST",
        "/micropub",
        Some(token),
        "application/json",
        body.to_string(),
    ))
    .await
}

pub async fn query(site: &Site, token: &str, q: &str) -> Page {
    site.send(req(
        "GET",
        &format!("/micropub?{q}"),
        Some(token),
        "",
        Body::empty(),
    ))
    .await
}

pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let b = "XbOuNdArYx";
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend(
            format!("--{b}\r\ncontent-disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    for (k, bytes) in files {
        out.extend(format!("--{b}\r\ncontent-disposition: form-data; name=\"{k}\"; filename=\"x.bin\"\r\ncontent-type: application/octet-stream\r\n\r\n").bytes());
        out.extend_from_slice(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{b}--\r\n").bytes());
    (format!("multipart/form-data; boundary={b}"), out)
}

/// The path of a 201's Location, after checking it answers 200 at once.
pub async fn created(site: &Site, page: &Page) -> String {
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let location = page.header("location").to_string();
    let path = location
        .strip_prefix("http://127.0.0.1:3000")
        .expect("absolute Location")
        .to_string();
    assert_eq!(
        site.get(&path).await.status,
        StatusCode::OK,
        "{path} must answer at once"
    );
    path
}

pub async fn source(site: &Site, token: &str, path: &str) -> Value {
    let url = format!("http://127.0.0.1:3000{path}");
    let page = query(
        site,
        token,
        &format!("q=source&url={}", dispatches::urls::encode(&url)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()
}

pub fn file_of(site: &Site, path: &str) -> String {
    let slug = path.rsplit('/').next().unwrap();
    site.read(&format!("{slug}.md"))
}
