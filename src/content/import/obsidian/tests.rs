//! Unit tests of Obsidian vaults: wiki links, embeds, callouts and inline tags.

use super::*;

fn vault() -> Vault {
    Vault::new(
        true,
        [
            "Math/Graph.md".to_string(),
            "CS/Daily Agenda.md".into(),
            "assets/Pasted image 1.png".into(),
        ],
    )
}

#[test]
fn wikilinks_become_links_to_the_notes_articles() {
    let (out, extras) = translate(
        "See [[graph]], [[Graph#Bipartite graph|bipartite]], [[#Local part]] and [[Nowhere]].\n",
        Some(&vault()),
    );
    assert!(out.contains("[graph](<@/Math/Graph.md>)"), "{out}");
    assert!(
        out.contains("[bipartite](<@/Math/Graph.md#bipartite-graph>)"),
        "{out}"
    );
    assert!(out.contains("[Local part](<#local-part>)"), "{out}");
    assert!(out.contains(" and Nowhere."), "{out}");
    assert_eq!(extras.warnings.len(), 1);
}

#[test]
fn embeds_comments_and_tags() {
    let (out, extras) = translate(
        "![[Pasted image 1.png|300]]\n![[Daily Agenda]]\nText %%hidden%% more #study/cs and #42.\n%%\nmany\n%%\n`[[code]]` # Heading\n",
        Some(&vault()),
    );
    assert!(
        out.contains("<img src=\"/files/assets/Pasted%20image%201.png\" alt=\"Pasted image 1.png\" width=\"300\">"),
        "{out}"
    );
    assert!(
        out.contains("[Daily Agenda](<@/CS/Daily Agenda.md>)"),
        "{out}"
    );
    assert!(out.contains("Text  more [#study/cs]("), "{out}");
    assert!(out.contains(" and #42."), "{out}");
    assert!(!out.contains("many") && !out.contains("%%"), "{out}");
    assert!(out.contains("`[[code]]`"), "{out}");
    assert_eq!(extras.tags, ["study/cs"]);
}

#[test]
fn callouts_of_any_kind_with_titles_and_folding() {
    let out = translate(
        "> [!released] Version 2\n> Shipped **today**.\n>\n> > [!tip]- Hidden\n> > Inside.\n\nAfter.\n\n> [!NOTE]\n> Plain.\n",
        None,
    )
    .0;
    assert!(
        out.contains(
            "callout callout-note\" role=\"note\"><p class=\"callout-label\">Version 2</p>"
        ),
        "{out}"
    );
    assert!(out.contains("Shipped **today**."), "{out}");
    assert!(out.contains("<details class=\"callout callout-tip\"><summary class=\"callout-label\">Hidden</summary>"), "{out}");
    assert!(
        out.contains("</details>") && out.contains("</aside>"),
        "{out}"
    );
    assert!(
        out.contains("> [!NOTE]\n> Plain."),
        "GitHub alerts stay: {out}"
    );
}
