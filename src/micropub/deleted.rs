//! Deleted posts, kept in `content/.deleted/` (hidden, so never published) at the path
//! they had, until an undelete moves them back. A bundle (`slug/index.md`) goes whole,
//! its images with it. Which slug each answered at is written down when it is deleted
//! (`.deleted/.slugs`, a line of `slug<TAB>path` each), since the slug is not always
//! its file's name: a bundle is named by its folder, a dated file (`2026-01-20-x.md`)
//! without its date, and front matter may set one of its own.

use std::path::{Path, PathBuf};

use super::file;

/// The folder deleted posts wait in, inside the content folder.
pub(super) const DELETED: &str = ".deleted";
/// The list of deleted posts' slugs, inside `DELETED`.
const SLUGS: &str = ".slugs";

/// What a delete moves for the post in `rel`: its bundle's folder when it is a bundle's
/// `index.md` and `alone` (nothing else published lives under that folder), else the file.
pub(super) fn moved_part(rel: &str, alone: bool) -> &str {
    match rel.strip_suffix("/index.md") {
        Some(dir) if alone && !dir.is_empty() => dir,
        _ => rel,
    }
}

/// Moves `part` (a file or a bundle's folder, relative to `content`) into the deleted
/// folder and notes that it answered at `slug`.
pub(super) fn put_away(content: &Path, part: &str, slug: &str) -> std::io::Result<()> {
    let deleted = content.join(DELETED);
    let to = deleted.join(part);
    std::fs::create_dir_all(to.parent().unwrap_or(&deleted))?;
    if to.is_dir() {
        // An older deleted copy of a bundle at the same path: the newer one wins, as a
        // file renamed over an older deleted file does.
        std::fs::remove_dir_all(&to)?;
    }
    std::fs::rename(content.join(part), &to)?;
    let mut list = read_list(&deleted);
    list.retain(|(s, p)| s != slug && p != part);
    list.push((slug.to_string(), part.to_string()));
    write_list(&deleted, &list)
}

/// The part (relative to the deleted folder) that answered at `slug`, if one is kept:
/// from the list, else (for posts deleted before there was one) a file whose `slug`
/// key or name is `slug`.
pub(super) fn find(content: &Path, slug: &str) -> Option<String> {
    let deleted = content.join(DELETED);
    let listed = read_list(&deleted)
        .into_iter()
        .rev()
        .find(|(s, p)| s == slug && deleted.join(p).exists())
        .map(|(_, p)| p);
    listed.or_else(|| {
        walkdir::WalkDir::new(&deleted)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .find(|e| slug_in_file(e.path()).as_deref() == Some(slug))
            .and_then(|e| {
                let rel = e.path().strip_prefix(&deleted).ok()?;
                Some(rel.to_string_lossy().replace('\\', "/"))
            })
    })
}

/// Moves `part` back where it was; the path it is back at.
pub(super) fn take_back(content: &Path, part: &str) -> std::io::Result<PathBuf> {
    let deleted = content.join(DELETED);
    let to = content.join(part);
    std::fs::create_dir_all(to.parent().unwrap_or(content))?;
    std::fs::rename(deleted.join(part), &to)?;
    let mut list = read_list(&deleted);
    list.retain(|(_, p)| p != part);
    write_list(&deleted, &list)?;
    Ok(to)
}

/// The slug a deleted file answered at by its `slug` key, else its name.
fn slug_in_file(path: &Path) -> Option<String> {
    if path.file_name().is_some_and(|n| n == SLUGS) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let (_, keep) = file::from_markdown(&text).ok()?;
    match keep.get("slug").and_then(serde_json::Value::as_str) {
        Some(s) => Some(s.to_string()),
        None => Some(path.file_stem()?.to_string_lossy().into_owned()),
    }
}

fn read_list(deleted: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(deleted.join(SLUGS))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(s, p)| (s.to_string(), p.to_string()))
        .collect()
}

fn write_list(deleted: &Path, list: &[(String, String)]) -> std::io::Result<()> {
    let text: String = list.iter().map(|(s, p)| format!("{s}\t{p}\n")).collect();
    super::folder::write_beside(&deleted.join(SLUGS), text.as_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_goes_whole_unless_other_posts_live_in_its_folder() {
        assert_eq!(moved_part("keepers/index.md", true), "keepers");
        assert_eq!(moved_part("keepers/index.md", false), "keepers/index.md");
        assert_eq!(
            moved_part("2026-01-20-survey.md", true),
            "2026-01-20-survey.md"
        );
    }
}
