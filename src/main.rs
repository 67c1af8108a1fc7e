//! The `dispatches` binary: parse the command line, set up logging, run one command.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use dispatches::cli::{Cli, Command};
use dispatches::commands;
use dispatches::config::Config;

/// What is logged unless `DISPATCHES_LOG` says otherwise. The HTTP/2 library warns once
/// for every connection it ends for abuse (rapid reset): a client that opens such
/// connections in a loop would fill the log, and the connection is closed either way.
const DEFAULT_LOG: &str = "info,h2=error";

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DISPATCHES_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG)),
        )
        .with_writer(std::io::stderr)
        .init();
    // `init` makes the settings file; a broken one where it runs is no reason to refuse.
    let loaded = if matches!(cli.command, Command::Init { .. }) {
        Ok(Config::default())
    } else {
        Config::load(
            cli.config
                .as_deref()
                .unwrap_or(Path::new("dispatches.toml")),
            cli.config.is_some(),
            std::env::vars(),
        )
    };
    let config = match loaded {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = commands::run(cli, config);
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// glibc gives threads that allocate at once arenas of their own, up to eight per core,
/// and keeps what each has freed. Two per core: the server under load (10,000 articles,
/// bench/run's load) stayed at 91–94 MB instead of 108–110 MB, while a publish (renderers
/// on every core, the coordinator and the writer freeing what they allocated) still
/// finds an arena free; one per core made a 2,000-article publish about a fifth slower
/// in back-to-back runs.
/// `MALLOC_ARENA_MAX` still wins when set.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let arenas = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
        // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas as libc::c_int);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
