//! Step 1, discover: files, folders (walked recursively, hidden entries and editor junk
//! left out, symlinks not followed) and globs become the list of files to publish, each
//! with its name inside the content root.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::report::Report;
use crate::error::FileError;

/// A file found on disk, with its name inside the content root.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub path: PathBuf,
    /// Path relative to the content root, `/`-separated; the row's identity.
    pub rel: String,
    /// The path as the user would recognise it.
    pub shown: String,
    pub markdown: bool,
}

/// What the inputs named.
pub(super) struct Discovered {
    pub files: Vec<Found>,
    /// Folder prefixes (relative to the content root) walked whole: what `--prune` may
    /// remove from.
    pub walked: Vec<String>,
}

/// Expands files, folders and globs into the files to publish, and the folder prefixes
/// (relative to the content root) that were walked whole, for `--prune`.
pub(super) fn expand(inputs: &[String], root: &Path, report: &mut Report) -> Discovered {
    // Canonicalised once; each input is placed relative to it.
    let root = std::fs::canonicalize(root).ok();
    let mut found = Vec::new();
    let mut prefixes = Vec::new();
    let mut seen = HashSet::new();
    let mut fail =
        |input: &str, message: String| report.failed.push(FileError::file(input, message));
    for input in inputs {
        let path = Path::new(input);
        let mut files: Vec<Found> = Vec::new();
        if path.is_dir() {
            // A folder inside the content root keeps its place in it; any other folder is
            // a root of its own.
            let prefix = std::fs::canonicalize(path)
                .ok()
                .zip(root.as_deref())
                .and_then(|(dir, root)| rel_within(root, &dir))
                .unwrap_or_default();
            let walker = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter();
            for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let Some(inner) = e.path().strip_prefix(path).ok().map(slash_path) else {
                            continue;
                        };
                        let rel = if prefix.is_empty() {
                            inner
                        } else {
                            format!("{prefix}/{inner}")
                        };
                        let junk = is_editor_junk(&e.file_name().to_string_lossy());
                        files.extend(found_file(e.path(), rel).filter(|f| f.markdown || !junk));
                    }
                    Ok(_) => {}
                    Err(e) => fail(input, format!("cannot read folder: {e}")),
                }
            }
            prefixes.push(prefix);
        } else if path.is_file() {
            match explicit_file(path, root.as_deref()) {
                Some(f) => files.push(f),
                None => fail(input, "not a Markdown file (.md)".into()),
            }
        } else if input.contains(['*', '?', '[']) {
            match glob::glob(input) {
                Ok(paths) => {
                    let matches: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    if matches.is_empty() {
                        fail(input, "the pattern matches no file".into());
                    }
                    files.extend(
                        matches
                            .iter()
                            .filter_map(|p| explicit_file(p, root.as_deref())),
                    );
                }
                Err(e) => fail(input, format!("bad pattern: {e}")),
            }
        } else {
            fail(input, "no such file or folder".into());
        }
        found.extend(files.into_iter().filter(|f| seen.insert(f.rel.clone())));
    }
    Discovered {
        files: found,
        walked: prefixes,
    }
}

/// A Markdown file named on the command line (or by a glob): placed in the content root
/// if it lies inside it; otherwise a bundle's `index.md` keeps its folder name and any
/// other file its own name.
fn explicit_file(path: &Path, root: Option<&Path>) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let inside = std::fs::canonicalize(path)
        .ok()
        .zip(root)
        .and_then(|(p, root)| rel_within(root, &p));
    let rel = inside.unwrap_or_else(|| {
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy());
        match folder {
            Some(folder) if name == "index.md" => format!("{folder}/{name}"),
            _ => name.clone(),
        }
    });
    found_file(path, rel).filter(|f| f.markdown)
}

/// `path` relative to `root` (both canonical), `/`-separated.
fn rel_within(root: &Path, path: &Path) -> Option<String> {
    path.strip_prefix(root).ok().map(slash_path)
}

fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn found_file(path: &Path, rel: String) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy();
    let markdown = name.ends_with(".md") || name.ends_with(".markdown");
    Some(Found {
        path: path.to_path_buf(),
        rel,
        shown: path.display().to_string(),
        markdown,
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Editor swap, backup and probe files are never published.
fn is_editor_junk(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with(".#")
}

/// Whether the source path `rel` lies in the folder `prefix` (`""`: the whole root).
pub(super) fn under(rel: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || rel == prefix
        || rel.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert!(under("a/b.md", ""));
        assert!(under("a/b.md", "a"));
        assert!(!under("ab/c.md", "a"));
    }
}
