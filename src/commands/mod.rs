//! One file per subcommand, between the parsed command line and the library. Each
//! returns `anyhow::Result<ExitCode>`: 0 success, 1 some input failed; `main` turns an
//! error into `error: …` and exit 1.

mod backup;
mod check;
mod healthcheck;
mod import;
mod init;
mod preview;
mod publish;
mod search;
pub(crate) mod serve;
mod token;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::config::Config;

/// Runs the command `cli` names with the site's `config`.
pub fn run(cli: Cli, config: Config) -> anyhow::Result<ExitCode> {
    let db = cli.db;
    match cli.command {
        Command::Publish {
            paths,
            dry_run,
            prune,
            content,
            quiet,
        } => {
            let options = crate::publish::Options {
                dry_run,
                prune,
                progress: !quiet,
                cancel: None,
                seen: None,
                names: None,
            };
            config.check_files(&content)?;
            publish::run(&paths, &content, &config, &db, &options, quiet)
        }
        Command::Serve {
            addr,
            content,
            no_watch,
            drafts,
            dev,
            read_only,
        } => {
            let mut config = config;
            config.dev |= dev;
            config.drafts |= drafts || dev;
            let mode = if read_only {
                serve::Mode::ReadOnly
            } else if no_watch {
                serve::Mode::Publish
            } else {
                serve::Mode::Watch
            };
            serve::run(&addr, &content, mode, config, &db)
        }
        Command::Import {
            export,
            into,
            force,
        } => import::run(&export, &into, force),
        Command::Search { query, json } => search::run(&query, json, &db, &config),
        Command::Backup { out } => backup::backup(&db, &out),
        Command::Restore { from } => backup::restore(&from, &db),
        Command::Token { action } => token::run(action, &db),
        Command::Check {
            paths,
            content,
            external,
            local,
        } => check::run(&paths, &content, (external, local), &db, &config.work_path),
        Command::Preview {
            slug,
            hours,
            rotate,
        } => preview::run(slug.as_deref(), hours, rotate, &db, &config),
        Command::Healthcheck { addr } => healthcheck::run(&addr),
        Command::Init { dir } => init::run(&dir),
    }
}
