//! How a setting's text becomes its value: addresses, dates, the masthead, colours (held
//! to their contrast), fonts, strings, the portfolio's path, menus and time zones. Each is
//! named by a row of `SETTINGS`.

use std::collections::BTreeMap;

use super::{Config, FONT_STACKS, Font, Masthead, MenuLink, contrast};

pub(super) fn set_base_url(c: &mut Config, value: &str) -> Result<(), String> {
    let v = value.trim_end_matches('/');
    if !(v.starts_with("http://") || v.starts_with("https://")) {
        return Err(format!(
            "expected an absolute http(s) URL such as https://example.org, found {value:?}"
        ));
    }
    c.base_url = v.to_string();
    Ok(())
}

pub(super) fn set_founded(c: &mut Config, value: &str) -> Result<(), String> {
    c.founded = crate::content::dates::parse_calendar_date(value)
        .map_err(|e| format!("expected a date like 2023-01-31: {e}"))?;
    Ok(())
}

pub(super) fn set_masthead(c: &mut Config, value: &str) -> Result<(), String> {
    c.masthead = match value {
        "publication" => Masthead::Publication,
        "simple" => Masthead::Simple,
        _ => return Err(format!("expected publication or simple, found {value:?}")),
    };
    Ok(())
}

/// The theme's backgrounds, which links are read against.
pub(crate) const LIGHT_BACKGROUND: &str = "#fdfcf9";
pub(crate) const DARK_BACKGROUND: &str = "#171614";

pub(super) fn set_accent(c: &mut Config, value: &str) -> Result<(), String> {
    c.accent = Some(contrast::checked(value, LIGHT_BACKGROUND, "light")?);
    Ok(())
}

pub(super) fn set_accent_dark(c: &mut Config, value: &str) -> Result<(), String> {
    c.accent_dark = Some(contrast::checked(value, DARK_BACKGROUND, "dark")?);
    Ok(())
}

/// A named stack, or a content folder path of a `.woff2` file that stays inside the folder
/// (whether it exists and is WOFF2 is checked against the folder: see [`Config::check_files`]).
pub(super) fn parse_font(value: &str) -> Result<Font, String> {
    if let Some(name) = FONT_STACKS.iter().find(|n| **n == value) {
        return Ok(Font::Stack(name));
    }
    let path = value.trim();
    let inside = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    if !path.to_ascii_lowercase().ends_with(".woff2") || !inside {
        return Err(format!(
            "expected serif, sans, mono, or the path of a .woff2 file inside the content folder \
             (such as media/body.woff2), found {value:?}"
        ));
    }
    Ok(Font::File(path.to_string()))
}

pub(super) fn set_strings(c: &mut Config, table: BTreeMap<String, String>) -> Result<(), String> {
    if let Some(unknown) = table
        .keys()
        .find(|k| !crate::strings::keys().any(|known| known == k.as_str()))
    {
        return Err(format!(
            "unknown string `{unknown}`; the keys are {}",
            crate::strings::keys().collect::<Vec<_>>().join(", ")
        ));
    }
    c.strings = std::sync::Arc::new(table);
    Ok(())
}

pub(super) fn set_work_path(c: &mut Config, value: &str) -> Result<(), String> {
    let v = value.trim_matches('/');
    let taken = crate::urls::reserved(v, "").filter(|r| r != "/{page}");
    if v.is_empty() || v.contains('/') || crate::content::slugify(v) != v || taken.is_some() {
        return Err(format!(
            "expected one path segment of lower-case letters, digits and dashes that no route \
             of the site uses (such as work, portfolio or books), found {value:?}"
        ));
    }
    c.work_path = v.to_string();
    Ok(())
}

/// A menu from JSON (`[{"name": …, "url": …}]`) or `Name=/url, Other=/other`.
pub(super) fn parse_links(value: &str) -> Result<Vec<MenuLink>, String> {
    let value = value.trim();
    let links: Vec<MenuLink> = if value.starts_with('[') {
        serde_json::from_str(value)
            .map_err(|e| format!("expected a list of {{ name, url }} tables: {e}"))?
    } else {
        value
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|pair| {
                let (name, url) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("expected Name=/url, found {pair:?}"))?;
                Ok(MenuLink {
                    name: name.trim().to_string(),
                    url: url.trim().to_string(),
                })
            })
            .collect::<Result<_, String>>()?
    };
    for l in &links {
        if l.name.trim().is_empty() || !crate::content::html::is_safe_url(&l.url) {
            return Err(format!(
                "menu entry {:?} → {:?}: give a name and a URL (a path such as /about or \
                 an http(s) address)",
                l.name, l.url
            ));
        }
    }
    Ok(links)
}

pub(super) fn set_timezone(c: &mut Config, value: &str) -> Result<(), String> {
    c.timezone = time_tz::timezones::get_by_name(value).ok_or_else(|| {
        format!("unknown time zone {value:?}; use an IANA name such as Europe/Berlin or UTC")
    })?;
    c.timezone_name = value.to_string();
    Ok(())
}
