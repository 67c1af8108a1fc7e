//! The content stage: file text in, a checked [`Article`] (or author, stream, or a reasoned
//! skip) out. Pure: no database, no clock, no file system.

mod article;
pub(crate) mod cjk;
pub(crate) mod dates;
pub mod front_matter;
pub(crate) mod highlight;
pub(crate) mod html;
pub(crate) mod images;
pub(crate) mod import;
pub mod kind;
pub mod lang;
mod links;
pub mod markdown;
pub mod math;
mod people;

use serde_json::Value;
use time::OffsetDateTime;
use time_tz::Tz;

pub use crate::error::FileError;
pub use article::{Prepared, PreparedArticle, prepare, slugify, url_safe};
pub use front_matter::{Hero, Source};
pub use links::resolve_relative;
pub use markdown::TocEntry;

/// Raises whenever rendering changes, so republishing re-renders files whose text did not.
pub const RENDER_VERSION: u32 = 11;

/// Extensions of the Markdown files the publisher reads as articles: `.mdx` is
/// Markdown with JSX (MDX), translated before it renders.
pub const MARKDOWN_EXTENSIONS: &[&str] = &[".md", ".markdown", ".mdx"];

/// A Markdown file name without its extension; `None` for any other file.
pub fn markdown_stem(name: &str) -> Option<&str> {
    MARKDOWN_EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
}

/// Whether a file name is a Markdown file's.
pub fn is_markdown_name(name: &str) -> bool {
    markdown_stem(name).is_some()
}

/// One file handed to the content stage.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// Path relative to the content root with `/` separators, e.g. `lighthouse/index.md`.
    pub rel_path: &'a str,
    /// The whole text.
    pub text: &'a str,
}

/// Settings the content stage needs.
#[derive(Clone, Copy)]
pub struct ContentSettings<'a> {
    pub timezone: &'a Tz,
    /// The site's language: a `post.<it>.md` file keeps the plain slug.
    pub language: &'a str,
    pub trust_html: bool,
    pub highlight_max_bytes: usize,
    /// Replace `:shortcode:` emoji codes with the emoji.
    pub emoji: bool,
    /// Reads a file of the site (Go's `{{code}}`, Hugo's `include`); `None` reads nothing.
    pub read_file: Option<import::ReadFile<'a>>,
    /// The old site's own settings (a Jekyll `_config.yml`), for `{{ site.X }}`.
    pub site: Option<&'a serde_json::Map<String, Value>>,
    /// The settled slug of the article whose file is at a content-relative path, so that
    /// links to `.md` files and Zola's `@/` links become article URLs; `None` before slugs
    /// are settled.
    pub article_slug: Option<&'a ArticleSlug<'a>>,
    /// The size and variants of a published image by its path in the content folder;
    /// `None` knows no images (their tags get loading hints only).
    pub images: Option<&'a html::images::Lookup<'a>>,
    /// Files at the root of the content folder are the site's pages, its posts living in
    /// sections (a Hugo or Zola site; see `kind`).
    pub root_pages: bool,
    /// The portfolio's path segment (the `work_path` setting): no page may take it.
    pub work_path: &'a str,
    /// The site's files, for links written by file name (`[[Note]]`); whether it is an
    /// Obsidian vault.
    pub vault: Option<&'a import::obsidian::Vault>,
    /// An Eleventy site's data files, for the `{{ … }}` of its posts.
    pub eleventy: Option<&'a import::eleventy::Data>,
    /// The engine the site came from, whose addresses its articles keep as aliases.
    pub old_site: Option<&'a import::old_paths::OldSite>,
    /// Tag keys and the labels a Docusaurus `tags.yml` gives them.
    pub tag_labels: Option<&'a std::collections::HashMap<String, String>>,
}

/// Looks up the slug of the article at a content-relative path.
pub type ArticleSlug<'a> = dyn Fn(&str) -> Option<String> + Sync + 'a;

impl std::fmt::Debug for ContentSettings<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentSettings")
            .field("timezone", &time_tz::TimeZone::name(self.timezone))
            .field("language", &self.language)
            .field("trust_html", &self.trust_html)
            .field("highlight_max_bytes", &self.highlight_max_bytes)
            .field("emoji", &self.emoji)
            .field("reads_files", &self.read_file.is_some())
            .field("site", &self.site)
            .field("knows_slugs", &self.article_slug.is_some())
            .field("knows_images", &self.images.is_some())
            .field("root_pages", &self.root_pages)
            .field("work_path", &self.work_path)
            .field("vault", &self.vault)
            .field("eleventy", &self.eleventy.is_some())
            .field("old_site", &self.old_site)
            .field("tag_labels", &self.tag_labels.map(|t| t.len()))
            .finish()
    }
}

/// How an article's slug was chosen; only a slug derived from a Zola `path` may be
/// qualified with its date when two files share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugOrigin {
    FrontMatter,
    Path,
    FileName,
}

/// A rendered article, ready for the database.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    /// Dispatch, page, project or the home introduction, with its menu entry and order.
    pub role: kind::Role,
    pub slug_origin: SlugOrigin,
    pub title: String,
    pub dek: Option<String>,
    /// `None` when no date was given anywhere; the publisher decides.
    pub date: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
    pub stream: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub draft: bool,
    /// The article's language (a BCP 47 tag), when the file names one.
    pub lang: Option<String>,
    /// What its translations share: `translationKey`, else the path without language.
    pub translation_key: String,
    pub hero: Option<Hero>,
    pub sources: Vec<Source>,
    pub aliases: Vec<String>,
    /// Unknown front-matter keys, as JSON.
    pub extra: Value,
    /// The whole front matter, as JSON.
    pub front_matter: Value,
    pub markdown: String,
    pub html: String,
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    pub text: String,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// Published images the page shows (paths in the content folder): a change to one
    /// renders the article again.
    pub images: Vec<String>,
    /// Things the author should fix that do not stop the publish, each starting with
    /// the 1-based line in the file.
    pub warnings: Vec<(usize, String)>,
}

/// An author file, `authors/<id>.md`.
#[derive(Debug, Clone)]
pub struct Author {
    pub id: String,
    pub name: String,
    pub bio: String,
    pub links: Vec<Source>,
    pub html: String,
    /// The picture (`avatar`) as the page links it: a relative path is resolved from
    /// `authors/`, like an article's `hero` from its folder.
    pub avatar: Option<String>,
}

/// A stream file, `streams/<id>.md`.
#[derive(Debug, Clone)]
pub struct Stream {
    pub id: String,
    pub name: String,
    pub description: String,
    pub html: String,
}

/// What a file turned out to be.
#[derive(Debug, Clone)]
pub enum Parsed {
    Article(Box<Article>),
    Author(Author),
    Stream(Stream),
    /// Not an article; the reason says why. A Go-blog redirect stub carries its target.
    Skipped {
        reason: String,
        redirect: Option<Redirect>,
    },
}

/// A file that only forwards: `/dispatches/<from>` answers 301 to `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub from: String,
    pub target: String,
}

/// Reads one file into what it is. Never panics on any input it can parse; the caller
/// still isolates each call, since a renderer bug must not take a whole publish down.
/// `text` quoted for an error message, cut to `max` characters (with `…` when cut): a
/// message names the value without echoing a megabyte of it back. (`{:.40?}` does not
/// cut: precision means nothing to a string's `Debug`.)
pub(crate) fn quoted(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

pub fn parse(file: SourceFile<'_>, settings: ContentSettings<'_>) -> Result<Parsed, FileError> {
    match prepare(file, settings)? {
        Prepared::Done(parsed) => Ok(parsed),
        Prepared::Article(article) => Ok(Parsed::Article(Box::new(article.render(settings)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ContentSettings<'static> {
        ContentSettings {
            timezone: time_tz::timezones::db::UTC,
            language: "en",
            trust_html: false,
            highlight_max_bytes: 1 << 20,
            emoji: false,
            read_file: None,
            site: None,
            article_slug: None,
            images: None,
            root_pages: false,
            work_path: "work",
            vault: None,
            eleventy: None,
            old_site: None,
            tag_labels: None,
        }
    }

    fn parse_at(rel_path: &str, text: &str) -> Result<Parsed, FileError> {
        parse(SourceFile { rel_path, text }, settings())
    }

    fn article(rel_path: &str, text: &str) -> Article {
        match parse_at(rel_path, text).unwrap() {
            Parsed::Article(a) => *a,
            other => panic!("not an article: {other:?}"),
        }
    }

    #[test]
    fn slug_and_date_from_file_name() {
        let a = article("2026-05-12-wal-mode.md", "---\ntitle: WAL\n---\nText\n");
        assert_eq!(
            (a.slug.as_str(), a.slug_origin),
            ("wal-mode", SlugOrigin::FileName)
        );
        assert_eq!(a.date, Some(time::macros::datetime!(2026-05-12 00:00 UTC)));
    }

    #[test]
    fn slug_and_date_from_zola_path_and_bundle_folder() {
        let a = article(
            "x@1.md",
            "+++\npath = \"inside-rust/2020/07/27/1.45.1-prerelease\"\ntitle = \"T\"\n+++\n",
        );
        assert_eq!(
            (a.slug.as_str(), a.slug_origin),
            ("1.45.1-prerelease", SlugOrigin::Path)
        );
        assert_eq!(a.date, Some(time::macros::datetime!(2020-07-27 00:00 UTC)));
        let a = article(
            "lighthouse/index.md",
            "---\ntitle: L\nhero: { src: cover.svg, alt: x }\n---\n![a](cover.svg)\n",
        );
        assert_eq!(a.slug, "lighthouse");
        assert_eq!(a.hero.unwrap().src, "/files/lighthouse/cover.svg");
        assert!(a.html.contains("src=\"/files/lighthouse/cover.svg\""));
        let a = article("x.md", "---\ntitle: T\nslug: Ünïcode Title!\n---\n");
        assert_eq!(a.slug, "ünïcode-title");
    }

    #[test]
    fn title_from_heading_link_title_or_names_with_a_warning() {
        let a = article("plain.md", "# Only a heading\n\nBody.\n");
        assert_eq!(a.title, "Only a heading");
        assert!(a.warnings.is_empty());
        let a = article(
            "functions/strings/Title.md",
            "---\nlinkTitle: strings.Title\n---\nBody.\n",
        );
        assert_eq!(a.title, "strings.Title");
        assert_eq!(a.warnings.len(), 1);
        let a = article(
            "docs/getting-started/none.md",
            "---\ndate: 2026-01-01\n---\nBody.\n",
        );
        assert_eq!(a.title, "Getting started: None");
        assert!(a.warnings[0].1.contains("title:"), "{:?}", a.warnings);
    }

    #[test]
    fn pages_the_old_site_never_rendered_are_skipped() {
        let reason = |p: &str, t: &str| match parse_at(p, t).unwrap() {
            Parsed::Skipped { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        assert!(reason("homepage/index.md", "---\nheadless: true\n---\n").contains("headless"));
        assert!(reason("x.md", "---\ntitle: X\nbuild:\n  render: never\n---\n").contains("never"));
        assert!(
            reason(
                "archives.md",
                "---\ndate: 2019-05-28\nlayout: archives\n---\n"
            )
            .contains("layout")
        );
    }

    #[test]
    fn non_articles_are_skipped_with_reasons() {
        let skipped = |p: &str, t: &str| match parse_at(p, t).unwrap() {
            Parsed::Skipped { reason, redirect } => (reason, redirect),
            other => panic!("{other:?}"),
        };
        assert!(
            skipped("_index.md", "+++\ntitle = \"Blog\"\n+++\n")
                .0
                .contains("section")
        );
        assert!(
            skipped("README.md", "This directory holds...\n")
                .0
                .contains("README")
        );
        assert!(
            skipped("latest.md", "+++\ntemplate = \"latest.html\"\n+++\n")
                .0
                .contains("template")
        );
        assert!(
            skipped(
                "all.md",
                "---\ntitle: Index\ntemplate: true\n---\n{{range .}}x{{end}}\n"
            )
            .0
            .contains("template")
        );
        let (reason, redirect) = skipped("old-name.md", "---\nredirect: /blog/new-name\n---\n");
        assert!(reason.contains("redirect"));
        assert_eq!(
            redirect,
            Some(Redirect {
                from: "old-name".into(),
                target: "/blog/new-name".into()
            })
        );
        // A dated Go post that uses template directives is still an article.
        assert!(matches!(
            parse_at(
                "10years.md",
                "---\ntitle: T\ndate: 2019-11-08\ntemplate: true\n---\n{{image \"x.jpg\"}}\n"
            )
            .unwrap(),
            Parsed::Article(_)
        ));
    }

    #[test]
    fn authors_and_streams() {
        match parse_at("authors/vera.md", "---\nname: Vera\nbio: Writes.\nlinks: [{ title: Site, url: \"https://e.org\" }]\n---\nLong *bio*.\n").unwrap() {
            Parsed::Author(a) => {
                assert_eq!((a.id.as_str(), a.name.as_str(), a.bio.as_str()), ("vera", "Vera", "Writes."));
                assert_eq!(a.links.len(), 1);
                assert!(a.html.contains("<em>bio</em>"));
            }
            other => panic!("{other:?}"),
        }
        match parse_at(
            "streams/technical.md",
            "---\nname: Technical Dispatch\ndescription: Code.\n---\n",
        )
        .unwrap()
        {
            Parsed::Stream(s) => assert_eq!(
                (s.name.as_str(), s.description.as_str()),
                ("Technical Dispatch", "Code.")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hugo_language_suffixes_name_the_language_and_keep_slugs_apart() {
        let a = article("blog/post.fr.md", "---\ntitle: T\n---\n");
        assert_eq!(
            (
                a.slug.as_str(),
                a.lang.as_deref(),
                a.translation_key.as_str()
            ),
            ("post-fr", Some("fr"), "blog/post")
        );
        let a = article("blog/post.md", "---\ntitle: T\n---\n");
        assert_eq!(
            (a.slug.as_str(), a.lang, a.translation_key.as_str()),
            ("post", None, "blog/post")
        );
        // The site's own language keeps the plain slug; a bundle is named by its folder.
        assert_eq!(article("post.en.md", "# T\n").slug, "post");
        let a = article("trip/index.pt-br.md", "# T\n");
        assert_eq!(
            (a.slug.as_str(), a.lang.as_deref()),
            ("trip-pt-br", Some("pt-BR"))
        );
        // `lang:` wins over the name; a chosen slug and `translationKey` are kept.
        let a = article(
            "about.fr.md",
            "---\ntitle: T\nlang: fr-CA\nslug: a-propos\ntranslationKey: about\n---\n",
        );
        assert_eq!(
            (
                a.slug.as_str(),
                a.lang.as_deref(),
                a.translation_key.as_str()
            ),
            ("a-propos", Some("fr-CA"), "about")
        );
        // Dots that are not a language stay in the name, as before.
        let a = article("go.dev.md", "# T\n");
        assert_eq!((a.slug.as_str(), a.lang), ("go.dev", None));
        assert!(matches!(
            parse_at("docs/_index.fr.md", "+++\ntitle = \"Docs\"\n+++\n").unwrap(),
            Parsed::Skipped { .. }
        ));
    }

    #[test]
    fn relative_urls() {
        assert_eq!(
            resolve_relative("a/b", "img.png"),
            Some("/files/a/b/img.png".into())
        );
        assert_eq!(
            resolve_relative("a/b", "../c.png#x"),
            Some("/files/a/c.png#x".into())
        );
        assert_eq!(resolve_relative("", "../../etc/passwd"), None);
        assert_eq!(resolve_relative("a", "https://e.org/x"), None);
        assert_eq!(resolve_relative("a", "mailto:x@e.org"), None);
        assert_eq!(resolve_relative("a", "/blog/x"), None);
        assert_eq!(resolve_relative("a", "#top"), None);
    }
}
