//! Every word the site writes around what authors wrote (menus, headings, the article's
//! furniture, the search box), in one table: English, French, German and Spanish, chosen
//! by the site's language (and by an article's own for its furniture), each overridable
//! with the `[strings]` table of `dispatches.toml` (a writer may say "posts").

use std::collections::BTreeMap;

use crate::content::lang::Locale;

mod pages;
mod search;
mod table;

/// Every table: (key, [English, French, German, Spanish]).
const TABLES: [&[(&str, [&str; 4])]; 3] = [table::TABLE, pages::TABLE, search::TABLE];

fn rows() -> impl Iterator<Item = &'static (&'static str, [&'static str; 4])> {
    TABLES.into_iter().flatten()
}

/// The keys a `[strings]` table may set.
pub fn keys() -> impl Iterator<Item = &'static str> {
    rows().map(|(k, _)| *k)
}

/// The words of one language, with the site's overrides.
#[derive(Debug, Clone)]
pub struct Words {
    locale: Locale,
    overrides: std::sync::Arc<BTreeMap<String, String>>,
}

impl Words {
    /// The words for the language `tag` (English when we have no table for it);
    /// `overrides` (the `[strings]` setting) win where they are given.
    pub fn new(tag: &str, overrides: &std::sync::Arc<BTreeMap<String, String>>) -> Words {
        Words {
            locale: Locale::of(tag),
            overrides: overrides.clone(),
        }
    }

    /// The text of `key`. A key the table lacks shows as itself in brackets, so a page
    /// test finds it.
    pub fn t(&self, key: &str) -> &str {
        if let Some(text) = self.overrides.get(key) {
            return text;
        }
        let column = match self.locale {
            Locale::En => 0,
            Locale::Fr => 1,
            Locale::De => 2,
            Locale::Es => 3,
        };
        rows()
            .find(|(k, _)| *k == key)
            .map_or("[missing string]", |(_, texts)| texts[column])
    }

    /// The text of `key` with each `{name}` of `args` filled in.
    pub(crate) fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// `1 result`, `3 Treffer`.
    pub(crate) fn results(&self, n: i64) -> String {
        let key = if n == 1 {
            "results_one"
        } else {
            "results_many"
        };
        self.fill(key, &[("n", &n.to_string())])
    }

    /// The locale the words are in, for dates.
    pub(crate) fn locale(&self) -> Locale {
        self.locale
    }

    /// `3 streams`, `1 Rubrik`.
    pub(crate) fn streams_count(&self, n: usize) -> String {
        let word = if n == 1 { "stream_one" } else { "stream_many" };
        format!("{n} {}", self.t(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_spelled_in_every_language() {
        for (key, texts) in rows() {
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "{key}");
        }
        let none = std::sync::Arc::default();
        assert_eq!(Words::new("de", &none).t("written_by"), "Geschrieben von");
        assert_eq!(Words::new("fr-CA", &none).t("latest"), "Derniers articles");
        assert_eq!(Words::new("nl", &none).t("latest"), "Latest dispatches");
    }

    #[test]
    fn an_override_wins_in_every_language() {
        let mut map = BTreeMap::new();
        map.insert("latest".to_string(), "Latest posts".to_string());
        let overrides = std::sync::Arc::new(map);
        assert_eq!(Words::new("de", &overrides).t("latest"), "Latest posts");
        assert_eq!(Words::new("de", &overrides).t("archive"), "Archiv");
    }
}
