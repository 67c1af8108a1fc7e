//! The site every test starts from: a temp folder with `content/` and an archive at
//! `data/archive.db`, driven in process (`publish`, the router through `oneshot`), through
//! the real binary (`bin`), or as a real server on a free port (`serve`).
//!
//! ```ignore
//! let site = Site::new();
//! site.file("a.md", "---\ntitle: A\n---\nText.\n").publish();
//! assert_eq!(site.get("/dispatches/a").await.status, StatusCode::OK);
//! ```
//!
//! Everything the tests reach past the crate's stable API goes through [`db`].
#![allow(dead_code)]

pub mod db;
pub mod html;
pub mod micropub;
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use dispatches::config::Config;
use dispatches::db::Writer;
use dispatches::publish::{self, Options, Report};
use dispatches::watch::{ContentWatcher, Problems};
use dispatches::web::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub use server::Server;

/// A title and tag that try to break out of every context they are shown in.
pub const HOSTILE: &str = "</title><script>alert(1)</script>";

/// A content folder, an archive, and (once asked for) the server state over it.
pub struct Site {
    dir: tempfile::TempDir,
    /// The content folder: `content/` in the temp dir, or a corpus to read only.
    content: PathBuf,
    config: Config,
    state: OnceLock<AppState>,
    /// Whether the state publishes (Micropub) through a writer of its own.
    publishing: bool,
}

impl Default for Site {
    fn default() -> Site {
        Site::new()
    }
}

impl Site {
    /// An empty site: `content/` with nothing in it, and no archive yet.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        Site {
            dir,
            content,
            config: Config::default(),
            state: OnceLock::new(),
            publishing: false,
        }
    }

    /// A site whose content is a folder elsewhere, published but never written to.
    pub fn reading(content: impl Into<PathBuf>) -> Site {
        let content = content.into();
        assert!(content.is_dir(), "no content folder {}", content.display());
        Site {
            dir: tempfile::tempdir().unwrap(),
            content,
            config: Config::default(),
            state: OnceLock::new(),
            publishing: false,
        }
    }

    /// The repository's own sample site (`content/`).
    pub fn sample() -> Site {
        Site::reading(Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
    }

    /// One of the real blogs in `../shared/corpora`; tests using it are
    /// `#[ignore = "needs ../shared/corpora"]`.
    pub fn corpus(name: &str) -> Site {
        let content = corpora().join(name).join("content");
        assert!(
            content.is_dir(),
            "the shared corpora must sit beside the repository: {}",
            content.display()
        );
        Site::reading(content)
    }

    /// The fixture site the router tests share, published: a stream, an author, two
    /// articles about SQLite (`wal`, with an alias, sources, a table and code; `older`),
    /// one whose title, tag and dek are [`HOSTILE`], a draft, a scheduled post and a
    /// redirect stub (`moved` → `/blog/wal`).
    pub fn fixture() -> Site {
        let site = Site::new();
        site.file(
            "streams/technical.md",
            "---\nname: Technical Dispatch\ndescription: Code.\n---\n",
        )
        .file(
            "authors/vera.md",
            "---\nname: Vera\nbio: Writes about databases.\n---\nLong bio.\n",
        )
        .file(
            "wal.md",
            "---\ntitle: WAL explained\ndate: 2026-05-12\nstream: technical\ntags: [sqlite, wal]\nauthor: vera\ndek: Why readers never wait\naliases: [/2019/old-wal.html]\nsources: [{ title: SQLite docs, url: \"https://sqlite.org/wal.html\" }]\n---\nThe write-ahead log lets readers continue.\n\n| Mode | Readers |\n|:--|--:|\n| WAL | many |\n\n```rust\nfn main() {}\n```\n",
        )
        .file(
            "older.md",
            "---\ntitle: An older piece\ndate: 2026-01-02\nstream: technical\ntags: [sqlite]\nauthor: vera\n---\nOlder text about checkpoints.\n",
        )
        .file(
            "hostile.md",
            format!(
                "---\ntitle: \"{HOSTILE}\"\ndate: 2026-02-01\ntags: [\"{HOSTILE}\"]\ndek: \"{HOSTILE}\"\n---\nBody <script>alert(2)</script> text.\n"
            ),
        )
        .file(
            "draft.md",
            "---\ntitle: Secret draft title\ndraft: true\ndate: 2026-01-01\ntags: [sqlite]\n---\nDraft body words.\n",
        )
        .file(
            "future.md",
            "---\ntitle: Scheduled for later\ndate: 2099-01-01\nstream: technical\ntags: [sqlite]\n---\nFuture body words.\n",
        )
        .file("moved.md", "---\nredirect: /blog/wal\n---\n");
        site.republish();
        site
    }

    /// Changes the settings publishes and the server state use (before either runs).
    pub fn with_config(mut self, edit: impl FnOnce(&mut Config)) -> Site {
        assert!(
            self.state.get().is_none(),
            "configure the site before serving it"
        );
        edit(&mut self.config);
        self
    }

    /// A site whose server state writes and publishes Micropub posts into its content
    /// folder through a writer of its own, as `dispatches serve` does.
    pub fn publishing(mut self) -> Site {
        self.publishing = true;
        self
    }

    // -----------------------------------------------------------------------------------
    // Files

    /// The temp folder holding the site (the binary runs in it).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn content(&self) -> &Path {
        &self.content
    }

    /// A path inside the content folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.content.join(rel)
    }

    /// The archive: `data/archive.db`, which need not exist yet.
    pub fn archive(&self) -> PathBuf {
        self.root().join("data/archive.db")
    }

    fn writable(&self, rel: &str) -> PathBuf {
        assert!(
            self.content.starts_with(self.root()),
            "{rel}: this site's content is not ours to change"
        );
        self.path(rel)
    }

    /// Writes a file in the content folder (creating its folders), as an editor would.
    pub fn file(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let p = self.writable(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Site {
        std::fs::remove_file(self.writable(rel)).unwrap();
        self
    }

    pub fn rename(&self, from: &str, to: &str) -> &Site {
        std::fs::rename(self.writable(from), self.writable(to)).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    // -----------------------------------------------------------------------------------
    // Publishing in process

    /// Publishes the content folder into the archive, as `dispatches publish` does.
    pub fn publish(&self) -> Report {
        self.publish_with(Options::default())
    }

    pub fn publish_with(&self, options: Options) -> Report {
        publish::publish(
            &[self.content.display().to_string()],
            &self.content,
            &self.config,
            None,
            &self.archive(),
            &options,
        )
        .unwrap()
    }

    /// Publishes the folder again, pruning what is gone, and expects no failure: what
    /// another process (or the server at start) does.
    pub fn republish(&self) -> Report {
        let report = self.publish_with(Options {
            prune: true,
            ..Options::default()
        });
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        report
    }

    /// Watches the content folder as `dispatches serve` does, publishing through a writer
    /// of its own until the returned guard is dropped.
    pub fn watch(&self) -> Watching {
        let writer = Writer::start(&self.archive()).unwrap();
        let problems = Arc::new(Problems::default());
        let watcher = ContentWatcher::start(
            &self.content,
            Arc::new(self.config.clone()),
            writer.clone(),
            self.archive(),
            problems.clone(),
        )
        .unwrap();
        Watching {
            watcher: Some(watcher),
            writer: Some(writer),
            problems,
        }
    }

    // -----------------------------------------------------------------------------------
    // Reading the archive

    /// A read-only connection to the archive.
    pub fn conn(&self) -> rusqlite::Connection {
        dispatches::db::open_read_only(&self.archive()).unwrap()
    }

    /// The one value `sql` selects.
    pub fn one<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        self.conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    // -----------------------------------------------------------------------------------
    // The real binary

    /// `dispatches --db ARCHIVE ARGS…`, run in the site's folder, to its end.
    pub fn bin(&self, args: &[&str]) -> Run {
        let out = self.command().args(args).output().unwrap();
        Run {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `dispatches --db ARCHIVE publish EXTRA… --content CONTENT CONTENT`, as a user runs it.
    pub fn bin_publish(&self, extra: &[&str]) -> Run {
        let content = self.content.to_str().unwrap();
        let mut args = vec!["publish"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--content", content, content]);
        self.bin(&args)
    }

    /// The binary with `--db` set to the archive, run as [`Site::binary`].
    pub fn command(&self) -> Command {
        let mut command = self.binary();
        command.arg("--db").arg(self.archive());
        command
    }

    /// The binary, in the site's folder (so no settings file but the site's own), with
    /// none of the caller's `DISPATCHES_*` settings.
    pub fn binary(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dispatches"));
        command.current_dir(self.root());
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("DISPATCHES_") {
                command.env_remove(key);
            }
        }
        command
    }

    /// `dispatches serve --no-watch` on a free port of 127.0.0.1, once its first publish of
    /// the content folder has ended; stopped when the returned server is dropped.
    pub fn serve(&self) -> Server {
        self.serve_archive(&self.archive())
    }

    /// `serve` as [`Site::serve`] does, with `extra` options (`--dev`), once published.
    pub fn serve_with(&self, extra: &[&str]) -> Server {
        let server = Server::listening_with(self, &self.archive(), extra);
        server.wait_until_published();
        server
    }

    /// The same, as soon as it listens: its first publish may still be running.
    pub fn serve_listening(&self) -> Server {
        Server::listening(self, &self.archive())
    }

    /// The same, with the archive reached through another path (a symlink, say).
    pub fn serve_archive(&self, archive: &Path) -> Server {
        Server::start(self, archive)
    }

    // -----------------------------------------------------------------------------------
    // The router, in process

    /// The server state over the archive, made on first use and kept.
    pub fn state(&self) -> AppState {
        self.state
            .get_or_init(|| {
                if self.publishing {
                    let writer = Writer::start(&self.archive()).unwrap();
                    AppState::publishing(
                        &self.archive(),
                        self.config.clone(),
                        writer,
                        &self.content,
                    )
                    .unwrap()
                } else {
                    AppState::new(&self.archive(), self.config.clone()).unwrap()
                }
            })
            .clone()
    }

    /// A router over a state of its own that only reads the archive: nothing kept in
    /// memory, as after a restart or on a replica.
    pub fn restarted(&self) -> Router {
        app(AppState::new(&self.archive(), self.config.clone()).unwrap())
    }

    /// The whole site as a router.
    pub fn router(&self) -> Router {
        app(self.state())
    }

    /// Sends `req` through the whole router.
    pub async fn send(&self, req: Request<Body>) -> Page {
        let resp = self.router().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Page::new(status, headers, bytes)
    }

    pub async fn get(&self, uri: &str) -> Page {
        self.get_with(uri, &[]).await
    }

    /// Every published entry's page (dispatches, pages, projects; the home page for its
    /// introduction), fetched through the router, each asserted 200: (slug, page body).
    pub async fn every_entry_page(&self) -> Vec<(String, String)> {
        let entries: Vec<(String, String)> = self
            .conn()
            .prepare(
                "SELECT kind, slug FROM articles WHERE draft = 0 AND published_at <= unixepoch()",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut pages = Vec::with_capacity(entries.len());
        for (kind, slug) in entries {
            let kind = dispatches::content::kind::Kind::parse(&kind);
            let url = kind.url(&slug, "work");
            let page = self.get(&url).await;
            assert_eq!(page.status, 200, "{url}");
            pages.push((slug, page.body));
        }
        pages
    }

    /// A GET with request headers.
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn head(&self, uri: &str) -> Page {
        self.send(Request::head(uri).body(Body::empty()).unwrap())
            .await
    }

    /// Asks for `uri` until `check` holds; fails after five seconds, saying `what` it
    /// was waiting for.
    pub async fn until(&self, uri: &str, what: &str, check: impl Fn(&Page) -> bool) -> Page {
        let started = Instant::now();
        loop {
            let page = self.get(uri).await;
            if check(&page) {
                return page;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{uri}: still not {what} after 5 s (status {})",
                page.status
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// An article in the `technical` stream by `vera`, tagged `sqlite` and `wal`.
pub fn post(title: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nstream: technical\ntags: [sqlite, wal]\nauthor: vera\n---\n{body}\n"
    )
}

/// `../shared/corpora`: the real blogs and their search cases.
pub fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

/// One response, from the router or a real server.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    /// The body as text (lossy).
    pub body: String,
}

impl Page {
    pub fn new(status: StatusCode, headers: HeaderMap, bytes: Vec<u8>) -> Page {
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Page {
            status,
            headers,
            bytes,
            body,
        }
    }

    /// A header's value, or `""` when it is missing.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.header(header::CONTENT_TYPE.as_str())
    }

    /// The body as JSON, or `Null` when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).unwrap_or(serde_json::Value::Null)
    }
}

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Fails the test, with the binary's stderr, unless it exited 0.
    pub fn success(&self) -> &Run {
        assert!(self.status.success(), "{:?}: {}", self.status, self.stderr);
        self
    }
}

/// A content watcher and its writer, running until dropped.
pub struct Watching {
    watcher: Option<ContentWatcher>,
    writer: Option<Writer>,
    /// What the watcher's last publish refused.
    pub problems: Arc<Problems>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
        if let Some(w) = self.writer.take() {
            w.shutdown();
        }
    }
}

/// Polls `check` until it holds; fails after five seconds, saying `what` it waited for.
pub async fn eventually(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still not {what} after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
