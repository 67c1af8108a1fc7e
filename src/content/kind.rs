//! What a content file is on the site: a dated dispatch, a standalone page (`/about`), a
//! project of the portfolio (`/work/…`) or the home page's introduction; and the facts only
//! pages and projects have (a menu entry, an order, featured). Decided from the file's
//! place and front matter, with the conventions of the engines people come from: Hugo's
//! and Zola's root-level files beside sections, Jekyll's `layout: page`, `type: page`.

use serde_json::Value;

use super::front_matter::{FrontMatter, Split, line_of_key};
use crate::error::FileError;
use crate::urls;

/// The kinds of entry the archive holds; stored as their [`Kind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An article of the archive: dated, in lists, feeds and related lists.
    #[default]
    Dispatch,
    /// A standalone page at the root of the site.
    Page,
    /// A project of the portfolio.
    Project,
    /// The home page's introduction (`content/_index.md`).
    Intro,
}

impl Kind {
    /// Where an entry of this kind lives: a dispatch, a page, a project (under the
    /// portfolio's path `work`), or the home page for its introduction.
    pub fn url(self, slug: &str, work: &str) -> String {
        match self {
            Kind::Dispatch => urls::article(slug),
            Kind::Page => urls::page(slug),
            Kind::Project => urls::project(work, slug),
            Kind::Intro => urls::HOME.to_string(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Dispatch => "dispatch",
            Kind::Page => "page",
            Kind::Project => "project",
            Kind::Intro => "intro",
        }
    }

    pub fn parse(s: &str) -> Kind {
        match s {
            "page" => Kind::Page,
            "project" => Kind::Project,
            "intro" => Kind::Intro,
            _ => Kind::Dispatch,
        }
    }
}

/// The folder whose files are pages, and the one whose files are projects.
pub const PAGES_DIR: &str = "pages";
pub const WORK_DIR: &str = "work";

/// A file's kind and the facts that go with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Role {
    pub kind: Kind,
    /// The label of its entry in the site's menu (`menu: main`), if it has one.
    pub menu: Option<String>,
    /// Its place in the menu and the portfolio (`weight`, smaller first).
    pub weight: Option<i64>,
    /// A project shown on the home page (`featured: true`).
    pub featured: bool,
}

/// The kind of the file at `dir` (its folder inside the content root) with front matter
/// `fm`. `root_pages` says that files at the root are the site's pages, not its posts (a
/// Hugo or Zola site whose posts live in a section).
pub fn role(
    dir: &str,
    fm: &FrontMatter,
    split: &Split<'_>,
    title: &str,
    root_pages: bool,
) -> Result<Role, FileError> {
    let top = dir.split('/').next().unwrap_or("");
    let declared = ["type", "layout"]
        .iter()
        .find_map(|k| fm.raw.get(*k).and_then(Value::as_str))
        .map(str::to_ascii_lowercase);
    let kind = match declared.as_deref() {
        Some("page" | "pages") => Kind::Page,
        Some("project" | "projects" | "portfolio") => Kind::Project,
        _ if top == PAGES_DIR => Kind::Page,
        _ if top == WORK_DIR => Kind::Project,
        _ if dir.is_empty() && root_pages => Kind::Page,
        _ => Kind::Dispatch,
    };
    Ok(Role {
        kind,
        menu: menu(fm, title).map_err(|e| located(e, split))?,
        weight: number(fm, "weight").map_err(|e| located(e, split))?,
        featured: matches!(fm.raw.get("featured"), Some(Value::Bool(true))),
    })
}

/// The error on the line of the key it names.
fn located(mut e: FileError, split: &Split<'_>) -> FileError {
    if let Some(field) = &e.field {
        e.line = Some(line_of_key(split, field));
    }
    e
}

/// The menu label of a file that asks to be in the main menu: Hugo's `menu: main`,
/// `menu: [main]` or `menu: { main: { name, weight } }`, or `menu: true`; the title unless
/// a name is given.
fn menu(fm: &FrontMatter, title: &str) -> Result<Option<String>, FileError> {
    let Some(value) = fm.raw.get("menu").or_else(|| fm.raw.get("menus")) else {
        return Ok(None);
    };
    let main = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("main"));
    let label = match value {
        Value::Bool(true) => Some(title.to_string()),
        Value::Bool(false) | Value::Null => None,
        Value::String(_) if main(value) => Some(title.to_string()),
        Value::Array(items) if items.iter().any(main) => Some(title.to_string()),
        Value::Object(menus) => menus.get("main").map(|entry| {
            entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(title)
                .to_string()
        }),
        Value::String(_) | Value::Array(_) => None,
        _ => {
            return Err(FileError::at(
                1,
                Some("menu"),
                "expected `main`, a list of menu names or a table such as `main: { weight: 10 }`",
            ));
        }
    };
    Ok(label)
}

/// A whole-number key (`weight`), also from Hugo's `menu.main.weight`.
fn number(fm: &FrontMatter, key: &str) -> Result<Option<i64>, FileError> {
    let nested = fm
        .raw
        .get("menu")
        .and_then(|m| m.get("main"))
        .and_then(|m| m.get(key));
    match fm.raw.get(key).or(nested) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(other) => Err(FileError::at(
            1,
            Some(key),
            format!("expected a whole number, found {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPLIT: Split<'static> = Split {
        format: crate::content::front_matter::Format::None,
        front: "",
        front_line: 1,
        body: "",
        body_line: 1,
    };

    fn role(dir: &str, fm: &FrontMatter, title: &str, root_pages: bool) -> Result<Role, FileError> {
        super::role(dir, fm, &SPLIT, title, root_pages)
    }

    fn fm(pairs: &[(&str, Value)]) -> FrontMatter {
        let mut fm = FrontMatter::default();
        for (k, v) in pairs {
            fm.raw.insert((*k).to_string(), v.clone());
        }
        fm
    }

    #[test]
    fn the_folder_or_the_declared_type_makes_a_page_or_a_project() {
        let plain = fm(&[]);
        assert_eq!(role("pages", &plain, "t", false).unwrap().kind, Kind::Page);
        assert_eq!(
            role("work", &plain, "t", false).unwrap().kind,
            Kind::Project
        );
        assert_eq!(role("", &plain, "t", false).unwrap().kind, Kind::Dispatch);
        assert_eq!(role("", &plain, "t", true).unwrap().kind, Kind::Page);
        assert_eq!(
            role("post", &plain, "t", true).unwrap().kind,
            Kind::Dispatch
        );
        let jekyll = fm(&[("layout", Value::from("page"))]);
        assert_eq!(role("", &jekyll, "t", false).unwrap().kind, Kind::Page);
        let project = fm(&[("type", Value::from("project"))]);
        assert_eq!(
            role("misc", &project, "t", false).unwrap().kind,
            Kind::Project
        );
    }

    #[test]
    fn hugo_menu_spellings_give_a_menu_label_and_weight() {
        let simple = fm(&[("menu", Value::from("main")), ("weight", Value::from(3))]);
        let r = role("pages", &simple, "About", false).unwrap();
        assert_eq!((r.menu.as_deref(), r.weight), (Some("About"), Some(3)));
        let nested = fm(&[(
            "menu",
            serde_json::json!({"main": {"name": "Me", "weight": 2}}),
        )]);
        let r = role("pages", &nested, "About", false).unwrap();
        assert_eq!((r.menu.as_deref(), r.weight), (Some("Me"), Some(2)));
        let other = fm(&[("menu", Value::from("footer"))]);
        assert_eq!(role("pages", &other, "About", false).unwrap().menu, None);
        let bad = fm(&[("weight", Value::from("heavy"))]);
        let e = role("pages", &bad, "About", false).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("weight"));
    }
}
