//! `dispatches token add|list|revoke`: publishing tokens for Micropub. A new token is
//! printed once on stdout and never again; the archive keeps only its hash. The server
//! reads the table on every request, so a revoke takes effect at once.

use std::path::Path;
use std::process::ExitCode;

use time::OffsetDateTime;

use crate::cli::TokenAction;
use crate::db::{self, tokens as stored};
use crate::tokens;

pub(super) fn run(action: TokenAction, db_path: &Path) -> anyhow::Result<ExitCode> {
    let conn = db::open_writable(db_path)?;
    match action {
        TokenAction::Add { name, scope } => {
            let scopes =
                tokens::parse_scopes(&scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let token = tokens::generate()
                .map_err(|e| anyhow::anyhow!("reading the OS's random source: {e}"))?;
            let now = OffsetDateTime::now_utc().unix_timestamp();
            if !stored::add(&conn, &name, &tokens::hash(&token), &scopes, now)
                .map_err(db::DbError::from)?
            {
                anyhow::bail!(
                    "a token named {name:?} exists; revoke it first or pick another name"
                );
            }
            // The token alone on stdout, so `$(dispatches token add …)` captures it.
            println!("{token}");
            eprintln!("token {name:?} ({scopes}): shown once, stored only as a hash");
        }
        TokenAction::List => {
            let rows = stored::list(&conn).map_err(db::DbError::from)?;
            if rows.is_empty() {
                eprintln!("no tokens; add one with `dispatches token add NAME`");
            }
            for t in rows {
                println!(
                    "{}\t{}\tcreated {}\tlast used {}",
                    t.name,
                    t.scopes.replace(' ', ","),
                    when(Some(t.created_at)),
                    when(t.last_used_at)
                );
            }
        }
        TokenAction::Revoke { name } => {
            if !stored::revoke(&conn, &name).map_err(db::DbError::from)? {
                anyhow::bail!("no token named {name:?}; `dispatches token list` shows them");
            }
            eprintln!("revoked {name:?}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn when(t: Option<i64>) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "never".into())
}
