//! The files of a site, for links written by file name (`[[Note]]`), resolved as Obsidian
//! resolves them: a name (or a path's tail) matched case-insensitively anywhere in the
//! vault, the shortest path first.

use std::sync::{Arc, OnceLock};

/// Every file the publish found, by its path inside the content root.
#[derive(Debug, Default)]
pub struct Vault {
    /// The folder is an Obsidian vault (a `.obsidian` folder at or above it): its
    /// comments, inline tags and file-name titles are read as Obsidian reads them.
    pub obsidian: bool,
    /// The paths, as given (possibly repeated).
    paths: Arc<Vec<String>>,
    more: Vec<String>,
    /// Paths sorted shortest first, then by name; with their lower-cased copies. Made
    /// on the first link by file name: most publishes (a save) resolve none.
    files: OnceLock<Vec<(String, String)>>,
}

impl Vault {
    pub fn new(obsidian: bool, paths: impl IntoIterator<Item = String>) -> Vault {
        Vault::of(obsidian, Arc::new(paths.into_iter().collect()), Vec::new())
    }

    /// A vault of the names `paths` (shared, not copied) and `more`.
    pub fn of(obsidian: bool, paths: Arc<Vec<String>>, more: Vec<String>) -> Vault {
        Vault {
            obsidian,
            paths,
            more,
            files: OnceLock::new(),
        }
    }

    fn files(&self) -> &[(String, String)] {
        self.files.get_or_init(|| {
            let mut files: Vec<(String, String)> = self
                .paths
                .iter()
                .chain(&self.more)
                .map(|p| (p.clone(), p.to_lowercase()))
                .collect();
            files.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
            files.dedup_by(|a, b| a.0 == b.0);
            files
        })
    }

    /// The path a link target (`Note`, `Folder/Note`, `image.png`, `Note.md`) names.
    pub fn resolve(&self, target: &str) -> Option<&str> {
        let target = target.trim().trim_start_matches('/').to_lowercase();
        if target.is_empty() {
            return None;
        }
        let has_ext = target
            .rsplit_once('.')
            .is_some_and(|(_, e)| !e.is_empty() && e.len() <= 5 && !e.contains(' '));
        let names = [
            format!("{target}.md"),
            format!("{target}.mdx"),
            target.clone(),
        ];
        self.files()
            .iter()
            .find(|(_, lower)| {
                names
                    .iter()
                    .take(if has_ext { 3 } else { 2 })
                    .any(|n| lower == n || lower.ends_with(&format!("/{n}")))
            })
            .map(|(p, _)| p.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_case_insensitively_shortest_path_first() {
        let v = Vault::new(
            true,
            [
                "Math/Calculus/Limit.md".to_string(),
                "Limit.md".into(),
                "Graphs/Graph.md".into(),
                "attachments/Pasted image 1.png".into(),
                "v1.2 notes.md".into(),
            ],
        );
        assert_eq!(v.resolve("limit"), Some("Limit.md"));
        assert_eq!(v.resolve("Calculus/Limit"), Some("Math/Calculus/Limit.md"));
        assert_eq!(v.resolve("graph"), Some("Graphs/Graph.md"));
        assert_eq!(v.resolve("Graph.md"), Some("Graphs/Graph.md"));
        assert_eq!(
            v.resolve("Pasted image 1.png"),
            Some("attachments/Pasted image 1.png")
        );
        assert_eq!(v.resolve("v1.2 notes"), Some("v1.2 notes.md"));
        assert_eq!(v.resolve("Missing"), None);
    }
}
