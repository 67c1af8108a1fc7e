//! The `font` and `heading_font` settings as CSS: a named stack sets the theme's custom
//! property to one of its own stacks; a WOFF2 file of the content folder gets an
//! `@font-face` whose address names the file's bytes (`?v=`), so it is cached for good and
//! a changed file is fetched again. The rules go into the site's stylesheet, never inline:
//! the Content-Security-Policy allows no inline style.

use sha2::{Digest, Sha256};

use crate::config::{Config, Font};
use crate::urls;

/// The fingerprint a font's address carries: the start of the SHA-256 of its bytes.
pub(super) fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(bytes)[..6])
}

/// The CSS for the font settings; `bytes_of` reads a file of the content folder (or the
/// archive) by its path there. A file it cannot read is linked without a fingerprint.
pub(super) fn stylesheet(config: &Config, bytes_of: impl Fn(&str) -> Option<Vec<u8>>) -> String {
    let mut css = String::new();
    for (property, family, font) in [
        ("--font-text", "site-text", &config.font),
        ("--font-heading", "site-heading", &config.heading_font),
    ] {
        let value = match font {
            None => continue,
            Some(Font::Stack(name)) => format!("var(--{name})"),
            Some(Font::File(path)) => {
                let url = match bytes_of(path) {
                    Some(bytes) => format!("{}?v={}", urls::file(path), digest(&bytes)),
                    None => urls::file(path),
                };
                css.push_str(&format!(
                    "@font-face {{ font-family: \"{family}\"; src: url(\"{url}\") \
                     format(\"woff2\"); font-display: swap; }}\n"
                ));
                // The theme's serif behind it, for the moment before it arrives and for
                // any letter it lacks.
                format!("\"{family}\", var(--serif)")
            }
        };
        css.push_str(&format!(":root {{ {property}: {value}; }}\n"));
    }
    if css.is_empty() {
        return css;
    }
    format!("\n/* font settings */\n{css}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_sets_the_property_and_a_file_gets_a_fingerprinted_face() {
        let config = Config {
            font: Some(Font::Stack("sans")),
            heading_font: Some(Font::File("media/head.woff2".into())),
            ..Config::default()
        };
        let css = stylesheet(&config, |_| Some(b"wOF2 bytes".to_vec()));
        assert!(css.contains(":root { --font-text: var(--sans); }"), "{css}");
        let v = digest(b"wOF2 bytes");
        assert!(
            css.contains(&format!(
                "src: url(\"/files/media/head.woff2?v={v}\") format(\"woff2\")"
            )),
            "{css}"
        );
        assert!(css.contains("--font-heading: \"site-heading\", var(--serif)"));
        assert_eq!(stylesheet(&Config::default(), |_| None), "");
    }
}
