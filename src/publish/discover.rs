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
    /// The canonical folder `rel` is relative to: the content root, or a folder published
    /// as a root of its own.
    pub root: String,
    pub markdown: bool,
}

/// What the inputs named.
pub(super) struct Discovered {
    pub files: Vec<Found>,
    /// Folders walked whole, as (canonical root, prefix relative to it): what `--prune`
    /// may remove from.
    pub walked: Vec<(String, String)>,
}

/// Expands files, folders and globs into the files to publish, and the folder prefixes
/// (relative to the content root) that were walked whole, for `--prune`. A linked file is
/// never followed, however it is named (in a folder, by a glob, on the command line): it
/// is listed as skipped, with why.
pub(super) fn expand(inputs: &[String], root: &Path, report: &mut Report) -> Discovered {
    // Canonicalised once; each input is placed relative to it.
    let root = std::fs::canonicalize(root).ok();
    let mut found = Vec::new();
    let mut walked = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        let path = Path::new(input);
        // A folder named as an input is followed even through a link (it is the root the
        // user chose, as a `content` link in a deployment); a linked file is not.
        let files = if is_symlink(path) && !path.is_dir() {
            skip_symlink(path, report);
            Vec::new()
        } else if path.is_dir() {
            let (files, walk) = walk_folder(path, input, root.as_deref(), report);
            walked.extend(walk);
            files
        } else if path.is_file() {
            match explicit_file(path, root.as_deref()) {
                Some(f) => vec![f],
                None => {
                    report.failed.push(FileError::file(
                        input,
                        "not a Markdown file (.md, .markdown or .mdx)",
                    ));
                    Vec::new()
                }
            }
        } else if input.contains(['*', '?', '[']) {
            glob_files(input, root.as_deref(), report)
        } else {
            report
                .failed
                .push(FileError::file(input, "no such file or folder"));
            Vec::new()
        };
        found.extend(files.into_iter().filter(|f| seen.insert(f.rel.clone())));
    }
    Discovered {
        files: found,
        walked,
    }
}

/// Every file under the folder `path` (hidden entries and editor junk left out), and the
/// folder as (canonical root, prefix inside it), when it can be named.
fn walk_folder(
    path: &Path,
    input: &str,
    root: Option<&Path>,
    report: &mut Report,
) -> (Vec<Found>, Option<(String, String)>) {
    // A folder inside the content root keeps its place in it; any other folder is a
    // root of its own.
    let canonical = std::fs::canonicalize(path).ok();
    let inside = canonical
        .as_deref()
        .zip(root)
        .and_then(|(dir, root)| rel_within(root, dir));
    let (base, prefix) = match (&inside, root) {
        (Some(prefix), Some(root)) => (root.display().to_string(), prefix.clone()),
        _ => (
            canonical
                .as_deref()
                .map_or_else(|| input.to_string(), |d| d.display().to_string()),
            String::new(),
        ),
    };
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
        let e = match entry {
            Ok(e) => e,
            Err(e) => {
                report
                    .failed
                    .push(FileError::file(input, format!("cannot read folder: {e}")));
                continue;
            }
        };
        if e.file_type().is_symlink() {
            skip_symlink(e.path(), report);
            continue;
        }
        if !e.file_type().is_file() {
            continue;
        }
        let Some(inner) = e.path().strip_prefix(path).ok().map(slash_path) else {
            continue;
        };
        let rel = if prefix.is_empty() {
            inner
        } else {
            format!("{prefix}/{inner}")
        };
        let name = e.file_name().to_string_lossy();
        if let Some(why) = not_taken(&name, &rel) {
            report
                .skipped
                .push((e.path().display().to_string(), why.into()));
            continue;
        }
        let junk = is_editor_junk(&name);
        files.extend(found_file(e.path(), rel, &base).filter(|f| f.markdown || !junk));
    }
    let walk = canonical.map(|_| (base, prefix));
    (files, walk)
}

/// The Markdown files a glob matches.
fn glob_files(pattern: &str, root: Option<&Path>, report: &mut Report) -> Vec<Found> {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(e) => {
            report
                .failed
                .push(FileError::file(pattern, format!("bad pattern: {e}")));
            return Vec::new();
        }
    };
    let matches: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
    let mut files = Vec::new();
    for p in &matches {
        if is_symlink(p) {
            skip_symlink(p, report);
        } else if p.is_file() {
            files.extend(explicit_file(p, root));
        }
    }
    if matches.is_empty() {
        report
            .failed
            .push(FileError::file(pattern, "the pattern matches no file"));
    }
    files
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// A symbolic link could reach outside the content folder, so none is published.
fn skip_symlink(path: &Path, report: &mut Report) {
    report.skipped.push((
        path.display().to_string(),
        "symbolic link, not followed; copy the file into the content folder to publish it".into(),
    ));
}

/// A Markdown file named on the command line (or by a glob): placed in the content root
/// if it lies inside it; otherwise a bundle's `index.md` keeps its folder name and any
/// other file its own name.
fn explicit_file(path: &Path, root: Option<&Path>) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let canonical = std::fs::canonicalize(path).ok()?;
    if let Some(root) = root
        && let Some(rel) = rel_within(root, &canonical)
    {
        return found_file(path, rel, &root.display().to_string()).filter(|f| f.markdown);
    }
    // Outside the content root: a root of its own, the file's folder (a bundle's
    // `index.md`, the folder above, so that the bundle keeps its name).
    let parent = canonical.parent()?;
    let (rel, base) = match parent.file_name() {
        Some(folder) if name == "index.md" => (
            format!("{}/{name}", folder.to_string_lossy()),
            parent.parent().unwrap_or(parent),
        ),
        _ => (name.clone(), parent),
    };
    found_file(path, rel, &base.display().to_string()).filter(|f| f.markdown)
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

/// A stored source file found again by its name inside `root`, to render it anew
/// (an article whose image changed); `None` when it is gone or is a link.
pub(super) fn found_again(root: &Path, rel: &str) -> Option<Found> {
    let path = root.join(rel);
    if is_symlink(&path) || !path.is_file() {
        return None;
    }
    found_file(&path, rel.to_string(), &root.display().to_string())
}

fn found_file(path: &Path, rel: String, root: &str) -> Option<Found> {
    let name = path.file_name()?.to_string_lossy();
    let markdown = crate::content::is_markdown_name(&name);
    Some(Found {
        path: path.to_path_buf(),
        rel,
        shown: path.display().to_string(),
        root: root.to_string(),
        markdown,
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Why a file found in a folder is not published, when it is the old site's data,
/// settings or code rather than an article or a file an article shows. Named in the
/// report, so nothing is left out in silence.
fn not_taken(name: &str, rel: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
    Some(match ext {
        "xml" => {
            "an export or feed, not an article; bring a WordPress export in with `dispatches import`"
        }
        "yml" | "yaml" if matches!(stem, "authors" | "tags") => {
            "the old site's authors or tags, read for the posts beside it"
        }
        "yml" | "yaml" | "toml" | "json" | "js" | "mjs" | "cjs" | "ts" | "py"
            if SETTINGS.contains(&stem) =>
        {
            "the old site's settings, read for its addresses and dialect, not published"
        }
        "json" if eleventy_data(&lower, rel) => {
            "an Eleventy data file, read for the `{{ … }}` of the posts beside it"
        }
        "njk" | "liquid" | "astro" => "a template of the old site, not content",
        // Any other file is one an article may show or link to, and is published.
        _ => return None,
    })
}

/// Settings files of the engines whose sites are read (by name without extension).
const SETTINGS: &[&str] = &[
    "_config",
    "config",
    "hugo",
    "docusaurus.config",
    ".eleventy",
    "eleventy.config",
    "pelicanconf",
    "publishconf",
    "astro.config",
    "sidebars",
];

/// An Eleventy data file: `*.11tydata.json`, anything under `_data/`, or a folder's
/// `<folder>/<folder>.json`.
fn eleventy_data(lower: &str, rel: &str) -> bool {
    let mut parts = rel.rsplit('/');
    parts.next();
    let folder = parts.next().unwrap_or("").to_ascii_lowercase();
    lower.ends_with(".11tydata.json")
        || rel.split('/').any(|d| d == "_data")
        || lower.strip_suffix(".json") == Some(folder.as_str())
}

/// Whether a walk of the folder publishes the file at `rel` (not hidden, not the old
/// site's settings or data, not an editor's junk unless Markdown).
pub(super) fn published(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    !rel.split('/').any(|p| p.starts_with('.'))
        && not_taken(name, rel).is_none()
        && (crate::content::is_markdown_name(name) || !is_editor_junk(name))
}

/// Editor swap, backup and probe files are never published.
pub(crate) fn is_editor_junk(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with(".#")
}

/// The paths of every file under `root` (hidden entries left out), for links written by
/// file name: a note published alone still links to the notes beside it.
pub(crate) fn names_under(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(root).ok().map(slash_path))
        .collect()
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
