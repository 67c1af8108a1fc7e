//! Unit tests of other engines' syntax: shortcodes, Liquid, MDX and directives.

use serde_json::{Map, Value, json};

use super::*;

fn run(body: &str, go: bool, jekyll: bool, site: Value, files: &[(&str, &str)]) -> Translated {
    let page: Map<String, Value> = json!({ "minVersion": "0.1", "title": "T" })
        .as_object()
        .cloned()
        .unwrap_or_default();
    let site = site.as_object().cloned().unwrap_or_default();
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let read = move |p: &str| files.iter().find(|(n, _)| n == p).map(|(_, t)| t.clone());
    translate(
        body,
        &ImportContext {
            dir: "post",
            name: "post",
            go_template: go,
            jekyll,
            page: &page,
            site: &site,
            read_file: Some(&read),
            mdx: false,
            vault: None,
            data: None,
        },
    )
}

fn hugo(body: &str) -> Translated {
    run(
        body,
        false,
        false,
        Value::Null,
        &[("post/part.md", "---\nx: 1\n---\nIncluded *text*.\n")],
    )
}

#[test]
fn hugo_embeds_become_link_cards() {
    let t = hugo(
        "A\n\n{{< youtube ZJthWmvUzzc >}}\n\n{{< x user=\"zoo\" id=\"14\" >}}\n{{% vimeo_simple 489 %}}\n{{< instagram Cx >}} {{< gist spf13 7896402 >}}\n",
    );
    for want in [
        "href=\"https://www.youtube.com/watch?v=ZJthWmvUzzc\"",
        "href=\"https://x.com/zoo/status/14\"",
        "href=\"https://vimeo.com/489\"",
        "href=\"https://www.instagram.com/p/Cx/\"",
        "href=\"https://gist.github.com/spf13/7896402\"",
    ] {
        assert!(t.body.contains(want), "{want} in {}", t.body);
    }
    assert!(!t.body.contains("{{"), "{}", t.body);
    assert!(t.warnings.is_empty());
}

#[test]
fn hugo_code_stays_as_written_and_escapes_read_as_shortcodes() {
    let body = "Use `{{< youtube x >}}` or:\n\n```\n{{< gist a b >}}\n{{</* figure src=\"x\" */>}}\n```\n\nOutside: {{</* param \"x\" */>}}\n";
    let t = hugo(body);
    assert!(t.body.contains("`{{< youtube x >}}`"));
    assert!(
        t.body
            .contains("{{< gist a b >}}\n{{< figure src=\"x\" >}}")
    );
    assert!(t.body.contains("`{{< param \"x\" >}}`"), "{}", t.body);
    assert!(t.warnings.is_empty());
}

#[test]
fn hugo_highlight_figure_ref_param_include_and_unknown() {
    let t = hugo(
        "{{< highlight go \"linenos=true\" >}}\nfmt.Println(\"{{< x >}}\")\n{{< /highlight >}}\n\n{{< figure src=\"a.png\" alt=\"A cat\" caption=\"Cat\" >}}\n\nSee [it]({{< ref \"blog/2016-01-01-name.md#part\" >}}), v{{% param \"minVersion\" %}}.\n\n{{% include \"part.md\" %}}\n\n{{< details summary=\"More\" >}}\nInner words.\n{{< /details >}}\n",
    );
    assert!(
        t.body.contains("```go\nfmt.Println(\"{{< x >}}\")\n```"),
        "{}",
        t.body
    );
    assert!(t.body.contains(
        "<figure><img src=\"a.png\" alt=\"A cat\"><figcaption>Cat</figcaption></figure>"
    ));
    assert!(t.body.contains("(/dispatches/name#part)"));
    assert!(t.body.contains("v0.1."));
    assert!(t.body.contains("Included *text*."));
    assert!(t.body.contains("Inner words.") && !t.body.contains("details"));
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    let (line, message) = &t.warnings[0];
    assert_eq!(*line, 10);
    assert!(message.contains("`details`"), "{message}");
}

#[test]
fn go_article_directives() {
    let t = run(
        "Intro\n\n{{raw `\n\tfunc main() {\n\t\tx := 1 {{raw \"<\"}} 2\n\t}\n`}}\n\n{{image \"p/a.jpg\" 800}}\n{{video \"https://www.youtube.com/embed/abc\"}}\n\n```\nif n {{raw \"<\"}}= 1 {}\n```\n\n{{code \"c/main.go\" `/START/` `/STOP/`}}\n{{play \"gone.go\"}}\n{{with .Foo}}x{{end}}\n",
        true,
        false,
        Value::Null,
        &[(
            "post/c/main.go",
            "package main\n// START OMIT\nfunc main() {}\n// STOP OMIT\nfunc other() {}\n",
        )],
    );
    assert!(
        t.body.contains("```\nfunc main() {\n\tx := 1 < 2\n}\n```"),
        "{}",
        t.body
    );
    assert!(t.body.contains("![](p/a.jpg)"));
    assert!(
        t.body
            .contains("href=\"https://www.youtube.com/watch?v=abc\"")
    );
    assert!(
        t.body.contains("if n <= 1 {}"),
        "Go evaluated raw strings inside code too"
    );
    assert!(t.body.contains("```go\nfunc main() {}\n```"), "{}", t.body);
    assert!(!t.body.contains("other"));
    assert!(!t.body.contains("{{"), "{}", t.body);
    let named: Vec<&str> = t.warnings.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(named.len(), 3, "{named:?}");
    assert!(named[0].contains("gone.go") && named[0].contains("not beside"));
    assert!(named[1].contains("`{{with}}`") && named[2].contains("`{{end}}`"));
    // Lines stay where they were after a multi-line construct.
    assert_eq!(t.warnings[0].0, 16);
}

#[test]
fn liquid_tags_and_site_values() {
    let t = run(
        "{% raw %}{{ not.liquid }}{% endraw %}\n\n{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}\n\n[a]({% link _docs/x.md %}) [b]({% post_url 2016-01-01-name %}) {{ site.repository }} {{ \"/img/a.png\" | relative_url }} {{ site.missing }}\n{% include footer.html %}\n{% for p in site.posts %}Loop text{% endfor %}\n",
        false,
        true,
        json!({ "repository": "me/site", "baseurl": "/blog" }),
        &[],
    );
    assert!(t.body.starts_with("`{{ not.liquid }}`"), "{}", t.body);
    assert!(t.body.contains("```ruby\nputs 1\n```"));
    assert!(
        t.body
            .contains("[a](/dispatches/x) [b](/dispatches/name) me/site /blog/img/a.png")
    );
    assert!(t.body.contains("Loop text") && !t.body.contains("{%"));
    let w: Vec<&str> = t.warnings.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].contains("site.missing") && w[1].contains("`include`") && w[2].contains("`for`"));
}

#[test]
fn zola_shortcodes() {
    let t = run(
        "{{ youtube(id=\"dQw\", autoplay=true) }}\n\n{{ gist(url=\"https://gist.github.com/Keats/e5fb6aad\") }}\n\n{% quote(author=\"Ada\") %}\nWords.\n{% end %}\n\n`{{ vimeo(id=1) }}`\n",
        false,
        false,
        Value::Null,
        &[],
    );
    assert!(t.body.contains("https://www.youtube.com/watch?v=dQw"));
    assert!(t.body.contains("https://gist.github.com/Keats/e5fb6aad"));
    assert!(t.body.contains("Words.") && !t.body.contains("{%"));
    assert!(t.body.contains("`{{ vimeo(id=1) }}`"));
    assert_eq!(t.warnings.len(), 1);
    assert!(t.warnings[0].1.contains("`quote`"));
}

#[test]
fn arguments() {
    let a = Args::parse(" go \"linenos=table, hl=3\" file=`a b.go` k='v' ");
    assert_eq!(a.positional, vec!["go", "linenos=table, hl=3"]);
    assert_eq!(a.named("file"), Some("a b.go"));
    assert_eq!(a.named("k"), Some("v"));
    assert_eq!(article_url("posts/my-post/index.md"), "/dispatches/my-post");
}

#[test]
fn a_hugo_inline_shortcode_shows_its_text_not_its_actions() {
    let t = hugo(
        "Before.\n{{< math.inline >}}\n{{ if .Page.Params.math }}<link rel=\"x\">{{ end }}\n{{</ math.inline >}}\n\
         {{< shown.inline >}}\nInline math: \\(x\\)\n{{</ shown.inline >}}\nAfter.\n",
    );
    assert!(!t.body.contains("{{"), "{}", t.body);
    assert!(t.body.contains("Before.") && t.body.contains("After."));
    assert!(t.body.contains("Inline math: \\(x\\)"), "{}", t.body);
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
}
