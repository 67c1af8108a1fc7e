//! Jekyll's Liquid (and Eleventy's Nunjucks, which reads the same): `{% raw %}` literal, `{% highlight %}` as code, `{% link %}` and
//! `{% post_url %}` as article URLs, `{{ site.X }}`/`{{ page.X }}` and the
//! `relative_url`/`absolute_url` filters from the site's settings; any other tag or
//! output a warning, and the reader sees the text between block tags or nothing.

use super::{Scan, article_url, code_block, inline_code, lookup};

/// Block tags whose text between the tags stays; their closing tags go silently.
const BLOCKS: &[&str] = &["if", "unless", "for", "case", "capture", "tablerow"];

/// The tag `{% … %}` starting at `at`, translated; its end.
pub(super) fn tag(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let inner_end = at + 2 + s.src[at + 2..].find("%}")?;
    let end = inner_end + 2;
    let inner = s.src[at + 2..inner_end].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let args = args.trim();
    if !matches!(name, "raw" | "highlight" | "comment" | "link" | "post_url")
        && let Some(end) = super::tags::at(s, name, args, end)
    {
        return Some(end);
    }
    match name {
        "raw" => Some(literal(s, end, "endraw", None)),
        "highlight" => {
            let lang = args.split_whitespace().next().unwrap_or("");
            Some(literal(s, end, "endhighlight", Some(lang)))
        }
        "comment" => Some(skip_to(s.src, end, "endcomment").map_or(end, |(_, e)| e)),
        "link" | "post_url" => {
            s.out.push_str(&article_url(args.trim_matches(['"', '\''])));
            Some(end)
        }
        // Zola's body shortcodes close with `end`; Liquid's own closers go with their
        // opening tag's warning, as does `else`.
        "end" | "else" | "elsif" | "when" => Some(end),
        _ if name.starts_with("end") => Some(end),
        _ => {
            let what = if BLOCKS.contains(&name) {
                "the text inside it is shown as written"
            } else {
                "it was left out"
            };
            s.warn(
                at,
                format!("Liquid tag `{name}` needs the old site's templates; {what}"),
            );
            Some(end)
        }
    }
}

/// Everything up to `{% closer %}` as written: code when `lang` is given, else the text
/// itself (a `raw` block's Markdown still renders, only its Liquid does not run).
fn literal(s: &mut Scan<'_>, from: usize, closer: &str, lang: Option<&str>) -> usize {
    let Some((close_at, close_end)) = skip_to(s.src, from, closer) else {
        return from;
    };
    let text = &s.src[from..close_at];
    match lang {
        Some(lang) => s.out.push_str(&code_block(lang, text)),
        // A template expression shown inline (`{% raw %}{{ name }}{% endraw %}`) is
        // shown as the code it is.
        None if !text.contains('\n') && (text.contains("{{") || text.contains("{%")) => {
            s.out.push_str(&inline_code(text));
        }
        None => s.out.push_str(text),
    }
    close_end
}

/// Where the tag `{% name %}` (any spacing, `-` trims) after `from` starts and ends.
pub(super) fn skip_to(src: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(found) = src[i..].find("{%") {
        let at = i + found;
        let end = at + 2 + src[at + 2..].find("%}")?;
        let inner = src[at + 2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == name {
            return Some((at, end + 2));
        }
        i = at + 2;
    }
    None
}

/// The output `{{ … }}` starting at `at`, translated; its end.
pub(super) fn output(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let inner_end = at + 2 + s.src[at + 2..].find("}}")?;
    let inner = s.src[at + 2..inner_end].trim_matches(|c: char| c == '-' || c.is_whitespace());
    if inner.contains('\n') || inner.is_empty() {
        return None;
    }
    let mut parts = inner.split('|').map(str::trim);
    let head = parts.next().unwrap_or("");
    // Nunjucks names front matter and data files without a prefix (`site` may be one).
    let data =
        s.cx.data
            .and_then(|data| lookup(s.cx.page, head).or_else(|| lookup(data, head)));
    let mut value = if let Some(q) = head.strip_prefix('"').or_else(|| head.strip_prefix('\'')) {
        Some(q.trim_end_matches(['"', '\'']).to_string())
    } else if data.is_some() {
        data
    } else if let Some(key) = head.strip_prefix("site.") {
        lookup(s.cx.site, key)
    } else if let Some(key) = head.strip_prefix("page.") {
        lookup(s.cx.page, key)
    } else {
        None
    };
    for filter in parts {
        value = value.map(|v| apply(s, filter, v));
    }
    match value {
        Some(v) => s.out.push_str(&v),
        None => s.warn(
            at,
            format!("Liquid output `{{{{ {head} }}}}` has no value here; it was left out"),
        ),
    }
    Some(inner_end + 2)
}

/// The filters that make sense without the old site: its URLs.
fn apply(s: &Scan<'_>, filter: &str, value: String) -> String {
    let base = lookup(s.cx.site, "baseurl").unwrap_or_default();
    let base = base.trim_end_matches('/');
    let join = |v: &str| {
        if v.contains("://") {
            v.to_string()
        } else {
            format!("{base}/{}", v.trim_start_matches('/'))
        }
    };
    let (filter, _) = filter.split_once('(').unwrap_or((filter, ""));
    match filter.trim() {
        "urlencode" | "uri_escape" | "url_encode" => crate::urls::encode(&value),
        "lower" | "downcase" => value.to_lowercase(),
        "upper" | "upcase" => value.to_uppercase(),
        "trim" | "strip" => value.trim().to_string(),
        "relative_url" => join(&value),
        "absolute_url" => {
            let url = lookup(s.cx.site, "url").unwrap_or_default();
            let rel = join(&value);
            if rel.contains("://") {
                rel
            } else {
                format!("{}{rel}", url.trim_end_matches('/'))
            }
        }
        _ => value,
    }
}
