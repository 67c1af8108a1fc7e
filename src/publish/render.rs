//! Step 4, render: the planned articles are rendered on every core and handed to the
//! store step in date order while later ones still render; each file's render is
//! isolated, so a renderer panic fails that file alone.

use std::panic::{AssertUnwindSafe, catch_unwind};

use time::OffsetDateTime;

use super::discover::Found;
use super::json;
use super::report::Report;
use crate::config::Config;
use crate::content::{self, Article, ContentSettings, PreparedArticle};
use crate::db::ArticleRow;
use crate::error::FileError;

/// Each render thread's stack. A stack overflow aborts the process and cannot be
/// caught, so every recursion a file can drive is bounded before it starts (nesting in
/// `markdown::bounds`, TeX in `content::math`); this is the margin behind those bounds
/// (the default of 2 MiB held them in a debug build). Only what is used is committed.
const RENDER_STACK_BYTES: usize = 16 << 20;

/// What a file whose render panicked is told.
pub(super) const RENDERER_CRASHED: &str = "the Markdown renderer crashed on this file; the previous version stays live (please report it)";

/// An article with its settled slug, waiting to be rendered.
pub(super) struct Planned {
    pub found: Found,
    pub hash: String,
    pub published_at: OffsetDateTime,
    pub article: Box<PreparedArticle>,
}

/// Renders `planned` on every core and hands the rows to `deliver` in `planned`'s order
/// (ids, and so ties in listings, stay the same from one publish to the next), while
/// later ones still render. Failures and warnings go to `report`; when `deliver` says
/// no (the writer stopped), rendering stops.
pub(super) fn render_in_order(
    planned: Vec<Planned>,
    settings: ContentSettings<'_>,
    config: &Config,
    bar: &indicatif::ProgressBar,
    cancelled: &(dyn Fn() -> bool + Sync),
    report: &mut Report,
    deliver: &mut dyn FnMut(Vec<ArticleRow>) -> bool,
) {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    type Rendered = Result<(ArticleRow, Vec<String>), FileError>;
    /// Articles per unit of work: few enough to keep both cores busy to the end, enough
    /// that threads do not wake each other for every article.
    const CHUNK: usize = 8;

    let mut chunks: Vec<Mutex<Vec<Planned>>> = Vec::new();
    let mut planned = planned.into_iter().peekable();
    while planned.peek().is_some() {
        chunks.push(Mutex::new(planned.by_ref().take(CHUNK).collect()));
    }
    // Workers take the next chunk in order, so chunks finish nearly in order and the
    // reordering below holds only a few.
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(chunks.len().max(1));
    std::thread::scope(|scope| {
        let (done, results) = std::sync::mpsc::sync_channel::<(usize, Vec<Rendered>)>(8);
        for _ in 0..threads {
            let done = done.clone();
            let (chunks, next) = (&chunks, &next);
            let worker = std::thread::Builder::new()
                .name("render".into())
                .stack_size(RENDER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, move || {
                // A cancelled publish stops at the next article, not after the rest.
                while !cancelled() {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i).and_then(|c| c.lock().ok()) else {
                        break;
                    };
                    let work = std::mem::take(&mut *{ chunk });
                    let rendered = work
                        .into_iter()
                        .take_while(|_| !cancelled())
                        .map(|p| render_one(p, settings, config))
                        .collect();
                    if done.send((i, rendered)).is_err() {
                        break;
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!("no thread to render on: {e}");
            }
        }
        drop(done);
        let mut waiting: std::collections::BTreeMap<usize, Vec<Rendered>> = Default::default();
        let mut wanted = 0;
        'receive: for (i, rendered) in results.iter() {
            waiting.insert(i, rendered);
            while let Some(chunk) = waiting.remove(&wanted) {
                wanted += 1;
                bar.inc(chunk.len() as u64);
                let mut rows = Vec::with_capacity(chunk.len());
                for rendered in chunk {
                    match rendered {
                        Ok((row, warnings)) => {
                            report.warnings.extend(warnings);
                            rows.push(row);
                        }
                        Err(failure) => report.failed.push(failure),
                    }
                }
                if cancelled() || !deliver(rows) {
                    break 'receive;
                }
            }
        }
        // Leaving early drops `results`, which stops the workers at their next send.
    });
}

/// Renders one planned article into its row (and its warnings), or says why it failed.
fn render_one(
    p: Planned,
    settings: ContentSettings<'_>,
    config: &Config,
) -> Result<(ArticleRow, Vec<String>), FileError> {
    let Planned {
        found: f,
        hash,
        published_at,
        article,
    } = p;
    match catch_unwind(AssertUnwindSafe(|| article.render(settings))) {
        Ok(Ok(mut a)) => {
            let warnings = std::mem::take(&mut a.warnings)
                .into_iter()
                .map(|(line, message)| format!("{}:{line}: {message}", f.shown))
                .collect();
            Ok((article_row(&f, hash, published_at, a, config), warnings))
        }
        Ok(Err(e)) => Err(e.in_file(&f.shown)),
        Err(_) => Err(FileError::file(&f.shown, RENDERER_CRASHED)),
    }
}

fn article_row(
    f: &Found,
    hash: String,
    published_at: OffsetDateTime,
    a: Article,
    config: &Config,
) -> ArticleRow {
    let author = a
        .authors
        .first()
        .cloned()
        // Pages and projects have no byline unless they name an author.
        .or_else(|| {
            (a.role.kind == content::kind::Kind::Dispatch)
                .then(|| config.default_author.clone())
                .flatten()
        })
        .map(|name| {
            let id = content::slugify(&name);
            (
                if id.is_empty() {
                    "anonymous".into()
                } else {
                    id
                },
                name,
            )
        });
    ArticleRow {
        source_path: f.rel.clone(),
        content_hash: hash,
        slug: a.slug,
        kind: a.role.kind.as_str(),
        menu: a.role.menu,
        weight: a.role.weight,
        featured: a.role.featured,
        title: a.title,
        dek: a.dek.unwrap_or_default(),
        published_at: published_at.unix_timestamp(),
        updated_at: a.updated.map(|t| t.unix_timestamp()),
        stream_id: a.stream,
        author,
        draft: a.draft,
        lang: a.lang.unwrap_or_default(),
        translation_key: a.translation_key,
        hero_json: a.hero.as_ref().map(json),
        sources_json: json(&a.sources),
        authors_json: json(&a.authors),
        extra_json: a.extra.to_string(),
        front_matter_json: a.front_matter.to_string(),
        markdown: a.markdown,
        html: a.html,
        summary_html: a.summary_html,
        toc_json: json(&a.toc),
        body_text: a.text,
        word_count: a.word_count as i64,
        reading_minutes: a.reading_minutes as i64,
        tags: a.tags,
        aliases: a.aliases.iter().map(|p| normalize_alias(p)).collect(),
        images: a.images,
    }
}

/// Aliases are stored as absolute paths: `2019/old.html` → `/2019/old.html`.
fn normalize_alias(p: &str) -> String {
    let p = p.trim();
    let p = p
        .split_once("://")
        .map_or(p, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_absolute_paths() {
        assert_eq!(
            normalize_alias("2014/12/12/1.0-Timeline.html"),
            "/2014/12/12/1.0-Timeline.html"
        );
        assert_eq!(normalize_alias("/old"), "/old");
        assert_eq!(normalize_alias("https://example.org/a/b"), "/a/b");
    }
}
