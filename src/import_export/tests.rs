//! Unit tests of the export readers: slugs, kinds, permalinks and the writing of files.

use super::*;

pub(super) fn entry(slug: &str, id: &str) -> Entry {
    Entry {
        kind: Kind::Post,
        id: id.into(),
        title: "T".into(),
        date: None,
        slug: slug.into(),
        tags: vec![],
        categories: vec![],
        author: None,
        excerpt: String::new(),
        draft: false,
        aliases: vec![],
        body: String::new(),
        format: BodyFormat::WordPress,
        image: None,
        thumbnail_id: None,
        origin: format!("post {id}"),
    }
}

#[test]
fn two_items_with_one_slug_keep_both_and_a_climbing_slug_stays_in_its_folder() {
    let mut export = Export {
        entries: vec![
            entry("same", "1"),
            entry("same", "2"),
            entry("../../etc/x", "3"),
        ],
        ..Export::default()
    };
    settle(&mut export);
    let slugs: Vec<&str> = export.entries.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["same", "same-2", "etc-x"]);
    assert_eq!(export.warnings.len(), 1, "{:?}", export.warnings);
}

#[test]
fn percent_encoded_slugs_are_decoded() {
    assert_eq!(percent_decode("caf%c3%a9-%zz"), "café-%zz");
}
