//! dispatches: publish a folder of Markdown into one SQLite archive and serve it.

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod db;
pub mod error;
pub mod hex;
pub mod import_export;
pub mod micropub;
pub mod preview;
pub mod publish;
pub mod search;
pub mod tokens;
pub mod urls;
pub mod watch;
pub mod web;
