//! The route table: every path the site answers, declared once as a pattern. The router
//! registers from it (`web::app`), `dispatches check` and the response cache classify
//! paths with [`parse`], and the builders in the parent module fill its patterns in, so a
//! route, the links to it and the code that reads links cannot disagree.

use super::{decode, encode};

/// What a path of the site is; one variant per entry of [`table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteId {
    Home,
    Article,
    Preview,
    Stream,
    StreamFeed,
    StreamFeedJson,
    Tags,
    Tag,
    TagFeed,
    TagFeedJson,
    Author,
    AuthorFeed,
    AuthorFeedJson,
    Archive,
    ArchiveYear,
    ArchiveMonth,
    Search,
    SearchJson,
    Feed,
    FeedJson,
    Sitemap,
    Robots,
    OpenSearch,
    Healthz,
    Events,
    Static,
    Files,
    Image,
    Micropub,
    MicropubMedia,
    Work,
    Project,
    /// A standalone page at the root (`/about`): matched last, after every fixed path.
    Page,
}

impl RouteId {
    /// Every route, in the order [`table`] lists them.
    pub const ALL: [RouteId; 33] = [
        RouteId::Home,
        RouteId::Article,
        RouteId::Preview,
        RouteId::Stream,
        RouteId::StreamFeed,
        RouteId::StreamFeedJson,
        RouteId::Tags,
        RouteId::Tag,
        RouteId::TagFeed,
        RouteId::TagFeedJson,
        RouteId::Author,
        RouteId::AuthorFeed,
        RouteId::AuthorFeedJson,
        RouteId::Archive,
        RouteId::ArchiveYear,
        RouteId::ArchiveMonth,
        RouteId::Search,
        RouteId::SearchJson,
        RouteId::Feed,
        RouteId::FeedJson,
        RouteId::Sitemap,
        RouteId::Robots,
        RouteId::OpenSearch,
        RouteId::Healthz,
        RouteId::Events,
        RouteId::Static,
        RouteId::Files,
        RouteId::Image,
        RouteId::Micropub,
        RouteId::MicropubMedia,
        RouteId::Work,
        RouteId::Project,
        RouteId::Page,
    ];

    /// Responses that must be live each time: never kept by the response cache.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            RouteId::Healthz
                | RouteId::Events
                | RouteId::Micropub
                | RouteId::MicropubMedia
                | RouteId::Preview
        )
    }

    /// Micropub's endpoints, which take bodies and tokens and get layers of their own.
    pub fn is_micropub(self) -> bool {
        matches!(self, RouteId::Micropub | RouteId::MicropubMedia)
    }
}

/// One entry of the table: what the route is and its axum pattern (`/{name}` captures
/// one segment, `/{*name}` the rest of the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub id: RouteId,
    pub pattern: String,
}

/// The fixed part of the table; `{work}` stands for the portfolio's path segment, a
/// setting.
const PATTERNS: [(RouteId, &str); 33] = [
    (RouteId::Home, "/"),
    (RouteId::Article, "/dispatches/{slug}"),
    (RouteId::Preview, "/preview/{slug}"),
    (RouteId::Stream, "/streams/{id}"),
    (RouteId::StreamFeed, "/streams/{id}/feed.xml"),
    (RouteId::StreamFeedJson, "/streams/{id}/feed.json"),
    (RouteId::Tags, "/tags"),
    (RouteId::Tag, "/tags/{tag}"),
    (RouteId::TagFeed, "/tags/{tag}/feed.xml"),
    (RouteId::TagFeedJson, "/tags/{tag}/feed.json"),
    (RouteId::Author, "/authors/{id}"),
    (RouteId::AuthorFeed, "/authors/{id}/feed.xml"),
    (RouteId::AuthorFeedJson, "/authors/{id}/feed.json"),
    (RouteId::Archive, "/archive"),
    (RouteId::ArchiveYear, "/archive/{year}"),
    (RouteId::ArchiveMonth, "/archive/{year}/{month}"),
    (RouteId::Search, "/search"),
    (RouteId::SearchJson, "/search.json"),
    (RouteId::Feed, "/feed.xml"),
    (RouteId::FeedJson, "/feed.json"),
    (RouteId::Sitemap, "/sitemap.xml"),
    (RouteId::Robots, "/robots.txt"),
    (RouteId::OpenSearch, "/opensearch.xml"),
    (RouteId::Healthz, "/healthz"),
    (RouteId::Events, "/_events"),
    (RouteId::Static, "/static/{name}"),
    (RouteId::Files, "/files/{*path}"),
    (RouteId::Image, "/images/{key}/{name}"),
    (RouteId::Micropub, "/micropub"),
    (RouteId::MicropubMedia, "/micropub/media"),
    (RouteId::Work, "/{work}"),
    (RouteId::Project, "/{work}/{slug}"),
    (RouteId::Page, "/{page}"),
];

/// The whole table for a site whose portfolio lives at `/{work}`.
pub(crate) fn table(work: &str) -> Vec<Route> {
    PATTERNS
        .iter()
        .map(|(id, pattern)| Route {
            id: *id,
            pattern: pattern.replace("{work}", &encode(work)),
        })
        .collect()
}

/// The route `path` (without its query) belongs to and its captures, decoded; `None` for
/// a path no route answers. Fixed segments win over captures, as in the router.
pub fn parse(path: &str, work: &str) -> Option<(RouteId, Vec<String>)> {
    table(work)
        .iter()
        .filter_map(|r| matches(&r.pattern, path).map(|c| (r, c)))
        .max_by_key(|(r, _)| fixed_segments(&r.pattern))
        .map(|(r, c)| (r.id, c))
}

/// Whether `path` is one of the routes whose answers must be live ([`RouteId::is_live`]).
pub(crate) fn is_live(path: &str) -> bool {
    PATTERNS
        .iter()
        .any(|(id, pattern)| id.is_live() && matches(pattern, path).is_some())
}

/// How many fixed segments a pattern has: the more, the more specific.
fn fixed_segments(pattern: &str) -> usize {
    pattern.split('/').filter(|s| !s.starts_with('{')).count()
}

/// The captures of `path` against one pattern.
fn matches(pattern: &str, path: &str) -> Option<Vec<String>> {
    let mut captures = Vec::new();
    let mut segments = path.split('/');
    for want in pattern.split('/') {
        if want.starts_with("{*") {
            let rest: Vec<&str> = segments.by_ref().collect();
            if rest.is_empty() || rest.iter().any(|s| s.is_empty()) {
                return None;
            }
            captures.push(decode(&rest.join("/"))?);
            return Some(captures);
        }
        let got = segments.next()?;
        if want.starts_with('{') {
            if got.is_empty() {
                return None;
            }
            captures.push(decode(got)?);
        } else if got != want {
            return None;
        }
    }
    segments.next().is_none().then_some(captures)
}

/// Fills a pattern's captures with `args`, each percent-encoded (a `{*rest}` capture
/// keeps its slashes).
pub(crate) fn build(pattern: &str, args: &[&str]) -> String {
    let mut args = args.iter();
    let segments: Vec<String> = pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with("{*") {
                let value = args.next().copied().unwrap_or_default();
                value.split('/').map(encode).collect::<Vec<_>>().join("/")
            } else if segment.starts_with('{') {
                encode(args.next().copied().unwrap_or_default())
            } else {
                segment.to_string()
            }
        })
        .collect();
    let path = segments.join("/");
    if path.is_empty() { "/".into() } else { path }
}

/// The pattern of `id` when the portfolio lives at `/{work}`.
/// Borrowed for every route but the portfolio's, so building a link (a list page builds
/// dozens) allocates no pattern.
pub(crate) fn pattern(id: RouteId, work: &str) -> std::borrow::Cow<'static, str> {
    let (_, p) = PATTERNS
        .iter()
        .find(|(i, _)| *i == id)
        .expect("every route has a pattern");
    if p.contains("{work}") {
        p.replace("{work}", &encode(work)).into()
    } else {
        (*p).into()
    }
}

/// The route whose first segment is `segment` when it is fixed (`archive`, `feed.xml`,
/// the portfolio's): a page or an old address there would be shadowed by it. Returns
/// the route's pattern for the error message.
pub fn reserved(segment: &str, work: &str) -> Option<String> {
    if segment.is_empty() {
        return Some("/".into());
    }
    table(work)
        .into_iter()
        .filter(|r| r.id != RouteId::Page)
        .find(|r| r.pattern.split('/').nth(1) == Some(segment))
        .map(|r| r.pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sample captures for every route: what `build` fills in and `parse` must return.
    fn sample(id: RouteId) -> Vec<&'static str> {
        match id {
            RouteId::ArchiveYear => vec!["2026"],
            RouteId::ArchiveMonth => vec!["2026", "06"],
            RouteId::Files => vec!["a b/c d.png"],
            RouteId::Image => vec!["k3y", "480.webp"],
            RouteId::Page => vec!["über uns"],
            _ => {
                let n = pattern(id, "work").matches('{').count();
                ["c++ & rust/x", "second"][..n].to_vec()
            }
        }
    }

    #[test]
    fn every_route_parses_back_what_it_builds() {
        for work in ["work", "books"] {
            for id in RouteId::ALL {
                let args = sample(id);
                let path = build(&pattern(id, work), &args);
                let (got, captures) =
                    parse(&path, work).unwrap_or_else(|| panic!("{path} parses as nothing"));
                assert_eq!(got, id, "{path}");
                assert_eq!(captures, args, "{path}");
            }
        }
    }

    #[test]
    fn the_table_lists_every_route_once() {
        let table = table("work");
        for id in RouteId::ALL {
            assert_eq!(table.iter().filter(|r| r.id == id).count(), 1, "{id:?}");
        }
        assert_eq!(table.len(), RouteId::ALL.len());
    }

    #[test]
    fn fixed_paths_win_over_pages_and_unknown_paths_parse_as_nothing() {
        assert_eq!(parse("/archive", "work").unwrap().0, RouteId::Archive);
        assert_eq!(parse("/work", "work").unwrap().0, RouteId::Work);
        assert_eq!(parse("/work", "books").unwrap().0, RouteId::Page);
        assert_eq!(parse("/feed.xml", "work").unwrap().0, RouteId::Feed);
        assert_eq!(
            parse("/tags/x/feed.json", "work").unwrap().0,
            RouteId::TagFeedJson
        );
        assert_eq!(parse("/a/b/c/d", "work"), None);
        assert_eq!(parse("/dispatches/", "work"), None);
        assert_eq!(parse("/dispatches/%ZZ", "work"), None);
    }

    #[test]
    fn reserved_segments_name_the_route_that_owns_them() {
        assert_eq!(reserved("archive", "work").as_deref(), Some("/archive"));
        assert_eq!(reserved("feed.xml", "work").as_deref(), Some("/feed.xml"));
        assert_eq!(reserved("work", "work").as_deref(), Some("/work"));
        assert_eq!(
            reserved("static", "work").as_deref(),
            Some("/static/{name}")
        );
        assert_eq!(reserved("about", "work"), None);
        assert_eq!(reserved("work", "books"), None);
    }
}
