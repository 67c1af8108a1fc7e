//! Before load: the old site's own settings. A Jekyll `_config.yml` in the published
//! folder or any folder above it, so `{{ site.X }}` and its URL filters read as they did;
//! and a Hugo or Zola config there, for the one setting that changes how Markdown reads
//! (emoji shortcodes).

use std::path::Path;

use serde_json::{Map, Value};

use crate::content::front_matter;
use crate::content::import::eleventy::Data;
use crate::content::import::old_paths::OldSite;

/// Larger files are not a site's settings, and are not read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The nearest `_config.yml` at or above `folder`: its settings and its text (which salts
/// content hashes, so a change of settings re-renders the posts that use them).
pub(super) fn find(folder: &Path) -> Option<(Map<String, Value>, String)> {
    let folder = std::fs::canonicalize(folder).ok()?;
    folder.ancestors().find_map(|dir| {
        let text = read_small(&dir.join("_config.yml"))?;
        front_matter::site_settings(&text).map(|m| (m, text))
    })
}

/// The Obsidian vault at or above `folder`, or a little below it (a repository whose
/// `notes/` is the vault): the folder holding `.obsidian/`.
pub(super) fn obsidian_vault(folder: &Path) -> Option<std::path::PathBuf> {
    let folder = std::fs::canonicalize(folder).ok()?;
    if let Some(vault) = folder
        .ancestors()
        .find(|dir| dir.join(".obsidian").is_dir())
    {
        return Some(vault.to_path_buf());
    }
    walkdir::WalkDir::new(&folder)
        .max_depth(3)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_dir() && e.file_name() == ".obsidian")
        .and_then(|e| e.path().parent().map(Path::to_path_buf))
}

/// Whether `obsidian_vault` finds a vault for the content root `folder`, told from the
/// names of its files (sorted) rather than by listing it: a `.obsidian/` at or above it,
/// or beside the files of a folder up to two levels below it.
pub(super) fn obsidian_vault_named(folder: &Path, names: &[String]) -> bool {
    let Ok(folder) = std::fs::canonicalize(folder) else {
        return false;
    };
    if folder.ancestors().any(|dir| dir.join(".obsidian").is_dir()) {
        return true;
    }
    let mut dirs: Vec<&str> = names
        .iter()
        .filter_map(|n| n.rsplit_once('/').map(|(dir, _)| dir))
        .flat_map(|dir| {
            let second = dir
                .match_indices('/')
                .nth(1)
                .map_or(dir, |(i, _)| &dir[..i]);
            [second, dir.split('/').next().unwrap_or(dir)]
        })
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    dirs.iter()
        .any(|d| folder.join(d).join(".obsidian").is_dir())
}

/// The engine the site at `root` came from, by its settings files at or above the
/// content folder and the files beside its posts: its articles keep their old
/// addresses as aliases.
pub(super) fn old_site(
    root: &Path,
    names: &[String],
    jekyll: Option<&Map<String, Value>>,
    eleventy: bool,
) -> Option<OldSite> {
    if let Some(settings) = jekyll {
        let permalink = settings.get("permalink").and_then(Value::as_str);
        return Some(OldSite::Jekyll {
            permalink: permalink.map(str::to_string),
        });
    }
    if eleventy {
        return Some(OldSite::Eleventy);
    }
    let folder = std::fs::canonicalize(root).ok()?;
    for dir in folder.ancestors() {
        if let Some(site) = generator_at(dir) {
            return Some(site);
        }
    }
    let by_name = |n: &str| {
        names
            .iter()
            .any(|p| p == n || p.ends_with(&format!("/{n}")))
    };
    if by_name("authors.yml") || by_name("tags.yml") {
        return Some(OldSite::Docusaurus {
            base: "/blog".into(),
        });
    }
    names
        .iter()
        .any(|p| p.starts_with("_posts/") || p.contains("/_posts/"))
        .then_some(OldSite::Jekyll { permalink: None })
}

/// The generator whose settings file is in `dir`.
fn generator_at(dir: &Path) -> Option<OldSite> {
    for name in [
        "docusaurus.config.js",
        "docusaurus.config.ts",
        "docusaurus.config.mjs",
    ] {
        if let Some(text) = read_small(&dir.join(name)) {
            return Some(OldSite::Docusaurus {
                base: docusaurus_base(&text),
            });
        }
    }
    if dir.join("pelicanconf.py").is_file() {
        return Some(OldSite::Pelican);
    }
    GENERATOR_CONFIGS.iter().find_map(|name| {
        let path = dir.join(name);
        let settings = parse_config(&path, &read_small(&path)?)?;
        if settings.contains_key("base_url") {
            return Some(OldSite::Zola);
        }
        let permalinks = settings
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("permalinks"))
            .and_then(|(_, v)| v.as_object().cloned())
            .unwrap_or_default();
        Some(OldSite::Hugo { permalinks })
    })
}

/// The blog's `routeBasePath` in a Docusaurus config (`/blog` by default).
fn docusaurus_base(config: &str) -> String {
    config
        .split("routeBasePath")
        .nth(1)
        .and_then(|rest| {
            let rest = rest.trim_start().strip_prefix(':')?.trim_start();
            let q = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))?;
            rest[1..]
                .split(q)
                .next()
                .map(|b| format!("/{}", b.trim_matches('/')))
        })
        .unwrap_or_else(|| "/blog".into())
}

/// Eleventy's config files, any of which marks an Eleventy site.
const ELEVENTY_CONFIGS: &[&str] = &[
    ".eleventy.js",
    "eleventy.config.js",
    "eleventy.config.mjs",
    "eleventy.config.cjs",
];

/// An Eleventy site's data: the data files among `names` (paths inside `root`) and the
/// `_data` folder at or above `root`; `None` when there is none and no Eleventy config
/// either, so other sites' `{{` stay as they were.
pub(super) fn eleventy(root: &Path, names: &[String]) -> Option<Data> {
    let mut data = Data::default();
    let mut found = false;
    for rel in names.iter().filter(|n| n.ends_with(".json")) {
        if let Some(value) = read_json(&root.join(rel)) {
            found |= data.add(rel, value);
        }
    }
    let root = std::fs::canonicalize(root).ok()?;
    for dir in root.ancestors() {
        found |= ELEVENTY_CONFIGS.iter().any(|c| dir.join(c).is_file());
        let Ok(entries) = std::fs::read_dir(dir.join("_data")) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(value) = read_json(&entry.path()) {
                found |= data.add(&format!("_data/{name}"), value);
            }
        }
        break;
    }
    found.then_some(data)
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&read_small(path)?).ok()
}

/// Hugo's and Zola's config files, in the order Hugo looks for them (Zola's is
/// `config.toml`); Hugo also reads them from `config/_default/`.
const GENERATOR_CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/hugo.yaml",
    "config/_default/config.toml",
    "config/_default/config.yaml",
];

/// Whether the nearest Hugo or Zola config at or above `folder` turns emoji shortcodes on
/// (Hugo's `enableEmoji`, Zola's `[markdown] render_emoji`); `None` when there is none.
pub(super) fn emoji(folder: &Path) -> Option<bool> {
    let folder = std::fs::canonicalize(folder).ok()?;
    folder.ancestors().find_map(|dir| {
        GENERATOR_CONFIGS.iter().find_map(|name| {
            let path = dir.join(name);
            let text = read_small(&path)?;
            Some(enables_emoji(&parse_config(&path, &text)?))
        })
    })
}

/// A config file's settings, by its extension.
fn parse_config(path: &Path, text: &str) -> Option<Map<String, Value>> {
    match path.extension()?.to_str()? {
        "toml" => toml::from_str(text).ok(),
        "json" => serde_json::from_str(text).ok(),
        _ => front_matter::site_settings(text),
    }
}

/// Hugo's keys are case-insensitive (`enableEmoji`, `enableemoji`); Zola's are not.
fn enables_emoji(settings: &Map<String, Value>) -> bool {
    let hugo = settings
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("enableEmoji") && v == &Value::Bool(true));
    let zola = settings
        .get("markdown")
        .and_then(|m| m.get("render_emoji"))
        .is_some_and(|v| v == &Value::Bool(true));
    hugo || zola
}

/// The text of a file that exists and is small enough to be a site's settings.
fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CONFIG_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emoji_in(name: &str, text: &str) -> Option<bool> {
        let site = tempfile::tempdir().unwrap();
        let path = site.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let content = site.path().join("content/posts");
        std::fs::create_dir_all(&content).unwrap();
        emoji(&content)
    }

    #[test]
    fn hugo_and_zola_configs_turn_emoji_on() {
        assert_eq!(emoji_in("hugo.toml", "enableEmoji = true\n"), Some(true));
        assert_eq!(emoji_in("config.yaml", "enableemoji: true\n"), Some(true));
        assert_eq!(
            emoji_in("hugo.json", r#"{"enableEmoji": true}"#),
            Some(true)
        );
        assert_eq!(
            emoji_in("config/_default/hugo.toml", "enableEmoji = true\n"),
            Some(true)
        );
        assert_eq!(
            emoji_in("config.toml", "[markdown]\nrender_emoji = true\n"),
            Some(true)
        );
    }

    #[test]
    fn other_configs_leave_emoji_off() {
        assert_eq!(emoji_in("hugo.toml", "enableEmoji = false\n"), Some(false));
        assert_eq!(emoji_in("hugo.toml", "title = \"x\"\n"), Some(false));
        assert_eq!(
            emoji_in("hugo.toml", "enableEmoji = \"yes\"\n"),
            Some(false)
        );
        assert_eq!(emoji_in("unrelated.toml", "enableEmoji = true\n"), None);
    }
}

#[cfg(test)]
mod vault_tests {
    use super::*;

    /// A save of one file tells the vault from the names; a folder's publish lists it.
    #[test]
    fn the_vault_is_found_alike_from_names_and_by_listing() {
        let layouts: [(&str, &str); 4] = [
            ("notes/.obsidian/app.json", "notes/a.md"),
            ("a/b/.obsidian/app.json", "a/b/c.md"),
            ("a/b/c/.obsidian/app.json", "a/b/c/d.md"),
            ("x/other.json", "x/a.md"),
        ];
        for (marker, note) in layouts {
            let dir = tempfile::tempdir().unwrap();
            for rel in [marker, note] {
                let path = dir.path().join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "x").unwrap();
            }
            let mut names = vec![note.to_string()];
            if !marker.contains("/.") {
                names.push(marker.to_string());
            }
            names.sort();
            assert_eq!(
                obsidian_vault_named(dir.path(), &names),
                obsidian_vault(dir.path()).is_some(),
                "{marker}"
            );
        }
    }
}
