//! The content stage: file text in, a checked [`Article`] (or author, stream, or a reasoned
//! skip) out. Pure: no database, no clock, no file system.

pub mod dates;
pub mod front_matter;
pub mod highlight;
pub mod markdown;
pub mod sanitize;
