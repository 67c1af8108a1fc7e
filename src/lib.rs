//! dispatches: publish a folder of Markdown into one SQLite archive and serve it.

pub mod config;
pub mod content;
pub mod db;
pub mod publish;
