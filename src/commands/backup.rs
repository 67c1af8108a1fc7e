//! `dispatches backup` and `dispatches restore`: the operator's side of `db::backup`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::db::backup;

/// `dispatches backup OUT.db`: a checked copy of the live archive.
pub(super) fn backup(db_path: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let articles = backup::checked_copy(db_path, out)
        .with_context(|| format!("backing up {}", db_path.display()))?;
    println!("backup: {} ({articles} articles, checked)", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `dispatches restore FROM.db`: checks the backup, then copies it into the archive.
pub(super) fn restore(from: &Path, db_path: &Path) -> anyhow::Result<ExitCode> {
    let articles = backup::restore(from, db_path)
        .with_context(|| format!("{} was not restored", from.display()))?;
    println!(
        "restored {} into {}: {articles} articles",
        from.display(),
        db_path.display(),
    );
    Ok(ExitCode::SUCCESS)
}
