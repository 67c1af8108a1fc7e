//! Unit tests of WordPress shortcodes: captions, galleries, embeds and the ones removed.

use super::*;

fn attachment(id: &str, url: &str) -> Attachment {
    Attachment {
        id: id.into(),
        url: url.into(),
        title: format!("Photo {id}"),
        caption: String::new(),
        parent: None,
    }
}

fn run(text: &str) -> (String, BTreeSet<String>) {
    let a = attachment("7", "https://old.example/p7.jpg");
    let b = attachment("8", "https://old.example/p8.jpg");
    let map: HashMap<String, &Attachment> = [("7".to_string(), &a), ("8".to_string(), &b)]
        .into_iter()
        .collect();
    let mut held = Held::default();
    let mut cx = Context {
        attachments: &map,
        children: &[],
        held: &mut held,
        removed: BTreeSet::new(),
        used: BTreeSet::new(),
    };
    let out = expand(text, &mut cx);
    let removed = cx.removed;
    let mut html = out;
    // Put the held blocks back the way the converter would.
    html = super::super::html_md::to_markdown(&html, &mut held);
    (html, removed)
}

#[test]
fn a_caption_becomes_a_figure() {
    let (md, _) = run(
        "[caption id=\"attachment_7\" width=\"300\"]<a href=\"https://old.example/p7.jpg\"><img src=\"https://old.example/p7-300x200.jpg\" alt=\"\" /></a> A heron at dusk[/caption]",
    );
    assert!(md.contains("<figure>"), "{md}");
    assert!(
        md.contains(
            "[![A heron at dusk](https://old.example/p7-300x200.jpg)](https://old.example/p7.jpg)"
        ),
        "{md}"
    );
    assert!(
        md.contains("<figcaption>A heron at dusk</figcaption>"),
        "{md}"
    );
}

#[test]
fn a_gallery_becomes_its_images_in_order() {
    let (md, _) = run("[gallery ids=\"8,7\"]");
    let (i8, i7) = (md.find("p8.jpg").unwrap(), md.find("p7.jpg").unwrap());
    assert!(i8 < i7, "{md}");
}

#[test]
fn media_shortcodes_become_links() {
    let (md, _) = run(
        "[embed]https://video.example/v/1[/embed] [youtube=https://www.youtube.com/watch?v=abc] [audio mp3=\"https://old.example/a.mp3\"][/audio]",
    );
    assert!(md.contains("(https://video.example/v/1)"), "{md}");
    assert!(md.contains("(https://www.youtube.com/watch?v=abc)"), "{md}");
    assert!(
        md.contains("[Audio (a.mp3)](https://old.example/a.mp3)"),
        "{md}"
    );
}

#[test]
fn unknown_shortcodes_go_with_a_name_and_keep_what_they_enclose() {
    let (md, removed) = run(
        "[contact-form to='x@y'][contact-field label='Name'/][/contact-form] [vc_row]Kept[/vc_row]",
    );
    assert!(!md.contains('['), "{md}");
    assert!(md.contains("Kept"), "{md}");
    assert_eq!(
        removed.into_iter().collect::<Vec<_>>(),
        ["contact-field", "contact-form", "vc_row"]
    );
}

#[test]
fn a_closing_tag_left_over_from_bad_nesting_is_removed() {
    let (md, removed) = run("[vc_row][vc_row]Inner[/vc_row] Outer[/vc_row]");
    assert!(
        !md.contains('[') && md.contains("Inner") && md.contains("Outer"),
        "{md}"
    );
    assert!(removed.contains("vc_row"));
}

#[test]
fn a_bare_word_in_brackets_alone_on_its_line_is_a_shortcode() {
    let (md, removed) = run("Intro.\n\n[toc]\n\n<p>[subscribe]</p>\nText with [sic] in it.");
    assert!(!md.contains("toc") && !md.contains("subscribe"), "{md}");
    assert!(md.contains(r"\[sic\]"), "{md}");
    assert_eq!(
        removed.into_iter().collect::<Vec<_>>(),
        ["subscribe", "toc"]
    );
}

#[test]
fn a_body_full_of_unclosed_shortcodes_is_expanded_in_linear_time() {
    // 100,000 openings: a scan of the rest for each closing tag would take minutes.
    let body = "[box a=1]x".repeat(100_000);
    let (md, removed) = run(&body);
    assert!(md.contains("xxx") && !md.contains('['));
    assert!(removed.contains("box"));
}

#[test]
fn an_escaped_shortcode_is_shown_as_code() {
    let (md, removed) = run("Write [[gallery ids=\"1\"]] to show one.");
    assert_eq!(md, "Write `[gallery ids=\"1\"]` to show one.\n");
    assert!(removed.is_empty());
}

#[test]
fn brackets_in_prose_are_not_shortcodes() {
    let (md, removed) = run("He said [sic] and [citation needed] and [1].");
    assert!(
        md.contains(r"\[sic\]") && md.contains(r"\[citation needed\]"),
        "{md}"
    );
    assert!(removed.is_empty());
}

#[test]
fn a_code_shortcode_becomes_a_fence() {
    let (md, _) = run("[code lang=\"rust\"]fn main() { a &lt; b; }[/code]");
    assert!(md.contains("```rust\nfn main() { a < b; }\n```"), "{md}");
}
