//! Black-box tests of publishing: a fixture site written to a temp folder, published into
//! a temp archive, checked row by row; the real binary for exit codes; both real corpora.

use std::path::{Path, PathBuf};
use std::process::Command;

use dispatches::config::Config;
use dispatches::db::{self, read as queries};
use dispatches::publish::{self, Options, Report};
use rusqlite::Connection;

/// A content folder and an archive in a temp dir.
struct Site {
    dir: tempfile::TempDir,
    config: Config,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        Site {
            dir,
            config: Config::default(),
        }
    }

    fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data/archive.db")
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let p = self.content().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn remove(&self, rel: &str) -> &Site {
        std::fs::remove_file(self.content().join(rel)).unwrap();
        self
    }

    fn publish_with(&self, options: Options) -> Report {
        let input = self.content().display().to_string();
        publish::publish(
            &[input],
            &self.content(),
            &self.config,
            None,
            &self.db(),
            &options,
        )
        .unwrap()
    }

    fn publish(&self) -> Report {
        self.publish_with(Options::default())
    }

    fn conn(&self) -> Connection {
        db::open_read_only(&self.db()).unwrap()
    }

    fn one<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn post(title: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nstream: technical\ntags: [sqlite, wal]\nauthor: vera\n---\n{body}\n"
    )
}

#[test]
fn a_fixture_site_publishes_every_part() {
    let site = Site::new();
    site.write("first-post.md", post("First post", "2026-01-02", "Hello *world*.\n\n```rust\nfn main() {}\n```"))
        .write("2026-03-04-dated-by-name.md", "+++\ntitle = \"Dated\"\naliases = [\"/old/dated.html\"]\n+++\nBody.\n")
        .write("bundle/index.md", "---\ntitle: Bundle\ndate: 2026-02-01\nhero: { src: pic.svg, alt: A picture, credit: Me }\n---\n![x](pic.svg)\n")
        .write("bundle/pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .write("authors/vera.md", "---\nname: Vera L.\nbio: Writes.\n---\nLong bio.\n")
        .write("streams/technical.md", "---\nname: Technical Dispatch\ndescription: Code.\n---\n")
        .write("_index.md", "+++\ntitle = \"Section\"\n+++\n")
        .write("old-name.md", "---\nredirect: /blog/first-post\n---\n")
        .write(".hidden.md", "---\ntitle: Hidden\n---\n");
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.new, 3, "{report:?}");
    assert_eq!(
        report.skipped.len(),
        2,
        "section index and redirect stub: {:?}",
        report.skipped
    );

    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 3);
    assert_eq!(
        site.one::<String>("SELECT author_name FROM articles WHERE slug = 'first-post'"),
        "Vera L."
    );
    assert_eq!(
        site.one::<String>("SELECT stream_name FROM articles WHERE slug = 'first-post'"),
        "Technical Dispatch"
    );
    assert_eq!(site.one::<String>("SELECT group_concat(tag, ',') FROM article_tags JOIN articles a ON a.id = article_id WHERE slug = 'first-post' ORDER BY position"), "sqlite,wal");
    assert_eq!(site.one::<String>("SELECT a.slug FROM aliases JOIN articles a ON a.id = article_id WHERE path = '/old/dated.html'"), "dated-by-name");
    assert_eq!(
        site.one::<String>("SELECT target FROM redirects WHERE slug = 'old-name'"),
        "/blog/first-post"
    );
    assert_eq!(
        site.one::<String>("SELECT content_type FROM files WHERE path = 'bundle/pic.svg'"),
        "image/svg+xml"
    );
    assert!(
        site.one::<String>("SELECT html FROM articles WHERE slug = 'bundle'")
            .contains("/files/bundle/pic.svg")
    );
    assert!(
        site.one::<String>("SELECT html FROM articles WHERE slug = 'first-post'")
            .contains("<span class=\"k\">fn</span>")
    );
    assert_eq!(
        site.one::<String>(
            "SELECT date(published_at, 'unixepoch') FROM articles WHERE slug = 'dated-by-name'"
        ),
        "2026-03-04"
    );
    // Markdown, rendered HTML and plain text are all kept, with the front matter.
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles WHERE markdown <> '' AND html <> '' AND body_text <> '' AND front_matter_json LIKE '{%'"), 3);
    // The full-text index agrees with its content table, and finds body text.
    queries::check_integrity(&Connection::open(site.db()).unwrap()).unwrap();
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'world'"),
        1
    );
    // The pragmas the archive promises.
    assert_eq!(site.one::<String>("PRAGMA journal_mode"), "wal");
    assert_eq!(site.one::<i64>("PRAGMA user_version"), db::SCHEMA_VERSION);
}

#[test]
fn unchanged_files_are_skipped_and_changes_update_in_place() {
    let site = Site::new();
    site.write("a.md", post("A", "2026-01-01", "alpha"))
        .write("b.md", post("B", "2026-01-02", "beta"));
    assert_eq!(site.publish().new, 2);
    let again = site.publish();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 2));

    site.write("a.md", post("A, revised", "2026-01-01", "gamma"));
    let r = site.publish();
    assert_eq!((r.new, r.updated, r.unchanged), (0, 1, 1));
    assert_eq!(
        site.one::<String>("SELECT title FROM articles WHERE slug = 'a'"),
        "A, revised"
    );
    let conn = site.conn();
    let hits = |w: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
            [w],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        (hits("alpha"), hits("gamma")),
        (0, 1),
        "the index follows updates"
    );
    drop(conn);
    queries::check_integrity(&Connection::open(site.db()).unwrap()).unwrap();
}

#[test]
fn a_bad_save_keeps_the_previous_version_live() {
    let site = Site::new();
    site.write("a.md", post("Good", "2026-01-01", "good text"));
    site.publish();
    site.write(
        "a.md",
        "---\ntitle: Broken\ndate: 2026-02-30\n---\nnew text\n",
    )
    .write("other.md", post("Other", "2026-01-03", "still publishes"));
    let r = site.publish();
    assert_eq!(r.failed.len(), 1);
    let msg = r.failed[0].to_string();
    assert!(
        msg.contains("a.md:3: `date`") && msg.contains("February 2026 has 28 days"),
        "{msg}"
    );
    assert_eq!(r.new, 1, "the other file still publishes");
    assert_eq!(
        site.one::<String>("SELECT title FROM articles WHERE slug = 'a'"),
        "Good"
    );
}

#[test]
fn every_kind_of_bad_input_is_named() {
    let mut site = Site::new();
    site.config.max_file_bytes = 10_000;
    site.write("no-title.md", "---\ndate: 2026-01-01\n---\nJust text.\n")
        .write(
            "bad-yaml.md",
            "---\ntitle: [unclosed\ndate: 2026-01-01\n---\n",
        )
        .write("bad-type.md", "---\ntitle: T\ntags: { a: 1 }\n---\n")
        .write("latin1.md", b"---\ntitle: T\n---\ncaf\xe9\n".as_slice())
        .write(
            "huge.md",
            format!("---\ntitle: Huge\n---\n{}", "x".repeat(20_000)),
        )
        .write(
            "dup-one.md",
            "---\ntitle: One\nslug: same\ndate: 2026-01-01\n---\n",
        )
        .write(
            "dup-two.md",
            "---\ntitle: Two\nslug: same\ndate: 2026-01-02\n---\n",
        )
        .write("fine.md", post("Fine", "2026-01-01", "ok"));
    let r = site.publish();
    let messages: Vec<String> = r.failed.iter().map(ToString::to_string).collect();
    let find = |file: &str| {
        messages
            .iter()
            .find(|m| m.contains(file))
            .cloned()
            .unwrap_or_else(|| panic!("no error for {file}: {messages:#?}"))
    };
    assert!(find("no-title.md").contains("`title`"));
    assert!(find("bad-yaml.md").contains("YAML"));
    assert!(find("bad-type.md").contains(":3: `tags`"));
    assert!(find("latin1.md").contains(":4") && find("latin1.md").contains("UTF-8"));
    assert!(find("huge.md").contains("limit"));
    let dup = find("dup-two.md");
    assert!(
        dup.contains("dup-one.md") && dup.contains("`slug`"),
        "both files named: {dup}"
    );
    assert_eq!(r.failed.len(), 6, "{messages:#?}");
    assert_eq!(r.new, 2, "fine.md and dup-one.md publish");
}

#[test]
fn prune_and_dry_run() {
    let site = Site::new();
    site.write("a.md", post("A", "2026-01-01", "a"))
        .write("b.md", post("B", "2026-01-02", "b"));
    site.publish();
    site.remove("b.md");
    let without_prune = site.publish();
    assert_eq!(without_prune.removed, 0);
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 2);

    let dry = site.publish_with(Options {
        prune: true,
        dry_run: true,
        ..Options::default()
    });
    assert_eq!(dry.removed, 1);
    assert_eq!(
        site.one::<i64>("SELECT count(*) FROM articles"),
        2,
        "a dry run writes nothing"
    );

    let pruned = site.publish_with(Options {
        prune: true,
        ..Options::default()
    });
    assert_eq!(pruned.removed, 1);
    assert_eq!(site.one::<i64>("SELECT count(*) FROM articles"), 1);
    queries::check_integrity(&Connection::open(site.db()).unwrap()).unwrap();

    // A dry run against a new archive creates nothing.
    let fresh = Site::new();
    fresh.write("c.md", post("C", "2026-01-01", "c"));
    let r = fresh.publish_with(Options {
        dry_run: true,
        ..Options::default()
    });
    assert_eq!(r.new, 1);
    assert!(!fresh.db().exists());
}

#[test]
fn drafts_and_scheduled_posts_are_stored_as_such() {
    let site = Site::new();
    site.write(
        "draft.md",
        "---\ntitle: Draft\ndraft: true\ndate: 2026-01-01\n---\n",
    )
    .write("future.md", "---\ntitle: Later\ndate: 2099-01-01\n---\n");
    site.publish();
    assert_eq!(
        site.one::<i64>("SELECT draft FROM articles WHERE slug = 'draft'"),
        1
    );
    assert!(
        site.one::<i64>("SELECT published_at FROM articles WHERE slug = 'future'") > 4_000_000_000
    );
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dispatches"))
}

/// `dispatches --db … backup OUT` on the site, which must succeed.
fn backup_with_binary(site: &Site, out_path: &Path) {
    let out = binary()
        .arg("--db")
        .arg(site.db())
        .arg("backup")
        .arg(out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `dispatches --db … publish [extra] --content DIR DIR` on the site, as a user runs it.
fn publish_with_binary(site: &Site, extra: &[&str]) -> std::process::Output {
    binary()
        .arg("--db")
        .arg(site.db())
        .arg("publish")
        .args(extra)
        .arg("--content")
        .arg(site.content())
        .arg(site.content())
        .output()
        .unwrap()
}

#[test]
fn the_binary_reports_and_sets_exit_codes() {
    let site = Site::new();
    site.write("good.md", post("Good", "2026-01-01", "x"))
        .write("bad.md", "---\ntitle: [\n---\n");
    let out = binary()
        .arg("--db")
        .arg(site.db())
        .arg("publish")
        .arg(site.content())
        .arg("--content")
        .arg(site.content())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed file means exit 1: {stderr}"
    );
    assert!(
        stdout.contains("1 new") && stdout.contains("1 failed"),
        "{stdout}"
    );
    assert!(stderr.contains("bad.md:2"), "{stderr}");

    let glob = format!("{}/*.md", site.content().display());
    let out = binary()
        .arg("--db")
        .arg(site.db())
        .args(["publish", "--dry-run", &glob])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run"));

    let out = binary().arg("publish").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error");
    let out = binary()
        .arg("--db")
        .arg(site.db())
        .args(["publish", "/no/such/file.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

#[test]
fn backup_writes_a_checked_copy() {
    let site = Site::new();
    site.write("a.md", post("A", "2026-01-01", "a"));
    site.publish();
    let out_path = site.dir.path().join("backups/copy.db");
    backup_with_binary(&site, &out_path);
    let copy = Connection::open(&out_path).unwrap();
    queries::check_integrity(&copy).unwrap();
    assert_eq!(queries::article_count(&copy).unwrap(), 1);
}

/// A backup taken while 1,000 articles publish is a whole archive: it passes both
/// checks and holds all of the old batch or all of the new.
#[test]
fn backup_during_a_large_publish_is_consistent() {
    let site = Site::new();
    site.write("seed.md", post("Seed", "2026-01-01", "seed"));
    site.publish();
    for i in 0..1000 {
        site.write(
            &format!("many/p{i:04}.md"),
            post(
                &format!("Post {i}"),
                "2026-02-01",
                "Many words. ```not code```",
            ),
        );
    }
    let (content, db) = (site.content(), site.db());
    let publisher = std::thread::spawn(move || {
        binary()
            .arg("--db")
            .arg(&db)
            .arg("publish")
            .arg("--content")
            .arg(&content)
            .arg(&content)
            .arg("--quiet")
            .output()
            .unwrap()
    });
    let mut copies = Vec::new();
    // Keep copying until the publish has finished, then once more.
    for n in 0.. {
        let done = publisher.is_finished();
        let out_path = site.dir.path().join(format!("backups/copy{n}.db"));
        backup_with_binary(&site, &out_path);
        copies.push(out_path);
        if done || n > 200 {
            break;
        }
    }
    let published = publisher.join().unwrap();
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
    let mut counts = Vec::new();
    for path in &copies {
        let copy = Connection::open(path).unwrap();
        queries::check_integrity(&copy).unwrap();
        let n = queries::article_count(&copy).unwrap();
        assert!(
            n == 1 || n == 1001,
            "{}: {n} articles, a torn batch",
            path.display()
        );
        counts.push(n);
    }
    assert_eq!(
        *counts.last().unwrap(),
        1001,
        "the last copy has the whole publish"
    );
    // No temporary file is left beside the copies.
    let leftovers: Vec<_> = std::fs::read_dir(site.dir.path().join("backups"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

fn corpus(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name)
        .join("content");
    assert!(
        p.is_dir(),
        "the shared corpora must sit beside the repository: {}",
        p.display()
    );
    p
}

fn publish_corpus(name: &str) -> (tempfile::TempDir, Report, Report) {
    let root = corpus(name);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("archive.db");
    let config = Config::default();
    let input = [root.display().to_string()];
    let first =
        publish::publish(&input, &root, &config, None, &db_path, &Options::default()).unwrap();
    let second =
        publish::publish(&input, &root, &config, None, &db_path, &Options::default()).unwrap();
    (dir, first, second)
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_rust_blog_imports_without_edits() {
    let (dir, first, second) = publish_corpus("rust-blog");
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 750);
    // Three section indexes and one template-only page.
    assert_eq!(first.skipped.len(), 4, "{:#?}", first.skipped);
    assert!(
        first
            .skipped
            .iter()
            .all(|(_, why)| why.contains("section") || why.contains("template"))
    );
    assert_eq!(
        (second.new, second.updated, second.unchanged),
        (0, 0, 754 - 4)
    );
    let conn = Connection::open(dir.path().join("archive.db")).unwrap();
    queries::check_integrity(&conn).unwrap();
    let slug: String = conn
        .query_row(
            "SELECT slug FROM articles WHERE source_path = 'inside-rust/all-hands.md'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        slug, "all-hands-2024-09-02",
        "the later of two posts sharing a path name is qualified"
    );
    let aliased: i64 = conn
        .query_row("SELECT count(*) FROM aliases", [], |r| r.get(0))
        .unwrap();
    assert!(aliased >= 623, "every Zola alias kept: {aliased}");
}

#[test]
#[ignore = "needs ../shared/corpora"]
fn the_go_blog_imports_without_edits() {
    let (dir, first, second) = publish_corpus("go-blog");
    assert!(first.failed.is_empty(), "{:#?}", first.failed);
    assert_eq!(first.new, 274);
    let redirects = first
        .skipped
        .iter()
        .filter(|(_, why)| why.contains("redirect"))
        .count();
    assert_eq!(
        (first.skipped.len(), redirects),
        (63, 60),
        "{:#?}",
        first.skipped
    );
    assert_eq!(second.new + second.updated, 0);
    let conn = Connection::open(dir.path().join("archive.db")).unwrap();
    queries::check_integrity(&conn).unwrap();
    let (author, date): (String, String) = conn
        .query_row("SELECT author_name, date(published_at, 'unixepoch') FROM articles WHERE slug = 'survey2024-h1-results'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(!author.is_empty());
    assert_eq!(date, "2024-04-09", "unpadded month");
    let stubs: i64 = conn
        .query_row("SELECT count(*) FROM redirects", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stubs, 60);
}

#[test]
fn the_sample_content_publishes_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("archive.db");
    let r = publish::publish(
        &[root.display().to_string()],
        &root,
        &Config::default(),
        None,
        &db_path,
        &Options::default(),
    )
    .unwrap();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert!(r.new >= 10);
    let conn = db::open_read_only(&db_path).unwrap();
    let drafts: i64 = conn
        .query_row("SELECT count(*) FROM articles WHERE draft = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let scheduled: i64 = conn
        .query_row(
            "SELECT count(*) FROM articles WHERE published_at > unixepoch()",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let streams: i64 = conn
        .query_row(
            "SELECT count(*) FROM streams WHERE source_path IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let authors: i64 = conn
        .query_row("SELECT count(*) FROM authors WHERE bio <> ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!((drafts, scheduled, streams, authors), (1, 1, 3, 2));
}

/// `restore` puts a checked backup back, migrating nothing it need not, and refuses a
/// file that is not an archive without touching the live one.
#[test]
fn restore_brings_a_backup_back() {
    let site = Site::new();
    site.write("a.md", post("A", "2026-01-01", "a"));
    site.publish();
    let backup = site.dir.path().join("b.db");
    let run = |args: &[&std::ffi::OsStr]| {
        binary()
            .arg("--db")
            .arg(site.db())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["backup".as_ref(), backup.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.write("b.md", post("B", "2026-01-02", "b"));
    site.publish();
    assert_eq!(
        queries::article_count(&Connection::open(site.db()).unwrap()).unwrap(),
        2
    );

    let out = run(&["restore".as_ref(), backup.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 articles"));
    let conn = Connection::open(site.db()).unwrap();
    queries::check_integrity(&conn).unwrap();
    assert_eq!(queries::article_count(&conn).unwrap(), 1);

    let junk = site.dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let out = run(&["restore".as_ref(), junk.as_os_str()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("junk.db"), "{err}");
    assert_eq!(
        queries::article_count(&Connection::open(site.db()).unwrap()).unwrap(),
        1
    );
}

/// Errors an operator can act on: the file named, the cause in words, once.
#[test]
fn a_publish_into_a_file_that_is_not_an_archive_says_so() {
    let site = Site::new();
    site.write("a.md", post("A", "2026-01-01", "a"));
    std::fs::create_dir_all(site.db().parent().unwrap()).unwrap();
    std::fs::write(
        site.db(),
        "not a database at all, but long enough to look like one....",
    )
    .unwrap();
    let out = publish_with_binary(&site, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("archive.db") && err.contains("not an SQLite database"),
        "{err}"
    );
    assert_eq!(err.matches("not an SQLite database").count(), 1, "{err}");
}

/// One HTTP/1.1 GET over a fresh connection: (status, body).
fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// A server answers cached pages without asking SQLite while nothing changes; a publish
/// by another process must still show on the very next request.
#[test]
fn another_processes_publish_shows_on_the_next_request() {
    external_publishes_show_at_once(false);
}

/// The same when the server was given a symlink to the archive: SQLite writes the WAL
/// beside the real file, which is where the server must watch.
#[cfg(unix)]
#[test]
fn another_processes_publish_shows_through_a_symlinked_archive() {
    external_publishes_show_at_once(true);
}

fn external_publishes_show_at_once(symlink: bool) {
    use std::io::BufRead as _;
    let site = Site::new();
    site.write("piece.md", post("Version 0", "2026-01-01", "Body."));
    let publish = || {
        let out = publish_with_binary(&site, &["-q"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    publish();
    /// Stops the server however the test ends.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // The server may reach the archive through a link in another folder.
    let served = if symlink {
        let link_dir = site.dir.path().join("elsewhere");
        std::fs::create_dir_all(&link_dir).unwrap();
        let link = link_dir.join("archive.db");
        #[cfg(unix)]
        std::os::unix::fs::symlink(site.db(), &link).unwrap();
        link
    } else {
        site.db()
    };
    let mut server = binary()
        .env("DISPATCHES_LOG", "info")
        .arg("--db")
        .arg(&served)
        .args(["serve", "--no-watch", "--addr", "127.0.0.1:0", "--content"])
        .arg(site.content())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map(Killed)
        .unwrap();
    let mut lines = std::io::BufReader::new(server.0.stderr.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split("serving on http://").nth(1).map(str::to_string))
        .expect("the server says where it listens");
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));

    let title = |body: &str| body.contains("<h1");
    for round in 1..=5 {
        // Ask twice, so the page is a cache hit when the publish lands.
        for _ in 0..2 {
            let (status, body) = http_get(&addr, "/dispatches/piece");
            assert_eq!(status, 200);
            assert!(
                body.contains(&format!("Version {}", round - 1)) && title(&body),
                "round {round}: before the publish"
            );
        }
        // Past the quiet period after the previous publish's file writes.
        std::thread::sleep(std::time::Duration::from_millis(1_100));
        let (_, body) = http_get(&addr, "/dispatches/piece");
        assert!(body.contains(&format!("Version {}", round - 1)));
        site.write(
            "piece.md",
            post(&format!("Version {round}"), "2026-01-01", "Body."),
        );
        publish();
        let (status, body) = http_get(&addr, "/dispatches/piece");
        assert_eq!(status, 200);
        assert!(
            body.contains(&format!("Version {round}")),
            "round {round}: the next request after the publish shows it"
        );
    }
}

/// An archive written by schema 3 (Markdown and HTML in the middle of each row) upgrades
/// in place: nothing lost, tags and aliases kept (no cascade fires), search still works,
/// and the upgraded file is compacted.
#[test]
fn a_schema_3_archive_upgrades_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for v in 1..=3 {
            let file = if v == 1 {
                "schema.sql".to_string()
            } else {
                format!("schema_{v}.sql")
            };
            let sql = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("src/db")
                    .join(file),
            )
            .unwrap();
            conn.execute_batch(&format!("BEGIN; {sql} PRAGMA user_version = {v}; COMMIT;"))
                .unwrap();
        }
        let big = "lorem ipsum ".repeat(4000);
        for i in 0..200 {
            conn.execute(
                "INSERT INTO articles (source_path, content_hash, slug, title, published_at,
                     markdown, html, summary_html, body_text, word_count, reading_minutes,
                     touched_at)
                 VALUES (?1, 'h', ?2, ?3, 1700000000, ?4, ?5, '<p>s</p>', ?6, 3, 1, 0)",
                rusqlite::params![
                    format!("p{i}.md"),
                    format!("p{i}"),
                    format!("Title {i}"),
                    format!("# md {i}\n{big}"),
                    format!("<p>html {i}</p>{big}"),
                    format!("heron{i} text {big}"),
                ],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO article_tags (article_id, tag, position) VALUES (?1, 'wal', 0)",
                [conn.last_insert_rowid()],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO aliases (path, article_id) VALUES ('/old/p7', 8)",
            [],
        )
        .unwrap();
    }
    drop(db::open_writable(&path).unwrap());
    let conn = db::open_read_only(&path).unwrap();
    let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(one("PRAGMA user_version"), db::SCHEMA_VERSION);
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('articles')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&columns[columns.len() - 2..], ["html", "markdown"]);
    assert_eq!(one("SELECT count(*) FROM articles"), 200);
    assert_eq!(one("SELECT count(*) FROM article_tags"), 200);
    assert_eq!(one("SELECT count(*) FROM aliases"), 1);
    let (md, html): (String, String) = conn
        .query_row(
            "SELECT markdown, html FROM articles WHERE slug = 'p7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(md.starts_with("# md 7\n") && html.starts_with("<p>html 7</p>"));
    assert_eq!(
        one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'heron7'"),
        1
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(one("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    // Every row was rewritten; the file must not keep the space the old rows took.
    assert!(
        one("PRAGMA freelist_count") * 4 <= one("PRAGMA page_count"),
        "compacted after the upgrade"
    );
}

/// Images with no text alternative are published (as decoration) but named, with the
/// line, so the author can describe them.
#[test]
fn images_without_alt_text_are_named_with_their_line() {
    let site = Site::new();
    site.write(
        "pictures.md",
        "---\ntitle: Pictures\ndate: 2026-01-01\n---\nIntro.\n\n![](pic.png)\n\n![A heron](heron.png)\n\n<img src=\"raw.png\">\n\n<img src=\"rule.png\" alt=\"\">\n",
    );
    let report = site.publish();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let about: Vec<&String> = report
        .warnings
        .iter()
        .filter(|w| w.contains("no text alternative"))
        .collect();
    assert_eq!(about.len(), 2, "{:?}", report.warnings);
    assert!(about[0].ends_with("pictures.md:7: image `pic.png` has no text alternative, so screen readers skip it; describe it (`![what it shows](pic.png)`), or give raw HTML `alt=\"\"` if it is decoration"), "{}", about[0]);
    assert!(
        about[1].contains("pictures.md:11: image `raw.png`"),
        "{}",
        about[1]
    );
}

fn row(slug: &str, published_at: i64) -> db::ArticleRow {
    db::ArticleRow {
        source_path: format!("{slug}.md"),
        content_hash: "h".into(),
        slug: slug.into(),
        title: format!("Title {slug}"),
        dek: String::new(),
        published_at,
        updated_at: None,
        stream_id: None,
        author: None,
        draft: false,
        hero_json: None,
        sources_json: "[]".into(),
        authors_json: "[]".into(),
        extra_json: "{}".into(),
        front_matter_json: "{}".into(),
        markdown: "Body.".into(),
        html: "<p>Body.</p>".into(),
        summary_html: "<p>Body.</p>".into(),
        toc_json: "[]".into(),
        body_text: "Body.".into(),
        word_count: 1,
        reading_minutes: 1,
        tags: vec!["wal".into()],
        aliases: Vec::new(),
    }
}

/// Articles stream into the writer's open transaction while others still render: the
/// rows commit only when the stream says it has ended, so a publish that stops half
/// way (a renderer that panics, a process that dies) changes nothing.
#[test]
fn a_streamed_publish_commits_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let writer = db::Writer::start(&path).unwrap();
    let count = || {
        db::open_read_only(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };

    let stream = writer.begin(db::Batch::default()).unwrap();
    assert!(stream.send(vec![row("a", 1), row("b", 2)]));
    assert!(stream.send(vec![row("c", 3)]));
    drop(stream);
    // The next job runs only after the abandoned one has rolled back.
    let next = writer.begin(db::Batch::default()).unwrap();
    assert!(next.send(vec![row("d", 4)]));
    let applied = next.finish().unwrap();
    assert_eq!(applied.added, 1);
    assert_eq!(count(), 1, "nothing of the abandoned stream");

    let stream = writer.begin(db::Batch::default()).unwrap();
    assert!(stream.send(vec![row("a", 1), row("b", 2)]));
    assert!(stream.send(vec![row("c", 3)]));
    let applied = stream.finish().unwrap();
    assert_eq!((applied.added, applied.updated), (3, 0));
    assert_eq!(count(), 4);
    writer.shutdown();
}

/// Rendering runs on every core, but rows are stored in date order, so a fresh publish
/// of the same files gives every article the same id (and listings the same ties).
#[test]
fn fresh_publishes_store_articles_in_the_same_order() {
    let ids = || {
        let site = Site::new();
        for i in 0..120 {
            // Same date for several, so the order within a day is the path's.
            site.write(
                &format!("p{i:03}.md"),
                post(
                    &format!("Post {i}"),
                    &format!("2026-01-{:02}", 1 + i % 7),
                    "Text.\n\n```rust\nfn main() {}\n```",
                ),
            );
        }
        site.publish();
        let conn = site.conn();
        let ids: Vec<(i64, String)> = conn
            .prepare("SELECT id, slug FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        ids
    };
    let first = ids();
    assert_eq!(first.len(), 120);
    assert_eq!(first, ids());
    // Date order: the seven posts of 1 January come first, by path.
    assert_eq!(first[0].1, "p000");
    assert_eq!(first[1].1, "p007");
}
