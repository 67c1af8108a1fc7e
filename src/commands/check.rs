//! `dispatches check [PATH...]`: the broken internal links and anchors of the published
//! articles and the images that resolve to nothing, one line each as
//! `file:line: link TARGET: why` or `file:line: image TARGET: why`; exit 1 when there are
//! any.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::check::{self, What};
use crate::db::{self, DbError};

/// The content folder and the folders inside it to check. A folder outside the content
/// folder (or when there is none) is a content folder of its own, as `publish PATH`
/// reads it: `dispatches check site` checks what `dispatches publish site` wrote.
fn content_and_roots(paths: &[String], content: &Path) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let root = std::fs::canonicalize(content).ok();
    let mut roots = Vec::new();
    for p in paths {
        let full =
            std::fs::canonicalize(p).with_context(|| format!("{p}: no such file or folder"))?;
        match root.as_deref().and_then(|r| full.strip_prefix(r).ok()) {
            Some(rel) => roots.push(rel.to_string_lossy().replace('\\', "/")),
            None if full.is_dir() && paths.len() == 1 => return Ok((full, Vec::new())),
            None => anyhow::bail!(
                "{p} is not inside the content folder {}; name the folder it was published from with --content",
                content.display()
            ),
        }
    }
    let root = root.with_context(|| format!("--content {}: no such folder", content.display()))?;
    Ok((root, roots))
}

pub(super) fn run(
    paths: &[String],
    content: &Path,
    (external, local): (bool, bool),
    db_path: &Path,
    work: &str,
) -> anyhow::Result<ExitCode> {
    let conn = db::open_read_only(db_path)?;
    let (content, roots) = content_and_roots(paths, content)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (mut broken, outside) =
        check::check(&conn, &content, &roots, now, work).map_err(DbError::from)?;
    if external {
        broken.extend(check::check_external(
            &outside,
            8,
            Duration::from_secs(10),
            local,
        ));
    }
    for b in &broken {
        println!("{b}");
    }
    let images = broken.iter().filter(|b| b.what == What::Image).count();
    let links = broken.len() - images;
    eprintln!(
        "{links} broken {}link{}, {images} image{} that resolve{} to nothing{}",
        if external { "" } else { "internal " },
        if links == 1 { "" } else { "s" },
        if images == 1 { "" } else { "s" },
        if images == 1 { "s" } else { "" },
        if external {
            format!(" ({} outside links asked)", outside.len())
        } else {
            String::new()
        }
    );
    Ok(if broken.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
