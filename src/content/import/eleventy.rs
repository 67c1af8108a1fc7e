//! Eleventy's data cascade, as far as a post's `{{ … }}` reads it: the global data files
//! (`_data/*.json`, each under its file name) under the folder data files (`<dir>.json`,
//! `<dir>.11tydata.json` beside the posts, nearer folders winning), under the post's own
//! front matter. Built by the publisher, which reads the files; read here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The data files of an Eleventy site.
#[derive(Debug, Default)]
pub struct Data {
    /// `_data/<name>.json`, by name.
    pub global: Map<String, Value>,
    /// The merged folder data of each folder (by its path inside the content root).
    pub folders: BTreeMap<String, Map<String, Value>>,
}

impl Data {
    /// The data a post in `dir` sees, nearer folders winning, front matter not included.
    pub fn for_dir(&self, dir: &str) -> Map<String, Value> {
        let mut data = self.global.clone();
        let mut prefix = String::new();
        let folders = std::iter::once("").chain(dir.split('/').filter(|d| !d.is_empty()));
        for (i, part) in folders.enumerate() {
            if i > 1 {
                prefix.push('/');
            }
            prefix.push_str(part);
            if let Some(m) = self.folders.get(&prefix) {
                data.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        data
    }

    /// Adds a data file found at `rel` (inside the content root, or under a `_data`
    /// folder above it); `false` when it is not one.
    pub fn add(&mut self, rel: &str, value: Value) -> bool {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let Some(stem) = name.strip_suffix(".json") else {
            return false;
        };
        let in_data = dir == "_data" || dir.ends_with("/_data");
        if in_data {
            self.global.insert(stem.to_string(), value);
            return true;
        }
        let folder = dir.rsplit('/').next().unwrap_or(dir);
        let Value::Object(m) = value else {
            return false;
        };
        if stem.strip_suffix(".11tydata").is_some() || stem == folder {
            self.folders.entry(dir.to_string()).or_default().extend(m);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nearer_folders_win_over_global_data() {
        let mut d = Data::default();
        assert!(d.add("_data/site.json", json!({"name": "Lit"})));
        assert!(d.add("blog/blog.json", json!({"layout": "post", "x": 1})));
        assert!(d.add("blog/2024/2024.11tydata.json", json!({"x": 2})));
        assert!(!d.add("blog/other.json", json!({"x": 3})));
        let m = d.for_dir("blog/2024");
        assert_eq!(m["site"]["name"], "Lit");
        assert_eq!(m["layout"], "post");
        assert_eq!(m["x"], 2);
        assert_eq!(d.for_dir("")["site"]["name"], "Lit");
    }
}
