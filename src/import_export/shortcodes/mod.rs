//! WordPress shortcodes in a post's HTML: `[caption]` becomes a figure, `[gallery]` and
//! `[playlist]` the attachments they name, `[embed]`, `[audio]`, `[video]` and the
//! providers' own (`[youtube]`, `[vimeo]`, …) links, `[code]` a code block, `[latex]`
//! a formula; any other is removed (what it encloses stays) with a warning naming it.

use std::collections::{BTreeSet, HashMap};

use super::html_md::{Held, attr, figure_md, image_md, md_url as url, plain_text};
use super::{Attachment, floor_char_boundary};

/// Shortcodes taken as such even without attributes or a closing tag.
const KNOWN: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "playlist",
    "embed",
    "audio",
    "video",
    "youtube",
    "vimeo",
    "soundcloud",
    "spotify",
    "dailymotion",
    "ted",
    "flickr",
    "googlemaps",
    "twitter",
    "tweet",
    "instagram",
    "slideshare",
    "wpvideo",
    "code",
    "sourcecode",
    "latex",
    "contact-form",
    "contact-field",
    "archives",
    "polldaddy",
    "crowdsignal",
    "recipe",
    "blog_subscription_form",
    "jetpack_subscription_form",
    "portfolio",
    "testimonials",
    "sitemap",
    "wpforms",
    "gravityform",
    "contact-form-7",
    "ngg",
    "ngg_images",
    "row",
    "column",
    "one_half",
    "one_third",
    "two_third",
    "one_fourth",
    "three_fourth",
    "button",
    "tabs",
    "tab",
    "toggle",
    "accordion",
    "box",
    "divider",
    "clear",
    "spacer",
];

/// Providers whose shortcode names a URL or an id to link to.
const PROVIDERS: &[(&str, &str)] = &[
    ("youtube", "https://www.youtube.com/watch?v="),
    ("vimeo", "https://vimeo.com/"),
    ("dailymotion", "https://www.dailymotion.com/video/"),
];

/// What expanding one body needs and what it learns.
pub(super) struct Context<'a> {
    pub attachments: &'a HashMap<String, &'a Attachment>,
    /// The attachments uploaded to this post, for a `[gallery]` without ids.
    pub children: &'a [&'a Attachment],
    pub held: &'a mut Held,
    /// Shortcodes removed, by name.
    pub removed: BTreeSet<String>,
    /// Attachment ids the body shows.
    pub used: BTreeSet<String>,
}

/// The body with every shortcode expanded or removed.
pub(super) fn expand(text: &str, cx: &mut Context<'_>) -> String {
    expand_at(text, cx, 0)
}

fn expand_at(text: &str, cx: &mut Context<'_>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut closings = Closings {
        text,
        found: HashMap::new(),
    };
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        if let Some(inner) = escaped(at) {
            // `[[gallery]]` is WordPress's way to show a shortcode as text: shown as code.
            out.push_str("<code>");
            out.push_str(&at[1..inner]);
            out.push_str("</code>");
            rest = &at[inner + 1..];
            continue;
        }
        if let Some(len) = orphan_close(at) {
            // A closing tag whose opening was another's (mismatched nesting).
            cx.removed.insert(at[2..len - 1].to_ascii_lowercase());
            rest = &at[len..];
            continue;
        }
        let offset = text.len() - at.len();
        let alone = alone_on_line(&text[..offset], at);
        let closing_after =
            |name: &str, from: usize| closings.after(name, offset + from).map(|p| p - offset);
        match parse(at, alone, closing_after) {
            Some(sc) if depth < 16 => {
                out.push_str(&render(&sc, cx, depth));
                rest = &at[sc.len..];
            }
            _ => {
                out.push('[');
                rest = &at[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The end of `[[name …]]` (the index of the inner `]`), when `at` starts one.
fn escaped(at: &str) -> Option<usize> {
    let inner = at.strip_prefix("[[")?;
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    if name_len == 0 {
        return None;
    }
    let close = within(at, 2000).find("]]")?;
    Some(close + 1)
}

/// Whether the bracket at the start of `at` (after `before`) is all its line holds, as
/// a plugin's `[toc]` or `[subscribe]` is (brackets in prose stand among words).
fn alone_on_line(before: &str, at: &str) -> bool {
    let mut back = before.len().saturating_sub(64);
    while !before.is_char_boundary(back) {
        back += 1;
    }
    let near = &before[back..];
    let head = match near.rfind('\n') {
        Some(i) => near[i + 1..].trim(),
        None if back == 0 => near.trim(),
        None => return false,
    };
    let Some(close) = within(at, 200).find(']') else {
        return false;
    };
    let tail = within(&at[close + 1..], 64);
    let line_end = tail.find('\n').unwrap_or(tail.len());
    let tail = tail[..line_end].trim();
    (head.is_empty() || head.eq_ignore_ascii_case("<p>"))
        && (tail.is_empty() || tail.eq_ignore_ascii_case("</p>"))
}

/// Where each `[/name]` is in one text, looked for once per name (a body full of
/// unclosed shortcodes costs one scan per name, not one per shortcode); past
/// [`MAX_NAMES`] names, a new one is taken to have no closing tag.
struct Closings<'t> {
    text: &'t str,
    found: HashMap<String, Vec<usize>>,
}

const MAX_NAMES: usize = 64;

impl Closings<'_> {
    /// The first `[/name]` at or after byte `from`.
    fn after(&mut self, name: &str, from: usize) -> Option<usize> {
        if !self.found.contains_key(name) {
            if self.found.len() >= MAX_NAMES {
                return None;
            }
            let closing = format!("[/{name}]");
            let at = self.text.match_indices(&closing).map(|(i, _)| i).collect();
            self.found.insert(name.to_string(), at);
        }
        let list = &self.found[name];
        list.get(list.partition_point(|&p| p < from)).copied()
    }
}

/// At most the first `max` bytes of `s` (cut at a character boundary).
fn within(s: &str, max: usize) -> &str {
    &s[..floor_char_boundary(s, max)]
}

/// The length of `[/name]` when `at` starts with one.
fn orphan_close(at: &str) -> Option<usize> {
    let inner = at.strip_prefix("[/")?;
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    (name_len > 0 && inner[name_len..].starts_with(']')).then_some(name_len + 3)
}

/// One shortcode as written.
struct Shortcode<'a> {
    name: String,
    /// `key → value`; positional values under `"0"`, `"1"`, ….
    attrs: Vec<(String, String)>,
    content: Option<&'a str>,
    /// Bytes from its `[` to the end of its closing tag.
    len: usize,
}

impl Shortcode<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The shortcode at the start of `at`, when it is one WordPress would run.
fn parse(
    at: &str,
    alone: bool,
    mut closing_after: impl FnMut(&str, usize) -> Option<usize>,
) -> Option<Shortcode<'_>> {
    let body = &at[1..];
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    let name = &body[..name_len];
    let after = body[name_len..].chars().next()?;
    if name.is_empty() || !(after.is_whitespace() || matches!(after, ']' | '/' | '=')) {
        return None;
    }
    let open_end = 1 + name_len + tag_end(&body[name_len..])?;
    let raw_attrs = at[1 + name_len..open_end - 1].trim();
    let self_closing = raw_attrs.ends_with('/');
    let raw_attrs = raw_attrs.trim_end_matches('/');
    let closing_len = name.len() + 3;
    let close_at = if self_closing {
        None
    } else {
        closing_after(name, open_end)
    };
    let lower = name.to_ascii_lowercase();
    let is_shortcode = KNOWN.contains(&lower.as_str())
        || close_at.is_some()
        || raw_attrs.contains('=')
        || name.contains(['_', '-']) && !name.starts_with(['-', '_'])
        || alone && raw_attrs.is_empty() && name.chars().any(|c| c.is_ascii_alphabetic());
    if !is_shortcode {
        return None;
    }
    let (content, len) = match close_at {
        Some(c) => (Some(&at[open_end..c]), c + closing_len),
        None => (None, open_end),
    };
    Some(Shortcode {
        name: lower,
        attrs: attributes(raw_attrs),
        content,
        len,
    })
}

/// The length up to and including the `]` that ends an opening tag (quotes respected).
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().take(4000) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ']') => return Some(i + 1),
            (None, '[') => return None,
            _ => {}
        }
    }
    None
}

/// `a="1" b='2' c=3 "x" y` (and the curly quotes WordPress's texturize writes).
fn attributes(s: &str) -> Vec<(String, String)> {
    let s = html_escape::decode_html_entities(s)
        .replace(['\u{201C}', '\u{201D}', '\u{2033}'], "\"")
        .replace(['\u{2018}', '\u{2019}', '\u{2032}'], "'");
    let mut out = Vec::new();
    if let Some(v) = s.trim_start().strip_prefix('=') {
        // `[youtube=URL]`: the whole rest is the one value.
        out.push((
            "0".to_string(),
            v.trim().trim_matches(['"', '\'']).to_string(),
        ));
        return out;
    }
    let mut rest = s.trim();
    let mut positional = 0;
    while !rest.is_empty() {
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        let (key, after) = (&rest[..key_len], rest[key_len..].trim_start());
        if let Some(v) = after.strip_prefix('=').filter(|_| !key.is_empty()) {
            let (value, next) = value(v.trim_start());
            out.push((key.to_ascii_lowercase(), value));
            rest = next.trim_start();
        } else {
            let (value, next) = if key.is_empty() {
                value(rest)
            } else {
                (key.to_string(), after)
            };
            out.push((positional.to_string(), value));
            positional += 1;
            rest = next.trim_start();
        }
    }
    out
}

/// One value, quoted or bare, and what follows it.
fn value(s: &str) -> (String, &str) {
    match s.chars().next() {
        Some(q @ ('"' | '\'')) => match s[1..].find(q) {
            Some(e) => (s[1..1 + e].to_string(), &s[e + 2..]),
            None => (s[1..].to_string(), ""),
        },
        _ => {
            let e = s.find(char::is_whitespace).unwrap_or(s.len());
            (s[..e].to_string(), &s[e..])
        }
    }
}

fn render(sc: &Shortcode<'_>, cx: &mut Context<'_>, depth: usize) -> String {
    let md = match sc.name.as_str() {
        "caption" | "wp_caption" => caption(sc, cx, depth),
        "gallery" => gallery(sc, cx),
        "playlist" => playlist(sc, cx),
        "embed" | "audio" | "video" | "wpvideo" | "soundcloud" | "spotify" | "ted" | "flickr"
        | "instagram" | "tweet" | "twitter" | "slideshare" | "googlemaps" => media(sc, cx),
        "youtube" | "vimeo" | "dailymotion" => media(sc, cx),
        "code" | "sourcecode" => code(sc, cx),
        "latex" => formula(sc, cx),
        _ => {
            cx.removed.insert(sc.name.clone());
            return sc
                .content
                .map(|c| expand_at(c, cx, depth + 1))
                .unwrap_or_default();
        }
    };
    cx.held.hold(md)
}

/// `[caption]<a><img></a> Text[/caption]`: the image, its link, and the text as caption.
fn caption(sc: &Shortcode<'_>, cx: &mut Context<'_>, depth: usize) -> String {
    let content = expand_at(sc.content.unwrap_or(""), cx, depth + 1);
    let img_at = content.to_ascii_lowercase().find("<img");
    let Some(img_at) = img_at else {
        return format!("\n\n{}\n\n", plain_text(&content));
    };
    let img_end = content[img_at..]
        .find('>')
        .map_or(content.len(), |e| img_at + e + 1);
    let img = &content[img_at..img_end];
    let (src, alt) = (attr(img, "src").unwrap_or_default(), attr(img, "alt"));
    let lower = content.to_ascii_lowercase();
    let link_open = lower[..img_at].rfind("<a ");
    let link = link_open.and_then(|a| attr(&content[a..img_at], "href"));
    let mut text_from = img_end;
    if link.is_some()
        && let Some(e) = lower[img_end..].find("</a>")
    {
        text_from = img_end + e + 4;
    }
    let caption = sc
        .get("caption")
        .map(str::to_string)
        .unwrap_or_else(|| plain_text(&content[text_from..]));
    let alt = alt
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| caption.clone());
    let mut image = image_md(&alt, &src);
    if let Some(href) = link {
        image = format!("[{image}]({})", url(&href));
    }
    figure_md(&image, &caption)
}

/// The attachments `ids` names (in its order), or those uploaded to the post.
fn listed<'a>(sc: &Shortcode<'_>, cx: &mut Context<'a>) -> Vec<&'a Attachment> {
    let list: Vec<&Attachment> = match sc.get("ids").or(sc.get("include")) {
        Some(ids) => ids
            .split(',')
            .filter_map(|id| cx.attachments.get(id.trim()).copied())
            .collect(),
        None => cx.children.to_vec(),
    };
    for a in &list {
        cx.used.insert(a.id.clone());
    }
    list
}

fn gallery(sc: &Shortcode<'_>, cx: &mut Context<'_>) -> String {
    let images: Vec<String> = listed(sc, cx)
        .into_iter()
        .map(|a| {
            let alt = if a.caption.is_empty() {
                &a.title
            } else {
                &a.caption
            };
            image_md(&plain_text(alt), &a.url)
        })
        .collect();
    format!("\n\n{}\n\n", images.join("\n\n"))
}

fn playlist(sc: &Shortcode<'_>, cx: &mut Context<'_>) -> String {
    let items: Vec<String> = listed(sc, cx)
        .into_iter()
        .map(|a| link_md(&plain_text(&a.title), &a.url))
        .collect();
    format!(
        "\n\n{}\n\n",
        items
            .iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn link_md(text: &str, href: &str) -> String {
    let text = text.replace(['[', ']'], " ");
    let text = if text.trim().is_empty() {
        href
    } else {
        text.trim()
    };
    format!("[{text}]({})", url(href))
}

/// `[embed]URL[/embed]`, `[audio mp3="…"]`, `[youtube URL]`, `[youtube=URL]`: a link to
/// the media (players are not kept: the sanitiser would drop them).
fn media(sc: &Shortcode<'_>, cx: &mut Context<'_>) -> String {
    let from_content = sc.content.map(plain_text).filter(|c| !c.is_empty());
    let keys = [
        "src", "url", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "m4v", "0", "id",
    ];
    let found = from_content.or_else(|| {
        keys.iter()
            .find_map(|k| sc.get(k).filter(|v| !v.is_empty()).map(str::to_string))
    });
    let Some(target) = found else {
        cx.removed.insert(sc.name.clone());
        return String::new();
    };
    let href = if target.contains("://") || target.starts_with('/') {
        target
    } else {
        match PROVIDERS.iter().find(|(n, _)| *n == sc.name) {
            Some((_, base)) => format!("{base}{target}"),
            None => {
                cx.removed.insert(sc.name.clone());
                return String::new();
            }
        }
    };
    let label = match sc.name.as_str() {
        "audio" | "video" => {
            let file = href.rsplit('/').next().unwrap_or(&href);
            format!("{} ({})", capitalised(&sc.name), file)
        }
        _ => href.clone(),
    };
    format!("\n\n{}\n\n", link_md(&label, &href))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `[code lang="rust"]…[/code]` (and `[sourcecode language=…]`): a fenced code block.
fn code(sc: &Shortcode<'_>, _cx: &mut Context<'_>) -> String {
    let lang = sc
        .get("lang")
        .or(sc.get("language"))
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#'))
        .collect::<String>();
    let code = html_escape::decode_html_entities(sc.content.unwrap_or("").trim_matches('\n'))
        .replace("<br />", "")
        .replace("<br>", "");
    let fence = if code.contains("```") { "~~~~" } else { "```" };
    format!("\n\n{fence}{lang}\n{code}\n{fence}\n\n")
}

/// `[latex]x^2[/latex]`: an inline formula.
fn formula(sc: &Shortcode<'_>, _cx: &mut Context<'_>) -> String {
    let tex = plain_text(sc.content.unwrap_or(""));
    if tex.is_empty() {
        String::new()
    } else {
        format!("${}$", tex.replace('$', ""))
    }
}

#[cfg(test)]
mod tests;
