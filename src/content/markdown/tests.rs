//! Unit tests of the Markdown renderer: ids, footnotes, extensions, summaries, sanitising.

use super::*;
use crate::content::slugify;

fn opts<'a>(resolve: &'a dyn Fn(&str) -> Option<String>) -> RenderOptions<'a> {
    RenderOptions {
        id_prefix: "post",
        highlight_max_bytes: 1 << 20,
        trust_html: false,
        resolve_url: resolve,
        take_title: false,
        emoji: false,
    }
}

fn md(s: &str) -> Rendered {
    render(s, &opts(&|_| None)).unwrap()
}

#[test]
fn headings_get_unique_ids_anchors_and_toc() {
    let r =
        md("## Setup\n\ntext\n\n## Setup\n\n### Deep `code`\n\n#### Deeper\n\n## Own {#mine}\n");
    assert!(
        r.html
            .contains("<h2 id=\"setup\">Setup <a class=\"anchor\" href=\"#setup\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("id=\"setup-1\""));
    assert!(
        r.html
            .contains("<h3 id=\"deep-code\">Deep <code>code</code>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("id=\"mine\""));
    let toc: Vec<_> = r.toc.iter().map(|t| (t.level, t.id.as_str())).collect();
    assert_eq!(
        toc,
        [(2, "setup"), (2, "setup-1"), (3, "deep-code"), (2, "mine")]
    );
}

#[test]
fn heading_levels_are_packed_without_gaps() {
    let r = md("### Top\n\n##### Deeper\n\n### Next\n");
    assert!(
        r.html.contains("<h2 id=\"top\">") && r.html.contains("<h3 id=\"deeper\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"next\">"));
}

#[test]
fn body_h1_becomes_h2_and_title_can_come_from_it() {
    let r = md("# Big\n\ntext");
    assert!(r.html.contains("<h2 id=\"big\">"), "{}", r.html);
    let r = render(
        "# The Title\n\nBody text.\n",
        &RenderOptions {
            take_title: true,
            ..opts(&|_| None)
        },
    )
    .unwrap();
    assert_eq!(r.title.as_deref(), Some("The Title"));
    assert!(!r.html.contains("The Title"));
    let r = render(
        "# T\n\n## A\n\n### B\n",
        &RenderOptions {
            take_title: true,
            ..opts(&|_| None)
        },
    )
    .unwrap();
    assert!(
        r.html.contains("<h2 id=\"a\">") && r.html.contains("<h3 id=\"b\">"),
        "{}",
        r.html
    );
}

#[test]
fn footnotes_are_prefixed_and_collected_at_the_end() {
    let r = md("Claim[^a] and more[^b].\n\n[^b]: Second.\n[^a]: First.\n\nAfter.\n");
    assert!(r.html.contains("href=\"#fn-post-a\""), "{}", r.html);
    assert!(r.html.contains("id=\"fn-post-a\""));
    let (a, b) = (
        r.html.find("id=\"fn-post-a\"").unwrap(),
        r.html.find("id=\"fn-post-b\"").unwrap(),
    );
    assert!(a < b, "numbered by first reference");
    assert!(r.html.find("After.").unwrap() < a, "notes come last");
    assert!(
        !r.summary_html.contains("footnote-ref"),
        "{}",
        r.summary_html
    );
}

#[test]
fn extensions_are_on() {
    let r = md(
        "| a | b |\n|--:|---|\n| 1 | 2 |\n\n~~gone~~ \"quoted\" -- dash\n\n- [x] done\n- [ ] todo\n",
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>gone</del>"));
    assert!(r.html.contains("“quoted”") && r.html.contains("–"));
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("<th class=\"align-right\">"), "{}", r.html);
}

#[test]
fn summary_is_more_marker_or_first_paragraph() {
    let r = md("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n");
    assert!(r.summary_html.contains("One.") && r.summary_html.contains("Two."));
    assert!(!r.summary_html.contains("Three."));
    let r = md("## Heading\n\nFirst para.\n\nSecond.\n");
    assert_eq!(r.summary_html.trim(), "<p>First para.</p>");
}

#[test]
fn docusaurus_truncate_and_pelican_end_markers_end_the_summary() {
    for marker in [
        "<!--truncate-->",
        "<!-- truncate -->",
        "<!-- PELICAN_END_SUMMARY -->",
    ] {
        let r = md(&format!("One.\n\nTwo.\n\n{marker}\n\nThree.\n"));
        assert!(r.summary_html.contains("Two."), "{marker}");
        assert!(!r.summary_html.contains("Three."), "{marker}");
    }
}

#[test]
fn words_exclude_code_but_text_keeps_it() {
    let r = md("one two three\n\n```rust\nfn main() { let x = Box::<dyn Error>::new(); }\n```\n");
    assert_eq!(r.word_count, 3);
    assert!(r.text.contains("Box::<dyn Error>"));
    assert_eq!(r.reading_minutes, 1);
    let long = "word ".repeat(1000);
    assert_eq!(md(&long).reading_minutes, 5);
}

#[test]
fn code_blocks_both_fence_kinds() {
    let r = md(
        "~~~python\nprint('hi')\n~~~\n\n```swift, highlight=[1]\nlet a = 1\n```\n\n    indented <b>\n",
    );
    assert!(r.html.contains("language-python"));
    assert!(r.html.contains("line hl"));
    assert!(r.html.contains("indented &lt;b&gt;"));
}

#[test]
fn raw_html_is_sanitised_unless_trusted() {
    let src =
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n";
    let r = md(src);
    assert!(
        !r.html.contains("<script")
            && !r.html.contains("onerror")
            && !r.html.contains("javascript:"),
        "{}",
        r.html
    );
    let r = render(
        src,
        &RenderOptions {
            trust_html: true,
            ..opts(&|_| None)
        },
    )
    .unwrap();
    assert!(r.html.contains("<script>"));
}

#[test]
fn relative_urls_are_resolved() {
    let resolve = |u: &str| (!u.contains(':')).then(|| format!("/files/post/{u}"));
    let r = render("![a](cover.svg) [b](https://e.org)", &opts(&resolve)).unwrap();
    assert!(
        r.html.contains("src=\"/files/post/cover.svg\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"https://e.org\""));
}

#[test]
fn slugify_keeps_letters_of_any_script() {
    assert_eq!(slugify("Hello, World!"), "hello-world");
    assert_eq!(slugify("Über Straße"), "über-straße");
    assert_eq!(slugify("--a--b--"), "a-b");
}

#[test]
fn deep_nesting_and_footnote_floods_fail_at_their_line() {
    let lists = format!("intro\n\n{}x\n", "- ".repeat(10_000));
    let e = render(&lists, &opts(&|_| None)).unwrap_err();
    assert!(e.message.contains("nested more than"), "{e:?}");
    assert_eq!(
        lists[..e.at].matches('\n').count(),
        2,
        "the line of the list"
    );
    let quotes = format!("{}x\n", "> ".repeat(10_000));
    assert!(render(&quotes, &opts(&|_| None)).is_err());
    let html = format!("{}x", "<div>".repeat(10_000));
    let e = render(&html, &opts(&|_| None)).unwrap_err();
    assert!(e.message.contains("raw HTML"), "{e:?}");
    let refs: String = (0..1_500).map(|i| format!("a[^{i}] ")).collect();
    let defs: String = (0..1_500).map(|i| format!("[^{i}]: n\n\n")).collect();
    let notes = format!("{refs}\n\n{defs}");
    let e = render(&notes, &opts(&|_| None)).unwrap_err();
    assert!(e.message.contains("footnotes"), "{e:?}");
    // What real posts do stays well inside.
    let fine = format!(
        "{}x\n\n{}",
        "- ".repeat(8),
        "<div><table><tr><td>a</td></tr></table></div>"
    );
    assert!(render(&fine, &opts(&|_| None)).is_ok());
}

#[test]
fn github_alerts_become_labelled_asides() {
    let r = md("> [!WARNING]\n> Back up first.\n\n> A plain quote.\n");
    assert!(
        r.html.contains(r#"<aside class="callout callout-warning" role="note"><p class="callout-label">Warning</p>"#),
        "{}",
        r.html
    );
    assert!(r.html.contains("Back up first.") && r.html.contains("</aside>"));
    assert!(
        r.html.contains("<blockquote>"),
        "a plain quote stays a quote"
    );
}

#[test]
fn math_becomes_mathml_and_prices_stay_text() {
    let r = md("Energy $E = mc^2$ and\n\n$$\\int_0^1 x\\,dx$$\n\nIt costs $5 and $6 today.\n");
    assert!(r.html.contains(r#"<math display="inline">"#), "{}", r.html);
    assert!(r.html.contains(r#"<math display="block">"#), "{}", r.html);
    assert!(r.html.contains("costs $5 and $6 today"), "{}", r.html);
    assert!(!r.html.contains('\u{E010}'), "no placeholder left");
    assert!(r.text.contains("E = mc^2"), "the source is searchable");
    let bad = md("Broken $\\frac{a}$ here.\n");
    assert!(bad.html.contains(r"<code>\frac{a}</code>"), "{}", bad.html);
    assert_eq!(bad.warnings.len(), 1);
    assert!(
        bad.warnings[0].1.contains("shown as code"),
        "{:?}",
        bad.warnings
    );
}

#[test]
fn a_written_placeholder_stays_text_and_pulls_in_no_markup() {
    // U+E010 0 U+E011 is what a kept formula's placeholder looked like without its key.
    let r = md(
        "See $x^2$.\n\n<a href=\"/x\" title=\"\u{E010}0\u{E011}\">a</a> \u{E010}0\u{E011}\n\n```rust\nfn f() {}\n```\n",
    );
    assert_eq!(r.html.matches("<math").count(), 1, "{}", r.html);
    assert_eq!(r.html.matches("<pre").count(), 1, "{}", r.html);
    assert!(r.html.contains("title=\"\u{E010}0\u{E011}\""), "{}", r.html);
}

#[test]
fn formulas_in_raw_html_are_read_from_its_text_only() {
    let r = md("<p title=\"\\(x\\)\">In text \\(y\\), in code <code>\\(z\\)</code>.</p>\n");
    assert!(r.html.contains("title=\"\\(x\\)\""), "{}", r.html);
    assert!(r.html.contains("<code>\\(z\\)</code>"), "{}", r.html);
    assert_eq!(r.html.matches("<math").count(), 1, "{}", r.html);
    assert!(r.html.contains("<mi>y</mi>"), "{}", r.html);
}

#[test]
fn highlighted_code_reads_as_the_sanitiser_would_have_written_it() {
    let r = md("```rust\nlet s = \"<a> & 'b'\u{a0}\";\r\nlet t\0 = 1;\n```\n");
    assert!(r.html.contains("&lt;a&gt; &amp; 'b'&nbsp;"), "{}", r.html);
    assert!(
        !r.html.contains("&quot;") && !r.html.contains('\0'),
        "{}",
        r.html
    );
    assert!(!r.html.contains('\r'), "{}", r.html);
}

fn with_emoji(s: &str) -> Rendered {
    render(
        s,
        &RenderOptions {
            emoji: true,
            ..opts(&|_| None)
        },
    )
    .unwrap()
}

#[test]
fn emoji_shortcodes_become_emoji_in_prose_only() {
    let r = with_emoji(
        "Done :tada: and :sweat_smile: *:+1:*\n\n\
         `:smile:` [a :heart: link](https://example.org/:smile:/) <https://example.org/:smile:/>\n\n\
         ```\n:smile:\n```\n\n\
         <kbd>:smile:</kbd> $:smile:$ :nope: 10:30:00\n\n\
         <div>:smile:</div>\n",
    );
    let html = &r.html;
    assert!(html.contains("Done 🎉 and 😅 <em>👍</em>"), "{html}");
    assert!(html.contains("<code>:smile:</code>"), "{html}");
    assert!(html.contains("a ❤️ link"), "{html}");
    assert!(
        html.contains("href=\"https://example.org/:smile:/\""),
        "{html}"
    );
    assert!(html.contains(">https://example.org/:smile:/</a>"), "{html}");
    assert!(html.contains("<kbd>:smile:</kbd>"), "{html}");
    assert!(html.contains(":nope: 10:30:00"), "{html}");
    assert!(html.contains("<div>:smile:</div>"), "{html}");
    assert_eq!(html.matches('😄').count(), 0, "{html}");
    assert!(
        r.text.contains("Done 🎉"),
        "search reads the emoji: {}",
        r.text
    );
}

#[test]
fn emoji_shortcodes_stay_as_written_when_off() {
    let r = md("Done :tada:\n");
    assert!(r.html.contains("Done :tada:"), "{}", r.html);
}

#[test]
fn emoji_reach_headings_summaries_and_footnotes() {
    let r = with_emoji("## Launch :rocket:\n\nFirst :wave:[^1]\n\n[^1]: Note :memo:\n");
    assert!(r.html.contains("Launch 🚀"), "{}", r.html);
    assert!(r.summary_html.contains("First 👋"), "{}", r.summary_html);
    assert!(r.html.contains("Note 📝"), "{}", r.html);
}

/// No tag in `html` holds another tag's opening inside it (an attribute's value).
fn no_markup_in_tags(html: &str) {
    for t in crate::content::html::repair::tags(html) {
        assert!(
            !t.text[1..].contains('<'),
            "markup inside a tag: {}",
            t.text
        );
    }
}

#[test]
fn a_formula_in_an_attribute_over_several_lines_stays_as_written() {
    let r = md("<div title=\"\n\\(x\\)\n\">t</div>\n\n<pre>\n\\(y\\)\n</pre>\n");
    assert!(!r.html.contains("<math"), "{}", r.html);
    no_markup_in_tags(&r.html);
}

#[test]
fn kept_markup_never_lands_in_an_attribute_left_open_across_blocks() {
    let r = md(
        "<div title=\"\n\n```rust\nlet a = 1;\n```\n\nSee $x^2$.\n\n<span class=\"z\"></span>\n",
    );
    assert!(!r.html.contains('\u{E010}'), "{}", r.html);
    no_markup_in_tags(&r.html);
}

#[test]
fn a_code_block_after_an_unclosed_paragraph_is_not_inside_it() {
    let r = md("<p>Intro\n\n```rust\nfn f() {}\n```\n\nAfter.\n");
    let pre = r.html.find("<pre").expect("a code block");
    assert!(r.html[..pre].contains("</p>"), "{}", r.html);
    assert!(
        !r.html[pre..].starts_with("<pre class=\"code\" tabindex=\"0\"></pre>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<span class=\"k\">fn</span>"), "{}", r.html);
    no_markup_in_tags(&r.html);
}

#[test]
fn lines_are_counted_on_and_again_from_the_top_for_an_earlier_offset() {
    let text = "a\nb\nc\nd\n";
    let mut lines = LineCounter::default();
    assert_eq!(lines.at(text, 4), 2);
    assert_eq!(lines.at(text, 6), 3);
    assert_eq!(lines.at(text, 1), 0);
    assert_eq!(lines.at(text, 8), 4);
}

#[test]
fn a_bad_formula_deep_in_a_long_file_is_placed_at_its_line() {
    let mut text = "$x$\n\n".repeat(20_000);
    text.push_str("$\\frac{a}$\n");
    let r = md(&text);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings.first());
    assert_eq!(r.warnings[0].0, 40_000);
}
