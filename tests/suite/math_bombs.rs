//! Formulas as an attacker writes them: macros that expand themselves or grow at every
//! level (which once overflowed the stack and aborted the process, or ate gigabytes),
//! and markup hidden in TeX text commands (which once reached pages and feeds live).

use crate::common::micropub::*;
use crate::common::*;
use axum::http::StatusCode;
use dispatches::urls;

/// Eight levels of a macro defined as ten copies of the one before: 10⁸ tokens.
fn ten_by_eight() -> String {
    let mut tex = String::from(r"\def\a{xxxxxxxxxx}");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for w in names.windows(2) {
        let body = format!("\\{} ", w[0]).repeat(10);
        tex.push_str(&format!("\\def\\{}{{{body}}}", w[1]));
    }
    tex + r"\h"
}

fn bombs() -> Vec<(&'static str, String)> {
    vec![
        ("itself.md", r"Text $\def\x{\x}\x$ more.".to_string()),
        (
            "pair.md",
            "Text\n\n$$\\def\\a{\\b}\\def\\b{\\a}\\a$$\n".to_string(),
        ),
        ("double.md", "Text\n\n$$\\def\\x{\\x\\x}\\x$$\n".to_string()),
        ("growth.md", format!("Text\n\n$${}$$\n", ten_by_eight())),
        (
            "command.md",
            r"Text $\newcommand{\y}{\y}\y$ more.".to_string(),
        ),
        (
            "html.md",
            "Text\n\n<div>\\(\\def\\x{\\x}\\x\\)</div>\n".to_string(),
        ),
    ]
}

#[test]
fn a_macro_that_expands_itself_fails_its_file_and_the_binary_publishes_the_rest() {
    let site = Site::new();
    site.file("good.md", post("Good", "2026-03-01", "Fine $x^2$ words."));
    for (name, body) in bombs() {
        site.file(name, post(name, "2026-03-02", &body));
    }
    let run = site.bin_publish(&[]);
    assert!(
        run.code().is_some(),
        "the process ended on its own, not by a signal: {:?} {}",
        run.status,
        run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    for (name, _) in bombs() {
        let line = all
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is not reported: {all}"));
        assert!(
            line.contains("formula") && line.contains("refused"),
            "{line}"
        );
        assert!(line.contains(&format!("{name}:")), "names the line: {line}");
    }
    let good: i64 = site.one("SELECT count(*) FROM articles WHERE slug = 'good'");
    assert_eq!(good, 1, "{all}");
    let bad: i64 = site.one("SELECT count(*) FROM articles WHERE slug <> 'good'");
    assert_eq!(bad, 0, "{all}");
}

#[tokio::test]
async fn a_macro_that_expands_itself_posted_through_micropub_is_refused_and_leaves_no_file() {
    let (site, t) = site();
    for body in [
        r"h=entry&name=t&content=%24%5Cdef%5Cx%7B%5Cx%7D%5Cx%24",
        r"h=entry&name=u&content=%24%24%5Cdef%5Cx%7B%5Cx%5Cx%7D%5Cx%24%24",
    ] {
        let p = form(&site, &t, body).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
        assert!(p.body.contains("refused"), "{}", p.body);
    }
    assert!(!site.content().join("t.md").exists());
    assert!(!site.content().join("u.md").exists());
    let p = form(&site, &t, "h=entry&name=after&content=%24x%5E2%24").await;
    created(&site, &p).await;
}

#[tokio::test]
async fn markup_in_a_tex_text_command_is_escaped_on_the_page_and_in_feeds() {
    let site = Site::new();
    let body = concat!(
        "A $\\text{<img src=x onerror=alert(1)>}$ and ",
        "$\\operatorname{<iframe srcdoc=x>}$ and $\\mathrm{<b>x</b>}$ and ",
        "$\\colorbox{red}{<a href=\"javascript:alert(1)\">c</a>}$ and $a < b \\lt c$."
    );
    site.file("xss.md", post("Xss", "2026-03-01", body));
    let report = site.publish();
    assert_eq!(report.new, 1, "{:#?}", report.failed);
    let page = site.get(&urls::article("xss")).await;
    assert_eq!(page.status, StatusCode::OK);
    for live in ["<img", "<iframe", "<b>", "<a href=\"javascript"] {
        assert!(!page.body.contains(live), "{live} in {}", page.body);
    }
    assert!(page.body.contains("&lt;img src=x"), "{}", page.body);
    let atom = site.get(&urls::feed(urls::HOME, "feed.xml")).await.body;
    // The entry's HTML as a feed reader reads it: the XML's own escaping undone once.
    let content = atom
        .split("<content type=\"html\">")
        .nth(1)
        .and_then(|c| c.split("</content>").next())
        .expect("an entry with HTML content");
    let html = html_escape::decode_html_entities(content);
    assert!(html.contains("<math"), "{html}");
    assert!(
        !html.contains("<img") && !html.contains("<iframe"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x"), "{html}");
    let json = site.get(&urls::feed(urls::HOME, "feed.json")).await.json();
    let html = json["items"][0]["content_html"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !html.contains("<img") && !html.contains("<iframe"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x"), "{html}");
}
