//! Static assets compiled into the binary and served under fingerprinted names, so they
//! can be cached forever: `/static/style.3f2a9c1e.css`.

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
    /// Live search, `/` to focus, and marking the words searched for on arrival. Pages
    /// work without it.
    pub js: Asset,
    /// Development mode: reload the page when the site changes.
    pub live: Asset,
}

impl Assets {
    /// Builds the site stylesheet: our CSS followed by the two highlight themes.
    pub fn build() -> Assets {
        let mut css = include_str!("../../static/style.css").to_string();
        css.push_str(
            "\n/* Code highlighting, generated from the same themes as the class names. */\n",
        );
        css.push_str(&highlight::stylesheet());
        Assets {
            css: fingerprint("style", "css", "text/css; charset=utf-8", css.into_bytes()),
            js: fingerprint(
                "search",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../../static/search.js").to_vec(),
            ),
            live: fingerprint(
                "live",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../../static/live.js").to_vec(),
            ),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Asset> {
        [&self.css, &self.js, &self.live]
            .into_iter()
            .find(|a| a.name == name)
    }
}

fn fingerprint(stem: &str, ext: &str, content_type: &'static str, bytes: Vec<u8>) -> Asset {
    let digest = Sha256::digest(&bytes);
    let short: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    Asset {
        name: format!("{stem}.{short}.{ext}"),
        content_type,
        bytes,
    }
}
