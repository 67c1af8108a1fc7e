//! Links inside a body that name the site's own files: another article's Markdown file
//! (`../other.md#part`, Zola's `@/blog/other.md`) as that article's URL, any other
//! relative path as the published file's.

use super::ArticleSlug;

/// A link to another article's file (`../other.md#part`, Zola's `@/blog/other.md`) as
/// that article's URL, when the publish knows its slug.
pub(super) fn article_link(
    dir: &str,
    url: &str,
    slugs: Option<&ArticleSlug<'_>>,
) -> Option<String> {
    let slugs = slugs?;
    let url = url.trim();
    let (path, suffix) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    super::markdown_stem(path)?;
    let rel = match path.strip_prefix("@/") {
        Some(from_root) => from_root.to_string(),
        None if path.starts_with('/') || path.contains("://") => return None,
        None => join_relative(dir, path)?,
    };
    slugs(&rel).map(|slug| format!("{}{suffix}", crate::urls::article(&slug)))
}

/// `path` taken from the folder `dir`, as a content-relative path; `None` when it climbs
/// out of the content folder.
fn join_relative(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A relative link or image in `dir` becomes `/files/<dir>/<path>`, where the publisher
/// serves files that sit beside articles. Absolute URLs, anchors and paths that climb out
/// of the content folder are left as written.
pub fn resolve_relative(dir: &str, url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with(['/', '#', '?']) || url.contains("://") {
        return None;
    }
    // `mailto:x`, `tel:`, `javascript:`: a scheme before any slash.
    if let Some(colon) = url.find(':')
        && !url[..colon].contains('/')
    {
        return None;
    }
    let (path, suffix) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    // The author's own spelling is kept (it may be percent-encoded already); only the
    // prefix comes from the one place paths are built.
    Some(format!(
        "{}/{}{suffix}",
        crate::urls::FILES,
        join_relative(dir, path)?
    ))
}
