//! Multipart bodies read as they arrive: fields into memory (small), each file streamed
//! to a hidden temporary file in the media folder and counted as it comes, so an upload
//! past `media_max_bytes` is a 413 without ever being held whole. A temporary file is
//! removed on every path that does not end in a published file: a refusal, a failure,
//! and a client that goes away mid-upload (the request's future is dropped, and the
//! guard with it). Hidden, it is never published even if the process is killed.

use std::path::{Path, PathBuf};

use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

use super::{Failure, bad, internal};
use crate::micropub::folder::{MEDIA, UPLOAD_PREFIX};

/// A file being uploaded: removed when dropped unless it was kept.
pub(super) struct Upload {
    path: Option<PathBuf>,
    /// Its first bytes, which say what type it is.
    pub head: Vec<u8>,
}

impl Upload {
    /// Where the file is, until it is kept or dropped.
    pub(super) fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Uploaded files: (property name without `[]`, the file).
pub(super) type Files = Vec<(String, Upload)>;

/// What a multipart body held: its token, its text fields and its files.
pub(super) type Parts = (Option<String>, Vec<(String, String)>, Files);

/// The answer to a body or file over its limit, naming the setting that sets it.
pub(super) fn too_large(limit: u64, setting: &str) -> Failure {
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "invalid_request",
        format!("the upload is larger than this server takes ({limit} bytes, `{setting}`)"),
    )
}

fn malformed(e: axum::extract::multipart::MultipartError, limit: u64) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit, "media_max_bytes");
    }
    bad(format!(
        "the multipart body is malformed: {}",
        e.body_text()
    ))
}

/// Reads a multipart body; files go to temporary files under `content/media`.
pub(super) async fn read_multipart(
    req: Request,
    content: &Path,
    limit: u64,
) -> Result<Parts, Failure> {
    let mut multipart = Multipart::from_request(req, &()).await.map_err(|e| {
        bad(format!(
            "the multipart body cannot be read: {}",
            e.body_text()
        ))
    })?;
    let (mut token, mut pairs, mut files) = (None, Vec::new(), Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| malformed(e, limit))?
    {
        let name = field.name().unwrap_or("").to_string();
        if field.file_name().is_some() {
            let upload = stream_file(field, content, limit).await?;
            files.push((name.trim_end_matches("[]").to_string(), upload));
            continue;
        }
        let bytes = field.bytes().await.map_err(|e| malformed(e, limit))?;
        if name == "access_token" {
            token = Some(String::from_utf8_lossy(&bytes).into_owned());
        } else {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| bad(format!("the part `{name}` is not UTF-8 text")))?;
            pairs.push((name, text));
        }
    }
    Ok((token, pairs, files))
}

/// One file part to a temporary file, counted as it arrives.
async fn stream_file(mut field: Field<'_>, content: &Path, limit: u64) -> Result<Upload, Failure> {
    let dir = content.join(MEDIA);
    tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
    let name = format!(
        "{UPLOAD_PREFIX}{}.tmp",
        crate::micropub::folder::random_name().map_err(internal)?
    );
    let path = dir.join(name);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .map_err(internal)?;
    let mut upload = Upload {
        path: Some(path),
        head: Vec::new(),
    };
    let mut len: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(|e| malformed(e, limit))? {
        len += chunk.len() as u64;
        if len > limit {
            return Err(too_large(limit, "media_max_bytes"));
        }
        if upload.head.len() < 16 {
            let take = (16 - upload.head.len()).min(chunk.len());
            upload.head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(internal)?;
    }
    file.sync_all().await.map_err(internal)?;
    Ok(upload)
}
