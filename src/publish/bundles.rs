//! Between discover and load: folders whose pages Hugo never rendered. A headless leaf
//! bundle's `index.md` makes the other pages beside it its resources, and a section's
//! `_index.md` can cascade `build.render: never` to everything below; those pages are
//! skipped with the reason, not published.

use super::discover::Found;
use crate::content::{front_matter, import};

/// Folder prefixes (inside the content root) whose Markdown files are not articles, each
/// with why.
pub(super) fn hidden_folders(files: &[Found], tz: &time_tz::Tz) -> Vec<(String, String)> {
    let mut hidden = Vec::new();
    for f in files.iter().filter(|f| f.markdown) {
        let (dir, name) = f.rel.rsplit_once('/').unwrap_or(("", f.rel.as_str()));
        if name != "index.md" && name != "_index.md" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        let Ok(split) = front_matter::split(&text) else {
            continue;
        };
        let Ok(fm) = front_matter::parse(&split, tz) else {
            continue;
        };
        if let Some(why) = import::folder_not_rendered(name, &fm.raw) {
            hidden.push((dir.to_string(), why));
        }
    }
    hidden
}

/// Why `rel` is not an article, when it lies in one of the `hidden` folders.
pub(super) fn hidden_reason<'a>(rel: &str, hidden: &'a [(String, String)]) -> Option<&'a str> {
    hidden
        .iter()
        .find(|(dir, _)| dir.is_empty() || rel.starts_with(&format!("{dir}/")))
        .map(|(_, why)| why.as_str())
}

/// Whether the files at the root of `content_root` are the site's pages rather than its
/// posts: Hugo's rule for its main section (the section with the most pages), where a
/// section is a folder with an `_index.md`. A site without sections keeps its posts at
/// the root. Read from the folder itself, so publishing one saved file decides as
/// publishing the whole folder does.
pub(super) fn root_pages(content_root: &std::path::Path) -> bool {
    let markdown_in = |dir: &std::path::Path| -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    (name.ends_with(".md") && !name.starts_with("_index"))
                        || e.path().join("index.md").is_file()
                })
                .count()
        })
    };
    let at_root = markdown_in(content_root);
    let Ok(entries) = std::fs::read_dir(content_root) else {
        return false;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.join("_index.md").is_file())
        .any(|section| markdown_in(&section) > at_root)
}
