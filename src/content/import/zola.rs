//! Zola shortcodes: `{{ name(args) }}` (embeds as link cards) and body shortcodes
//! `{% name(args) %}…{% end %}` (a warning; the body's text stays).

use super::{Args, Scan, hugo};

/// Whether `rest` opens a Zola shortcode call: `{{ name(` or `{% name(`.
pub(super) fn looks_like(rest: &str) -> bool {
    let Some(inner) = rest.strip_prefix("{{").or_else(|| rest.strip_prefix("{%")) else {
        return false;
    };
    let inner = inner.trim_start_matches('-').trim_start();
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    name_len > 0 && inner[name_len..].starts_with('(')
}

/// The call starting at `at`, translated; its end.
pub(super) fn at(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let body = s.src[at..].starts_with("{%");
    let close = if body { "%}" } else { "}}" };
    let inner_start = at + 2;
    let inner_end = inner_start + s.src[inner_start..].find(close)?;
    let inner = s.src[inner_start..inner_end].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let open = inner.find('(')?;
    let name = &inner[..open];
    let args = Args::parse(inner[open + 1..].trim_end_matches(')'));
    let end = inner_end + close.len();
    if !body && let Some(card) = embed(name, &args) {
        s.out.push_str(&card);
        return Some(end);
    }
    let what = if body {
        "its body's text is shown"
    } else {
        "it was left out"
    };
    s.warn(
        at,
        format!("Zola shortcode `{name}` belongs to the old site's templates; {what}"),
    );
    if body {
        // The body's `{% end %}` goes with it.
        s.out.push_str("\n\n");
        if let Some(close_at) = s.src[end..].find("{% end %}") {
            let inner = &s.src[end..end + close_at];
            s.out.push_str(inner);
            s.out.push_str("\n\n");
            return Some(end + close_at + "{% end %}".len());
        }
    }
    Some(end)
}

/// Zola's built-in embeds, as the Hugo ones.
fn embed(name: &str, args: &Args) -> Option<String> {
    if name == "gist"
        && let Some(url) = args.get("url", 0)
    {
        let mut parts = url.trim_end_matches('/').rsplit('/');
        let id = parts.next()?;
        let user = parts.next()?;
        let by = Args {
            positional: vec![user.to_string(), id.to_string()],
            named: Vec::new(),
        };
        return hugo::embed("gist", &by);
    }
    hugo::embed(name, args)
}
