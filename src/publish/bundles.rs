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

/// `root_pages` decided from the names of every file under the content root (sorted),
/// without listing the folder: what a save of one file reads.
pub(super) fn root_pages_named(names: &[String]) -> bool {
    use std::collections::{BTreeMap, BTreeSet};
    // Markdown entries (pages, and folders holding an `index.md`) by folder, and the
    // sections (top-level folders with an `_index.md`).
    let mut entries: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut sections = Vec::new();
    for rel in names {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
        if name.ends_with(".md") && !name.starts_with("_index") {
            entries.entry(dir).or_default().insert(name);
        }
        if name == "index.md" && !dir.is_empty() {
            let (parent, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
            entries.entry(parent).or_default().insert(folder);
        }
        if name == "_index.md" && !dir.is_empty() && !dir.contains('/') {
            sections.push(dir);
        }
    }
    let count = |dir: &str| entries.get(dir).map_or(0, BTreeSet::len);
    let at_root = count("");
    sections.into_iter().any(|s| count(s) > at_root)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A save of one file reads Hugo's main-section rule from the names; a publish of the
    /// folder lists the folder: both decide alike.
    #[test]
    fn the_main_section_rule_decides_alike_from_names_and_from_the_folder() {
        let layouts: [&[&str]; 4] = [
            &["about.md", "posts/_index.md", "posts/a.md", "posts/b.md"],
            &["about.md", "b.md", "posts/_index.md", "posts/a.md"],
            &[
                "index.md",
                "posts/_index.md",
                "posts/x/index.md",
                "posts/y.md",
            ],
            &[
                "a.md",
                "docs/_index.md",
                "docs/deep/_index.md",
                "docs/deep/z.md",
            ],
        ];
        for names in layouts {
            let dir = tempfile::tempdir().unwrap();
            for rel in names {
                let path = dir.path().join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "x").unwrap();
            }
            let mut sorted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            sorted.sort();
            assert_eq!(
                root_pages_named(&sorted),
                root_pages(dir.path()),
                "{names:?}"
            );
        }
    }

    /// The same on every real site beside the repository, at its root and at its
    /// `content/` folder, where the Hugo and Zola sites keep their posts.
    #[test]
    #[ignore = "needs ../shared/corpora"]
    fn the_main_section_rule_decides_alike_from_names_and_from_the_folder_on_the_corpora() {
        let corpora = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let mut tried = 0;
        for entry in std::fs::read_dir(&corpora).unwrap() {
            let site = entry.unwrap().path();
            for root in [site.clone(), site.join("content")] {
                if !root.is_dir() {
                    continue;
                }
                let mut names = super::super::discover::names_under(&root);
                names.sort();
                assert_eq!(
                    root_pages_named(&names),
                    root_pages(&root),
                    "{}",
                    root.display()
                );
                tried += 1;
            }
        }
        assert!(tried >= 12, "only {tried} folders tried");
    }
}
