//! What a burst of file events changed, judged by where each named path ends up: only
//! Markdown files written (publish exactly those), or anything else (publish the
//! folder). Also the names of every file under the content folder, kept between bursts
//! so that a save does not walk the folder.
//!
//! Judging by the final state rather than by the events' kinds is what keeps editors'
//! save dances on the short path: a temporary file written and renamed over the
//! original, vim's `4913` probe, a backup renamed away and removed all leave only the
//! saved file changed. A path that was a file and is gone, a folder, a file that is not
//! Markdown (media, `authors.yml`, an old engine's settings, Eleventy data) or a
//! section's `_index.md` or a bundle's `index.md` (they decide for the files below
//! them) sends the burst down the folder's path, as does a lost event.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The names of every file under the content folder (hidden entries left out), sorted,
/// as `publish` reads them for links written by file name.
#[derive(Default)]
pub(super) struct Names(Option<Arc<Vec<String>>>);

impl Names {
    /// The names, walking the folder only when they are not known.
    pub(super) fn get(&mut self, content: &Path) -> Arc<Vec<String>> {
        self.0
            .get_or_insert_with(|| {
                let mut names = crate::publish::names_under(content);
                names.sort();
                Arc::new(names)
            })
            .clone()
    }

    /// Forgets the names: the next burst walks the folder again.
    pub(super) fn forget(&mut self) {
        self.0 = None;
    }

    fn contains(&self, rel: &str) -> bool {
        self.0
            .as_ref()
            .is_some_and(|n| n.binary_search_by(|x| x.as_str().cmp(rel)).is_ok())
    }

    /// Whether a known file lies under the folder `rel`.
    fn has_under(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.0.as_ref().is_some_and(|n| {
            let at = n.partition_point(|x| x.as_str() < prefix.as_str());
            n.get(at).is_some_and(|x| x.starts_with(&prefix))
        })
    }

    fn insert(&mut self, rel: String) {
        if let Some(names) = self.0.as_mut()
            && let Err(at) = names.binary_search(&rel)
        {
            Arc::make_mut(names).insert(at, rel);
        }
    }
}

/// What to publish after a burst.
#[derive(Debug, PartialEq)]
pub(super) enum Plan {
    /// Only these Markdown files were created or written.
    Files(Vec<PathBuf>),
    /// Anything else: the whole folder, pruning what is gone.
    Folder,
}

/// The paths a burst's events named (those outside hidden entries).
#[derive(Default)]
pub(super) struct Burst {
    touched: BTreeSet<String>,
    /// An event was lost or could not be read.
    lost: bool,
}

impl Burst {
    /// Notes what one event named.
    pub(super) fn add(&mut self, content: &Path, event: &notify::Result<notify::Event>) {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                self.lost = true;
                return;
            }
        };
        if event.need_rescan() {
            self.lost = true;
        }
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            match rel_to(content, path) {
                Some(rel) if rel.is_empty() => self.lost = true,
                // Never published, never among the names.
                Some(rel) if hidden(&rel) => {}
                Some(rel) => {
                    self.touched.insert(rel);
                }
                None => self.lost = true,
            }
        }
    }

    /// Decides what to publish, and brings `names` up to date with a short plan (a long
    /// one walks the folder afresh: `names` is forgotten).
    pub(super) fn plan(self, content: &Path, names: &mut Names) -> Plan {
        if self.lost || self.touched.is_empty() {
            names.forget();
            return Plan::Folder;
        }
        names.get(content);
        let mut files = Vec::new();
        let mut added = Vec::new();
        for rel in self.touched {
            let path = content.join(&rel);
            let meta = std::fs::symlink_metadata(&path).ok();
            let is_file = meta.as_ref().is_some_and(|m| m.file_type().is_file());
            let known = names.contains(&rel);
            match (is_file, meta.is_some()) {
                // Gone, and never a file or folder we knew: a temporary file or a probe.
                (false, false) if !known && !names.has_under(&rel) => continue,
                (true, _) if short_path_file(&rel) => files.push(path),
                // Junk that is left (`4913`, a backup) is never published, but is named.
                (true, _) if junk(&rel) => {}
                _ => {
                    names.forget();
                    return Plan::Folder;
                }
            }
            if !known {
                added.push(rel);
            }
        }
        for rel in added {
            names.insert(rel);
        }
        Plan::Files(files)
    }
}

/// A Markdown file whose save publishes it alone: not a section's `_index.md` or a
/// bundle's `index.md`, which decide for the files below them.
fn short_path_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    crate::content::is_markdown_name(name)
        && !matches!(
            crate::content::markdown_stem(name),
            Some("index" | "_index")
        )
}

/// Editor probe and backup files, which a publish leaves out.
fn junk(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    crate::publish::is_editor_junk(name)
}

fn hidden(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('.'))
}

/// `path` inside `content`, `/`-separated; `None` when it lies outside.
fn rel_to(content: &Path, path: &Path) -> Option<String> {
    let inner = path.strip_prefix(content).ok()?;
    Some(
        inner
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};
    use notify::{Event, EventKind};

    fn event(kind: EventKind, paths: &[PathBuf]) -> notify::Result<Event> {
        Ok(paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(p.clone())))
    }

    #[test]
    fn an_atomic_save_and_a_probe_are_a_save_of_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.md"), "old").unwrap();
        let mut names = Names::default();
        names.get(root);
        let mut burst = Burst::default();
        let (tmp, a, probe) = (
            root.join("a.md.tmp.1"),
            root.join("a.md"),
            root.join("4913"),
        );
        burst.add(
            root,
            &event(
                EventKind::Create(CreateKind::File),
                std::slice::from_ref(&probe),
            ),
        );
        burst.add(root, &event(EventKind::Remove(RemoveKind::File), &[probe]));
        std::fs::write(&tmp, "new").unwrap();
        burst.add(
            root,
            &event(
                EventKind::Create(CreateKind::File),
                std::slice::from_ref(&tmp),
            ),
        );
        std::fs::rename(&tmp, &a).unwrap();
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        burst.add(root, &event(rename, &[tmp, a.clone()]));
        assert_eq!(burst.plan(root, &mut names), Plan::Files(vec![a]));
    }

    #[test]
    fn a_file_that_was_there_and_is_gone_publishes_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.md"), "old").unwrap();
        let mut names = Names::default();
        names.get(root);
        std::fs::remove_file(root.join("a.md")).unwrap();
        let mut burst = Burst::default();
        burst.add(
            root,
            &event(EventKind::Remove(RemoveKind::File), &[root.join("a.md")]),
        );
        assert_eq!(burst.plan(root, &mut names), Plan::Folder);
    }

    #[test]
    fn a_settings_file_or_a_section_index_publishes_the_folder() {
        for name in ["authors.yml", "_index.md", "config.toml", "pic.png"] {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let mut names = Names::default();
            names.get(root);
            std::fs::write(root.join(name), "x").unwrap();
            let mut burst = Burst::default();
            burst.add(
                root,
                &event(EventKind::Create(CreateKind::File), &[root.join(name)]),
            );
            assert_eq!(burst.plan(root, &mut names), Plan::Folder, "{name}");
        }
    }
}
