//! `dispatches check`: every internal link and anchor in the published articles that
//! leads nowhere, found where the author wrote it. Links are read from each article's
//! Markdown (so the line is the author's), resolved the way the publish resolves them,
//! then looked up in the archive: articles (and their ids, for `#anchors`), files,
//! tags, streams, authors, old addresses, and the site's own pages.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};
use rusqlite::Connection;

use crate::content::front_matter;
use crate::content::{markdown, resolve_relative};
use crate::db::read;
use crate::urls;

/// One link that leads nowhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    /// The source file, as the user would find it.
    pub file: String,
    pub line: usize,
    /// The link as written.
    pub target: String,
    pub why: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: link {}: {}",
            self.file, self.line, self.target, self.why
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
}

/// A link to another site, where it was written.
pub struct External {
    pub file: String,
    pub line: usize,
    pub url: String,
}

/// Checks the articles whose source files lie under `roots` (content-relative prefixes;
/// empty: all), reading their files from `content`. Links to other sites are not
/// followed here; they are handed back for `check_external`.
pub fn check(
    conn: &Connection,
    content: &Path,
    roots: &[String],
    now: i64,
) -> rusqlite::Result<(Vec<Broken>, Vec<External>)> {
    let rows = read::link_targets(conn, now)?;
    let site = Site {
        conn,
        by_source: rows
            .iter()
            .map(|(slug, src, _)| (src.clone(), slug.clone()))
            .collect(),
        articles: rows
            .iter()
            .map(|(slug, _, published)| (slug.clone(), *published))
            .collect(),
        ids: RefCell::default(),
    };
    let mut broken = Vec::new();
    let mut external = Vec::new();
    // A set, since after a publish `roots` is every file it wrote: comparing each
    // source with each root was quadratic (4 million comparisons at 2,000 articles).
    let roots: HashSet<&str> = roots.iter().map(String::as_str).collect();
    for (slug, source, ..) in &rows {
        if !(roots.is_empty() || under_any(source, &roots))
            || !crate::content::is_markdown_name(source)
        {
            continue;
        }
        let path = content.join(source);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (line, target) in links(&text) {
            let t = target.trim();
            if t.starts_with("http://") || t.starts_with("https://") {
                external.push(External {
                    file: path.display().to_string(),
                    line,
                    url: t.to_string(),
                });
                continue;
            }
            if let Some(why) = problem(&site, slug, source, &target, now)? {
                broken.push(Broken {
                    file: path.display().to_string(),
                    line,
                    target,
                    why,
                });
            }
        }
    }
    Ok((broken, external))
}

/// Asks every outside URL once (a `HEAD`, then a `GET` for servers that refuse `HEAD`),
/// `workers` at a time, each within `timeout`; a URL written in several places is asked
/// once and reported at each. Answers from 200 to 399 are good; so are 401, 403 and 429,
/// which say the page exists but will not be shown to a checker.
pub fn check_external(links: &[External], workers: usize, timeout: Duration) -> Vec<Broken> {
    let mut urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("dispatches-check")
        .build()
        .into();
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

/// The links and images of a file's Markdown body, with their 1-based lines.
fn links(text: &str) -> Vec<(usize, String)> {
    let Ok(split) = front_matter::split(text) else {
        return Vec::new();
    };
    let body = split.body;
    let mut out = Vec::new();
    let mut lines = markdown::LineCounter::default();
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            let line = split.body_line + lines.at(body, range.start);
            out.push((line, dest_url.to_string()));
        }
    }
    out
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

/// Why the site path `path` (with `anchor`) answers nothing.
fn site_path(
    site: &Site<'_>,
    path: &str,
    anchor: Option<&str>,
    now: i64,
) -> rusqlite::Result<Option<String>> {
    let conn = site.conn;
    let decoded = percent_decode(path);
    if let Some(slug) = decoded.strip_prefix("/dispatches/") {
        let slug = slug.trim_end_matches('/');
        return match site.articles.get(slug) {
            Some(true) => anchor.map_or(Ok(None), |a| missing_anchor(site, slug, a)),
            Some(false) => Ok(Some(
                "that article is not published (a draft or scheduled)".into(),
            )),
            None => Ok(Some("no article has this slug".into())),
        };
    }
    if let Some(file) = decoded.strip_prefix(&format!("{}/", urls::FILES)) {
        return Ok(
            (!read::has_file(conn, file)?).then(|| "no such file beside the articles".into())
        );
    }
    let name = |prefix: &str| {
        decoded
            .strip_prefix(prefix)
            .map(|n| n.trim_end_matches('/'))
    };
    let list = if let Some(tag) = name("/tags/") {
        Some(("tag", read::canonical_tag(conn, tag)?.is_some()))
    } else if let Some(id) = name("/streams/") {
        Some(("stream", read::stream(conn, id)?.is_some()))
    } else if let Some(id) = name("/authors/") {
        Some(("author", read::author(conn, id)?.is_some()))
    } else {
        None
    };
    if let Some((kind, exists)) = list {
        return Ok((!exists).then(|| format!("no {kind} page of that name")));
    }
    let fixed = [
        urls::HOME,
        urls::ARCHIVE,
        urls::SEARCH,
        urls::SEARCH_JSON,
        urls::SITEMAP,
        urls::ROBOTS,
        "/feed.xml",
        "/feed.json",
    ];
    if fixed.contains(&decoded.as_str()) || decoded.starts_with("/archive/") {
        return Ok(None);
    }
    // An old address the archive forwards.
    if read::alias_target(conn, &decoded, now)?.is_some() {
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
        let html = read::article_html(site.conn, slug)?.unwrap_or_default();
        cache.insert(slug.to_string(), ids(&html));
    }
    let found = cache
        .get(slug)
        .is_some_and(|ids| ids.contains(&percent_decode(anchor)));
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

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
