//! Step 3, settle slugs: before anything renders, every changed article gets a slug no
//! other article holds. The earlier of two posts sharing a Zola `path` name keeps it and
//! the later is qualified with its date, as is the later of two files whose names differ
//! only by their date prefix; of two files of the same name in different
//! folders the later is qualified with its folder; a translation (an article with a
//! language) is qualified with its language; any other clash of slugs the authors chose
//! fails the later file, naming the file that holds the slug.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use time::OffsetDateTime;

use super::load::Loaded;
use super::render::Planned;
use super::report::Report;
use crate::content::{PreparedArticle, SlugOrigin, url_safe};
use crate::error::FileError;

/// Which source files exist: those this publish found, and those under the content root.
pub(super) struct Present<'a> {
    pub seen: &'a HashSet<String>,
    pub content_root: &'a Path,
}

impl Present<'_> {
    fn contains(&self, rel: &str) -> bool {
        self.seen.contains(rel) || self.content_root.join(rel).exists()
    }
}

/// The slugs held: by the stored articles (`owner`: slug → source path) this batch
/// neither rewrites nor removes, and by the articles settled so far.
struct Taken<'a> {
    owner: &'a dyn Fn(&str) -> Option<String>,
    /// Sources this batch rewrites or removes: their stored slugs are free.
    released: HashSet<String>,
    settled: HashMap<String, String>,
}

impl Taken<'_> {
    fn get(&self, slug: &str) -> Option<String> {
        match self.settled.get(slug) {
            Some(src) => Some(src.clone()),
            None => (self.owner)(slug).filter(|src| !self.released.contains(src)),
        }
    }

    fn contains_key(&self, slug: &str) -> bool {
        self.get(slug).is_some()
    }

    fn insert(&mut self, slug: String, src: String) {
        self.settled.insert(slug, src);
    }
}

/// Orders `articles` by date (the order they are stored in, so ids stay stable) and
/// settles each one's slug against `owner` (slug → source path of what is stored) less
/// the sources this batch rewrites or removes.
pub(super) fn settle(
    mut articles: Vec<Loaded>,
    owner: &dyn Fn(&str) -> Option<String>,
    removed: &[String],
    present: &Present<'_>,
    report: &mut Report,
) -> Vec<Planned> {
    let mut taken = Taken {
        owner,
        released: articles
            .iter()
            .map(|l| l.found.rel.clone())
            .chain(removed.iter().cloned())
            .collect(),
        settled: HashMap::new(),
    };
    // Earliest first, so the older of two posts sharing a Zola path name keeps it.
    articles.sort_by(|a, b| (a.article.date, &a.found.rel).cmp(&(b.article.date, &b.found.rel)));
    let mut planned = Vec::with_capacity(articles.len());
    for loaded in articles {
        if let Some(p) = settle_one(loaded, &mut taken, present, report) {
            planned.push(p);
        }
    }
    planned
}

/// One article's date (the file's modification time when it has none) and slug; `None`
/// when its slug is held by another file.
fn settle_one(
    loaded: Loaded,
    taken: &mut Taken<'_>,
    present: &Present<'_>,
    report: &mut Report,
) -> Option<Planned> {
    let Loaded {
        found: f,
        hash,
        modified,
        mut article,
    } = loaded;
    let published_at = article.date.unwrap_or_else(|| {
        report.warnings.push(format!(
            "{}: no date in front matter, path or file name; using the file's modification time",
            f.shown
        ));
        OffsetDateTime::from(modified)
    });
    if let Some(holder) = taken.get(&article.slug) {
        match qualified(&article, &f.rel, published_at, taken) {
            Some((qualified, by)) => {
                report.warnings.push(format!(
                    "{}: slug `{}` is also the name of {holder}; published as `{qualified}` \
                     (qualified by its {by}); set `slug:` to choose another",
                    f.shown, article.slug
                ));
                article.slug = qualified;
            }
            None => {
                report
                    .failed
                    .push(clash(&f.shown, &article.slug, &holder, present));
                return None;
            }
        }
    }
    taken.insert(article.slug.clone(), f.rel.clone());
    Some(Planned {
        found: f,
        hash,
        published_at,
        article,
    })
}

/// A free slug for an article whose name another file holds, and what qualified it: a
/// Zola `path` name takes the post's date; a file's name takes its folders, nearest first
/// (`functions/strings/Title.md` → `strings-Title`); an article with a language takes
/// it first (`about-fr`). A slug the author chose is otherwise never changed.
fn qualified(
    article: &PreparedArticle,
    rel: &str,
    published_at: OffsetDateTime,
    taken: &Taken<'_>,
) -> Option<(String, &'static str)> {
    // Translations often share a chosen slug (Hugo serves each language under its own
    // prefix); here the later one names its language instead of failing.
    if let Some(lang) = &article.lang {
        let q = crate::content::lang::slug_with(&article.slug, lang);
        if !taken.contains_key(&q) {
            return Some((q, "language"));
        }
    }
    match article.slug_origin {
        SlugOrigin::Path => {
            let q = format!("{}-{}", article.slug, published_at.date());
            (!taken.contains_key(&q)).then_some((q, "date"))
        }
        SlugOrigin::FileName => {
            // `2019-05-01-funding-update.md` and `2019-11-07-funding-update.md`: dated
            // names, told apart by their dates as their old addresses were.
            if dated_name(rel) {
                let q = format!("{}-{}", article.slug, published_at.date());
                if !taken.contains_key(&q) {
                    return Some((q, "date"));
                }
            }
            let mut folders: Vec<&str> = rel.split('/').collect();
            folders.pop();
            // A bundle is named by its folder already.
            if rel.ends_with("/index.md") {
                folders.pop();
            }
            let mut slug = article.slug.clone();
            for folder in folders.iter().rev() {
                let folder = url_safe(folder);
                if folder.is_empty() {
                    continue;
                }
                slug = format!("{folder}-{slug}");
                if !taken.contains_key(&slug) {
                    return Some((slug, "folder"));
                }
            }
            None
        }
        SlugOrigin::FrontMatter => None,
    }
}

/// Whether the file (or a bundle's folder) is named with a `YYYY-MM-DD-` date.
fn dated_name(rel: &str) -> bool {
    let mut parts = rel.rsplit('/');
    let name = parts.next().unwrap_or(rel);
    let name = match crate::content::markdown_stem(name) {
        Some("index") => parts.next().unwrap_or(name),
        Some(stem) => stem,
        None => name,
    };
    crate::content::dates::split_date_prefix(name).is_some()
}

/// The failure of a file whose slug `holder` already uses.
fn clash(shown: &str, slug: &str, holder: &str, present: &Present<'_>) -> FileError {
    let gone = if present.contains(holder) {
        ""
    } else {
        " (that file is gone: publish with --prune to release its slug)"
    };
    FileError {
        path: shown.to_string(),
        line: None,
        field: Some("slug".into()),
        message: format!(
            "slug `{slug}` is already used by {holder}{gone}; give one of them another `slug:`"
        ),
    }
}
