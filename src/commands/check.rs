//! `dispatches check [PATH...]`: the broken internal links and anchors of the published
//! articles and the images that resolve to nothing, one line each as
//! `file:line: link TARGET: why` or `file:line: image TARGET: why`; exit 1 when there are
//! any.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::check::{self, What};
use crate::db::{self, DbError};

pub fn run(
    paths: &[String],
    content: &Path,
    (external, local): (bool, bool),
    db_path: &Path,
    work: &str,
) -> anyhow::Result<ExitCode> {
    let conn = db::open_read_only(db_path)?;
    let root = std::fs::canonicalize(content)
        .with_context(|| format!("--content {}: no such folder", content.display()))?;
    let mut roots = Vec::new();
    for p in paths {
        let full =
            std::fs::canonicalize(p).with_context(|| format!("{p}: no such file or folder"))?;
        let rel = full.strip_prefix(&root).map_err(|_| {
            anyhow::anyhow!("{p} is not inside the content folder {}", content.display())
        })?;
        roots.push(rel.to_string_lossy().replace('\\', "/"));
    }
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (mut broken, outside) =
        check::check(&conn, content, &roots, now, work).map_err(DbError::from)?;
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
