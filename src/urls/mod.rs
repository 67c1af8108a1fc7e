//! Every path of the site, built and percent-encoded in one place. The routes are declared
//! once in [`routes`]' table, which the router registers; the builders here fill in its
//! patterns, so handlers, views, feeds, the sitemap, search results and the content
//! stage's file links cannot disagree with the routes they point at.

pub(crate) mod routes;

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

pub use routes::{RouteId, parse, reserved};

/// The home page.
pub const HOME: &str = "/";
/// Every dispatch by year and month.
pub const ARCHIVE: &str = "/archive";
/// The search page; `search(q)` for a query.
pub const SEARCH: &str = "/search";
/// The search results as JSON.
pub const SEARCH_JSON: &str = "/search.json";
/// The OpenSearch description browsers add the site's search from.
pub const OPENSEARCH: &str = "/opensearch.xml";
/// The sitemap and robots.txt.
pub const SITEMAP: &str = "/sitemap.xml";
pub const ROBOTS: &str = "/robots.txt";
/// The health check.
pub const HEALTHZ: &str = "/healthz";

/// The absolute URL of a site path (`path` starts with `/`).
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{base_url}{path}")
}

/// A route's path with its captures filled in (the portfolio's segment is not needed).
fn fill(id: RouteId, args: &[&str]) -> String {
    routes::build(&routes::pattern(id, DEFAULT_WORK), args)
}

/// Where the portfolio lives unless the `work_path` setting says otherwise.
pub const DEFAULT_WORK: &str = "work";

/// One article.
pub fn article(slug: &str) -> String {
    fill(RouteId::Article, &[slug])
}

/// A standalone page at the root of the site (`/about`).
pub fn page(slug: &str) -> String {
    fill(RouteId::Page, &[slug])
}

/// The portfolio's index, at `/{work}`.
pub fn work(work: &str) -> String {
    routes::build(&routes::pattern(RouteId::Work, work), &[])
}

/// One project of the portfolio.
pub fn project(work: &str, slug: &str) -> String {
    routes::build(&routes::pattern(RouteId::Project, work), &[slug])
}

/// Every tag with its count.
pub const TAGS: &str = "/tags";

/// The slug of the article at `path` (`/dispatches/{slug}`, percent-encoded), if it is one.
pub fn article_slug(path: &str) -> Option<String> {
    match routes::parse(path, DEFAULT_WORK)? {
        (RouteId::Article, mut captures) => captures.pop(),
        _ => None,
    }
}

/// Micropub's endpoint, and the media endpoint beside it.
pub const MICROPUB: &str = "/micropub";
/// Where signed preview links of unpublished articles point.
pub const PREVIEW: &str = "/preview";

/// A signed preview link of one article, as `dispatches preview` prints it.
pub fn preview(slug: &str, expires: i64, sig: &str) -> String {
    format!(
        "{}?expires={expires}&sig={sig}",
        fill(RouteId::Preview, &[slug])
    )
}
pub const MICROPUB_MEDIA: &str = "/micropub/media";

/// A stream's list.
pub fn stream(id: &str) -> String {
    fill(RouteId::Stream, &[id])
}

/// A tag's list.
pub fn tag(tag: &str) -> String {
    fill(RouteId::Tag, &[tag])
}

/// An author's page.
pub fn author(id: &str) -> String {
    fill(RouteId::Author, &[id])
}

/// The search page for `q`.
pub fn search(q: &str) -> String {
    format!("{SEARCH}?q={}", encode(q))
}

/// The archive page of one year.
pub fn archive_year(year: i64) -> String {
    format!("{ARCHIVE}/{year}")
}

/// The archive page of one month (`month` 1 to 12).
pub fn archive_month(year: i64, month: i64) -> String {
    format!("{ARCHIVE}/{year}/{month:02}")
}

/// A fingerprinted static asset.
pub fn asset(name: &str) -> String {
    fill(RouteId::Static, &[name])
}

/// Where files published beside the articles are served from.
pub const FILES: &str = "/files";

/// A file published beside the articles, by its `/`-separated path inside the content
/// folder (each segment encoded, the slashes kept).
pub fn file(path: &str) -> String {
    fill(RouteId::Files, &[path])
}

/// Where the WebP variants of published images are served from, immutable.
pub const IMAGES: &str = "/images";

/// One WebP variant of a published image: named by the original's bytes, so a changed
/// image gets new addresses and a cached one never goes stale.
pub fn image_variant(key: &str, width: u32) -> String {
    fill(RouteId::Image, &[key, &format!("{width}.webp")])
}

/// One of the site's PNG icons (`content::images::ICON_SIZES`), kept among the variants
/// of the image it was made of.
pub fn icon(key: &str, side: u32) -> String {
    fill(RouteId::Image, &[key, &format!("{side}.png")])
}

/// A feed file (`feed.xml`, `feed.json`) of the list at `list` (`/` for the whole site).
pub fn feed(list: &str, file: &str) -> String {
    if list == HOME {
        format!("/{file}")
    } else {
        format!("{list}/{file}")
    }
}

/// Whether `path` is where another engine served its feed: Hugo's `index.xml`,
/// Jekyll's, Hexo's and Zola's `atom.xml`/`feed.xml`/`rss.xml`, WordPress's `feed/`, at
/// the root or under an old section.
pub fn is_old_feed(path: &str) -> bool {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    matches!(
        last,
        "index.xml" | "atom.xml" | "rss.xml" | "feed.xml" | "feed" | "rss" | "atom"
    )
}

/// Page `page` of the list at `base`: the first page is the list itself.
pub fn paged(base: &str, page: i64) -> String {
    if page <= 1 {
        base.to_string()
    } else if base.contains('?') {
        format!("{base}&page={page}")
    } else {
        format!("{base}?page={page}")
    }
}

/// What [`encode`] escapes: everything but RFC 3986's unreserved characters.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment or query value: only unreserved characters stay.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, RESERVED).to_string()
}

/// Undoes [`encode`]; `None` for a broken escape or bytes that are not UTF-8, so a path
/// that cannot be one of ours is refused rather than guessed at.
pub fn decode(s: &str) -> Option<String> {
    if broken_escape(s.as_bytes()) {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// Decodes what another program wrote (a WordPress slug, an `src` attribute): a broken
/// escape stays as written and bytes that are not UTF-8 become U+FFFD.
pub fn decode_lossy(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// A `%` not followed by two hex digits.
fn broken_escape(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_percent_encoded_once() {
        assert_eq!(article("Rust-1.0"), "/dispatches/Rust-1.0");
        assert_eq!(tag("c++ & rust"), "/tags/c%2B%2B%20%26%20rust");
        assert_eq!(stream("técnico"), "/streams/t%C3%A9cnico");
        assert_eq!(author("a/b"), "/authors/a%2Fb");
        assert_eq!(search("\"a b\""), "/search?q=%22a%20b%22");
        assert_eq!(file("post/a b.png"), "/files/post/a%20b.png");
        assert_eq!(feed(HOME, "feed.xml"), "/feed.xml");
        assert_eq!(feed(&tag("x"), "feed.json"), "/tags/x/feed.json");
        assert_eq!(paged("/", 1), "/");
        assert_eq!(paged("/tags/x", 3), "/tags/x?page=3");
        assert_eq!(paged("/search?q=a", 2), "/search?q=a&page=2");
        assert_eq!(article_slug(&article("a b/c")).as_deref(), Some("a b/c"));
        assert_eq!(article_slug("/streams/x"), None);
    }
}
