//! Static assets compiled into the binary and served under fingerprinted names, so they
//! can be cached forever: `/static/style.3f2a9c1e.css`.
//!
//! The scripts are ES modules, and an import names its dependency's fingerprinted file
//! (the source says `./search/dom.js`, the served file `./search-dom.1a2b3c4d5e.js`), so
//! a changed module changes the names of every module that imports it, up to the entry.

use sha2::{Digest, Sha256};

use crate::content::highlight;

/// One asset: its fingerprinted name, type and bytes.
pub struct Asset {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Every asset, looked up by fingerprinted name.
pub struct Assets {
    pub css: Asset,
    /// Live search, `/` to focus, and marking the words searched for on arrival: the
    /// entry module (`static/search.js`). Pages work without it.
    pub js: Asset,
    /// Development mode: reload the page when the site changes.
    pub live: Asset,
    /// The modules `js` imports, directly or not.
    pub modules: Vec<Asset>,
}

/// The settings' colours as the theme's custom properties, after ours so they win; the
/// stylesheet's fingerprint changes with them. (Not a `<style>` element: the
/// Content-Security-Policy allows no inline style.)
fn theme(config: &crate::config::Config) -> String {
    let mut css = String::new();
    if let Some(accent) = &config.accent {
        css.push_str(&format!(
            "\n/* accent */\n:root {{ --accent: {accent}; }}\n"
        ));
    }
    if let Some(dark) = &config.accent_dark {
        css.push_str(&format!(
            "@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark}; }} }}\n"
        ));
    }
    css
}

const JS: &str = "text/javascript; charset=utf-8";

/// A script's path under `static/` with its text, so the two cannot disagree.
macro_rules! script {
    ($path:literal) => {
        ($path, include_str!(concat!("../../static/", $path)))
    };
}

/// The scripts, by path under `static/`, leaf first: a module may import only modules
/// above it, with a specifier relative to itself (`./dom.js`, `./search/dom.js`).
const MODULES: &[(&str, &str)] = &[
    script!("search/dom.js"),
    script!("search/mark.js"),
    script!("search/panel.js"),
    script!("search/live.js"),
    script!("search.js"),
    script!("live.js"),
];

impl Assets {
    /// Builds the site stylesheet (our CSS, the two highlight themes, the settings' colours
    /// and `fonts`, the font settings' rules) and the scripts.
    pub fn build(config: &crate::config::Config, fonts: &str) -> Assets {
        let mut css = include_str!("../../static/style.css").to_string();
        css.push_str(
            "\n/* Code highlighting, generated from the same themes as the class names. */\n",
        );
        css.push_str(&highlight::stylesheet());
        css.push_str(&theme(config));
        css.push_str(fonts);
        let mut modules = build_modules(MODULES);
        let mut take = |path: &str| {
            let i = modules.iter().position(|(p, _)| *p == path).unwrap();
            modules.remove(i).1
        };
        let (js, live) = (take("search.js"), take("live.js"));
        Assets {
            css: fingerprint("style", "css", "text/css; charset=utf-8", css.into_bytes()),
            js,
            live,
            modules: modules.into_iter().map(|(_, a)| a).collect(),
        }
    }

    /// The site's fingerprinted stylesheet name, for tests.
    pub fn css_name(&self) -> &str {
        &self.css.name
    }

    pub fn get(&self, name: &str) -> Option<&Asset> {
        [&self.css, &self.js, &self.live]
            .into_iter()
            .chain(&self.modules)
            .find(|a| a.name == name)
    }
}

/// Fingerprints the modules in order, pointing each import at the fingerprinted name of
/// the module it names, which must come earlier in `table`. Served names are flat
/// (`search/dom.js` becomes `search-dom.<hash>.js`), so `./name` resolves from any of
/// them. Panics on an import it cannot resolve: the table is fixed at compile time, and
/// the tests below build it.
fn build_modules(table: &[(&'static str, &str)]) -> Vec<(&'static str, Asset)> {
    let mut built: Vec<(&'static str, Asset)> = Vec::new();
    for &(path, source) in table {
        let mut text = String::with_capacity(source.len());
        for line in source.split_inclusive('\n') {
            let Some(specifier) = import_specifier(line) else {
                text.push_str(line);
                continue;
            };
            let target = resolve(path, specifier);
            let dep = built
                .iter()
                .find(|(p, _)| *p == target)
                .map(|(_, a)| &a.name)
                .unwrap_or_else(|| {
                    panic!("static/{path} imports {specifier}: no module above it in MODULES")
                });
            text.push_str(&line.replacen(&format!("'{specifier}'"), &format!("'./{dep}'"), 1));
        }
        let stem = path.trim_end_matches(".js").replace('/', "-");
        built.push((path, fingerprint(&stem, "js", JS, text.into_bytes())));
    }
    built
}

/// The specifier of an import on one line (`import { el } from './dom.js';`, `import
/// './x.js';`, `export { el } from './dom.js';`), written in single quotes.
fn import_specifier(line: &str) -> Option<&str> {
    let line = line.trim();
    let reexport = line.starts_with("export ") && line.contains(" from ");
    if !(line.starts_with("import ") || reexport) {
        return None;
    }
    let end = line.rfind('\'');
    let start = end.and_then(|e| line[..e].rfind('\''));
    match (start, end) {
        (Some(s), Some(e)) => Some(&line[s + 1..e]),
        _ => panic!("an import on one line, with its specifier in single quotes: {line}"),
    }
}

/// The path under `static/` that `specifier`, written in the module at `from`, names.
fn resolve(from: &str, specifier: &str) -> String {
    let relative = specifier
        .strip_prefix("./")
        .unwrap_or_else(|| panic!("static/{from}: import {specifier} does not start with ./"));
    match from.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{relative}"),
        None => relative.to_string(),
    }
}

fn fingerprint(stem: &str, ext: &str, content_type: &'static str, bytes: Vec<u8>) -> Asset {
    let digest = Sha256::digest(&bytes);
    let short = crate::hex::encode(&digest[..5]);
    Asset {
        name: format!("{stem}.{short}.{ext}"),
        content_type,
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every specifier after `from '` or `import '` in a served script: a wider net than
    /// the line-by-line rewrite, so an import it missed is caught here.
    fn specifiers(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for marker in ["from '", "import '", "import('"] {
            for (i, _) in text.match_indices(marker) {
                let rest = &text[i + marker.len()..];
                out.push(&rest[..rest.find('\'').unwrap()]);
            }
        }
        out
    }

    #[test]
    fn every_import_names_a_served_module() {
        let assets = Assets::build(&crate::config::Config::default(), "");
        let scripts: Vec<&Asset> = [&assets.js, &assets.live]
            .into_iter()
            .chain(&assets.modules)
            .collect();
        assert_eq!(scripts.len(), MODULES.len());
        let mut imports = 0;
        for script in &scripts {
            assert!(script.name.ends_with(".js") && script.content_type == JS);
            let text = std::str::from_utf8(&script.bytes).unwrap();
            for specifier in specifiers(text) {
                let name = specifier.strip_prefix("./").unwrap_or(specifier);
                let target = assets.get(name);
                assert!(
                    target.is_some_and(|a| a.content_type == JS && a.name != script.name),
                    "{} imports {specifier}, which is not served",
                    script.name
                );
                imports += 1;
            }
        }
        // Every module but the two entries is imported by something.
        assert!(imports >= assets.modules.len(), "{imports} imports found");
        let entry = std::str::from_utf8(&assets.js.bytes).unwrap();
        assert!(entry.contains("from './search-live."), "{entry}");
    }

    #[test]
    fn a_changed_leaf_renames_its_importers_up_to_the_entry() {
        let name = |table: &[(&'static str, &str)], path: &str| {
            let built = build_modules(table);
            built.into_iter().find(|(p, _)| *p == path).unwrap().1.name
        };
        assert_eq!(MODULES[0].0, "search/dom.js");
        let dom = format!("{}\n// changed\n", MODULES[0].1);
        let mut changed: Vec<(&'static str, &str)> = MODULES.to_vec();
        changed[0].1 = &dom;
        for path in ["search/dom.js", "search/panel.js", "search.js"] {
            assert_ne!(name(MODULES, path), name(&changed, path), "{path}");
        }
        // A script that does not import it keeps its name.
        assert_eq!(name(MODULES, "live.js"), name(&changed, "live.js"));
    }

    #[test]
    fn imports_resolve_against_the_importing_module() {
        assert_eq!(resolve("search.js", "./search/dom.js"), "search/dom.js");
        assert_eq!(resolve("search/live.js", "./panel.js"), "search/panel.js");
        assert_eq!(
            import_specifier("import { el, plural } from './dom.js';\n"),
            Some("./dom.js")
        );
        assert_eq!(import_specifier("import './side.js';"), Some("./side.js"));
        assert_eq!(import_specifier("export function el(tag) {"), None);
        assert_eq!(import_specifier("// import nothing"), None);
    }

    /// The custom properties `:root` declares in a stylesheet's text, in every block.
    fn root_properties(css: &str) -> std::collections::BTreeSet<String> {
        css.match_indices(":root {")
            .flat_map(|(i, _)| {
                let block = &css[i..];
                let block = &block[..block.find('}').unwrap_or(block.len())];
                block
                    .split([';', '{', '\n'])
                    .filter_map(|d| d.trim().split_once(':'))
                    .map(|(name, _)| name.trim().to_string())
                    .filter(|name| name.starts_with("--"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_readme_documents_every_custom_property_of_the_theme() {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("| property | what it sets |")
            .nth(1)
            .expect("README.md has the custom properties table");
        let documented: std::collections::BTreeSet<String> = table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .flat_map(|row| {
                let first = row.split('|').nth(1).unwrap_or("");
                first
                    .split('`')
                    .filter(|s| s.starts_with("--"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let declared = root_properties(include_str!("../../static/style.css"));
        assert!(declared.len() > 10, "{declared:?}");
        assert_eq!(
            documented, declared,
            "README.md's table and style.css's :root"
        );
    }

    #[test]
    #[should_panic(expected = "no module above it")]
    fn an_import_of_a_later_module_is_refused() {
        build_modules(&[("a.js", "import { b } from './b.js';\n"), ("b.js", "")]);
    }
}
