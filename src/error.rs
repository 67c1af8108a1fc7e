//! The one error pattern of the program, layer by layer.
//!
//! - **A problem in one file** (content, front matter, a publish refusal) is a
//!   [`FileError`]: file, line, field and a message that says what to do. The content
//!   stage fills line, field and message; the publish step adds the path the user typed.
//!   It is shown as `path:line: `field`: message`, the form editors jump to. One bad file
//!   never stops a publish: the others still go in, and the file's previous version stays
//!   live.
//! - **The archive** (`crate::db`) returns `db::DbError`: what was being done, to which
//!   file, and SQLite's failure in words an operator can act on (`db::explain`).
//! - **A search a reader typed** returns `search::SearchError`: a bad query, or one that
//!   ran over its time budget, is answered 400 with a message saying how to narrow it;
//!   anything else is a database error. (A search refused for want of a free slot is a
//!   503 with `Retry-After`, decided before it runs, in `web::searches`.)
//! - **The web layer** returns `web::error::WebError` from handlers, which implements
//!   `IntoResponse`: 404 and 400 render a page with the message; an internal failure
//!   keeps the error itself (`Cause`), is logged at ERROR with its whole chain of causes,
//!   and the reader sees a plain 500 page without it.
//! - **Commands** (`crate::commands`) return `anyhow::Result`, adding what the command
//!   was doing as context; `main` prints `error: …` with every cause and exits 1 (2 for
//!   a usage error, which clap and the configuration report before any command runs).
//!
//! Nothing is logged twice: the layer that decides what a user sees logs, the layers below
//! only return.

use std::fmt;

/// A failure kept whole, so a log can show its chain of causes, not one line of it.
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync>;

/// `error: cause: cause …`, each `source()` in turn, the way `main` prints a command's
/// error.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// A problem in one file, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    /// The path as the user would recognise it; empty inside the content stage, which
    /// sees only the text.
    pub path: String,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// The front-matter key at fault, when there is one.
    pub field: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl FileError {
    /// A problem with the whole file (it cannot be read, is too large, …).
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> FileError {
        FileError {
            path: path.into(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem at `line` (and `field`, if any) of a file whose path is added later.
    pub fn at(line: usize, field: Option<&str>, message: impl Into<String>) -> FileError {
        FileError {
            path: String::new(),
            line: Some(line),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    /// The same problem, located in the file at `path`.
    pub fn in_file(mut self, path: &str) -> FileError {
        self.path = path.to_string();
        self
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), self.line) {
            (false, Some(line)) => write!(f, "{}:{line}", self.path)?,
            (false, None) => write!(f, "{}", self.path)?,
            (true, Some(line)) => write!(f, "line {line}")?,
            (true, None) => write!(f, "(no file)")?,
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FileError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_read_like_compiler_errors() {
        let mut e = FileError::at(3, Some("date"), "bad");
        assert_eq!(e.to_string(), "line 3: `date`: bad");
        e = e.in_file("content/a.md");
        assert_eq!(e.to_string(), "content/a.md:3: `date`: bad");
        assert_eq!(
            FileError::file("content/b.md", "too large").to_string(),
            "content/b.md: too large"
        );
    }

    #[test]
    fn a_logged_failure_names_every_cause_in_its_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("the page failed")]
        struct Page(#[source] std::io::Error);
        let e: Cause = Box::new(Page(std::io::Error::other("disk full")));
        assert_eq!(chain(e.as_ref()), "the page failed: disk full");
    }
}
