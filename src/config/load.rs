//! Reading `dispatches.toml` and the `DISPATCHES_*` environment into a [`Config`]: every
//! field unset, then each setting's default, the file's value and the environment's, each
//! checked by its row of `SETTINGS`; an error names the file, line and key.

use super::*;

impl Config {
    /// Every field before its setting's default applies; the defaults live in [`SETTINGS`].
    pub(super) fn unset() -> Config {
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
            emoji: false,
            max_file_bytes: 0,
            highlight_max_bytes: 0,
            hsts_max_age: 0,
            cache_bytes: 0,
            search_slots: 0,
            search_queue: 0,
            dev: false,
            drafts: false,
            media_max_bytes: 0,
            header_timeout: Duration::ZERO,
            idle_timeout: Duration::ZERO,
            work_path: String::new(),
            work_label: String::new(),
            home_projects: 0,
            menu: Vec::new(),
            masthead: Masthead::Publication,
            now_writing: false,
            logo: None,
            accent: None,
            accent_dark: None,
            css: None,
            strings: std::sync::Arc::default(),
            favicon: None,
            links: Vec::new(),
            font: None,
            heading_font: None,
            footer: None,
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
