//! dispatches: publish a folder of Markdown into one SQLite archive and serve it.

// Items are `pub` only where the binary or the tests reach them; the compiler then finds
// what nothing uses.
#![warn(unreachable_pub)]

pub(crate) mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod db;
pub(crate) mod error;
pub(crate) mod hex;
pub(crate) mod import_export;
pub mod micropub;
pub(crate) mod preview;
pub mod publish;
pub mod search;
pub mod strings;
pub(crate) mod tokens;
pub mod urls;
pub mod watch;
pub mod web;
