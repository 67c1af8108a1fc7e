//! Micropub over HTTP: `GET /micropub?q=…` queries, `POST /micropub` creates, updates,
//! deletes and undeletes (form, JSON or multipart bodies), `POST /micropub/media`
//! uploads. Errors are the spec's JSON (`invalid_request`, `unauthorized`, `forbidden`,
//! `insufficient_scope`); nothing here is cached. The requests themselves are parsed in
//! `crate::micropub`, and the content folder is changed there too.

mod auth;
mod media;
mod upload;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) use auth::Guard;

use super::AppState;
use crate::micropub::folder::{Folder, FolderError};
use crate::micropub::{self as mp, Props, Request as MpRequest};
use crate::urls;

/// A Micropub answer that is not a success: status, error code, description, and for a
/// 429 the seconds until it is worth asking again.
struct Failure(StatusCode, &'static str, String, Option<u64>);

impl Failure {
    fn new(status: StatusCode, code: &'static str, description: String) -> Failure {
        Failure(status, code, description, None)
    }
}

/// A 429: a token refused too often, with when to try again.
fn too_many(wait: std::time::Duration) -> Failure {
    let secs = wait.as_secs() + 1;
    Failure(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        format!(
            "this token was refused too many times and is not checked again for {secs} s; \
             check the token your client sends (a revoked or mistyped one?)"
        ),
        Some(secs),
    )
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.1, "error_description": self.2 });
        if self.1 == "insufficient_scope"
            && let Some(scope) = self.2.split('`').nth(1)
        {
            body["scope"] = json!(scope);
        }
        let mut resp = (self.0, no_store(), axum::Json(body)).into_response();
        if let Some(secs) = self.3 {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.0 == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

fn bad(message: impl Into<String>) -> Failure {
    Failure::new(StatusCode::BAD_REQUEST, "invalid_request", message.into())
}

fn internal(e: impl std::fmt::Display) -> Failure {
    tracing::error!("micropub: {e}");
    Failure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "the server failed; see its log".into(),
    )
}

fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

type Answer = Result<Response, Failure>;

/// The folder posts are written to, or a 503 that says why there is none.
fn folder(state: &AppState) -> Result<Arc<Folder>, Failure> {
    state.micropub.clone().ok_or_else(|| {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "this server has no content folder to write posts into (it was started without one, \
             or serves a read-only replica); start `dispatches serve --content DIR` with a folder"
                .into(),
        )
    })
}

fn bearer(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .map_err(|_| bad("the Authorization header is not text"))?;
    match v.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(bad("use `Authorization: Bearer TOKEN`")),
    }
}

/// Checks the token for `scope` (`None`: any valid token).
async fn authorize(
    state: &AppState,
    header_token: Option<String>,
    body_token: Option<String>,
    scope: Option<&[&str]>,
) -> Result<auth::Granted, Failure> {
    let token = match (header_token, body_token) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "send the token in the Authorization header or in the body, not both",
            ));
        }
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => {
            return Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "no access token: send `Authorization: Bearer TOKEN`".into(),
            ));
        }
    };
    let key = crate::tokens::hash(&token);
    if let Some(wait) = state.guard.blocked(&key) {
        return Err(too_many(wait));
    }
    let pool = state.pool.clone();
    let granted = tokio::task::spawn_blocking(move || auth::check(&pool, &token))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    let Some(granted) = granted else {
        state.guard.failed(&key);
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token is not valid (revoked, or never issued here)".into(),
        ));
    };
    if let Some(needed) = scope
        && !needed.iter().any(|s| granted.may(s))
    {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "insufficient_scope",
            format!("this token lacks the scope `{}`", needed[0]),
        ));
    }
    if let Some(f) = &state.micropub
        && state.guard.should_touch(&granted.name)
    {
        crate::db::tokens::touch_through(&f.writer, granted.name.clone(), super::pages::now());
    }
    Ok(granted)
}

/// `GET /micropub?q=config|source|syndicate-to`.
pub(super) async fn query(State(state): State<AppState>, req: Request) -> Response {
    answer(query_inner(state, req).await)
}

async fn query_inner(state: AppState, req: Request) -> Answer {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    if pairs.iter().any(|(k, _)| k == "access_token") {
        return Err(bad(
            "a token in the URL ends up in logs and histories; send `Authorization: Bearer TOKEN`",
        ));
    }
    let granted = authorize(&state, bearer(req.headers())?, None, None).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let body = match get("q").as_deref() {
        Some("config") => json!({
            "media-endpoint": format!("{}{}", state.config.base_url, urls::MICROPUB_MEDIA),
            "syndicate-to": [],
            "q": ["config", "source", "syndicate-to"],
        }),
        Some("syndicate-to") => json!({ "syndicate-to": [] }),
        Some("source") => {
            // A post's source (a draft's included) is for those who may write posts.
            if !granted.may("create") && !granted.may("update") {
                return Err(Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "insufficient_scope",
                    "this token lacks the scope `update` (or `create`) that reading a post's \
                     source needs"
                        .into(),
                ));
            }
            let url = get("url").ok_or_else(|| bad("`q=source` needs the `url` of a post"))?;
            let wanted: Vec<String> = pairs
                .iter()
                .filter(|(k, _)| k == "properties" || k == "properties[]")
                .map(|(_, v)| v.clone())
                .collect();
            let folder = folder(&state)?;
            let props = tokio::task::spawn_blocking(move || folder.source(&url))
                .await
                .map_err(internal)?
                .map_err(folder_failure)?;
            if wanted.is_empty() {
                json!({ "type": ["h-entry"], "properties": props })
            } else {
                let some: Props = props
                    .into_iter()
                    .filter(|(k, _)| wanted.contains(k))
                    .collect();
                json!({ "properties": some })
            }
        }
        Some(q) => {
            return Err(bad(format!(
                "unknown query `q={q}`; ask config, source or syndicate-to"
            )));
        }
        None => {
            return Err(bad(
                "a GET needs `q=config`, `q=source` or `q=syndicate-to`",
            ));
        }
    };
    Ok((StatusCode::OK, no_store(), axum::Json(body)).into_response())
}

fn answer(a: Answer) -> Response {
    a.unwrap_or_else(IntoResponse::into_response)
}

fn folder_failure(e: FolderError) -> Failure {
    match e {
        FolderError::Invalid(m) => bad(m),
        FolderError::Internal(e) => internal(crate::error::chain(e.as_ref())),
    }
}

/// `POST /micropub`.
pub(super) async fn post(State(state): State<AppState>, req: Request) -> Response {
    answer(post_inner(state, req).await)
}

async fn post_inner(state: AppState, req: Request) -> Answer {
    let header_token = bearer(req.headers())?;
    let kind = content_type(req.headers());
    let (body_token, request) = match kind.as_str() {
        "application/json" => {
            let bytes = read_body(req, state.config.max_file_bytes).await?;
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| bad(format!("the body is not valid JSON: {e}")))?;
            (None, mp::from_json(value).map_err(|e| bad(e.0))?)
        }
        "application/x-www-form-urlencoded" => {
            let bytes = read_body(req, state.config.max_file_bytes).await?;
            let mut pairs: Vec<(String, String)> =
                form_urlencoded::parse(&bytes).into_owned().collect();
            let token = take_token(&mut pairs);
            (token, mp::from_form(pairs).map_err(|e| bad(e.0))?)
        }
        "multipart/form-data" => {
            let folder = folder(&state)?;
            let limit = state.config.media_max_bytes;
            let (token, pairs, files) = upload::read_multipart(req, &folder.content, limit).await?;
            let granted = authorize(&state, header_token, token, Some(&["create"])).await?;
            let mut request = mp::from_form(pairs).map_err(|e| bad(e.0))?;
            if let MpRequest::Create(props) = &mut request {
                let urls = save_files(&folder, files).await?;
                for (prop, url) in urls {
                    let list = props.entry(prop).or_insert_with(|| json!([]));
                    if let Value::Array(list) = list {
                        list.push(json!(url));
                    }
                }
            }
            return carry_out(&state, folder, &granted, request).await;
        }
        other => {
            return Err(bad(format!(
                "send the post as application/x-www-form-urlencoded, application/json or multipart/form-data, not {other:?}"
            )));
        }
    };
    let scope = request.scope();
    let granted = authorize(&state, header_token, body_token, Some(&[scope])).await?;
    let folder = folder(&state)?;
    carry_out(&state, folder, &granted, request).await
}

async fn carry_out(
    state: &AppState,
    folder: Arc<Folder>,
    granted: &auth::Granted,
    request: MpRequest,
) -> Answer {
    if !granted.may(request.scope()) {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "insufficient_scope",
            format!("this token lacks the scope `{}`", request.scope()),
        ));
    }
    let created = matches!(request, MpRequest::Create(_));
    let slug = tokio::task::spawn_blocking(move || folder.apply(request))
        .await
        .map_err(internal)?
        .map_err(folder_failure)?;
    if created {
        let location = format!("{}{}", state.config.base_url, urls::article(&slug));
        return Ok((
            StatusCode::CREATED,
            no_store(),
            [(header::LOCATION, location)],
        )
            .into_response());
    }
    Ok((StatusCode::NO_CONTENT, no_store()).into_response())
}

/// `POST /micropub/media`: one multipart `file`; 201 with its URL.
pub(super) async fn media(State(state): State<AppState>, req: Request) -> Response {
    answer(media_inner(state, req).await)
}

async fn media_inner(state: AppState, req: Request) -> Answer {
    let header_token = bearer(req.headers())?;
    if content_type(req.headers()) != "multipart/form-data" {
        return Err(bad(
            "upload the file as multipart/form-data, in a part named `file`",
        ));
    }
    let folder = folder(&state)?;
    let limit = state.config.media_max_bytes;
    let (token, _, mut files) = upload::read_multipart(req, &folder.content, limit).await?;
    // Uploading is its own scope: a token made to post text cannot fill the disk.
    authorize(&state, header_token, token, Some(&["media"])).await?;
    files.retain(|(name, _)| name == "file");
    if files.len() != 1 {
        return Err(bad("send exactly one file, in a part named `file`"));
    }
    let mut saved = save_files(&folder, files).await?;
    let (_, path) = saved.remove(0);
    let location = format!("{}{path}", state.config.base_url);
    Ok((
        StatusCode::CREATED,
        no_store(),
        [(header::LOCATION, location)],
    )
        .into_response())
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn take_token(pairs: &mut Vec<(String, String)>) -> Option<String> {
    let i = pairs.iter().position(|(k, _)| k == "access_token")?;
    Some(pairs.remove(i).1)
}

async fn read_body(req: Request, limit: u64) -> Result<Bytes, Failure> {
    axum::body::to_bytes(req.into_body(), limit as usize)
        .await
        .map_err(|_| upload::too_large(limit, "max_file_bytes"))
}

/// Stores each uploaded file after sniffing its type; (property, path on the site).
async fn save_files(
    folder: &Arc<Folder>,
    files: upload::Files,
) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::new();
    for (prop, file) in files {
        let Some(ext) = media::sniff(&file.head) else {
            return Err(bad(format!(
                "the file in `{prop}` is not a JPEG, PNG, GIF or WebP image"
            )));
        };
        let folder = folder.clone();
        let path = tokio::task::spawn_blocking(move || folder.save_media(file.path(), ext))
            .await
            .map_err(internal)?
            .map_err(folder_failure)?;
        out.push((prop, path));
    }
    Ok(out)
}

/// The `Link` header that lets clients find the endpoint from the home page.
pub(super) fn link_header(base_url: &str) -> String {
    format!("<{base_url}{}>; rel=\"micropub\"", urls::MICROPUB)
}

/// The largest body the Micropub routes read: an upload and its form fields.
pub(super) fn body_limit(config: &crate::config::Config) -> usize {
    (config.media_max_bytes as usize).saturating_add(64 * 1024)
}
