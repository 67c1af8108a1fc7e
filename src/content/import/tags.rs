//! Tag plugins of the Liquid-style engines (Hexo's built-in tags, Octopress's and
//! Pelican's `liquid_tags`, Eleventy paired shortcodes that are admonitions): code blocks,
//! notes and asides as callouts, images, asset links, post links, math, embeds. Each is
//! read from the engine's documented arguments; what has no meaning here is left to
//! the caller's warning.

use super::lines::{callout_close, callout_open, label_of};
use super::{Args, Scan, article_url, code_block, link_card};
use crate::urls;

/// Paired tags that are admonitions (Hexo's `note`, Eleventy sites' `aside`…).
const CALLOUTS: &[&str] = &[
    "note",
    "aside",
    "callout",
    "admonition",
    "alert",
    "tip",
    "info",
    "warning",
    "danger",
    "caution",
    "important",
    "todo",
];

/// Paired tags whose inside is code.
const CODE: &[&str] = &["code", "codeblock", "sourcecode", "highlight"];

/// Translates the tag `name` with `args` ending at `end` (and its closing tag, for a
/// paired one); where the translation ends, or `None` when this is not one of them.
pub(super) fn at(s: &mut Scan<'_>, name: &str, args: &str, end: usize) -> Option<usize> {
    if CODE.contains(&name) {
        let (close_at, close_end) = super::liquid::skip_to(s.src, end, &format!("end{name}"))?;
        let code = &s.src[end..close_at];
        let lang = code_lang(args);
        s.out.push_str(&code_block(&lang, code));
        return Some(close_end);
    }
    if matches!(name, "mathjax" | "katex" | "math" | "latex") {
        let (close_at, close_end) = super::liquid::skip_to(s.src, end, &format!("end{name}"))?;
        let tex = s.src[end..close_at].trim();
        s.out.push_str(&format!("\n\n$$\n{tex}\n$$\n\n"));
        return Some(close_end);
    }
    if CALLOUTS.contains(&name) {
        let a = Args::parse(args);
        let kind = a.positional.first().map_or(name, String::as_str);
        let titled = a
            .positional
            .iter()
            .skip(1)
            .find(|p| !p.starts_with("no-") && !p.contains(':'));
        let title = titled.cloned().unwrap_or_else(|| label_of(kind));
        s.out.push_str(&callout_open("", kind, &title, None));
        return Some(end);
    }
    if let Some(opened) = name.strip_prefix("end")
        && CALLOUTS.contains(&opened)
    {
        s.out.push_str(&callout_close("", false));
        return Some(end);
    }
    single(s, name, args).map(|text| {
        s.out.push_str(&text);
        end
    })
}

/// A tag without a closing tag, as Markdown or HTML.
fn single(s: &Scan<'_>, name: &str, args: &str) -> Option<String> {
    let a = Args::parse(args);
    let first = a.positional.first().map(String::as_str).unwrap_or("");
    match name {
        "img" | "image" => image(s, &a),
        "asset_img" | "asset_image" => {
            let file = a.positional.iter().find(|p| p.contains('.'))?;
            let alt = a.positional.iter().skip_while(|p| *p != file).nth(1);
            Some(format!(
                "![{}](<{}>)",
                alt.map_or(file.as_str(), String::as_str)
                    .replace(['[', ']'], ""),
                asset(s, file)
            ))
        }
        "asset_link" | "asset_path" => {
            let title = a.positional.get(1).map_or(first, String::as_str);
            let url = asset(s, first);
            Some(if name == "asset_path" {
                url
            } else {
                format!("[{title}](<{url}>)")
            })
        }
        "post_link" | "post_path" => {
            let url = article_url(first);
            let title = a.positional.get(1).map_or(first, String::as_str);
            Some(if name == "post_path" {
                url
            } else {
                format!("[{title}](<{url}>)")
            })
        }
        "youtube" => Some(link_card(
            "youtube",
            &format!("https://www.youtube.com/watch?v={first}"),
            "Watch on YouTube",
        )),
        "vimeo" => Some(link_card(
            "vimeo",
            &format!("https://vimeo.com/{first}"),
            "Watch on Vimeo",
        )),
        "video" | "iframe" | "jsfiddle" | "gist" | "link" if first.contains("://") => {
            Some(link_card(name, first, first))
        }
        "video" | "audio" => {
            let url = site_path(s, first);
            Some(format!("[{name}: {first}](<{url}>)"))
        }
        "include_code" => include_code(s, &a),
        "notebook" => {
            // Pelican's notebooks live under `notebook_dir` (`notebooks` by default).
            let found = ["notebooks", "downloads/notebooks", ""]
                .iter()
                .find_map(|d| s.cx.vault?.resolve(&format!("{d}/{first}")).map(urls::file));
            let url = found.unwrap_or_else(|| site_path(s, first));
            Some(format!("[Notebook: {first}](<{url}>)"))
        }
        _ => None,
    }
}

/// Pelican's and Octopress's `{% include_code path lang:python [title] %}`: the file from
/// the site's code folder, as a code block; `None` (a warning) when it is not there.
fn include_code(s: &Scan<'_>, a: &Args) -> Option<String> {
    let path = a.positional.first()?;
    let read = s.cx.read_file?;
    let lang = a
        .positional
        .iter()
        .find_map(|p| p.strip_prefix("lang:"))
        .unwrap_or("");
    ["code", "downloads/code", ""].iter().find_map(|dir| {
        let rel = format!("{dir}/{path}");
        let rel = s.cx.vault.and_then(|v| v.resolve(&rel)).unwrap_or(&rel);
        read(rel).map(|code| code_block(lang, &code))
    })
}

/// `lang:python`, or a bare first argument naming a language.
fn code_lang(args: &str) -> String {
    let a = Args::parse(args);
    a.named("lang")
        .map(str::to_string)
        .or_else(|| {
            a.positional
                .iter()
                .find_map(|p| p.strip_prefix("lang:").map(str::to_string))
        })
        .unwrap_or_default()
}

/// `{% img [class] src [width [height]] [title [alt]] %}` (Octopress, Pelican).
fn image(s: &Scan<'_>, a: &Args) -> Option<String> {
    let mut p = a.positional.iter().map(String::as_str).peekable();
    let mut src = p.next()?;
    if !(src.contains('/') || src.contains('.')) {
        src = p.next()?;
    }
    let width = p.next_if(|w| w.bytes().all(|b| b.is_ascii_digit()));
    p.next_if(|h| h.bytes().all(|b| b.is_ascii_digit()));
    let alt: Vec<&str> = p.collect();
    let alt = alt.join(" ");
    let alt = alt.trim_matches(['[', ']', '"', '\'']);
    let src = site_path(s, src);
    Some(match width {
        Some(w) => format!(
            "<img src=\"{}\" alt=\"{}\" width=\"{w}\">",
            super::super::html::escape(&src),
            super::super::html::escape(alt)
        ),
        None => format!("![{}](<{src}>)", alt.replace(['[', ']'], "")),
    })
}

/// A root-relative path (`/images/x.png`) naming a file of the site, as its published
/// URL; anything else as written.
fn site_path(s: &Scan<'_>, src: &str) -> String {
    let rel = src.trim_start_matches('/');
    match s.cx.vault.and_then(|v| v.resolve(rel)) {
        Some(path) if src.starts_with('/') && path.eq_ignore_ascii_case(rel) => urls::file(path),
        _ => src.to_string(),
    }
}

/// A file in the post's asset folder (Hexo: the folder named like the post's file).
fn asset(s: &Scan<'_>, file: &str) -> String {
    let folder = match s.cx.dir {
        "" => s.cx.name.to_string(),
        dir => format!("{dir}/{}", s.cx.name),
    };
    urls::file(&format!("{folder}/{file}"))
}
