//! Unit tests of the WXR reader: items, attachments, permalinks and hostile XML.

use super::*;

#[test]
fn permalinks_become_paths_with_their_query() {
    assert_eq!(
        url_path("http://x.org/blog/a-b/").as_deref(),
        Some("/blog/a-b/")
    );
    assert_eq!(url_path("https://x.org/?p=4").as_deref(), Some("/?p=4"));
    assert_eq!(url_path("https://x.org").as_deref(), Some("/"));
    assert_eq!(url_path("not a url"), None);
}

#[test]
fn a_non_ascii_permalink_is_also_written_as_a_browser_sends_it() {
    assert_eq!(
        encode_path(&crate::import_export::percent_decode("/caf%c3%a9/")),
        "/caf%C3%A9/"
    );
    assert_eq!(encode_path("/a b/"), "/a%20b/");
}

#[test]
fn gmt_dates_carry_z_and_zero_dates_are_none() {
    assert_eq!(
        date("2014-11-05 21:52:09", true).as_deref(),
        Some("2014-11-05T21:52:09Z")
    );
    assert_eq!(
        date("2014-11-05 22:52:09", false).as_deref(),
        Some("2014-11-05T22:52:09")
    );
    assert_eq!(date("0000-00-00 00:00:00", true), None);
}

#[test]
fn statuses_and_types_are_classified() {
    assert!(matches!(
        classify("post", "publish"),
        Class::Entry(Kind::Post)
    ));
    assert!(matches!(
        classify("jetpack-portfolio", "draft"),
        Class::Entry(Kind::Project)
    ));
    assert!(matches!(classify("post", "trash"), Class::Skip(_)));
    assert!(matches!(
        classify("attachment", "inherit"),
        Class::Attachment
    ));
    assert!(matches!(
        classify("nav_menu_item", "publish"),
        Class::Skip(_)
    ));
}
