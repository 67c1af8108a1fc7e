//! Within a line of MDX prose: inline code kept as written; `{/* comments */}` dropped
//! (over several lines too), a heading's `{/*id*/}` kept as `{#id}`; `{'text'}` as its
//! text; other expressions dropped with a warning; components inside the line.

use super::Mdx;
use super::jsx;

impl Mdx {
    /// Translates one line of prose (or the rest of one) into `out`.
    pub(super) fn inline(&mut self, line: &str) {
        let heading = line.trim_start().starts_with('#');
        let mut i = 0;
        while i < line.len() {
            let rest = &line[i..];
            if self.in_comment {
                match rest.find("*/}") {
                    Some(end) => {
                        self.in_comment = false;
                        i += end + 3;
                    }
                    None => {
                        // Keep the line break, so later lines keep their places.
                        if rest.ends_with('\n') {
                            self.out.push('\n');
                        }
                        return;
                    }
                }
                continue;
            }
            let Some(at) = rest.find(['`', '{', '<', '\\']) else {
                self.out.push_str(rest);
                return;
            };
            self.out.push_str(&rest[..at]);
            i += at + self.special(&rest[at..], heading);
        }
    }

    /// Translates what starts `text` (a backtick, brace, `<` or backslash); how much of
    /// it was used.
    fn special(&mut self, text: &str, heading: bool) -> usize {
        match text.as_bytes()[0] {
            b'`' => {
                let n = text.bytes().take_while(|b| *b == b'`').count();
                let ticks = &text[..n];
                let end = text[n..]
                    .find(ticks)
                    .filter(|e| !text[n + e + n..].starts_with('`'))
                    .map_or(n, |e| n + e + n);
                self.out.push_str(&text[..end]);
                end
            }
            b'\\' => {
                let n = text[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
                self.out.push_str(&text[..n]);
                n
            }
            b'<' if jsx::starts_component(text) => match jsx::tag(text) {
                Some(tag) => {
                    self.tag(&tag, "", None);
                    tag.len
                }
                None => {
                    self.out.push('<');
                    1
                }
            },
            b'<' => {
                self.out.push('<');
                1
            }
            _ => self.brace(text, heading),
        }
    }

    /// A `{…}` at the start of `text`.
    fn brace(&mut self, text: &str, heading: bool) -> usize {
        if let Some(inner) = text.strip_prefix("{/*") {
            return match inner.find("*/}") {
                Some(end) => {
                    let id = inner[..end].trim();
                    if heading && is_id(id) {
                        self.out.push_str(&format!("{{#{id}}}"));
                    }
                    3 + end + 3
                }
                None => {
                    self.in_comment = true;
                    text.len() - usize::from(text.ends_with('\n'))
                }
            };
        }
        // Docusaurus's own heading ids.
        if heading && text.starts_with("{#") {
            self.out.push('{');
            return 1;
        }
        let Some(len) = jsx::expression_len(text) else {
            self.out.push('{');
            return 1;
        };
        let expr = text[1..len - 1].trim();
        match jsx::string_literal(expr) {
            Some(s) => self.out.push_str(&s.replace('<', "&lt;")),
            None if expr.is_empty() => {}
            None => self.warn_once(
                expr,
                format!(
                    "MDX expression `{{{}}}` needs the old site's code; it was left out",
                    crate::content::quoted(expr, 40).trim_matches('"')
                ),
            ),
        }
        len
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

#[cfg(test)]
mod tests {
    use super::super::translate;

    #[test]
    fn imports_comments_expressions_and_heading_ids() {
        let (out, warnings) = translate(
            "import Tabs from '@theme/Tabs';\nimport {\n  A,\n} from './a.js';\nexport const meta = {\n  a: 1,\n};\n\n\
             ## Setup {/*setup*/}\n\nWords{' '}and `{code}` {/* hidden */} {props.x}.\n{/*\nmany\n*/}\nEnd.\n",
        );
        assert!(!out.contains("import") && !out.contains("export"), "{out}");
        assert!(out.contains("## Setup {#setup}"), "{out}");
        assert!(out.contains("Words and `{code}`  ."), "{out}");
        assert!(!out.contains("many") && out.contains("End."), "{out}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn components_by_what_they_are() {
        let (out, warnings) = translate(
            "import cover from './cover.png';\n\n<Note type=\"warning\" title=\"Mind\">\n  **Careful** here.\n</Note>\n\n\
             <Tabs>\n    <TabItem label=\"npm\">\n        Run it.\n    </TabItem>\n</Tabs>\n\n\
             <CodeBlock language=\"js\">\nlet a = 1;\n</CodeBlock>\n\n<Image src={cover} alt=\"Cover\" />\n\n\
             Thanks <Avatar handle=\"x\" /> and <Avatar handle=\"y\" />.\n",
        );
        assert!(
            out.contains("callout-warning") && out.contains(">Mind</p>"),
            "{out}"
        );
        assert!(out.contains("\n**Careful** here."), "dedented: {out}");
        assert!(
            out.contains("<strong>npm</strong>") && out.contains("\nRun it."),
            "{out}"
        );
        assert!(out.contains("```js\nlet a = 1;\n```"), "{out}");
        assert!(out.contains("![Cover](<./cover.png>)"), "{out}");
        assert!(out.contains("Thanks  and ."), "{out}");
        assert_eq!(warnings.len(), 1, "one warning per component: {warnings:?}");
        assert!(warnings[0].1.contains("<Avatar>"));
    }
}
