//! Site settings: `dispatches.toml` plus `DISPATCHES_*` environment overrides, checked once
//! into a [`Config`] that every other layer reads.
//!
//! [`SETTINGS`] is the one list of settings. Each row names a key, its default (as text, parsed
//! like a value from the environment), the line README.md's configuration table gives it, and
//! the field of [`Config`] it sets; reading the file and the environment, the defaults and the
//! documented table are all derived from it. A new setting is a field of [`Config`] (and its
//! unset value in `Config::unset`), a row here and a row in README.md, which a test checks.

use std::collections::BTreeMap;
use std::path::Path;

use time::Date;
use time_tz::Tz;
use toml::Spanned;

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

/// One site setting: a row of [`SETTINGS`].
#[derive(Debug)]
pub struct Setting {
    /// Key in `dispatches.toml`; the environment variable is `DISPATCHES_` + the key in upper
    /// case.
    pub key: &'static str,
    /// The default, written as it would be in the environment and parsed the same way; empty
    /// when the setting is unset by default.
    pub default: &'static str,
    /// What the setting does, in one line: the `meaning` column of README.md's configuration
    /// table.
    pub meaning: &'static str,
    /// The kind of value it takes and the field of [`Config`] it sets.
    field: Field,
}

/// How a setting's value becomes a field of [`Config`].
#[derive(Debug)]
enum Field {
    /// Any text.
    Text(fn(&mut Config) -> &mut String),
    /// Any text; the field stays `None` while the setting is unset.
    OptionalText(fn(&mut Config) -> &mut Option<String>),
    /// Text checked (and stored) by the function, whose error says what is expected.
    Checked(fn(&mut Config, &str) -> Result<(), String>),
    /// `true` or `false` (the environment also takes `1`/`0`, `yes`/`no`, `on`/`off`).
    Bool(fn(&mut Config) -> &mut bool),
    /// A whole number.
    Number(fn(&mut Config) -> &mut u64),
    /// A whole number that sizes something in memory.
    Size(fn(&mut Config) -> &mut usize),
}

use Field::{Bool, Checked, Number, OptionalText, Size, Text};

/// Every setting, in the order README.md's configuration table lists them. Loading from
/// `dispatches.toml` and from `DISPATCHES_*` variables, [`Config::default`] and the documented
/// table ([`docs_table`]) all come from these rows; a test compares README.md with them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "title",
        default: "dispatches",
        meaning: "site title",
        field: Text(|c| &mut c.title),
    },
    Setting {
        key: "description",
        default: "An archive of dispatches.",
        meaning: "one line for the home page and feeds",
        field: Text(|c| &mut c.description),
    },
    Setting {
        key: "base_url",
        default: "http://127.0.0.1:3000",
        meaning: "absolute URL of the site",
        field: Checked(set_base_url),
    },
    Setting {
        key: "founded",
        default: "2023-01-01",
        meaning: "founding date; the masthead's volume counts from it",
        field: Checked(set_founded),
    },
    Setting {
        key: "timezone",
        default: "UTC",
        meaning: "IANA zone (bundled database: works without `/usr/share/zoneinfo`)",
        field: Checked(set_timezone),
    },
    Setting {
        key: "default_author",
        default: "",
        meaning: "author id for articles that name none",
        field: OptionalText(|c| &mut c.default_author),
    },
    Setting {
        key: "contact_url",
        default: "",
        meaning: "the footer's \"Get in touch →\" link",
        field: OptionalText(|c| &mut c.contact_url),
    },
    Setting {
        key: "language",
        default: "en",
        meaning: "`<html lang>`",
        field: Text(|c| &mut c.language),
    },
    Setting {
        key: "trust_html",
        default: "false",
        meaning: "keep raw HTML in Markdown as written (otherwise sanitised)",
        field: Bool(|c| &mut c.trust_html),
    },
    Setting {
        key: "max_file_bytes",
        default: "4194304",
        meaning: "larger Markdown files are refused",
        field: Number(|c| &mut c.max_file_bytes),
    },
    Setting {
        key: "highlight_max_bytes",
        default: "262144",
        meaning: "larger code blocks are shown as plain text",
        field: Size(|c| &mut c.highlight_max_bytes),
    },
    Setting {
        key: "hsts_max_age",
        default: "0",
        meaning: "`Strict-Transport-Security` max-age in seconds; set it only behind HTTPS",
        field: Number(|c| &mut c.hsts_max_age),
    },
    Setting {
        key: "cache_bytes",
        default: "33554432",
        meaning: "memory for rendered responses (32 MiB: about 1,200 article pages with their \
                  compressed copies)",
        field: Number(|c| &mut c.cache_bytes),
    },
    Setting {
        key: "dev",
        default: "false",
        meaning: "development mode: live reload, and a banner on an article whose latest save \
                  failed",
        field: Bool(|c| &mut c.dev),
    },
];

fn set_base_url(c: &mut Config, value: &str) -> Result<(), String> {
    let v = value.trim_end_matches('/');
    if !(v.starts_with("http://") || v.starts_with("https://")) {
        return Err(format!(
            "expected an absolute http(s) URL such as https://example.org, found {value:?}"
        ));
    }
    c.base_url = v.to_string();
    Ok(())
}

fn set_founded(c: &mut Config, value: &str) -> Result<(), String> {
    c.founded = crate::content::dates::parse_calendar_date(value)
        .map_err(|e| format!("expected a date like 2023-01-31: {e}"))?;
    Ok(())
}

fn set_timezone(c: &mut Config, value: &str) -> Result<(), String> {
    c.timezone = time_tz::timezones::get_by_name(value).ok_or_else(|| {
        format!("unknown time zone {value:?}; use an IANA name such as Europe/Berlin or UTC")
    })?;
    c.timezone_name = value.to_string();
    Ok(())
}

impl Setting {
    /// Parses `value` (text from the environment, or a default) into its field of `config`.
    fn apply(&self, config: &mut Config, value: &str) -> Result<(), String> {
        fn number<N: std::str::FromStr>(v: &str) -> Result<N, String> {
            v.parse()
                .map_err(|_| format!("expected a whole number, found {v:?}"))
        }
        match self.field {
            Text(field) => *field(config) = value.to_string(),
            OptionalText(field) => *field(config) = Some(value.to_string()),
            Checked(set) => set(config, value)?,
            Bool(field) => {
                *field(config) = match value.to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => true,
                    "0" | "false" | "no" | "off" => false,
                    _ => return Err(format!("expected true or false, found {value:?}")),
                }
            }
            Number(field) => *field(config) = number(value)?,
            Size(field) => *field(config) = number(value)?,
        }
        Ok(())
    }

    /// The text of a value from `dispatches.toml`, if it has the TOML type this setting takes.
    fn file_text(&self, value: &toml::Value) -> Result<String, String> {
        let (text, expected) = match self.field {
            Text(_) | OptionalText(_) | Checked(_) => {
                (value.as_str().map(str::to_string), "a string")
            }
            Bool(_) => (value.as_bool().map(|b| b.to_string()), "true or false"),
            Number(_) | Size(_) => (value.as_integer().map(|n| n.to_string()), "a whole number"),
        };
        text.ok_or_else(|| format!("expected {expected}, found {} {value}", value.type_str()))
    }
}

/// README.md's configuration table, as [`SETTINGS`] defines it (Markdown, one row a setting).
pub fn docs_table() -> String {
    let mut table = String::from("| key | default | meaning |\n|---|---|---|\n");
    for s in SETTINGS {
        let default = match s.default {
            "" => String::new(),
            d => format!(" `{d}`"),
        };
        table.push_str(&format!("| `{}` |{default} | {} |\n", s.key, s.meaning));
    }
    table
}

impl Default for Config {
    /// Every setting at its [`Setting::default`].
    fn default() -> Self {
        let mut config = Config::unset();
        for s in SETTINGS.iter().filter(|s| !s.default.is_empty()) {
            if let Err(e) = s.apply(&mut config, s.default) {
                panic!("the default of setting `{}` does not parse: {e}", s.key);
            }
        }
        config
    }
}

impl Config {
    /// Every field before its setting's default applies; the defaults live in [`SETTINGS`].
    fn unset() -> Config {
        Config {
            title: String::new(),
            description: String::new(),
            base_url: String::new(),
            founded: Date::MIN,
            timezone_name: String::new(),
            timezone: time_tz::timezones::db::UTC,
            default_author: None,
            contact_url: None,
            language: String::new(),
            trust_html: false,
            max_file_bytes: 0,
            highlight_max_bytes: 0,
            hsts_max_age: 0,
            cache_bytes: 0,
            dev: false,
        }
    }

    /// Loads `path` if it exists (it must exist when `required`), then applies the
    /// `DISPATCHES_*` variables of `env`. A key of the file that is not a setting is an error;
    /// a `DISPATCHES_*` variable that is not one is left to whoever reads it.
    pub fn load(
        path: &Path,
        required: bool,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        // (setting, value as text, where it came from), file first so the environment wins.
        let mut values: Vec<(&'static Setting, String, String)> = Vec::new();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let at = |offset: usize| format!("{shown}:{}", line_of(&text, offset));
                let file: BTreeMap<String, Spanned<toml::Value>> =
                    toml::from_str(&text).map_err(|e| ConfigError::File {
                        path: match e.span() {
                            Some(span) => at(span.start),
                            None => shown.clone(),
                        },
                        message: e.message().to_string(),
                    })?;
                let mut entries: Vec<_> = file.into_iter().collect();
                entries.sort_by_key(|(_, v)| v.span().start);
                for (key, value) in entries {
                    let origin = at(value.span().start);
                    let Some(setting) = SETTINGS.iter().find(|s| s.key == key) else {
                        return Err(ConfigError::File {
                            path: origin,
                            message: format!(
                                "unknown key `{key}`, expected one of {}",
                                SETTINGS
                                    .iter()
                                    .map(|s| format!("`{}`", s.key))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                    };
                    let text = setting.file_text(value.get_ref()).map_err(|message| {
                        ConfigError::Invalid {
                            key: setting.key,
                            origin: origin.clone(),
                            message,
                        }
                    })?;
                    values.push((setting, text, origin));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {}
            Err(e) => {
                return Err(ConfigError::File {
                    path: shown,
                    message: format!("cannot read: {e}"),
                });
            }
        }
        for (name, value) in env {
            let Some(key) = name.strip_prefix("DISPATCHES_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if let Some(setting) = SETTINGS.iter().find(|s| s.key == key) {
                values.push((setting, value, format!("environment variable {name}")));
            }
        }
        let mut config = Config::default();
        for (setting, value, origin) in values {
            setting
                .apply(&mut config, &value)
                .map_err(|message| ConfigError::Invalid {
                    key: setting.key,
                    origin,
                    message,
                })?;
        }
        Ok(config)
    }
}

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
        assert!(e.contains("dispatches.toml:1"), "file and line: {e}");
        let e = load("", &[("DISPATCHES_TRUST_HTML", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("DISPATCHES_TRUST_HTML"), "{e}");
        assert!(e.contains("expected true or false"), "{e}");
        let e = load("title = \"a\"\ncolour = 1\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2"), "line of the unknown key: {e}");
        assert!(e.contains("colour") && e.contains("`title`"), "{e}");
    }

    #[test]
    fn file_values_must_have_the_settings_type() {
        for (toml, key, line, expected) in [
            (
                "title = \"a\"\ntrust_html = \"yes\"\n",
                "trust_html",
                2,
                "true or false",
            ),
            (
                "max_file_bytes = \"4MB\"\n",
                "max_file_bytes",
                1,
                "a whole number",
            ),
            ("\n\ncache_bytes = -1\n", "cache_bytes", 3, "a whole number"),
            ("founded = 2023-06-08\n", "founded", 1, "a string"),
            (
                "base_url = \"example.org\"\n",
                "base_url",
                1,
                "absolute http(s) URL",
            ),
            ("founded = \"June\"\n", "founded", 1, "a date like"),
        ] {
            let e = load(toml, &[]).unwrap_err().to_string();
            assert!(e.contains(&format!("`{key}`")), "{toml:?}: {e}");
            assert!(
                e.contains(&format!("dispatches.toml:{line}")),
                "{toml:?}: {e}"
            );
            assert!(e.contains(expected), "{toml:?}: {e}");
        }
    }

    #[test]
    fn every_kind_of_value_from_file_and_environment() {
        let c = load(
            "trust_html = true\nmax_file_bytes = 1000\nhighlight_max_bytes = 2000\n\
             base_url = \"https://example.org/\"\ndefault_author = \"vera\"\n",
            &[
                ("DISPATCHES_DEV", "yes"),
                ("DISPATCHES_HSTS_MAX_AGE", "31536000"),
                ("DISPATCHES_CONTACT_URL", "mailto:a@example.org"),
                // Not settings: read elsewhere (the command line, logging), ignored here.
                ("DISPATCHES_DB", "archive.db"),
                ("DISPATCHES_LOG", "debug"),
            ],
        )
        .unwrap();
        assert!(c.trust_html && c.dev);
        assert_eq!((c.max_file_bytes, c.highlight_max_bytes), (1000, 2000));
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.default_author.as_deref(), Some("vera"));
        assert_eq!(c.contact_url.as_deref(), Some("mailto:a@example.org"));
        assert_eq!(c.hsts_max_age, 31_536_000);
    }

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!(c.title, "dispatches");
        assert_eq!(c.description, "An archive of dispatches.");
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert_eq!(c.founded, time::macros::date!(2023 - 01 - 01));
        assert_eq!(c.timezone_name, "UTC");
        // The bundled database's `UTC` entry, as `timezone = "UTC"` in the file gives it.
        assert_eq!(c.timezone, time_tz::timezones::get_by_name("UTC").unwrap());
        assert_eq!((c.default_author, c.contact_url), (None, None));
        assert_eq!(c.language, "en");
        assert!(!c.trust_html && !c.dev);
        assert_eq!(c.max_file_bytes, 4 * 1024 * 1024);
        assert_eq!(c.highlight_max_bytes, 256 * 1024);
        assert_eq!(c.hsts_max_age, 0);
        assert_eq!(c.cache_bytes, 32 * 1024 * 1024);
    }

    #[test]
    fn every_setting_has_one_row() {
        for (i, s) in SETTINGS.iter().enumerate() {
            assert!(
                !SETTINGS[..i].iter().any(|t| t.key == s.key),
                "setting `{}` is listed twice",
                s.key
            );
            assert!(!s.meaning.is_empty(), "setting `{}` has no meaning", s.key);
        }
    }

    #[test]
    fn the_repositorys_sample_config_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("dispatches.toml");
        let c = Config::load(&path, true, []).unwrap();
        assert_eq!(c.timezone_name, "Europe/Berlin");
        assert_eq!(c.default_author.as_deref(), Some("vera"));
    }

    /// The rows of the table under `## Configuration` in README.md: (key, default, meaning).
    fn readme_rows(readme: &str) -> Vec<(String, String, String)> {
        let section = readme
            .split("\n## Configuration\n")
            .nth(1)
            .expect("README.md has a `## Configuration` section");
        let unquote = |cell: &str| cell.trim().trim_matches('`').to_string();
        section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2) // the header and the `|---|` line
            .map(|line| {
                let cells: Vec<&str> = line.trim().trim_matches('|').splitn(3, '|').collect();
                assert_eq!(cells.len(), 3, "README.md configuration row {line:?}");
                (
                    unquote(cells[0]),
                    unquote(cells[1]),
                    cells[2].trim().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn readme_documents_exactly_the_settings() {
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .unwrap();
        let documented = readme_rows(&readme);
        let mut problems = Vec::new();
        for s in SETTINGS {
            match documented.iter().find(|(key, ..)| key == s.key) {
                None => problems.push(format!("setting `{}` is missing from README.md", s.key)),
                Some((_, default, meaning)) => {
                    if default != s.default {
                        problems.push(format!(
                            "`{}`: README.md gives the default {default:?}, the code {:?}",
                            s.key, s.default
                        ));
                    }
                    if meaning != s.meaning {
                        problems.push(format!(
                            "`{}`: README.md gives the meaning {meaning:?}, the code {:?}",
                            s.key, s.meaning
                        ));
                    }
                }
            }
        }
        for (key, ..) in &documented {
            if !SETTINGS.iter().any(|s| s.key == key) {
                problems.push(format!(
                    "README.md documents `{key}`, which is not a setting"
                ));
            }
        }
        let order = |keys: Vec<&str>| keys.join(", ");
        if problems.is_empty()
            && order(documented.iter().map(|(k, ..)| k.as_str()).collect())
                != order(SETTINGS.iter().map(|s| s.key).collect())
        {
            problems.push("README.md lists the settings in another order than the code".into());
        }
        assert!(
            problems.is_empty(),
            "README.md's configuration table differs from config::SETTINGS:\n  {}\n\
             The table as the code has it:\n{}",
            problems.join("\n  "),
            docs_table()
        );
    }

    #[test]
    fn readme_table_is_the_generated_one() {
        // The check above reads the table leniently; the rendering is exact too.
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .unwrap();
        assert!(
            readme.contains(&docs_table()),
            "expected in README.md:\n{}",
            docs_table()
        );
    }
}
