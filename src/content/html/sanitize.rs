//! The HTML policy: what survives from an author's Markdown when raw HTML is not trusted.
//! No scripts, no event handlers, no `javascript:`/`data:` URLs; our own classes and ids stay.

use std::collections::HashSet;
use std::sync::LazyLock;

static POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags([
        "input",
        "section",
        "sup",
        "sub",
        "mark",
        "figure",
        "figcaption",
        "details",
        "summary",
        "kbd",
        "samp",
        "var",
        "del",
        "s",
        "ins",
        "span",
        "div",
        "nav",
        "aside",
    ])
    .add_generic_attributes([
        "class",
        "id",
        "aria-hidden",
        "aria-label",
        "role",
        "data-lang",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    // Code blocks scroll sideways; keyboard users must be able to reach them.
    .add_tag_attributes("pre", ["tabindex"])
    // Obsolete presentational tags: their content stays, the tag goes.
    .rm_tags(["center", "font", "big", "strike", "tt", "acronym"])
    .add_tag_attributes("img", ["width", "height", "loading", "decoding"])
    // Percent widths and heights are invalid HTML and most often meant "full width",
    // which the stylesheet gives every image anyway.
    .attribute_filter(|element, attribute, value| {
        if matches!(attribute, "width" | "height") && !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if element == "input" && attribute == "type" && value != "checkbox" {
            return None;
        }
        if attribute == "tabindex" && value != "0" {
            return None;
        }
        // A second `#` is not allowed in a URL (IRC channels such as `##rust`).
        if attribute == "href"
            && let Some(i) = value.find('#')
            && value[i + 1..].contains('#')
        {
            let (head, frag) = value.split_at(i + 1);
            return Some(format!("{head}{}", frag.replace('#', "%23")).into());
        }
        Some(value.into())
    })
    .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
    .link_rel(Some("noopener noreferrer"));
    b
});

/// Cleans `html` under the site's policy.
pub(crate) fn clean(html: &str) -> String {
    // `<a name>` is the old way to make a link target; `id` is the current one.
    if html.contains("<a name=") {
        let html = html.replace("<a name=", "<a id=");
        return POLICY.clean(&html).to_string();
    }
    POLICY.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn scripts_handlers_and_bad_urls_are_removed() {
        let out = clean(
            "<p onclick=\"x()\">a<script>alert(1)</script><a href=\"javascript:alert(1)\">j</a>\
             <img src=\"data:image/png;base64,AAA\"><iframe src=\"https://e.org\"></iframe></p>",
        );
        assert!(!out.contains("script") && !out.contains("onclick"), "{out}");
        assert!(
            !out.contains("javascript:") && !out.contains("data:"),
            "{out}"
        );
        assert!(!out.contains("iframe"), "{out}");
    }

    #[test]
    fn our_markup_survives() {
        let html = "<h2 id=\"x\">T <a class=\"anchor\" href=\"#x\" aria-label=\"Link\">#</a></h2>\
            <pre class=\"code\"><code class=\"language-rust\" data-lang=\"rust\"><span class=\"line hl\"><span class=\"k\">x</span></span></code></pre>\
            <ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"> done</li></ul>\
            <table><tr><td class=\"align-right\">1</td><td style=\"color: red\">2</td></tr></table>\
            <img src=\"/a.png\" alt=\"\" width=\"100%\" height=\"40\">";
        let out = clean(html);
        for kept in [
            "id=\"x\"",
            "class=\"line hl\"",
            "data-lang=\"rust\"",
            "type=\"checkbox\"",
            "class=\"align-right\"",
            "height=\"40\"",
        ] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
        assert!(
            !out.contains("color: red") && !out.contains("style="),
            "{out}"
        );
        assert!(!out.contains("100%"), "{out}");
    }
}
