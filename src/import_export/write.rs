//! The files an export becomes: one Markdown file per entry (posts in DIR, pages in
//! DIR/pages, projects in DIR/work), authors in DIR/authors, streams in DIR/streams and
//! the attachments' manifest in DIR/media/ATTACHMENTS.txt. A file already there with the
//! same bytes is unchanged; one that differs is replaced only when forced.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::body::{self, Media};
use super::{Entry, Export, Kind, reasons};
use crate::content::front_matter::limits;
use crate::content::slugify;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    New,
    Updated,
    Unchanged,
    /// There, different, and not forced: left as it was.
    Kept,
}

/// What an import did, for the summary line and the exit code.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub posts: usize,
    pub pages: usize,
    pub projects: usize,
    pub unchanged: usize,
    /// Items not imported: what, and why.
    pub skipped: Vec<(String, String)>,
    /// Items or files that failed: what, and why.
    pub failed: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Every file written or found in place, with what happened to it.
    pub files: Vec<(PathBuf, Outcome)>,
}

impl Summary {
    /// `imported 3 posts, 1 page, 0 projects; 2 unchanged; 4 skipped (…)`, as `publish`
    /// prints its own.
    pub(crate) fn line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "imported {}, {}, {}; {} unchanged; {} skipped",
            plural(self.posts, "post", "posts"),
            plural(self.pages, "page", "pages"),
            plural(self.projects, "project", "projects"),
            self.unchanged,
            self.skipped.len()
        );
        if !self.skipped.is_empty() {
            let why: Vec<String> = reasons(&self.skipped)
                .into_iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect();
            let _ = write!(line, " ({})", why.join(", "));
        }
        if !self.failed.is_empty() {
            let _ = write!(line, "; {} failed", self.failed.len());
        }
        line
    }
}

/// Writes `export` under `into`.
pub(super) fn write(export: Export, into: &Path, force: bool) -> Summary {
    let mut s = Summary {
        skipped: export.skipped.clone(),
        failed: export.failed.clone(),
        warnings: export.warnings.clone(),
        ..Summary::default()
    };
    let media = Media::new(&export.attachments);
    let mut used: Vec<(BTreeSet<String>, String)> = Vec::new();
    let mut streams: Vec<(String, String)> = Vec::new();
    for entry in &export.entries {
        let rendered = body::render(entry, &media);
        if !rendered.removed.is_empty() {
            let names: Vec<String> = rendered.removed.iter().map(|n| format!("[{n}]")).collect();
            s.warnings.push(format!(
                "{}: shortcode {} removed (no equivalent here)",
                entry.origin,
                names.join(", ")
            ));
        }
        let dek = body::excerpt(&entry.excerpt, &media);
        let text = file_text(entry, &dek, &rendered.markdown);
        let path = into
            .join(entry.kind.folder())
            .join(format!("{}.md", entry.slug));
        let outcome = put(&mut s, &path, &text, force);
        if matches!(outcome, Some(Outcome::New | Outcome::Updated)) {
            match entry.kind {
                Kind::Post => s.posts += 1,
                Kind::Page => s.pages += 1,
                Kind::Project => s.projects += 1,
            }
        }
        if outcome == Some(Outcome::Unchanged) {
            s.unchanged += 1;
        }
        let mut ids = rendered.used;
        ids.extend(entry.thumbnail_id.clone());
        used.push((ids, entry.slug.clone()));
        if entry.kind == Kind::Post
            && let Some((slug, name)) = stream_of(entry)
            && !streams.iter().any(|(s, _)| *s == slug)
        {
            streams.push((slug, name));
        }
    }
    write_authors(&mut s, &export, into, force);
    for (slug, name) in streams {
        let text = format!("---\nname: {}\n---\n", quoted(&name));
        put(
            &mut s,
            &into.join("streams").join(format!("{slug}.md")),
            &text,
            force,
        );
    }
    if !export.attachments.is_empty() {
        let text = manifest(&export, &used);
        put(
            &mut s,
            &into.join("media").join("ATTACHMENTS.txt"),
            &text,
            force,
        );
    }
    s
}

/// The stream a post goes to: its first category that WordPress did not make up.
fn stream_of(entry: &Entry) -> Option<(String, String)> {
    entry
        .categories
        .iter()
        .map(|(slug, name)| {
            // WordPress keeps a non-ASCII nicename percent-encoded.
            let id = match slugify(&super::percent_decode(slug)) {
                id if id.is_empty() => slugify(name),
                id => id,
            };
            (id, name.clone())
        })
        .find(|(slug, _)| !slug.is_empty() && slug != "uncategorized")
}

fn write_authors(s: &mut Summary, export: &Export, into: &Path, force: bool) {
    for a in &export.authors {
        let id = slugify(&a.id);
        if id.is_empty() {
            continue;
        }
        let mut text = format!("---\nname: {}\n", quoted(&a.name));
        if !a.bio.is_empty() {
            let _ = writeln!(text, "bio: {}", quoted(&a.bio));
        }
        text.push_str("---\n");
        put(
            s,
            &into.join("authors").join(format!("{id}.md")),
            &text,
            force,
        );
    }
}

/// Writes `text` at `path` unless the same bytes are there, or different ones are and
/// `force` is not given (a failure naming the file).
fn put(s: &mut Summary, path: &Path, text: &str, force: bool) -> Option<Outcome> {
    let shown = path.display().to_string();
    let outcome = match std::fs::read(path) {
        Ok(old) if old == text.as_bytes() => Outcome::Unchanged,
        Ok(_) if !force => Outcome::Kept,
        Ok(_) => Outcome::Updated,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Outcome::New,
        Err(e) => {
            s.failed.push((shown, format!("cannot be read: {e}")));
            return None;
        }
    };
    if outcome == Outcome::Kept {
        s.failed.push((
            shown,
            "is there already and differs from the export; left as it is (pass --force to replace it)"
                .into(),
        ));
    } else if outcome != Outcome::Unchanged
        && let Err(e) = replace(path, text)
    {
        s.failed.push((shown, format!("cannot be written: {e}")));
        return None;
    }
    s.files.push((path.to_path_buf(), outcome));
    Some(outcome)
}

/// Writes through a temporary file renamed into place: a file is whole or not there.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("md.importing");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Front matter and body of one entry's file.
fn file_text(entry: &Entry, dek: &str, markdown: &str) -> String {
    let mut fm = String::from("---\n");
    let title = match entry.title.trim() {
        "" => untitled(markdown),
        t => super::html_md::plain_text(t),
    };
    let line = |fm: &mut String, key: &str, value: String| {
        let _ = writeln!(fm, "{key}: {value}");
    };
    line(&mut fm, "title", quoted(&clip(&title, limits::TITLE_CHARS)));
    if let Some(d) = &entry.date {
        line(&mut fm, "date", d.clone());
    }
    line(&mut fm, "slug", quoted(&entry.slug));
    match entry.kind {
        Kind::Page => line(&mut fm, "type", "page".into()),
        Kind::Project => line(&mut fm, "type", "project".into()),
        Kind::Post => {}
    }
    if let Some(a) = entry
        .author
        .as_deref()
        .map(slugify)
        .filter(|a| !a.is_empty())
    {
        line(&mut fm, "author", quoted(&a));
    }
    if entry.kind == Kind::Post
        && let Some((slug, _)) = stream_of(entry)
    {
        line(&mut fm, "stream", quoted(&slug));
    }
    // A project's types are not streams (the publish reads `categories` as one).
    if entry.kind == Kind::Post && !entry.categories.is_empty() {
        let names: Vec<&str> = entry.categories.iter().map(|(_, n)| n.as_str()).collect();
        line(&mut fm, "categories", list(&names));
    }
    let tags: Vec<String> = entry
        .tags
        .iter()
        .take(limits::TAGS)
        .map(|t| clip(t, limits::TAG_CHARS))
        .collect();
    if !tags.is_empty() {
        line(&mut fm, "tags", list(&tags));
    }
    if !dek.is_empty() {
        let key = if entry.kind == Kind::Project {
            "summary"
        } else {
            "dek"
        };
        line(&mut fm, key, quoted(&clip(dek, limits::DEK_CHARS)));
    }
    if let Some(image) = &entry.image {
        line(&mut fm, "image", quoted(image));
    }
    if entry.draft {
        line(&mut fm, "draft", "true".into());
    }
    if !entry.aliases.is_empty() {
        let aliases: Vec<&String> = entry.aliases.iter().take(limits::ALIASES).collect();
        line(&mut fm, "aliases", list(&aliases));
    }
    fm.push_str("---\n\n");
    fm.push_str(markdown);
    fm
}

/// A title for an item that has none (WordPress's status and aside posts): the start
/// of its text.
fn untitled(markdown: &str) -> String {
    let text = super::html_md::plain_text(markdown);
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric) && !w.contains("://"))
        .take(8)
        .collect();
    if words.is_empty() {
        "Untitled".into()
    } else {
        format!(
            "{}…",
            words.join(" ").trim_end_matches(['.', ',', ':', ';'])
        )
    }
}

/// At most `max` characters, an ellipsis marking a cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A YAML double-quoted scalar (a JSON string is one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// `URL<TAB>used by: slug, slug`, one attachment a line, for the media to be fetched
/// from the old site.
fn manifest(export: &Export, used: &[(BTreeSet<String>, String)]) -> String {
    let mut text = String::from(
        "# Media of the imported site: fetch each URL into this folder to keep a copy.\n\
         # URL\tused by (slugs of the imported files)\n",
    );
    let linked = linked_media(export, used);
    // Attachment id → slugs of the entries that show it (by id) or it was uploaded to.
    let mut by_id: HashMap<&str, Vec<&str>> = HashMap::new();
    for (ids, slug) in used {
        for id in ids {
            by_id.entry(id.as_str()).or_default().push(slug);
        }
    }
    let slug_of: HashMap<&str, &str> = used
        .iter()
        .zip(&export.entries)
        .map(|((_, slug), e)| (e.id.as_str(), slug.as_str()))
        .collect();
    for a in &export.attachments {
        let mut users: Vec<&str> = a
            .parent
            .as_deref()
            .and_then(|p| slug_of.get(p).copied())
            .into_iter()
            .collect();
        for slug in by_id.get(a.id.as_str()).into_iter().flatten() {
            if !users.contains(slug) {
                users.push(slug);
            }
        }
        for slug in linked.get(media_stem(&a.url)).into_iter().flatten() {
            if !users.contains(slug) {
                users.push(slug);
            }
        }
        let url = a.url.replace(['\n', '\t'], " ");
        let _ = writeln!(text, "{url}\t{}", users.join(", "));
    }
    text
}

/// Each file a body links or shows (`src=`, `href=`), by [`media_stem`], with the slugs
/// of the entries that do.
fn linked_media<'a>(
    export: &Export,
    used: &'a [(BTreeSet<String>, String)],
) -> HashMap<String, Vec<&'a str>> {
    let mut map: HashMap<String, Vec<&str>> = HashMap::new();
    for ((_, slug), entry) in used.iter().zip(&export.entries) {
        for key in ["src=", "href="] {
            for part in entry.body.split(key).skip(1) {
                let value = part.trim_start_matches(['"', '\'']);
                let end = value.find(['"', '\'', ' ', '>']).unwrap_or(value.len());
                let stem = media_stem(&value[..end]).to_string();
                let slugs = map.entry(stem).or_default();
                if !slugs.contains(&slug.as_str()) {
                    slugs.push(slug);
                }
            }
        }
    }
    map
}

/// A media URL without its extension and WordPress's size suffix (`-300x200`), so that
/// a resized copy names the file it was made from.
fn media_stem(url: &str) -> &str {
    let stem = url
        .rsplit_once('.')
        .map_or(url, |(s, ext)| if ext.contains('/') { url } else { s });
    match stem.rsplit_once('-') {
        Some((base, size))
            if size.split_once('x').is_some_and(|(w, h)| {
                !w.is_empty()
                    && !h.is_empty()
                    && w.bytes().all(|b| b.is_ascii_digit())
                    && h.bytes().all(|b| b.is_ascii_digit())
            }) =>
        {
            base
        }
        _ => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_encoded_category_names_its_stream_by_its_letters() {
        let mut entry = crate::import_export::tests::entry("s", "1");
        entry.categories = vec![
            ("uncategorized".into(), "Uncategorized".into()),
            ("caf%c3%a9".into(), "Café".into()),
        ];
        assert_eq!(stream_of(&entry), Some(("café".into(), "Café".into())));
        entry.categories = vec![("%e2%9c%93".into(), "Done list".into())];
        assert_eq!(stream_of(&entry).unwrap().0, "done-list");
    }
}
