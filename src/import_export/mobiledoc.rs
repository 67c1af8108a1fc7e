//! Ghost's editor documents rendered to HTML when an export has no `html` for a post:
//! mobiledoc (Ghost 1–4: sections of markers, cards) and lexical (Ghost 5: a tree of
//! nodes). Cards become what they show (images, code, links to embeds and media); a
//! Markdown card is rendered by pulldown-cmark. Nesting past [`MAX_DEPTH`] is dropped.

use std::collections::BTreeSet;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::Value;

/// Deeper lexical trees than any editor writes are cut here, before recursion could
/// exhaust the stack.
const MAX_DEPTH: usize = 32;

/// Cards and nodes left out, by name, for a warning.
pub(super) type Dropped = BTreeSet<String>;

/// HTML for a mobiledoc document (the JSON text Ghost stores).
pub(super) fn mobiledoc(json: &str, dropped: &mut Dropped) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let empty = Vec::new();
    let list = |k: &str| doc.get(k).and_then(Value::as_array).unwrap_or(&empty);
    let (markups, atoms, cards) = (list("markups"), list("atoms"), list("cards"));
    let mut out = String::new();
    for section in list("sections") {
        let s = section.as_array().unwrap_or(&empty);
        match s.first().and_then(Value::as_u64) {
            Some(1) => {
                let tag = safe_tag(s.get(1).and_then(Value::as_str).unwrap_or("p"));
                let inner = markers(s.get(2), markups, atoms);
                out.push_str(&format!("<{tag}>{inner}</{tag}>\n"));
            }
            Some(2) => {
                let src = s.get(1).and_then(Value::as_str).unwrap_or("");
                out.push_str(&format!("<p><img src=\"{}\"></p>\n", attr(src)));
            }
            Some(3) => {
                let tag = if s.get(1).and_then(Value::as_str) == Some("ol") {
                    "ol"
                } else {
                    "ul"
                };
                out.push_str(&format!("<{tag}>"));
                for item in s.get(2).and_then(Value::as_array).unwrap_or(&empty) {
                    out.push_str(&format!("<li>{}</li>", markers(Some(item), markups, atoms)));
                }
                out.push_str(&format!("</{tag}>\n"));
            }
            Some(10) => {
                let card = s
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|i| cards.get(i as usize));
                if let Some(c) = card.and_then(Value::as_array) {
                    let name = c.first().and_then(Value::as_str).unwrap_or("");
                    let payload = c.get(1).unwrap_or(&Value::Null);
                    out.push_str(&card_html(name, payload, dropped));
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// A markup section's markers: text with markups opened and closed around it.
fn markers(list: Option<&Value>, markups: &[Value], atoms: &[Value]) -> String {
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    for m in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(m) = m.as_array() else { continue };
        for i in m.get(1).and_then(Value::as_array).into_iter().flatten() {
            let Some(markup) = i.as_u64().and_then(|i| markups.get(i as usize)) else {
                continue;
            };
            let tag = safe_tag(markup.get(0).and_then(Value::as_str).unwrap_or("span"));
            let attrs = markup.get(1).and_then(Value::as_array);
            let href = attrs.and_then(|a| {
                a.chunks(2)
                    .find(|kv| kv[0].as_str() == Some("href"))
                    .and_then(|kv| kv.get(1)?.as_str())
            });
            match href {
                Some(h) => out.push_str(&format!("<{tag} href=\"{}\">", attr(h))),
                None => out.push_str(&format!("<{tag}>")),
            }
            open.push(tag);
        }
        let value = m.get(3);
        match m.first().and_then(Value::as_u64) {
            Some(1) => {
                let atom = value
                    .and_then(Value::as_u64)
                    .and_then(|i| atoms.get(i as usize));
                match atom.and_then(|a| a.get(0)).and_then(Value::as_str) {
                    Some("soft-return") => out.push_str("<br>"),
                    _ => out.push_str(&text(
                        atom.and_then(|a| a.get(1))
                            .and_then(Value::as_str)
                            .unwrap_or(""),
                    )),
                }
            }
            _ => out.push_str(&text(value.and_then(Value::as_str).unwrap_or(""))),
        }
        for _ in 0..m.get(2).and_then(Value::as_u64).unwrap_or(0) {
            if let Some(tag) = open.pop() {
                out.push_str(&format!("</{tag}>"));
            }
        }
    }
    while let Some(tag) = open.pop() {
        out.push_str(&format!("</{tag}>"));
    }
    out
}

/// Only plain tag names go back into the HTML.
fn safe_tag(tag: &str) -> String {
    let t = tag.to_ascii_lowercase();
    let ok = [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "aside",
        "a",
        "strong",
        "b",
        "em",
        "i",
        "code",
        "s",
        "u",
        "sub",
        "sup",
        "ul",
        "ol",
        "li",
        "span",
    ];
    if ok.contains(&t.as_str()) {
        t
    } else if t == "pull-quote" {
        "blockquote".into()
    } else {
        "span".into()
    }
}

/// HTML for one card of either editor (the names and fields Ghost documents).
fn card_html(name: &str, p: &Value, dropped: &mut Dropped) -> String {
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
    match name {
        "markdown" | "card-markdown" => {
            let md = s("markdown");
            let parser =
                pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES);
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, parser);
            html
        }
        "html" => format!("{}\n", s("html")),
        "image" => figure(
            s("src"),
            first(&[s("alt"), s("altText")]),
            s("caption"),
            s("href"),
        ),
        "gallery" => p
            .get("images")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|i| {
                let g = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or("");
                figure(g("src"), g("alt"), g("caption"), "")
            })
            .collect(),
        "code" | "codeblock" => format!(
            "<pre><code class=\"language-{}\">{}</code></pre>\n",
            attr(s("language")),
            text(s("code"))
        ),
        "hr" | "horizontalrule" => "<hr>\n".into(),
        "embed" | "bookmark" | "video" | "audio" | "file" => {
            let url = first(&[s("url"), s("src")]);
            let title = p.pointer("/metadata/title").and_then(Value::as_str);
            let label = first(&[
                title.unwrap_or(""),
                s("fileName"),
                s("title"),
                s("caption"),
                url,
            ]);
            link(url, label)
        }
        "button" => link(s("buttonUrl"), s("buttonText")),
        "callout" => format!("<blockquote>{}</blockquote>\n", s("calloutText")),
        "toggle" => format!("<h4>{}</h4>\n{}\n", s("heading"), s("content")),
        "header" => format!("<h2>{}</h2>\n<p>{}</p>\n", s("header"), s("subheader")),
        "paywall" | "email" | "email-cta" | "signup" => String::new(),
        other => {
            dropped.insert(other.to_string());
            String::new()
        }
    }
}

fn first<'a>(options: &[&'a str]) -> &'a str {
    options
        .iter()
        .copied()
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

fn figure(src: &str, alt: &str, caption: &str, href: &str) -> String {
    if src.is_empty() {
        return String::new();
    }
    let img = format!("<img src=\"{}\" alt=\"{}\">", attr(src), attr(alt));
    let img = if href.is_empty() {
        img
    } else {
        format!("<a href=\"{}\">{img}</a>", attr(href))
    };
    if caption.is_empty() {
        format!("<p>{img}</p>\n")
    } else {
        format!("<figure>{img}<figcaption>{caption}</figcaption></figure>\n")
    }
}

fn link(url: &str, label: &str) -> String {
    if url.is_empty() {
        return String::new();
    }
    format!("<p><a href=\"{}\">{}</a></p>\n", attr(url), text(label))
}

/// HTML for a lexical document (the JSON text Ghost 5 stores).
pub(super) fn lexical(json: &str, dropped: &mut Dropped) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let root = doc.get("root")?;
    let mut out = String::new();
    children(root, &mut out, dropped, 0);
    Some(out)
}

fn children(node: &Value, out: &mut String, dropped: &mut Dropped, depth: usize) {
    for child in node
        .get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        lexical_node(child, out, dropped, depth + 1);
    }
}

/// One lexical node and what it holds.
fn lexical_node(n: &Value, out: &mut String, dropped: &mut Dropped, depth: usize) {
    if depth > MAX_DEPTH {
        dropped.insert("nesting too deep".into());
        return;
    }
    let s = |k: &str| n.get(k).and_then(Value::as_str).unwrap_or("");
    let wrap = |tag: &str, out: &mut String, dropped: &mut Dropped| {
        out.push_str(&format!("<{tag}>"));
        children(n, out, dropped, depth);
        out.push_str(&format!("</{tag}>\n"));
    };
    match s("type") {
        "paragraph" | "extended-text" => wrap("p", out, dropped),
        "heading" | "extended-heading" => wrap(&safe_tag(s("tag")), out, dropped),
        "quote" | "aside" | "extended-quote" => wrap("blockquote", out, dropped),
        "list" => wrap(
            if s("listType") == "number" {
                "ol"
            } else {
                "ul"
            },
            out,
            dropped,
        ),
        "listitem" => wrap("li", out, dropped),
        "text" | "extended-text-node" => out.push_str(&formatted(s("text"), n)),
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", attr(s("url"))));
            children(n, out, dropped, depth);
            out.push_str("</a>");
        }
        "linebreak" => out.push_str("<br>"),
        "tab" => out.push('\t'),
        "root" => children(n, out, dropped, depth),
        card => {
            let html = card_html(card, n, dropped);
            if html.is_empty() && n.get("children").is_some() {
                dropped.remove(card);
                children(n, out, dropped, depth);
            } else {
                out.push_str(&html);
            }
        }
    }
}

/// Lexical's text format bits: 1 bold, 2 italic, 4 strikethrough, 16 code, 32 sub, 64 sup.
fn formatted(t: &str, n: &Value) -> String {
    let format = n.get("format").and_then(Value::as_u64).unwrap_or(0);
    let mut html = text(t).into_owned();
    for (bit, tag) in [
        (16, "code"),
        (1, "strong"),
        (2, "em"),
        (4, "s"),
        (32, "sub"),
        (64, "sup"),
    ] {
        if format & bit != 0 {
            html = format!("<{tag}>{html}</{tag}>");
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiledoc_sections_markups_and_cards_render() {
        let doc = r#"{"version":"0.3.1","atoms":[["soft-return","",{}]],
            "cards":[["code",{"code":"a < b","language":"rust"}],["image",{"src":"/i.png","caption":"Cap"}]],
            "markups":[["a",["href","https://x.example"]],["strong"]],
            "sections":[[1,"h2",[[0,[],0,"Title"]]],[1,"p",[[0,[0],0,"link "],[0,[1],2,"bold"],[1,[],0,0],[0,[],0,"after"]]],
            [3,"ul",[[[0,[],0,"one"]],[[0,[],0,"two"]]]],[10,0],[10,1]]}"#;
        let mut dropped = Dropped::new();
        let html = mobiledoc(doc, &mut dropped).unwrap();
        assert!(html.contains("<h2>Title</h2>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.example\">link <strong>bold</strong></a><br>after"),
            "{html}"
        );
        assert!(html.contains("<ul><li>one</li><li>two</li></ul>"), "{html}");
        assert!(
            html.contains("<code class=\"language-rust\">a &lt; b</code>"),
            "{html}"
        );
        assert!(html.contains("<figcaption>Cap</figcaption>"), "{html}");
    }

    #[test]
    fn lexical_nodes_render_and_deep_nesting_is_cut() {
        let doc = r#"{"root":{"type":"root","children":[
            {"type":"heading","tag":"h3","children":[{"type":"text","text":"Hi","format":1}]},
            {"type":"paragraph","children":[{"type":"link","url":"https://x.example","children":[{"type":"text","text":"x","format":0}]}]},
            {"type":"markdown","markdown":"*md*"},
            {"type":"mystery-card"}]}}"#;
        let mut dropped = Dropped::new();
        let html = lexical(doc, &mut dropped).unwrap();
        assert!(html.contains("<h3><strong>Hi</strong></h3>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.example\">x</a>"),
            "{html}"
        );
        assert!(html.contains("<em>md</em>"), "{html}");
        assert!(dropped.contains("mystery-card"));
        let mut deep = String::from(r#"{"root":{"type":"root","children":["#);
        for _ in 0..50 {
            deep.push_str(r#"{"type":"quote","children":["#);
        }
        deep.push_str(&"]}".repeat(50));
        deep.push_str("]}}");
        let mut dropped = Dropped::new();
        lexical(&deep, &mut dropped);
        assert!(dropped.contains("nesting too deep"));
    }
}
