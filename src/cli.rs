//! The command line: global options and the subcommands of the contract.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Publish a folder of Markdown as a fast, searchable, server-rendered archive.
#[derive(Debug, Parser)]
#[command(name = "dispatches", version, about)]
pub struct Cli {
    /// The archive database.
    #[arg(
        long,
        global = true,
        default_value = "data/archive.db",
        env = "DISPATCHES_DB"
    )]
    pub db: PathBuf,
    /// Site settings file (optional unless given explicitly).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a site of one's own in DIR: settings, an introduction, an about page, a first
    /// post, an author and an example project. Never overwrites a file.
    Init {
        /// The site's folder (made if missing; files already in it are kept).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Serve the archive; publishes the content folder at start.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:3000", env = "DISPATCHES_ADDR")]
        addr: String,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Do not watch the content folder for changes.
        #[arg(long)]
        no_watch: bool,
        /// Show drafts and scheduled articles at their addresses, with a banner (never in
        /// lists, feeds, the sitemap or search).
        #[arg(long)]
        drafts: bool,
        /// Development mode: live reload, a banner on an article whose latest save failed,
        /// and drafts shown as `--drafts` shows them (the `dev` setting, for this run).
        #[arg(long)]
        dev: bool,
        /// Serve a database another process writes (a replica): no publish, no
        /// watcher, no writer, no migration.
        #[arg(long, env = "DISPATCHES_READ_ONLY")]
        read_only: bool,
    },
    /// Import Markdown files, folders (recursively) or globs into the archive.
    Publish {
        /// Files, folders or glob patterns.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Validate and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Unpublish articles whose files are gone from the folders given.
        #[arg(long)]
        prune: bool,
        /// The content folder that paths are named relative to.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Print only the summary and the problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Turn a WordPress export (WXR) or a Ghost export (JSON) into Markdown files in DIR,
    /// ready for `dispatches publish DIR`.
    Import {
        /// The export file.
        export: PathBuf,
        /// The folder to write the Markdown files into.
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Replace files that are there already and differ from the export.
        #[arg(long)]
        force: bool,
    },
    /// Search the archive as the site does.
    Search {
        /// The query: words, "phrases", prefix*, -exclude, OR.
        query: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the live archive to OUT.
    Backup {
        /// Where to write the copy.
        out: PathBuf,
    },
    /// Replace the archive with a checked backup; safe while a server reads it (readers
    /// see the whole old or the whole new archive).
    Restore {
        /// The backup to restore from.
        from: PathBuf,
    },
    /// Publishing tokens for Micropub: printed once, stored only as a SHA-256 hash.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Report every internal link and anchor of the published articles that leads nowhere,
    /// as `file:line: link TARGET: why`, and every image that resolves to nothing, as
    /// `file:line: image TARGET: why`; exit 1 if any.
    Check {
        /// Files or folders inside the content folder to check (default: all of it).
        paths: Vec<String>,
        /// The content folder the articles were published from.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Also ask every link to another site (eight at a time, 10 s each).
        #[arg(long)]
        external: bool,
        /// With --external, also ask links to loopback and private addresses (refused
        /// otherwise, so a post cannot make the check probe this machine's network).
        #[arg(long, requires = "external")]
        local: bool,
    },
    /// Print a secret, expiring link that shows one unpublished article.
    Preview {
        /// The article's slug (a draft, a scheduled article, or a published one).
        #[arg(required_unless_present = "rotate")]
        slug: Option<String>,
        /// How long the link works, in hours (at most 8760, a year).
        #[arg(long, default_value_t = 72,
              value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::preview::MAX_HOURS)))]
        hours: u32,
        /// Replace the signing secret: every preview link made so far stops working.
        #[arg(long)]
        rotate: bool,
    },
    /// Exit 0 when the server at ADDR answers /healthz (for container health checks).
    Healthcheck {
        /// Address of the running server.
        #[arg(long, default_value = "127.0.0.1:3000", env = "DISPATCHES_ADDR")]
        addr: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Make a token and print it (alone, on stdout) once.
    Add {
        /// A name to list and revoke it by.
        name: String,
        /// What it may do: any of create,update,delete,undelete,media.
        #[arg(long, default_value = "create,update,delete,undelete,media")]
        scope: String,
    },
    /// Name, scopes, created and last used of every token (never the token).
    List,
    /// Delete a token; a running server refuses it from the next request.
    Revoke {
        /// The token's name.
        name: String,
    },
}
