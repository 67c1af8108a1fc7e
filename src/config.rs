//! Site settings: `dispatches.toml` plus `DISPATCHES_*` environment overrides, checked once
//! into a [`Config`] that every other layer reads.

use std::path::Path;

use serde::Deserialize;
use time::Date;
use time_tz::Tz;

/// Why the settings could not be loaded; each message names the file or variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("setting `{key}` (from {origin}): {message}")]
    Invalid {
        key: &'static str,
        origin: String,
        message: String,
    },
}

/// The checked site settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title, shown in the masthead and feeds.
    pub title: String,
    /// One-line description for feeds and the home page.
    pub description: String,
    /// Absolute base URL without a trailing slash, e.g. `https://example.org`.
    pub base_url: String,
    /// The day the publication was founded; the masthead's volume counts from it.
    pub founded: Date,
    /// IANA name of the site's time zone, e.g. `Europe/Berlin`.
    pub timezone_name: String,
    /// The resolved time zone (bundled database, no `/usr/share/zoneinfo` needed).
    pub timezone: &'static Tz,
    /// Author id used when an article names none.
    pub default_author: Option<String>,
    /// Contact link shown in the footer (`Get in touch →`).
    pub contact_url: Option<String>,
    /// Language of the site for `<html lang>`.
    pub language: String,
    /// Trust raw HTML in Markdown (skip sanitising). Off by default.
    pub trust_html: bool,
    /// Largest Markdown file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest code block that is syntax highlighted, in bytes; larger ones are escaped text.
    pub highlight_max_bytes: usize,
    /// `Strict-Transport-Security` max-age in seconds; 0 (the default) sends none. Set it
    /// only when the site is served over HTTPS.
    pub hsts_max_age: u64,
    /// Memory for rendered responses, in bytes.
    pub cache_bytes: u64,
    /// Development mode: live reload and error banners on pages. Off in production.
    pub dev: bool,
}

/// The file form: every key optional, so a partial file fills in defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    founded: Option<String>,
    timezone: Option<String>,
    default_author: Option<String>,
    contact_url: Option<String>,
    language: Option<String>,
    trust_html: Option<bool>,
    max_file_bytes: Option<u64>,
    highlight_max_bytes: Option<usize>,
    hsts_max_age: Option<u64>,
    cache_bytes: Option<u64>,
    dev: Option<bool>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "dispatches".into(),
            description: "An archive of dispatches.".into(),
            base_url: "http://127.0.0.1:3000".into(),
            founded: time::macros::date!(2023 - 01 - 01),
            timezone_name: "UTC".into(),
            timezone: time_tz::timezones::db::UTC,
            default_author: None,
            contact_url: None,
            language: "en".into(),
            trust_html: false,
            max_file_bytes: 4 * 1024 * 1024,
            highlight_max_bytes: 256 * 1024,
            hsts_max_age: 0,
            cache_bytes: 32 * 1024 * 1024,
            dev: false,
        }
    }
}

impl Config {
    /// Loads `path` if it exists (it must exist when `required`), then applies the
    /// `DISPATCHES_*` variables of `env`.
    pub fn load(
        path: &Path,
        required: bool,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let file: FileConfig = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::File {
                path: match e.span() {
                    Some(span) => format!("{shown}:{}", line_of(&text, span.start)),
                    None => shown.clone(),
                },
                message: e.message().to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                FileConfig::default()
            }
            Err(e) => {
                return Err(ConfigError::File {
                    path: shown,
                    message: format!("cannot read: {e}"),
                });
            }
        };
        let mut config = Config::default();
        let origin = |key: &str| format!("{shown}, key `{key}`");
        let mut settings: Vec<(&'static str, String, String)> = Vec::new();
        let mut put = |key: &'static str, value: Option<String>| {
            if let Some(v) = value {
                settings.push((key, v, origin(key)));
            }
        };
        put("title", file.title);
        put("description", file.description);
        put("base_url", file.base_url);
        put("founded", file.founded);
        put("timezone", file.timezone);
        put("default_author", file.default_author);
        put("contact_url", file.contact_url);
        put("language", file.language);
        put("trust_html", file.trust_html.map(|b| b.to_string()));
        put("max_file_bytes", file.max_file_bytes.map(|n| n.to_string()));
        put(
            "highlight_max_bytes",
            file.highlight_max_bytes.map(|n| n.to_string()),
        );
        put("hsts_max_age", file.hsts_max_age.map(|n| n.to_string()));
        put("cache_bytes", file.cache_bytes.map(|n| n.to_string()));
        put("dev", file.dev.map(|b| b.to_string()));
        for (name, value) in env {
            let Some(key) = name.strip_prefix("DISPATCHES_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if let Some(known) = KEYS.iter().find(|k| **k == key) {
                settings.push((known, value, format!("environment variable {name}")));
            }
        }
        for (key, value, origin) in settings {
            config
                .set(key, &value)
                .map_err(|message| ConfigError::Invalid {
                    key,
                    origin,
                    message,
                })?;
        }
        Ok(config)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let parse_bool = |v: &str| match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(format!("expected true or false, found {v:?}")),
        };
        let parse_num = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("expected a whole number, found {v:?}"))
        };
        match key {
            "title" => self.title = value.to_string(),
            "description" => self.description = value.to_string(),
            "base_url" => {
                let v = value.trim_end_matches('/');
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    return Err(format!(
                        "expected an absolute http(s) URL such as https://example.org, found {value:?}"
                    ));
                }
                self.base_url = v.to_string();
            }
            "founded" => {
                self.founded = crate::content::dates::parse_calendar_date(value)
                    .map_err(|e| format!("expected a date like 2023-01-31: {e}"))?
            }
            "timezone" => {
                self.timezone = time_tz::timezones::get_by_name(value).ok_or_else(|| {
                    format!(
                        "unknown time zone {value:?}; use an IANA name such as Europe/Berlin or UTC"
                    )
                })?;
                self.timezone_name = value.to_string();
            }
            "default_author" => self.default_author = Some(value.to_string()),
            "contact_url" => self.contact_url = Some(value.to_string()),
            "language" => self.language = value.to_string(),
            "trust_html" => self.trust_html = parse_bool(value)?,
            "max_file_bytes" => self.max_file_bytes = parse_num(value)?,
            "highlight_max_bytes" => self.highlight_max_bytes = parse_num(value)? as usize,
            "hsts_max_age" => self.hsts_max_age = parse_num(value)?,
            "cache_bytes" => self.cache_bytes = parse_num(value)?,
            "dev" => self.dev = parse_bool(value)?,
            _ => unreachable!("only KEYS reach set"),
        }
        Ok(())
    }
}

/// Every setting, by its file key; the environment variable is `DISPATCHES_` + upper case.
const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "founded",
    "timezone",
    "default_author",
    "contact_url",
    "language",
    "trust_html",
    "max_file_bytes",
    "highlight_max_bytes",
    "hsts_max_age",
    "cache_bytes",
    "dev",
];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dispatches.toml");
        std::fs::write(&path, toml).unwrap();
        Config::load(
            &path,
            true,
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn file_then_environment() {
        let c = load(
            "title = \"Field\"\ntimezone = \"Europe/Berlin\"\nfounded = \"2023-06-29\"\n",
            &[("DISPATCHES_TITLE", "Override"), ("OTHER", "x")],
        )
        .unwrap();
        assert_eq!(c.title, "Override");
        assert_eq!(c.timezone_name, "Europe/Berlin");
        assert_eq!(c.founded, time::macros::date!(2023 - 06 - 29));
    }

    #[test]
    fn missing_optional_file_gives_defaults() {
        let c = Config::load(Path::new("/nonexistent/dispatches.toml"), false, []).unwrap();
        assert_eq!(c.title, "dispatches");
        assert!(
            Config::load(Path::new("/nonexistent/dispatches.toml"), true, []).is_err(),
            "an explicitly named config file must exist"
        );
    }

    #[test]
    fn errors_name_the_key_and_the_origin() {
        let e = load("timezone = \"Mars/Olympus\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("timezone") && e.contains("IANA"), "{e}");
        let e = load("", &[("DISPATCHES_TRUST_HTML", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("DISPATCHES_TRUST_HTML"), "{e}");
        let e = load("title = \"a\"\ncolour = 1\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2"), "line of the unknown key: {e}");
    }
}
