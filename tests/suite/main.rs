//! The black-box test suite, one binary: each module is one area of promises, and
//! `common` builds sites, archives and servers for all of them. One binary links SQLite,
//! syntect and Oniguruma once instead of once per file.

mod common;

mod backup;
mod bad_input;
mod check;
mod cli;
mod connections;
mod contract;
mod corpora;
mod dialect_corpora;
mod dialects;
mod furniture;
mod hostile;
mod identity;
mod images;
mod import;
mod import_command;
mod init;
mod languages;
mod math_bombs;
mod micropub;
mod micropub_attacks;
mod micropub_media_auth;
mod micropub_states;
mod micropub_undelete;
mod own_look;
mod preview;
mod properties;
mod republish;
mod rich;
mod search;
mod search_load;
mod serve;
mod shape;
mod site;
mod upgrade;
mod uploads;
mod watch;
mod web;
