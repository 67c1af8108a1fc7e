//! The `footer` setting: Markdown rendered once, at start, through the articles' pipeline
//! and sanitiser (raw script, iframes and `javascript:` links are removed even on a site
//! that trusts its articles' HTML: the footer is on every page).

use crate::config::Config;
use crate::content::markdown::{RenderOptions, render};
use crate::urls;

/// The footer's HTML, or why the setting cannot be shown.
pub(super) fn html(config: &Config) -> anyhow::Result<Option<String>> {
    let Some(markdown) = config.footer.as_deref().filter(|m| !m.trim().is_empty()) else {
        return Ok(None);
    };
    let rendered = render(
        markdown,
        &RenderOptions {
            id_prefix: "footer",
            highlight_max_bytes: config.highlight_max_bytes,
            trust_html: false,
            resolve_url: &content_file,
            take_title: false,
            emoji: config.emoji,
        },
    )
    .map_err(|e| anyhow::anyhow!("setting `footer`: {}", e.message))?;
    Ok(Some(rendered.html))
}

/// A relative link or image names a file of the content folder (`media/cc.svg`), or,
/// without an extension, a page of the site (`about`): the footer is on every page, so
/// nothing may resolve from the page it is shown on.
fn content_file(url: &str) -> Option<String> {
    let relative = !url.is_empty()
        && !url.starts_with(['/', '#', '?'])
        && !url.contains(':')
        && !url.split('/').any(|s| s == "..");
    let path = url.trim_start_matches("./");
    let file = path
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'));
    relative.then(|| match file {
        true => urls::file(path),
        false => format!("/{path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_name_content_files_and_others_stay() {
        assert_eq!(
            content_file("media/cc.svg").as_deref(),
            Some("/files/media/cc.svg")
        );
        assert_eq!(content_file("/about"), None);
        assert_eq!(content_file("about").as_deref(), Some("/about"));
        assert_eq!(content_file("https://example.org/"), None);
        assert_eq!(content_file("../../etc/passwd"), None);
    }
}
