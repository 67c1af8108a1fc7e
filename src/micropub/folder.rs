//! The content folder as Micropub changes it. Every change is a file first (written
//! beside its place, then moved in, so a reader of the folder never sees half a file),
//! then a publish of that file through the server's single writer, so a post is live
//! when the request is answered. A file left by a crash between the two is published
//! by the next start, like any other file of the folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::deleted;
use super::file::{self, apply_update};
use super::{Props, Request};
use crate::config::Config;
use crate::db::{self, ReadPool, Writer};
use crate::publish::{self, Options};
use crate::urls;
use crate::watch::{self, Problems};

/// Uploaded files go here, inside the content folder.
pub(crate) const MEDIA: &str = "media";
/// How an upload's temporary file in `MEDIA` is named: hidden, so never published.
pub(crate) const UPLOAD_PREFIX: &str = ".upload-";
/// The longest slug made from a title.
const SLUG_CHARS: usize = 60;

/// Why a change was refused.
#[derive(Debug)]
pub enum FolderError {
    /// The client's fault (`invalid_request`), in a sentence.
    Invalid(String),
    /// Ours: the folder or the archive failed, with its causes; logged, not shown.
    Internal(crate::error::Cause),
}

impl FolderError {
    /// A failure of ours that has no error value of its own, said in words.
    fn internal(message: &str) -> FolderError {
        FolderError::Internal(message.into())
    }
}

impl From<std::io::Error> for FolderError {
    fn from(e: std::io::Error) -> Self {
        FolderError::Internal(Box::new(e))
    }
}

impl From<db::DbError> for FolderError {
    fn from(e: db::DbError) -> Self {
        FolderError::Internal(Box::new(e))
    }
}

impl From<rusqlite::Error> for FolderError {
    fn from(e: rusqlite::Error) -> Self {
        FolderError::Internal(Box::new(e))
    }
}

type Result<T> = std::result::Result<T, FolderError>;

/// The content folder, the server's writer and what publishing needs.
pub struct Folder {
    pub content: PathBuf,
    pub config: Arc<Config>,
    pub writer: Writer,
    pub db: PathBuf,
    pub problems: Arc<Problems>,
    pub pool: ReadPool,
    /// Updates, deletes and undeletes read a file and write it back: one at a time.
    edits: Mutex<()>,
}

impl Folder {
    pub fn new(
        content: PathBuf,
        config: Arc<Config>,
        writer: Writer,
        db: PathBuf,
        problems: Arc<Problems>,
        pool: ReadPool,
    ) -> Folder {
        remove_unfinished_uploads(&content.join(MEDIA));
        Folder {
            content,
            config,
            writer,
            db,
            problems,
            pool,
            edits: Mutex::new(()),
        }
    }

    /// Carries out `req`; the slug of the post it concerns.
    pub fn apply(&self, req: Request) -> Result<String> {
        match req {
            Request::Create(props) => self.create(&props),
            Request::Update {
                url,
                replace,
                add,
                remove_values,
                remove,
            } => {
                let _one = self.edits.lock().unwrap_or_else(|e| e.into_inner());
                let (rel, mut props, keep) = self.read_post(&url)?;
                apply_update(&mut props, &replace, &add, &remove_values, &remove);
                let text = file::to_markdown(&props, &keep, &now())
                    .map_err(|e| FolderError::Invalid(e.0))?;
                let path = self.content.join(&rel);
                let old = std::fs::read(&path)?;
                write_beside(&path, text.as_bytes(), true)?;
                if let Err(e) = self.publish_file(&path) {
                    // The file is the source of truth: put back what was live.
                    write_beside(&path, &old, true)?;
                    return Err(e);
                }
                Ok(self.slug_of(&url)?)
            }
            Request::Delete(url) => self.delete(&url),
            Request::Undelete(url) => self.undelete(&url),
        }
    }

    fn create(&self, props: &Props) -> Result<String> {
        let keep_none = serde_json::Map::new();
        let base = file::text(props, "mp-slug")
            .or_else(|| file::text(props, "name"))
            .map(|s| slug_from_title(&s))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("note-{}", OffsetDateTime::now_utc().unix_timestamp()));
        for n in 1..=1000 {
            let slug = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if db::micropub::slug_in_use(&*self.pool.get()?, &slug)? {
                continue;
            }
            let mut keep = keep_none.clone();
            keep.insert("slug".into(), serde_json::json!(slug));
            let text =
                file::to_markdown(props, &keep, &now()).map_err(|e| FolderError::Invalid(e.0))?;
            let path = self.content.join(format!("{slug}.md"));
            match write_beside(&path, text.as_bytes(), false) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e.into()),
            }
            if let Err(e) = self.publish_file(&path) {
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
            return Ok(slug);
        }
        Err(FolderError::Invalid(format!(
            "every slug like `{base}` is taken; send another `mp-slug`"
        )))
    }

    fn delete(&self, url: &str) -> Result<String> {
        let _one = self.edits.lock().unwrap_or_else(|e| e.into_inner());
        let slug = self.slug_of(url)?;
        let rel = self.source_of(&slug)?;
        let alone = match rel.strip_suffix("/index.md") {
            Some(dir) => !db::micropub::others_under(&*self.pool.get()?, dir, &rel)?,
            None => false,
        };
        deleted::put_away(&self.content, deleted::moved_part(&rel, alone), &slug)?;
        watch::publish_folder(
            &self.content,
            &self.config,
            &self.writer,
            &self.db,
            &self.problems,
            None,
        )?;
        Ok(slug)
    }

    fn undelete(&self, url: &str) -> Result<String> {
        let _one = self.edits.lock().unwrap_or_else(|e| e.into_inner());
        let slug = self.slug_of(url)?;
        let Some(part) = deleted::find(&self.content, &slug) else {
            return Err(FolderError::Invalid(format!(
                "no deleted post answers at {url}"
            )));
        };
        if self.content.join(&part).exists() {
            return Err(FolderError::Invalid(format!(
                "{part} exists again; edit that file instead"
            )));
        }
        let back = deleted::take_back(&self.content, &part)?;
        self.publish_file(&back)?;
        Ok(slug)
    }

    /// The properties of the post at `url`, read from its file.
    pub fn source(&self, url: &str) -> Result<Props> {
        Ok(self.read_post(url)?.1)
    }

    /// Stores an uploaded file (`upload`, a temporary file in the media folder, which
    /// the caller removes) as `media/<name>` and publishes it; its path on the site. A
    /// refusal of another file in the folder is that file's, not this upload's.
    pub fn save_media(&self, upload: &Path, extension: &str) -> Result<String> {
        let dir = self.content.join(MEDIA);
        std::fs::create_dir_all(&dir)?;
        for _ in 0..10 {
            let name = format!("{}.{extension}", random_name()?);
            let path = dir.join(&name);
            // A hard link never replaces: the no-clobber rename.
            match std::fs::hard_link(upload, &path) {
                Ok(()) => {
                    if let Err(e) = self.publish_media(&dir, &name) {
                        let _ = std::fs::remove_file(&path);
                        return Err(e);
                    }
                    return Ok(urls::file(&format!("{MEDIA}/{name}")));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(FolderError::internal("no free media name after 10 tries"))
    }

    /// Publishes the media folder (files other than Markdown publish with the folder
    /// that holds them); an error only if the file `name` in it was refused.
    fn publish_media(&self, dir: &Path, name: &str) -> Result<()> {
        let report = self.publish(dir)?;
        let ours = |p: &str| p.rsplit(['/', '\\']).next() == Some(name);
        if let Some(f) = report.failed.iter().find(|f| ours(&f.path)) {
            return Err(FolderError::Invalid(f.to_string()));
        }
        if let Some((_, why)) = report.skipped.iter().find(|(p, _)| ours(p)) {
            return Err(FolderError::Invalid(why.clone()));
        }
        Ok(())
    }

    /// Publishes a file or folder of the content folder through the server's writer.
    fn publish(&self, input: &Path) -> Result<publish::Report> {
        Ok(publish::publish(
            &[input.display().to_string()],
            &self.content,
            &self.config,
            Some(&self.writer),
            &self.db,
            &Options::default(),
        )?)
    }

    fn read_post(
        &self,
        url: &str,
    ) -> Result<(String, Props, serde_json::Map<String, serde_json::Value>)> {
        let slug = self.slug_of(url)?;
        let rel = self.source_of(&slug)?;
        let text = std::fs::read_to_string(self.content.join(&rel)).map_err(|e| {
            FolderError::Invalid(format!(
                "the file of {url} cannot be read ({e}); was it moved?"
            ))
        })?;
        let (props, keep) = file::from_markdown(&text).map_err(FolderError::Invalid)?;
        Ok((rel, props, keep))
    }

    fn slug_of(&self, url: &str) -> Result<String> {
        let path = url
            .strip_prefix(self.config.base_url.as_str())
            .unwrap_or(url);
        urls::article_slug(path).ok_or_else(|| {
            FolderError::Invalid(format!("{url} is not the URL of a post on this site"))
        })
    }

    fn source_of(&self, slug: &str) -> Result<String> {
        db::micropub::source_of(&*self.pool.get()?, slug)?
            .ok_or_else(|| FolderError::Invalid(format!("there is no post {slug:?}")))
    }

    fn publish_file(&self, path: &Path) -> Result<()> {
        match self.publish(path)?.failed.first() {
            Some(f) => Err(FolderError::Invalid(f.to_string())),
            None => Ok(()),
        }
    }
}

/// Removes the temporary files of uploads that a killed process never finished (see
/// `web::micropub::upload`): hidden, they were never published, and no one will finish
/// them now.
fn remove_unfinished_uploads(media: &Path) {
    let Ok(dir) = std::fs::read_dir(media) else {
        return;
    };
    for entry in dir.filter_map(std::result::Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(UPLOAD_PREFIX) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to a hidden file beside `path`, flushes it, then moves it into place:
/// over an existing file when `replace`, else only if `path` is free (`AlreadyExists`).
pub(super) fn write_beside(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", random_name()?));
    let mut f = std::fs::File::create_new(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    let placed = if replace {
        std::fs::rename(&tmp, path)
    } else {
        // A hard link never replaces: the no-clobber rename.
        std::fs::hard_link(&tmp, path)
    };
    let _ = std::fs::remove_file(&tmp).or_else(|e| if replace { Ok(()) } else { Err(e) });
    placed
}

pub(crate) fn random_name() -> std::io::Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| std::io::Error::other(format!("random source: {e}")))?;
    Ok(crate::hex::encode(&bytes))
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// A URL name from a title (`content::slugify`), cut to `SLUG_CHARS` characters.
pub(crate) fn slug_from_title(s: &str) -> String {
    let slug = crate::content::slugify(s);
    match slug.char_indices().nth(SLUG_CHARS) {
        Some((end, _)) => slug[..end].trim_end_matches('-').to_string(),
        None => slug,
    }
}
