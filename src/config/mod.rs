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
use std::time::Duration;

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
    /// Replace `:shortcode:` emoji codes in Markdown prose with the emoji. A Hugo site's
    /// `enableEmoji` (or Zola's `render_emoji`) beside the content turns it on as well.
    pub emoji: bool,
    /// Largest Markdown file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest code block that is syntax highlighted, in bytes; larger ones are escaped text.
    pub highlight_max_bytes: usize,
    /// `Strict-Transport-Security` max-age in seconds; 0 (the default) sends none. Set it
    /// only when the site is served over HTTPS.
    pub hsts_max_age: u64,
    /// Memory for rendered responses, in bytes.
    pub cache_bytes: u64,
    /// Searches that may run at once; 0 chooses half the cores (at least one). Searches
    /// have connections of their own, so pages never wait for one.
    pub search_slots: usize,
    /// Searches that may wait for a slot; one more is answered 503 at once.
    pub search_queue: usize,
    /// Development mode: live reload and error banners on pages. Off in production.
    pub dev: bool,
    /// Drafts and scheduled articles answer at their addresses, with a banner.
    pub drafts: bool,
    /// Largest file the Micropub media endpoint (or a multipart post) takes, in bytes.
    pub media_max_bytes: u64,
    /// How long a new connection may take to send its first request (HTTP/1's whole
    /// request head, HTTP/2's preface and first request), and an HTTP/1 keep-alive
    /// connection its next one, before it is closed: a socket that says nothing must not
    /// hold a file descriptor for good.
    pub header_timeout: Duration,
    /// How long an HTTP/2 connection may stay open with no request in flight, and a
    /// response go unread: both would hold a connection slot for nothing.
    pub idle_timeout: Duration,
    /// The portfolio's path segment (`/work`) and the label its link and page carry.
    pub work_path: String,
    pub work_label: String,
    /// Featured projects shown on the home page; 0 shows none.
    pub home_projects: usize,
    /// The site's menu from `[[menu]]`, before pages that ask for a place in it.
    pub menu: Vec<MenuLink>,
    /// `publication` (volume and number, the streams line, "Now writing") or `simple`
    /// (logo, title, menu).
    pub masthead: Masthead,
    /// Show the title of the draft being written in the masthead.
    pub now_writing: bool,
    /// An image in the content folder shown in the header, by its path there.
    pub logo: Option<String>,
    /// The links' colour, checked for contrast against the theme's backgrounds.
    pub accent: Option<String>,
    pub accent_dark: Option<String>,
    /// A stylesheet of one's own in the content folder, linked after ours.
    pub css: Option<String>,
    /// Words the site writes, overriding its table (`[strings]`).
    pub strings: std::sync::Arc<BTreeMap<String, String>>,
    /// An icon in the content folder for browsers' tabs (`favicon`); else the logo.
    pub favicon: Option<String>,
    /// The owner's profiles elsewhere, linked with `rel="me"` in the footer.
    pub links: Vec<MenuLink>,
    /// The text's typeface and the headings' (`font`, `heading_font`).
    pub font: Option<Font>,
    pub heading_font: Option<Font>,
    /// Markdown shown in every page's footer, rendered and sanitised like an article.
    pub footer: Option<String>,
}

/// A typeface setting: one of the named system stacks, or a WOFF2 file in the content
/// folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Font {
    /// `serif`, `sans` or `mono`: the theme's own stacks, no file fetched.
    Stack(&'static str),
    /// The path of a `.woff2` file in the content folder.
    File(String),
}

/// The named stacks a font setting takes, as the theme's custom properties.
pub const FONT_STACKS: &[&str] = &["serif", "sans", "mono"];

/// The two mastheads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masthead {
    Publication,
    Simple,
}

/// One `[[menu]]` entry of `dispatches.toml`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct MenuLink {
    pub name: String,
    pub url: String,
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
    /// A whole number of seconds, at least 1 (a zero timeout would close every connection).
    Seconds(fn(&mut Config) -> &mut Duration),
    /// A list of `{ name, url }` tables (`[[menu]]` in the file); in the environment a JSON
    /// array of them, or `Name=/url, Other=/other`.
    Links(fn(&mut Config) -> &mut Vec<MenuLink>),
    /// A table of texts (`[strings]` in the file); in the environment a JSON object.
    Table(fn(&mut Config, BTreeMap<String, String>) -> Result<(), String>),
}

use Field::{Bool, Checked, Links, Number, OptionalText, Seconds, Size, Table, Text};
use values::{
    parse_font, parse_links, set_accent, set_accent_dark, set_base_url, set_founded, set_masthead,
    set_strings, set_timezone, set_work_path,
};

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
        meaning: "the site's language: `<html lang>`, the feeds', and that of articles naming none",
        field: Text(|c| &mut c.language),
    },
    Setting {
        key: "menu",
        default: "",
        meaning: "the site's menu, in order: `[[menu]]` tables with `name` and `url` (pages with \
                  `menu: main` follow, by `weight`); in the environment `Name=/url, Other=/other`",
        field: Links(|c| &mut c.menu),
    },
    Setting {
        key: "work_path",
        default: "work",
        meaning: "the portfolio's address (`/work`, `/work/{project}`): one path segment",
        field: Checked(set_work_path),
    },
    Setting {
        key: "work_label",
        default: "Work",
        meaning: "what the portfolio is called in the menu and on its page (\"Portfolio\", \
                  \"Books\")",
        field: Text(|c| &mut c.work_label),
    },
    Setting {
        key: "home_projects",
        default: "3",
        meaning: "projects with `featured: true` shown on the home page (0: none)",
        field: Size(|c| &mut c.home_projects),
    },
    Setting {
        key: "masthead",
        default: "publication",
        meaning: "`publication`: volume and number, the streams line and \"Now writing\"; \
                  `simple`: logo, title and menu, for a personal site",
        field: Checked(set_masthead),
    },
    Setting {
        key: "now_writing",
        default: "true",
        meaning: "show the title (never the text) of the draft being written in the \
                  publication masthead",
        field: Bool(|c| &mut c.now_writing),
    },
    Setting {
        key: "logo",
        default: "",
        meaning: "an image in the content folder (`media/logo.svg`) shown in the header, with \
                  the site title as its text",
        field: OptionalText(|c| &mut c.logo),
    },
    Setting {
        key: "accent",
        default: "",
        meaning: "the links' colour (`#1a5fb4`), refused unless it has a WCAG AA contrast (4.5:1) \
                  against the light background",
        field: Checked(set_accent),
    },
    Setting {
        key: "accent_dark",
        default: "",
        meaning: "the links' colour in dark mode, checked against the dark background",
        field: Checked(set_accent_dark),
    },
    Setting {
        key: "css",
        default: "",
        meaning: "a stylesheet of one's own in the content folder (`media/site.css`), linked \
                  after the site's and fingerprinted; it may set the theme's custom properties",
        field: OptionalText(|c| &mut c.css),
    },
    Setting {
        key: "favicon",
        default: "",
        meaning: "an icon in the content folder (`media/icon.png`, `.svg` or `.ico`) for browsers' \
                  tabs, else the logo; of a raster image a 32 px icon and a 180 px apple-touch \
                  icon are made and kept in the archive; an SVG is linked as it is (no \
                  rasteriser)",
        field: OptionalText(|c| &mut c.favicon),
    },
    Setting {
        key: "links",
        default: "",
        meaning: "the owner's profiles elsewhere, `[[links]]` tables with `name` and `url`, in the \
                  footer with `rel=\"me\"` (IndieWeb verification)",
        field: Links(|c| &mut c.links),
    },
    Setting {
        key: "font",
        default: "",
        meaning: "the text's typeface: `serif`, `sans` or `mono` (system fonts, nothing \
                  fetched), or a WOFF2 file in the content folder (`media/body.woff2`), served \
                  fingerprinted",
        field: Checked(|c, v| {
            c.font = Some(parse_font(v)?);
            Ok(())
        }),
    },
    Setting {
        key: "heading_font",
        default: "",
        meaning: "the headings' and the site title's typeface, taking the same values as `font`",
        field: Checked(|c, v| {
            c.heading_font = Some(parse_font(v)?);
            Ok(())
        }),
    },
    Setting {
        key: "footer",
        default: "",
        meaning: "Markdown shown in every page's footer (links, a licence), rendered and \
                  sanitised like an article; without it the footer names the site, the archive \
                  and the tags",
        field: OptionalText(|c| &mut c.footer),
    },
    Setting {
        key: "strings",
        default: "",
        meaning: "`[strings]`: words the site writes, by key (`latest = \"Latest posts\"`), \
                  overriding its English, French, German and Spanish",
        field: Table(set_strings),
    },
    Setting {
        key: "trust_html",
        default: "false",
        meaning: "keep raw HTML in Markdown as written (otherwise sanitised)",
        field: Bool(|c| &mut c.trust_html),
    },
    Setting {
        key: "emoji",
        default: "false",
        meaning: "replace emoji shortcodes such as `:smile:` in Markdown prose with the emoji \
                  (GitHub's list); a Hugo config with `enableEmoji = true` or a Zola config with \
                  `render_emoji = true` above the content folder turns it on too",
        field: Bool(|c| &mut c.emoji),
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
        default: "50331648",
        meaning: "memory for rendered responses (48 MiB: about 7,000 article pages, kept \
                  compressed)",
        field: Number(|c| &mut c.cache_bytes),
    },
    Setting {
        key: "search_slots",
        default: "0",
        meaning: "searches running at once, each with a connection of its own (0: half the \
                  cores, at least one); pages never wait for a search",
        field: Size(|c| &mut c.search_slots),
    },
    Setting {
        key: "search_queue",
        default: "8",
        meaning: "searches that may wait for a slot (at most 1 s); past them a search is \
                  answered 503 with `Retry-After` at once",
        field: Size(|c| &mut c.search_queue),
    },
    Setting {
        key: "dev",
        default: "false",
        meaning: "development mode: live reload, and a banner on an article whose latest save \
                  failed",
        field: Bool(|c| &mut c.dev),
    },
    Setting {
        key: "drafts",
        default: "false",
        meaning: "drafts and scheduled articles answer at their addresses, with a banner (never \
                  in lists, feeds, the sitemap or search); `serve --drafts` and `dev` set it",
        field: Bool(|c| &mut c.drafts),
    },
    Setting {
        key: "media_max_bytes",
        default: "20971520",
        meaning: "largest upload Micropub takes (20 MiB); larger ones answer 413. Files other \
                  than Markdown in the folder are published up to this size or 20 MiB, \
                  whichever is larger, and skipped with a warning past it",
        field: Number(|c| &mut c.media_max_bytes),
    },
    Setting {
        key: "header_timeout",
        default: "10",
        meaning: "seconds a connection has to send its first request (HTTP/1 head, HTTP/2 \
                  preface and request) or an HTTP/1 keep-alive connection its next, before it \
                  is closed",
        field: Seconds(|c| &mut c.header_timeout),
    },
    Setting {
        key: "idle_timeout",
        default: "60",
        meaning: "seconds an HTTP/2 connection stays open with no request in flight, and any \
                  connection whose client stops reading a response",
        field: Seconds(|c| &mut c.idle_timeout),
    },
];

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
            Seconds(field) => match number(value)? {
                0 => return Err("expected a number of seconds of at least 1, found 0".into()),
                n => *field(config) = Duration::from_secs(n),
            },
            Links(field) => *field(config) = parse_links(value)?,
            Table(set) => set(
                config,
                serde_json::from_str(value).map_err(|e| {
                    format!("expected a table of texts (JSON in the environment): {e}")
                })?,
            )?,
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
            Number(_) | Size(_) | Seconds(_) => {
                (value.as_integer().map(|n| n.to_string()), "a whole number")
            }
            Links(_) => (
                value.as_array().and_then(|a| serde_json::to_string(a).ok()),
                "a list of tables with name and url ([[menu]], [[links]])",
            ),
            Table(_) => (
                value.as_table().and_then(|t| serde_json::to_string(t).ok()),
                "a table of texts such as [strings]",
            ),
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

impl Config {
    /// The site's words: its language's table with the `[strings]` overrides.
    pub fn words(&self) -> crate::strings::Words {
        crate::strings::Words::new(&self.language, &self.strings)
    }
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

mod contrast;
mod files;
mod load;
#[cfg(test)]
mod tests;
mod values;
