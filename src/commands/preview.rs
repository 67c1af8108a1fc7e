//! `dispatches preview SLUG`: prints a secret link that shows one unpublished article to
//! whoever has it, until it expires; `--rotate` replaces the signing secret, which revokes
//! every link made so far.

use std::path::Path;
use std::process::ExitCode;

use time::OffsetDateTime;

use crate::config::Config;
use crate::db::{self, DbError, read, secrets};
use crate::{preview, urls};

pub(super) fn run(
    slug: Option<&str>,
    hours: u32,
    rotate: bool,
    db_path: &Path,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let conn = db::open_writable(db_path)?;
    let secret = match secrets::get(&conn, preview::SECRET).map_err(DbError::from)? {
        Some(s) if !rotate => s,
        _ => {
            let fresh = preview::new_secret()
                .map_err(|e| anyhow::anyhow!("reading the OS's random source: {e}"))?;
            secrets::set(&conn, preview::SECRET, &fresh).map_err(DbError::from)?;
            if rotate {
                eprintln!("a new preview secret: every earlier preview link has stopped working");
            }
            fresh
        }
    };
    let Some(slug) = slug else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(article) = read::any_article(&conn, slug).map_err(DbError::from)? else {
        anyhow::bail!("no article has the slug {slug:?}; `dispatches search` finds slugs");
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let expires = now + i64::from(hours) * 3600;
    let sig = preview::sign(&secret, slug, expires);
    println!("{}{}", config.base_url, urls::preview(slug, expires, &sig));
    let state = if article.draft {
        "a draft"
    } else if article.summary.published_at > now {
        "scheduled"
    } else {
        "already published"
    };
    eprintln!(
        "{:?} ({state}): the link works for {hours} hours; `dispatches preview --rotate` revokes every link",
        article.summary.title
    );
    Ok(ExitCode::SUCCESS)
}
