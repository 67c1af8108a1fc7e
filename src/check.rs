//! `dispatches check`: every internal link and anchor in the published articles that
//! leads nowhere, and every image that resolves to nothing, found where the author wrote
//! it. Links and images are read from each article's file (so the line is the author's;
//! `targets` finds them), resolved the way the publish resolves them, then looked up in
//! the archive: articles (and their ids, for `#anchors`), files, tags, streams, authors,
//! old addresses, and the site's own pages. Authors' pictures are read from their files.

mod targets;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use self::targets::Target;
pub(crate) use self::targets::What;
use crate::content::html::images::published_path;
use crate::content::resolve_relative;
use crate::db::{links, read};
use crate::urls::{self, RouteId};

mod public;

/// The folder of authors' files in the content folder.
const AUTHORS_DIR: &str = "authors";

/// One link that leads nowhere, or one image that shows nothing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Broken {
    /// The source file, as the user would find it.
    pub file: String,
    pub line: usize,
    pub what: What,
    /// The link as written.
    pub target: String,
    pub why: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} {}: {}",
            self.file,
            self.line,
            self.what.as_str(),
            self.target,
            self.why
        )
    }
}

/// What the archive holds, to resolve links against.
struct Site<'c> {
    conn: &'c Connection,
    /// Slug → published.
    articles: HashMap<String, bool>,
    /// Source path → slug.
    by_source: HashMap<String, String>,
    /// The ids of the articles an `#anchor` was looked for on, read when first needed.
    ids: RefCell<HashMap<String, HashSet<String>>>,
    /// The portfolio's path segment (the `work_path` setting).
    work: &'c str,
}

/// A link to another site, where it was written.
pub(crate) struct External {
    pub file: String,
    pub line: usize,
    pub what: What,
    pub url: String,
}

/// Checks the articles whose source files lie under `roots` (content-relative prefixes;
/// empty: all), reading their files from `content`. Links to other sites are not
/// followed here; they are handed back for `check_external`.
pub(crate) fn check(
    conn: &Connection,
    content: &Path,
    roots: &[String],
    now: i64,
    work: &str,
) -> rusqlite::Result<(Vec<Broken>, Vec<External>)> {
    let rows = links::link_targets(conn, now)?;
    let site = Site {
        conn,
        by_source: rows
            .iter()
            .map(|(_, slug, src, _)| (src.clone(), slug.clone()))
            .collect(),
        articles: rows
            .iter()
            .map(|(_, slug, _, published)| (slug.clone(), *published))
            .collect(),
        ids: RefCell::default(),
        work,
    };
    let mut found = Found::default();
    // A set, since after a publish `roots` is every file it wrote: comparing each
    // source with each root was quadratic (4 million comparisons at 2,000 articles).
    let roots: HashSet<&str> = roots.iter().map(String::as_str).collect();
    let wanted = |source: &str| roots.is_empty() || under_any(source, &roots);
    for (kind, slug, source, ..) in &rows {
        if !wanted(source) || !crate::content::is_markdown_name(source) {
            continue;
        }
        let path = content.join(source);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let targets = targets::of_article(&text, kind == "project");
        found.judge(&site, (slug, source), &path, targets, now)?;
    }
    for source in author_files(content) {
        if !wanted(&source) {
            continue;
        }
        let path = content.join(&source);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        found.judge(&site, ("", &source), &path, targets::of_author(&text), now)?;
    }
    Ok((found.broken, found.external))
}

/// The content-relative paths of the authors' files.
fn author_files(content: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(content.join(AUTHORS_DIR)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && !name.starts_with('.'))
        .map(|name| format!("{AUTHORS_DIR}/{name}"))
        .collect();
    out.sort();
    out
}

/// What the check found so far.
#[derive(Default)]
struct Found {
    broken: Vec<Broken>,
    external: Vec<External>,
}

impl Found {
    /// Resolves each of `targets`, written in `source` (the article `slug`; `""` for an
    /// author) at `path`: links to other sites are kept for `check_external`, the rest
    /// that lead nowhere are broken.
    fn judge(
        &mut self,
        site: &Site<'_>,
        (slug, source): (&str, &str),
        path: &Path,
        targets: Vec<Target>,
        now: i64,
    ) -> rusqlite::Result<()> {
        for Target { line, what, url } in targets {
            let t = url.trim();
            if t.starts_with("http://") || t.starts_with("https://") {
                self.external.push(External {
                    file: path.display().to_string(),
                    line,
                    what,
                    url: t.to_string(),
                });
                continue;
            }
            let why = match what {
                What::Link => problem(site, slug, source, &url, now)?,
                What::Image => image_problem(site, source, &url, now)?,
            };
            if let Some(why) = why {
                self.broken.push(Broken {
                    file: path.display().to_string(),
                    line,
                    what,
                    target: url,
                    why,
                });
            }
        }
        Ok(())
    }
}

/// Asks every outside URL once (a `HEAD`, then a `GET` for servers that refuse `HEAD`),
/// `workers` at a time, each within `timeout`; a URL written in several places is asked
/// once and reported at each. Answers from 200 to 399 are good; so are 401, 403 and 429,
/// which say the page exists but will not be shown to a checker. Loopback and private
/// addresses are not asked unless `local`.
pub(crate) fn check_external(
    links: &[External],
    workers: usize,
    timeout: Duration,
    local: bool,
) -> Vec<Broken> {
    let mut urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("dispatches-check")
        .build();
    // Local addresses only when asked for (`--local`): see `public`.
    let agent = if local {
        ureq::Agent::new_with_config(config)
    } else {
        public::agent(config)
    };
    let next = AtomicUsize::new(0);
    let verdicts: Mutex<HashMap<&str, Option<String>>> = Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1).min(urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let why = ask(&agent, url);
                    verdicts
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(url, why);
                }
            });
        }
    });
    let verdicts = verdicts.into_inner().unwrap_or_else(|e| e.into_inner());
    links
        .iter()
        .filter_map(|l| {
            let why = verdicts.get(l.url.as_str())?.clone()?;
            Some(Broken {
                file: l.file.clone(),
                line: l.line,
                what: l.what,
                target: l.url.clone(),
                why,
            })
        })
        .collect()
}

/// Why `url` does not answer, or `None` when it does.
fn ask(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(r) if r.status().as_u16() != 405 && r.status().as_u16() != 501 => r.status().as_u16(),
        _ => match agent.get(url).call() {
            Ok(r) => r.status().as_u16(),
            Err(e) => return Some(format!("no answer: {e}")),
        },
    };
    match status {
        200..=399 | 401 | 403 | 429 => None,
        s => Some(format!("the site answers {s}")),
    }
}

/// Whether `source` is one of `roots` or lies in a folder that is (`""` being the
/// content folder itself).
fn under_any(source: &str, roots: &HashSet<&str>) -> bool {
    let mut at = source;
    loop {
        if roots.contains(at) {
            return true;
        }
        match at.rsplit_once('/') {
            Some((folder, _)) => at = folder,
            None => return roots.contains(""),
        }
    }
}

/// Why `target`, written in the article `slug` from `source`, leads nowhere; `None` when
/// it leads somewhere (or somewhere this check does not follow: other sites, mail).
fn problem(
    site: &Site<'_>,
    slug: &str,
    source: &str,
    target: &str,
    now: i64,
) -> rusqlite::Result<Option<String>> {
    let target = target.trim();
    if target.is_empty() || has_scheme(target) || target.starts_with("//") {
        return Ok(None);
    }
    if let Some(anchor) = target.strip_prefix('#') {
        return missing_anchor(site, slug, anchor);
    }
    let dir = source.rsplit_once('/').map_or("", |(d, _)| d);
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    // A link to another article's file, as the publish resolves it.
    if crate::content::is_markdown_name(path) {
        let rel = match path.strip_prefix("@/") {
            Some(r) => Some(r.to_string()),
            None if path.starts_with('/') => None,
            None => resolve_relative(dir, path).and_then(|u| {
                u.strip_prefix(&format!("{}/", urls::FILES))
                    .map(str::to_string)
            }),
        };
        return match rel.and_then(|r| site.by_source.get(&r)) {
            Some(to) => anchor.map_or(Ok(None), |a| missing_anchor(site, to, a)),
            None => Ok(Some("no article has this file; check the path".into())),
        };
    }
    let absolute = if path.starts_with('/') {
        path.to_string()
    } else {
        match resolve_relative(dir, path) {
            Some(u) => u,
            None => return Ok(Some("climbs out of the content folder".into())),
        }
    };
    site_path(site, &absolute, anchor, now)
}

/// Why the image `target`, written in `source`, shows nothing; `None` when it resolves
/// to a published file or to an address something answers (or to another site).
fn image_problem(
    site: &Site<'_>,
    source: &str,
    target: &str,
    now: i64,
) -> rusqlite::Result<Option<String>> {
    let target = target.trim();
    if target.is_empty() {
        return Ok(Some("no address given".into()));
    }
    if has_scheme(target) || target.starts_with("//") {
        return Ok(None);
    }
    let dir = source.rsplit_once('/').map_or("", |(d, _)| d);
    let absolute = if target.starts_with('/') {
        target.to_string()
    } else {
        match resolve_relative(dir, target) {
            Some(u) => u,
            None => return Ok(Some("climbs out of the content folder".into())),
        }
    };
    if let Some(file) = published_path(&absolute) {
        return Ok((!links::has_file(site.conn, &file)?)
            .then(|| format!("no file {file} in the content folder (names are case-sensitive)")));
    }
    // `/media/a.png` for a file the site serves as `/files/media/a.png`.
    let bare = absolute.trim_start_matches('/');
    let bare = bare.split(['?', '#']).next().unwrap_or(bare);
    if !bare.is_empty() && links::has_file(site.conn, bare)? {
        return Ok(Some(format!(
            "the file is served at {}; write it relative to this file",
            urls::file(bare)
        )));
    }
    if urls::parse(&absolute, site.work).is_none() {
        return Ok(Some(
            "nothing is served at this address; put the picture in the content folder and \
             write its path relative to this file"
                .into(),
        ));
    }
    site_path(site, &absolute, None, now)
}

/// Why the site path `path` (with `anchor`) answers nothing: the path is read with the
/// route table, as the router reads it, then what it names is looked up.
fn site_path(
    site: &Site<'_>,
    path: &str,
    anchor: Option<&str>,
    now: i64,
) -> rusqlite::Result<Option<String>> {
    let conn = site.conn;
    let trimmed = path.trim_end_matches('/');
    let found = urls::parse(path, site.work).or_else(|| urls::parse(trimmed, site.work));
    let Some((id, captures)) = found else {
        return old_address(site, path, now);
    };
    let name = captures.first().map_or("", String::as_str);
    let exists = |kind: &str, yes: bool| Ok((!yes).then(|| format!("no {kind} page of that name")));
    match id {
        RouteId::Article | RouteId::Project => match site.articles.get(name) {
            Some(true) => anchor.map_or(Ok(None), |a| missing_anchor(site, name, a)),
            Some(false) => Ok(Some(
                "that article is not published (a draft or scheduled)".into(),
            )),
            None => Ok(Some("no article has this slug".into())),
        },
        RouteId::Page => match site.articles.get(name) {
            Some(true) => anchor.map_or(Ok(None), |a| missing_anchor(site, name, a)),
            _ if read::redirect_target(conn, name)?.is_some() => Ok(None),
            _ => old_address(site, path, now),
        },
        RouteId::Files => {
            Ok((!links::has_file(conn, name)?).then(|| "no such file beside the articles".into()))
        }
        RouteId::Tag | RouteId::TagFeed | RouteId::TagFeedJson => {
            exists("tag", read::canonical_tag(conn, name)?.is_some())
        }
        RouteId::Stream | RouteId::StreamFeed | RouteId::StreamFeedJson => {
            exists("stream", read::stream(conn, name)?.is_some())
        }
        RouteId::Author | RouteId::AuthorFeed | RouteId::AuthorFeedJson => {
            exists("author", read::author(conn, name)?.is_some())
        }
        _ => Ok(None),
    }
}

/// An old address the archive forwards, or why nothing answers at `path`.
fn old_address(site: &Site<'_>, path: &str, now: i64) -> rusqlite::Result<Option<String>> {
    let decoded = urls::decode(path).unwrap_or_else(|| path.to_string());
    let other = match decoded.strip_suffix('/') {
        Some(p) => p.to_string(),
        None => format!("{decoded}/"),
    };
    if read::alias_target(site.conn, &decoded, now)?.is_some()
        || read::alias_target(site.conn, &other, now)?.is_some()
    {
        return Ok(None);
    }
    Ok(Some("no page at this address".into()))
}

/// Why `#anchor` is not on the article `slug`.
fn missing_anchor(site: &Site<'_>, slug: &str, anchor: &str) -> rusqlite::Result<Option<String>> {
    if anchor.is_empty() {
        return Ok(None);
    }
    let mut cache = site.ids.borrow_mut();
    if !cache.contains_key(slug) {
        let html = links::article_html(site.conn, slug)?.unwrap_or_default();
        cache.insert(slug.to_string(), ids(&html));
    }
    let found = cache
        .get(slug)
        .is_some_and(|ids| ids.contains(&urls::decode(anchor).unwrap_or_else(|| anchor.into())));
    Ok((!found).then(|| format!("no element has the id `{anchor}` on that page")))
}

/// The ids in `html` (our own serialised HTML: every attribute double-quoted).
fn ids(html: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for (i, _) in html.match_indices(" id=\"") {
        let rest = &html[i + 5..];
        if let Some(end) = rest.find('"') {
            out.insert(crate::content::html::decode_entities(&rest[..end]));
        }
    }
    out
}

fn has_scheme(url: &str) -> bool {
    url.find(':')
        .is_some_and(|i| !url[..i].contains(['/', '?', '#']) && i > 0)
}
