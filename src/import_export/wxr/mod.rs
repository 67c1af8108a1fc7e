//! WordPress eXtended RSS (WXR 1.0–1.2) read as a stream of XML events: each `<item>`
//! becomes an entry, an attachment or a skipped item, and `<wp:author>` an author.
//! Elements are told apart by their namespace (`wp:`, `content:`, `excerpt:`, `dc:`),
//! whatever prefix the file binds it to. No entity a document type declares is ever
//! expanded, and no field is kept past [`MAX_FIELD`] bytes.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

use super::lossy::Lossy;
use super::{Attachment, Author, BodyFormat, Entry, Export, ImportError, Kind};

/// The longest field kept (a post body of 16 MiB is far past any real one); an item
/// with a longer one fails with a message instead of holding the memory.
pub(super) const MAX_FIELD: usize = 16 << 20;

/// Reads the WXR file at `path`.
pub(super) fn read(path: &Path) -> Result<Export, ImportError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|e| ImportError::Unreadable {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let mut reader = NsReader::from_reader(BufReader::new(Lossy::new(file)));
    reader.config_mut().expand_empty_elements = true;
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    loop {
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(x) => x,
            Err(e) => {
                let at = reader.error_position();
                return Err(ImportError::Malformed {
                    line: line_at(path, at),
                    path: shown,
                    message: format!(
                        "malformed XML: {e}; the export is cut short or damaged, export it again"
                    ),
                });
            }
        };
        let prefix = namespace_prefix(&ns);
        match event {
            Event::Start(e) => parser.start(&qualified(prefix, &e), &e),
            Event::End(e) => {
                let local = e.local_name().as_ref().to_string();
                parser.end(&join(prefix, &local));
            }
            Event::Text(t) => parser.text(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::CData(t) => parser.text(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::GeneralRef(r) => match resolve_reference(&r) {
                Some(s) => parser.text(&s),
                None => parser.unknown_entity(&r),
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let repaired = reader.get_ref().get_ref().repaired();
    if repaired > 0 {
        parser.export.warnings.push(format!(
            "{shown}: {repaired} bytes that are not UTF-8 text or are control characters were replaced or dropped"
        ));
    }
    parser.finish(&shown)
}

/// `&amp;`, `&#8217;` and the other references XML itself defines; `None` for an
/// entity a document type would declare (never expanded).
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}

/// The conventional prefix of a namespace the format documents, or `""` for plain RSS.
fn namespace_prefix(ns: &ResolveResult<'_>) -> String {
    match ns {
        ResolveResult::Bound(n) => {
            let uri = n.as_ref().trim_end_matches('/');
            if uri.contains("wordpress.org/export/") {
                if uri.ends_with("/excerpt") {
                    "excerpt".into()
                } else {
                    "wp".into()
                }
            } else if uri.ends_with("purl.org/rss/1.0/modules/content") {
                "content".into()
            } else if uri.ends_with("purl.org/dc/elements/1.1") {
                "dc".into()
            } else {
                format!("{{{uri}}}")
            }
        }
        ResolveResult::Unbound => String::new(),
        // A prefix the file never declared: taken at its word.
        ResolveResult::Unknown(p) => p.clone(),
    }
}

fn qualified(prefix: String, e: &BytesStart<'_>) -> String {
    join(prefix, e.local_name().as_ref())
}

fn join(prefix: String, local: &str) -> String {
    if prefix.is_empty() {
        local.to_string()
    } else {
        format!("{prefix}:{local}")
    }
}

/// The line of byte `at` in the file, for an error message.
fn line_at(path: &Path, at: u64) -> u64 {
    let Ok(file) = File::open(path) else {
        return 0;
    };
    let mut reader = BufReader::new(file);
    let (mut seen, mut line) = (0u64, 1u64);
    while seen < at {
        let Ok(chunk) = reader.fill_buf() else { break };
        if chunk.is_empty() {
            break;
        }
        let take = chunk.len().min((at - seen) as usize);
        line += chunk[..take].iter().filter(|&&b| b == b'\n').count() as u64;
        seen += take as u64;
        reader.consume(take);
    }
    line
}

/// One `<item>`'s fields, as read.
#[derive(Debug, Default)]
struct Item {
    number: usize,
    title: String,
    link: String,
    creator: String,
    content: String,
    excerpt: String,
    id: String,
    date: String,
    date_gmt: String,
    name: String,
    status: String,
    kind: String,
    parent: String,
    password: String,
    attachment_url: String,
    guid: String,
    /// `(domain, nicename, name)` of each `<category>`.
    terms: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
    too_long: Option<String>,
}

#[derive(Default)]
struct Parser {
    stack: Vec<String>,
    text: String,
    text_too_long: bool,
    item: Option<Item>,
    items: usize,
    term: (String, String),
    meta: (String, String),
    author: (String, String, String),
    blog_url: String,
    site_url: String,
    saw_channel: bool,
    unknown_entities: Vec<String>,
    export: Export,
}

impl Parser {
    fn start(&mut self, name: &str, e: &BytesStart<'_>) {
        self.text.clear();
        self.text_too_long = false;
        match name {
            "channel" => self.saw_channel = true,
            "item" if self.parent() == "channel" => {
                self.items += 1;
                self.item = Some(Item {
                    number: self.items,
                    ..Item::default()
                });
            }
            "category" if self.parent() == "item" => {
                self.term = (attribute(e, "domain"), attribute(e, "nicename"));
            }
            _ => {}
        }
        self.stack.push(name.to_string());
    }

    fn parent(&self) -> &str {
        self.stack.last().map_or("", String::as_str)
    }

    fn text(&mut self, s: &str) {
        if self.text.len() + s.len() > MAX_FIELD {
            self.text_too_long = true;
        } else {
            self.text.push_str(s);
        }
    }

    fn unknown_entity(&mut self, name: &str) {
        if self.unknown_entities.len() < 8 && !self.unknown_entities.iter().any(|n| n == name) {
            self.unknown_entities.push(name.to_string());
        }
    }

    fn end(&mut self, name: &str) {
        self.stack.pop();
        let text = std::mem::take(&mut self.text);
        let too_long = std::mem::take(&mut self.text_too_long);
        let parent = self.parent().to_string();
        match (parent.as_str(), name) {
            ("channel", "item") => {
                if let Some(item) = self.item.take() {
                    self.item_done(item);
                }
            }
            ("item", _) => {
                if let Some(item) = self.item.as_mut() {
                    if too_long {
                        item.too_long = Some(name.to_string());
                    }
                    item_field(item, name, text, &self.term, &self.meta);
                }
            }
            ("wp:postmeta", "wp:meta_key") => self.meta.0 = text,
            ("wp:postmeta", "wp:meta_value") => self.meta.1 = text,
            ("wp:author", "wp:author_login") => self.author.0 = text,
            ("wp:author", "wp:author_display_name") => self.author.1 = text,
            ("wp:author", "wp:author_first_name") if self.author.2.is_empty() => {
                self.author.2 = text
            }
            ("channel", "wp:author") => self.author_done(),
            ("channel", "wp:base_blog_url") => self.blog_url = text.trim().to_string(),
            ("channel", "wp:base_site_url") => self.site_url = text.trim().to_string(),
            _ => {}
        }
    }

    fn author_done(&mut self) {
        let (login, display, first) = std::mem::take(&mut self.author);
        let name = [display, first, login.clone()]
            .into_iter()
            .map(|s| s.trim().to_string())
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        if !login.trim().is_empty() {
            self.export.authors.push(Author {
                id: login.trim().to_string(),
                name,
                bio: String::new(),
            });
        }
    }

    fn item_done(&mut self, item: Item) {
        let what = describe(&item);
        if let Some(field) = &item.too_long {
            self.export
                .failed
                .push((what, format!("its {field} is over {} MiB", MAX_FIELD >> 20)));
            return;
        }
        match classify(&item.kind, &item.status) {
            Class::Skip(why) => self.export.skipped.push((what, why)),
            Class::Attachment => {
                self.export.attachments.push(attachment(&item));
                self.export
                    .skipped
                    .push((what, "attachment (listed in media/ATTACHMENTS.txt)".into()));
            }
            Class::Entry(kind) => {
                let entry = self.entry(item, kind);
                self.export.entries.push(entry);
            }
        }
    }

    fn entry(&mut self, item: Item, kind: Kind) -> Entry {
        let origin = describe(&item);
        let draft = matches!(item.status.as_str(), "draft" | "pending" | "private")
            || !item.password.is_empty();
        if !item.password.is_empty() {
            self.export.warnings.push(format!(
                "{origin}: protected by a password in WordPress; imported as a draft"
            ));
        }
        let (tags, categories) = terms(&item.terms);
        let aliases = self.aliases(&item, kind);
        Entry {
            kind,
            title: item.title.trim().to_string(),
            date: date(&item.date_gmt, true).or_else(|| date(&item.date, false)),
            slug: item.name.trim().to_string(),
            tags,
            categories,
            author: Some(item.creator.trim().to_string()).filter(|s| !s.is_empty()),
            excerpt: item.excerpt,
            draft,
            aliases,
            body: item.content,
            format: BodyFormat::WordPress,
            image: None,
            thumbnail_id: item
                .meta
                .iter()
                .find(|(k, _)| k == "_thumbnail_id")
                .map(|(_, v)| v.trim().to_string()),
            id: item.id.trim().to_string(),
            origin,
        }
    }

    /// The item's old addresses: its permalink's path and `?p=ID` (`?page_id=ID` for a
    /// page) under the blog's path; never the blog's front page itself.
    fn aliases(&self, item: &Item, kind: Kind) -> Vec<String> {
        let root = url_path(&self.blog_url)
            .or_else(|| url_path(&self.site_url))
            .unwrap_or_default();
        let root = root.trim_end_matches('/');
        let mut out = Vec::new();
        if let Some(p) = url_path(&item.link) {
            // A browser sends `%C3%A9` for a typed `é`; a copied link keeps WordPress's `%c3%a9`.
            let typed = encode_path(&super::percent_decode(&p));
            out.push(p);
            if !out.contains(&typed) {
                out.push(typed);
            }
        }
        let id = item.id.trim();
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            let key = if kind == Kind::Page { "page_id" } else { "p" };
            out.push(format!("{root}/?{key}={id}"));
        }
        let front = [format!("{root}/"), root.to_string(), String::new()];
        out.retain(|p| !front.contains(p));
        out.dedup();
        out
    }

    fn finish(mut self, shown: &str) -> Result<Export, ImportError> {
        if !self.saw_channel || self.items == 0 && self.export.authors.is_empty() {
            return Err(ImportError::Unreadable {
                path: shown.to_string(),
                message: "not a WordPress export: no <channel> with <item>s; export the site \
                          from Tools → Export in WordPress and pass that file"
                    .into(),
            });
        }
        if !self.unknown_entities.is_empty() {
            self.export.warnings.push(format!(
                "{shown}: entities the file declares for itself were left out, not expanded: {}",
                self.unknown_entities
                    .iter()
                    .map(|n| format!("&{n};"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(self.export)
    }
}

fn attribute(e: &BytesStart<'_>, key: &str) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
        .unwrap_or_default()
}

fn item_field(
    item: &mut Item,
    name: &str,
    text: String,
    term: &(String, String),
    meta: &(String, String),
) {
    match name {
        "title" => item.title = text,
        "link" => item.link = text.trim().to_string(),
        "guid" => item.guid = text.trim().to_string(),
        "dc:creator" => item.creator = text,
        "content:encoded" => item.content = text,
        "excerpt:encoded" => item.excerpt = text,
        "wp:post_id" => item.id = text,
        "wp:post_date" => item.date = text,
        "wp:post_date_gmt" => item.date_gmt = text,
        "wp:post_name" => item.name = text,
        "wp:status" => item.status = text.trim().to_string(),
        "wp:post_type" => item.kind = text.trim().to_string(),
        "wp:post_parent" => item.parent = text.trim().to_string(),
        "wp:post_password" => item.password = text,
        "wp:attachment_url" => item.attachment_url = text.trim().to_string(),
        "category" => item.terms.push((term.0.clone(), term.1.clone(), text)),
        "wp:postmeta" => item.meta.push(meta.clone()),
        _ => {}
    }
}

enum Class {
    Entry(Kind),
    Attachment,
    Skip(String),
}

/// What an item of `post_type` in `status` becomes.
fn classify(post_type: &str, status: &str) -> Class {
    let kind = match post_type {
        "post" | "" => Kind::Post,
        "page" => Kind::Page,
        "attachment" => return Class::Attachment,
        t if is_project(t) => Kind::Project,
        "nav_menu_item" => return Class::Skip("menu item".into()),
        "revision" => return Class::Skip("revision".into()),
        "feedback" => return Class::Skip("contact form message (private)".into()),
        t if t.starts_with("wp_") || t.starts_with("custom_") || t.starts_with("oembed") => {
            return Class::Skip(format!("{t} (site settings, not content)"));
        }
        t => return Class::Skip(format!("post type {t} has no equivalent")),
    };
    match status {
        "publish" | "future" | "draft" | "pending" | "private" | "" => Class::Entry(kind),
        "trash" => Class::Skip("in the trash".into()),
        "auto-draft" => Class::Skip("auto-draft (never saved)".into()),
        "inherit" => Class::Skip("revision".into()),
        s => Class::Skip(format!("status {s} is not one WordPress publishes")),
    }
}

fn is_project(post_type: &str) -> bool {
    matches!(
        post_type,
        "jetpack-portfolio" | "portfolio" | "project" | "projects" | "portfolio_item"
    )
}

fn attachment(item: &Item) -> Attachment {
    let url = if item.attachment_url.is_empty() {
        item.guid.clone()
    } else {
        item.attachment_url.clone()
    };
    Attachment {
        id: item.id.trim().to_string(),
        url,
        title: item.title.trim().to_string(),
        caption: item.excerpt.trim().to_string(),
        parent: Some(item.parent.clone()).filter(|p| !p.is_empty() && p != "0"),
    }
}

/// `post 12 "Hello world"`: how messages name an item.
fn describe(item: &Item) -> String {
    let kind = if item.kind.is_empty() {
        "item"
    } else {
        &item.kind
    };
    let title: String = item.title.trim().chars().take(50).collect();
    let id = item.id.trim();
    let id = if id.is_empty() {
        format!("#{}", item.number)
    } else {
        id.to_string()
    };
    format!("{kind} {id} {title:?}")
}

/// Tags (`post_tag`, or a custom type's `…tag` taxonomy) and categories (`category`, or
/// a custom type's `…type`/`…category`); formats and menus are WordPress's own.
fn terms(terms: &[(String, String, String)]) -> (Vec<String>, Vec<(String, String)>) {
    let (mut tags, mut categories) = (Vec::new(), Vec::new());
    for (domain, nicename, name) in terms {
        let name = super::html_md::plain_text(name);
        if name.is_empty() {
            continue;
        }
        if domain == "post_tag" || domain.ends_with("tag") {
            if !tags.contains(&name) {
                tags.push(name);
            }
        } else if domain == "category" || domain.ends_with("type") || domain.ends_with("category") {
            let slug = if nicename.is_empty() { &name } else { nicename };
            if !categories.iter().any(|(s, _)| s == slug) {
                categories.push((slug.clone(), name));
            }
        }
    }
    (tags, categories)
}

/// `2014-11-05 21:52:09` as front matter: `…Z` for a GMT date, a local time otherwise;
/// `None` for WordPress's `0000-00-00 00:00:00` (a draft never scheduled) or nonsense.
fn date(s: &str, gmt: bool) -> Option<String> {
    let s = s.trim();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let t = time::PrimitiveDateTime::parse(s, &format).ok()?;
    if t.year() < 1900 {
        return None;
    }
    let shown = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    Some(if gmt { format!("{shown}Z") } else { shown })
}

/// A path as a browser sends it: bytes outside ASCII's printable set percent-encoded
/// in upper case.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path (and query) of an absolute URL: `http://x.org/a/?p=1` → `/a/?p=1`.
fn url_path(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.split_once("://")?.1;
    let path = rest.find(['/', '?']).map_or("/", |i| &rest[i..]);
    let path = path.split('#').next().unwrap_or(path);
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    (!path.chars().any(|c| c.is_whitespace() || c.is_control())).then_some(path)
}

#[cfg(test)]
mod tests;
