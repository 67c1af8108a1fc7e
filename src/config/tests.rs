//! Unit tests of the settings table: file, environment, defaults, and the README table.

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
    assert_eq!(c.cache_bytes, 48 * 1024 * 1024);
    assert_eq!(c.header_timeout, std::time::Duration::from_secs(10));
    assert_eq!(c.idle_timeout, std::time::Duration::from_secs(60));
}

#[test]
fn timeouts_are_whole_seconds_of_at_least_one() {
    let c = load("header_timeout = 2\n", &[("DISPATCHES_IDLE_TIMEOUT", "5")]).unwrap();
    assert_eq!(c.header_timeout, std::time::Duration::from_secs(2));
    assert_eq!(c.idle_timeout, std::time::Duration::from_secs(5));
    let e = load("header_timeout = 0\n", &[]).unwrap_err().to_string();
    assert!(
        e.contains("`header_timeout`") && e.contains("at least 1"),
        "{e}"
    );
    let e = load("idle_timeout = \"1m\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("a whole number"), "{e}");
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
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
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
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&docs_table()),
        "expected in README.md:\n{}",
        docs_table()
    );
}
