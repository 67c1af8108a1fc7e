//! `dispatches init [DIR]`: a new site of one's own, made from the templates in
//! `init/` with what can be guessed (the title from the folder, the owner, the language,
//! the time zone, today). It only ever adds files: one that exists is kept and named.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use time::OffsetDateTime;
use time_tz::{OffsetDateTimeExt, Tz};

/// The site's files: where each goes (inside DIR) and its template.
const FILES: &[(&str, &str)] = &[
    ("dispatches.toml", include_str!("init/dispatches.toml")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/_index.md", include_str!("init/index.md")),
    ("content/pages/about.md", include_str!("init/about.md")),
    ("content/hello-world.md", include_str!("init/post.md")),
    (
        "content/authors/{{AUTHOR_ID_TEXT}}.md",
        include_str!("init/author.md"),
    ),
    (
        "content/work/example-project.md",
        include_str!("init/project.md"),
    ),
    (
        "content/work/example-project.svg",
        include_str!("init/project.svg"),
    ),
    // Kept in version control although empty: where pictures go.
    ("content/media/.gitkeep", ""),
];

/// What the templates are filled with.
struct Owner {
    title: String,
    name: String,
    author_id: String,
    language: String,
    timezone: String,
    today: String,
}

/// `dispatches init DIR`: writes every file of a new site that DIR lacks, then says how
/// to serve and publish it. Exit 2 when DIR is not a folder.
pub(super) fn run(dir: &Path) -> anyhow::Result<ExitCode> {
    if dir.exists() && !dir.is_dir() {
        eprintln!(
            "error: {} is a file; name a folder for the site (a new one, or one to add to)",
            dir.display()
        );
        return Ok(ExitCode::from(2));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let owner = Owner::guess(dir);
    for (rel, template) in FILES {
        let rel = owner.fill(rel);
        let text = owner.fill(template);
        if write_new(&dir.join(&rel), &text)? {
            println!("made {rel}");
        } else {
            println!("kept {rel}: it exists");
        }
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", shell_quoted(&dir.display().to_string()))
    };
    println!("\nServe it as you write (live reload, drafts shown), at http://127.0.0.1:3000:");
    println!("  {cd}dispatches serve --dev");
    println!("Publish it into data/archive.db (what `serve` answers from):");
    println!("  {cd}dispatches publish content");
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to `path` unless something is there already (checked and created in one
/// step, so a file made meanwhile is not overwritten either); whether it wrote.
fn write_new(path: &Path, text: &str) -> anyhow::Result<bool> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make {}", parent.display()))?;
    }
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(true)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

impl Owner {
    fn guess(dir: &Path) -> Owner {
        let name = owner_name();
        let timezone = guess_timezone();
        let tz: &Tz =
            time_tz::timezones::get_by_name(&timezone).unwrap_or(time_tz::timezones::db::UTC);
        let now = OffsetDateTime::now_utc().to_timezone(tz);
        let date = now.date();
        Owner {
            title: title_of(dir),
            author_id: slug(name.as_deref().unwrap_or("")).unwrap_or_else(|| "me".into()),
            name: name.unwrap_or_else(|| "Your Name".into()),
            language: guess_language(),
            timezone,
            today: format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
        }
    }

    /// `template` with its `{{…}}` filled: `NAME` quoted for the file it is in (TOML or
    /// YAML strings, which JSON's quoting suits in YAML), `NAME_TEXT` as it is.
    fn fill(&self, template: &str) -> String {
        let toml = |s: &str| toml::Value::String(s.to_string()).to_string();
        let yaml = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        let description = format!("Writing and work by {}.", self.name);
        let values = [
            ("{{TITLE}}", toml(&self.title)),
            ("{{TITLE_TEXT}}", self.title.clone()),
            ("{{DESCRIPTION}}", toml(&description)),
            ("{{LANGUAGE}}", toml(&self.language)),
            ("{{TIMEZONE}}", toml(&self.timezone)),
            ("{{TODAY}}", self.today.clone()),
            ("{{AUTHOR_ID}}", toml(&self.author_id)),
            ("{{AUTHOR_ID_TEXT}}", self.author_id.clone()),
            ("{{NAME}}", yaml(&self.name)),
            ("{{NAME_TEXT}}", self.name.clone()),
        ];
        let mut out = template.to_string();
        for (key, value) in values {
            out = out.replace(key, &value);
        }
        out
    }
}

/// The site's title from its folder's name: `my-garden` is "My garden".
fn title_of(dir: &Path) -> String {
    let full = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_default();
    let name = name.trim();
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My site".into(),
    }
}

/// The owner's name as version control knows it, else the login name (not `root`, which
/// names no one).
fn owner_name() -> Option<String> {
    let from_git = std::process::Command::new("git")
        .args(["config", "--get", "user.name"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    from_git
        .into_iter()
        .chain(
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .filter_map(|k| std::env::var(k).ok()),
        )
        .map(|n| n.trim().to_string())
        .find(|n| !n.is_empty() && n != "root" && n.chars().count() <= 60)
}

/// An author id made of `name` (`content::slugify`); `None` when nothing is left.
fn slug(name: &str) -> Option<String> {
    let out = crate::content::slugify(name);
    (!out.is_empty()).then_some(out)
}

/// The machine's zone: `TZ`, `/etc/timezone`, or what `/etc/localtime` links to; UTC when
/// none names a zone the bundled database knows.
fn guess_timezone() -> String {
    let from_link = std::fs::read_link("/etc/localtime").ok().and_then(|p| {
        let p = p.to_string_lossy().into_owned();
        p.split_once("zoneinfo/").map(|(_, zone)| zone.to_string())
    });
    let candidates = [
        std::env::var("TZ")
            .ok()
            .map(|t| t.trim_start_matches(':').to_string()),
        std::fs::read_to_string("/etc/timezone").ok(),
        from_link,
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|z| z.trim().to_string())
        .find(|z| time_tz::timezones::get_by_name(z).is_some())
        .unwrap_or_else(|| "UTC".into())
}

/// The language of the owner's locale (`de_DE.UTF-8` is `de`); English when it names none.
fn guess_language() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| language_of(&v))
        .unwrap_or_else(|| "en".into())
}

/// The language code a locale name begins with; `None` for `C` and `POSIX`.
fn language_of(locale: &str) -> Option<String> {
    let code = locale.split(['_', '.', '@', '-']).next().unwrap_or("");
    let letters = (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase());
    letters.then(|| code.to_string())
}

/// `s` as one word for a POSIX shell.
fn shell_quoted(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_gives_its_language_and_c_gives_none() {
        assert_eq!(language_of("de_DE.UTF-8").as_deref(), Some("de"));
        assert_eq!(language_of("fr").as_deref(), Some("fr"));
        assert_eq!(language_of("C.UTF-8"), None);
        assert_eq!(language_of("POSIX"), None);
    }

    #[test]
    fn an_author_id_is_the_name_in_lower_case_words_joined_by_dashes() {
        assert_eq!(slug("Mira Falk").as_deref(), Some("mira-falk"));
        assert_eq!(slug("  o'Brien, Jr. ").as_deref(), Some("o-brien-jr"));
        assert_eq!(slug("…"), None);
    }

    #[test]
    fn the_title_is_the_folder_name_in_words() {
        assert_eq!(
            title_of(Path::new("/no/such/my-garden_notes")),
            "My garden notes"
        );
    }

    #[test]
    fn a_name_with_quotes_stays_one_string_in_settings_and_front_matter() {
        let owner = Owner {
            title: "Say \"hi\"".into(),
            name: "A: \"B\"".into(),
            author_id: "a-b".into(),
            language: "en".into(),
            timezone: "UTC".into(),
            today: "2026-01-01".into(),
        };
        let settings: toml::Table = toml::from_str(&owner.fill(FILES[0].1)).unwrap();
        assert_eq!(settings["title"].as_str(), Some("Say \"hi\""));
        let author = owner.fill(include_str!("init/author.md"));
        let split = crate::content::front_matter::split(&author).unwrap();
        let map = crate::content::front_matter::to_map(&split).unwrap();
        assert_eq!(map["name"].as_str(), Some("A: \"B\""));
    }
}
