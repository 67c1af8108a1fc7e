#!/usr/bin/env python3
"""Checks what machines read from a running site: the Atom and JSON feeds (every page,
site-wide and for one stream, tag and author), the sitemap, robots.txt, the security
headers (with shcheck), conditional GETs and brotli. Helper of .ci/check-feeds.

    python3 tools/check_feeds.py BASE_URL [--name NAME] [--locs N] [--seed S]

--locs N checks N sitemap URLs picked at random with the seed (0, the default: all).
Prints a short summary; exits 1 if anything failed.
"""

import argparse
import http.client
import importlib.util
import json
import random
import re
import shutil
import string
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from html import unescape
from urllib.parse import quote, unquote, urlsplit

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
PER_FEED_PAGE = 20
TIMEOUT = 15
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
# RFC 4151: tag:authority,date:specific (the authority a DNS name or an email address).
TAG_URI = re.compile(r"^tag:([A-Za-z0-9.-]+|[^@\s,]+@[A-Za-z0-9.-]+),\d{4}(-\d{2}(-\d{2})?)?:\S+$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
URL_ATTRS = {"href", "src", "srcset", "poster", "cite", "data", "action", "formaction"}
# shcheck reports HSTS as missing on https only; it is a setting (hsts_max_age) anyway.
ALLOWED_MISSING = {"Strict-Transport-Security"}
# Tags match as SQLite's NOCASE compares: ASCII letters only.
_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold(tag):
    return tag.translate(_FOLD)


class Report:
    """Failures grouped by kind, a few examples each, so one broken template does not
    print a thousand lines."""

    EXAMPLES = 5

    def __init__(self):
        self.counts = Counter()
        self.examples = defaultdict(list)
        self.notes = []

    def fail(self, kind, detail):
        self.counts[kind] += 1
        if len(self.examples[kind]) < self.EXAMPLES:
            self.examples[kind].append(detail)

    def check(self, ok, kind, detail):
        if not ok:
            self.fail(kind, detail)
        return ok

    def note(self, text):
        self.notes.append(text)

    def print_failures(self, name):
        for kind, n in self.counts.items():
            print(f"{name}: FAIL {kind} ({n}x)", file=sys.stderr)
            for d in self.examples[kind]:
                print(f"    {d}", file=sys.stderr)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower(), "")

    @property
    def media_type(self):
        return self.header("content-type").split(";")[0].strip().lower()


def iri_to_uri(url):
    """Percent-encodes what is not ASCII (a sitemap may list IRIs) and leaves the rest."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def get(url, headers=None):
    """One GET without following redirects; Accept-Encoding is identity unless given."""
    parts = urlsplit(iri_to_uri(url))
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def rfc3339(value):
    """The datetime of an RFC 3339 string, or None."""
    if not isinstance(value, str) or not RFC3339.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except ValueError:
        return None


def is_absolute_under(url, base):
    return isinstance(url, str) and url.startswith(base + "/")


# A start tag (quoted values may hold ">"), and its attributes. Text in HTML has "<"
# escaped, so every "<" followed by a letter opens a real tag.
START_TAG = re.compile(r"""<([A-Za-z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*/?>""")
ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def url_attrs(html):
    """(tag, attr, url) for every URL-valued attribute of an HTML fragment (a regular
    expression, not a parser: feeds hold megabytes of HTML and this runs on all of it)."""
    for tag in START_TAG.finditer(html):
        for a in ATTR.finditer(tag.group(2)):
            name = a.group(1).lower()
            if name not in URL_ATTRS:
                continue
            value = unescape(next((g for g in a.groups()[1:] if g is not None), "")).strip()
            if name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        yield tag.group(1), name, url
            else:
                yield tag.group(1), name, value


def relative_urls(html):
    """(kind, tag, attr, value) for every link or embed in html that a reader showing the
    entry away from the site could not resolve: root-relative, fragment-only, or a
    relative path. Absolute URLs (any scheme) and protocol-relative ones are fine."""
    out = []
    for tag, attr, v in url_attrs(html):
        if not v or SCHEME.match(v) or v.startswith("//"):
            continue
        if v.startswith("/"):
            kind = "root-relative"
        elif v.startswith("#"):
            kind = "fragment-only"
        else:
            # On the article page it resolves against the article; in a feed, against
            # the feed's URL (Atom without xml:base) or nothing at all (JSON Feed).
            kind = "path-relative"
        out.append((kind, tag, attr, v))
    return out


def check_content_urls(report, where, html):
    for kind, tag, attr, v in relative_urls(html):
        report.fail(f"{kind} URL in feed content", f"{where}: <{tag} {attr}=\"{v}\">")


def feedparser_json_support():
    """feedparser parses JSON Feed only from 7.0 (feedparser.parsers.json); 6.x does not."""
    try:
        return importlib.util.find_spec("feedparser.parsers.json") is not None
    except ModuleNotFoundError:
        return False


# --- sitemap and robots ----------------------------------------------------------------


def check_sitemap(report, base):
    r = get(base + "/sitemap.xml")
    report.check(r.status == 200, "sitemap status", f"/sitemap.xml answered {r.status}")
    report.check(
        r.media_type in ("application/xml", "text/xml"),
        "sitemap content type",
        f"/sitemap.xml is {r.header('content-type')!r}",
    )
    try:
        root = ET.fromstring(r.body)
    except ET.ParseError as e:
        report.fail("sitemap not well-formed", f"/sitemap.xml: {e}")
        return []
    report.check(
        root.tag == f"{{{SITEMAP_NS}}}urlset",
        "sitemap namespace",
        f"root element is {root.tag}, not {{{SITEMAP_NS}}}urlset",
    )
    locs = []
    for url in root:
        loc = url.find(f"{{{SITEMAP_NS}}}loc")
        if not report.check(loc is not None and loc.text, "sitemap <url> without <loc>", ET.tostring(url)[:120]):
            continue
        text = loc.text.strip()
        parts = urlsplit(text)
        report.check(
            parts.scheme in ("http", "https") and parts.netloc and text.startswith(base + "/"),
            "sitemap <loc> not absolute under the base URL",
            text,
        )
        lastmod = url.find(f"{{{SITEMAP_NS}}}lastmod")
        if lastmod is not None:
            ok = rfc3339(lastmod.text) is not None or re.match(r"^\d{4}-\d{2}-\d{2}$", lastmod.text or "")
            report.check(ok, "sitemap <lastmod> not a W3C datetime", f"{text}: {lastmod.text}")
        locs.append(text)
    dupes = [u for u, n in Counter(locs).items() if n > 1]
    report.check(not dupes, "sitemap lists a URL twice", ", ".join(dupes[:5]))
    # /tags/Go and /tags/go are one page (tags match without regard to case).
    tags = defaultdict(list)
    for u in locs:
        path = unquote(urlsplit(u).path)
        if path.startswith("/tags/"):
            tags[fold(path)].append(path)
    for same in tags.values():
        report.check(len(same) == 1, "sitemap lists one tag page under several spellings", " and ".join(same))
    return locs


def check_locs(report, locs, sample, seed):
    """Every loc (or a seeded sample) answers 200 itself, not through a redirect."""
    chosen = locs if sample <= 0 or sample >= len(locs) else random.Random(seed).sample(locs, sample)

    def status(url):
        try:
            return url, get(url).status
        except OSError as e:
            return url, f"error {e}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        for url, st in pool.map(status, chosen):
            report.check(st == 200, "sitemap <loc> does not answer 200", f"{url}: {st}")
    return len(chosen)


def check_robots(report, base):
    r = get(base + "/robots.txt")
    report.check(r.status == 200, "robots.txt status", f"answered {r.status}")
    lines = [ln.strip() for ln in r.body.decode("utf-8", "replace").splitlines()]
    want = f"{base}/sitemap.xml"
    named = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("sitemap:")]
    report.check(want in named, "robots.txt does not name the sitemap", f"Sitemap lines: {named}")


# --- Atom ---------------------------------------------------------------------------


def links_of(parsed_feed):
    out = {}
    for link in parsed_feed.get("links", []):
        out.setdefault(link.get("rel"), link.get("href"))
    return out


def walk_atom(report, base, first_url, expect_home):
    """Follows rel=next from first_url; returns the entries as (id, link, categories)."""
    entries = []
    url, page, seen = first_url, 1, set()
    pages, lasts = [], set()
    while url:
        where = url[len(base):]
        if not report.check(url not in seen, "Atom rel=next loops", where):
            break
        seen.add(url)
        pages.append(url)
        r = get(url)
        if not report.check(r.status == 200, "Atom page status", f"{where}: {r.status}"):
            break
        report.check(r.media_type == "application/atom+xml", "Atom content type", f"{where}: {r.header('content-type')!r}")
        d = feedparser.parse(
            r.body,
            response_headers={"content-type": r.header("content-type")},
            # Neither changes bozo; both cost most of the time, and the URL checks read
            # the raw XML anyway.
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        report.check(not d.bozo, "Atom feedparser bozo", f"{where}: {d.get('bozo_exception')}")
        report.check(d.version == "atom10", "Atom version", f"{where}: feedparser says {d.version!r}")
        f = d.feed
        for field in ("id", "title", "updated"):
            report.check(f.get(field), f"Atom feed without <{field}>", where)
        links = links_of(f)
        report.check(links.get("self") == url, "Atom rel=self is not the page's URL", f"{where}: {links.get('self')}")
        report.check(links.get("first") == first_url, "Atom rel=first", f"{where}: {links.get('first')}")
        report.check(links.get("alternate") == expect_home, "Atom rel=alternate", f"{where}: {links.get('alternate')} (want {expect_home})")
        prev = links.get("previous") or links.get("prev")
        if page == 1:
            report.check(prev is None, "Atom rel=previous on the first page", f"{where}: {prev}")
        else:
            report.check(prev == pages[-2], "Atom rel=previous is not the page before", f"{where}: {prev}")
        lasts.add(links.get("last"))
        nxt = links.get("next")
        if nxt is not None:
            if not report.check(is_absolute_under(nxt, base), "Atom rel=next not absolute", f"{where}: {nxt}"):
                nxt = None
            report.check(len(d.entries) == PER_FEED_PAGE, "Atom page before the last is not full", f"{where}: {len(d.entries)}")

        # The raw XML too: the URL checks must see the content exactly as it was sent.
        try:
            raw = ET.fromstring(r.body).findall(f"{ATOM}entry")
        except ET.ParseError as e:
            report.fail("Atom not well-formed", f"{where}: {e}")
            break
        report.check(len(raw) == len(d.entries), "Atom entry count differs from feedparser's", where)
        for e, x in zip(d.entries, raw):
            eid = e.get("id", "")
            at = f"{where} {eid or '(no id)'}"
            report.check(TAG_URI.match(eid or ""), "Atom entry id is not a tag: URI", at)
            report.check((e.get("title") or "").strip(), "Atom entry without title", at)
            link = e.get("link", "")
            report.check(is_absolute_under(link, base + "/dispatches"), "Atom entry link", f"{at}: {link}")
            published, updated = rfc3339(x.findtext(f"{ATOM}published")), rfc3339(x.findtext(f"{ATOM}updated"))
            report.check(published, "Atom entry published missing or not RFC 3339", at)
            report.check(updated, "Atom entry updated missing or not RFC 3339", at)
            if published and updated:
                report.check(updated >= published, "Atom entry updated before published", at)
            report.check((e.get("author") or "").strip(), "Atom entry without author", at)
            content = x.findtext(f"{ATOM}content") or ""
            report.check(content.strip(), "Atom entry without content", at)
            report.check(e.get("content") and e.content[0].get("value", "").strip(), "Atom content empty for feedparser", at)
            check_content_urls(report, at, content)
            entries.append((eid, unquote(link), [t.get("term") for t in e.get("tags", [])]))
        url = nxt
        page += 1
    if pages:
        # Every page names the same last page, and it is where rel=next ends.
        report.check(lasts == {pages[-1]}, "Atom rel=last is not the final page", f"{first_url}: {lasts} vs {pages[-1]}")
    ids = [e[0] for e in entries]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    report.check(not dupes, "Atom entry ids repeat across pages", ", ".join(dupes[:5]))
    return entries, len(pages)


# --- JSON Feed ----------------------------------------------------------------------


def walk_json(report, base, first_url, expect_home, feedparser_json):
    items = []
    url, seen, pages = first_url, set(), 0
    while url:
        where = url[len(base):]
        if not report.check(url not in seen, "JSON next_url repeats (loop)", where):
            break
        seen.add(url)
        pages += 1
        r = get(url)
        if not report.check(r.status == 200, "JSON page status", f"{where}: {r.status}"):
            break
        report.check(r.media_type == "application/feed+json", "JSON content type", f"{where}: {r.header('content-type')!r}")
        try:
            feed = json.loads(r.body)
        except ValueError as e:
            report.fail("JSON not parseable", f"{where}: {e}")
            break
        if not report.check(isinstance(feed, dict), "JSON top level is not an object", where):
            break
        # Required by JSON Feed 1.1: version, title, items.
        report.check(feed.get("version") == JSONFEED_VERSION, "JSON version", f"{where}: {feed.get('version')!r}")
        report.check(isinstance(feed.get("title"), str) and feed["title"].strip(), "JSON title", where)
        report.check(isinstance(feed.get("items"), list), "JSON items is not an array", where)
        # What we promise beyond the spec's minimum.
        report.check(feed.get("feed_url") == url, "JSON feed_url is not the page's URL", f"{where}: {feed.get('feed_url')}")
        report.check(feed.get("home_page_url") == expect_home, "JSON home_page_url", f"{where}: {feed.get('home_page_url')} (want {expect_home})")
        for a in feed.get("authors", []) or []:
            report.check(isinstance(a, dict) and any(a.get(k) for k in ("name", "url", "avatar")), "JSON feed author", f"{where}: {a}")
        nxt = feed.get("next_url")
        if nxt is not None:
            if not report.check(is_absolute_under(nxt, base), "JSON next_url not absolute", f"{where}: {nxt}"):
                nxt = None
            report.check(nxt != feed.get("feed_url"), "JSON next_url equals feed_url", where)
            report.check(len(feed.get("items") or []) == PER_FEED_PAGE, "JSON page before the last is not full", where)
        if feedparser_json:
            d = feedparser.parse(
                r.body,
                response_headers={"content-type": r.header("content-type")},
                sanitize_html=False,
                resolve_relative_uris=False,
            )
            report.check(not d.bozo, "JSON feedparser bozo", f"{where}: {d.get('bozo_exception')}")
            report.check(str(d.version).startswith("json"), "JSON feedparser version", f"{where}: {d.version!r}")
        for it in feed.get("items") or []:
            if not report.check(isinstance(it, dict), "JSON item is not an object", where):
                continue
            iid = it.get("id")
            at = f"{where} {iid or '(no id)'}"
            report.check(isinstance(iid, str) and iid.strip(), "JSON item id missing or not a string", at)
            html, text = it.get("content_html"), it.get("content_text")
            report.check(
                (isinstance(html, str) and html.strip()) or (isinstance(text, str) and text.strip()),
                "JSON item without content_html or content_text",
                at,
            )
            report.check(is_absolute_under(it.get("url"), base + "/dispatches"), "JSON item url", f"{at}: {it.get('url')}")
            published = rfc3339(it.get("date_published"))
            report.check(published, "JSON item date_published missing or not RFC 3339", f"{at}: {it.get('date_published')!r}")
            if "date_modified" in it:
                modified = rfc3339(it["date_modified"])
                report.check(modified, "JSON item date_modified not RFC 3339", f"{at}: {it['date_modified']!r}")
                if modified and published:
                    report.check(modified >= published, "JSON item modified before published", at)
            report.check(isinstance(it.get("title", ""), str), "JSON item title not a string", at)
            for a in it.get("authors", []) or []:
                report.check(isinstance(a, dict) and any(a.get(k) for k in ("name", "url", "avatar")), "JSON item author", f"{at}: {a}")
            tags = it.get("tags", [])
            report.check(isinstance(tags, list) and all(isinstance(t, str) for t in tags), "JSON item tags", at)
            if "image" in it:
                report.check(SCHEME.match(str(it["image"])), "JSON item image not absolute", f"{at}: {it['image']}")
            if isinstance(html, str):
                check_content_urls(report, at, html)
            items.append((iid, unquote(it.get("url") or "")))
        url = nxt
    ids = [i[0] for i in items]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    report.check(not dupes, "JSON item ids repeat across pages", ", ".join(map(str, dupes[:5])))
    return items, pages


def check_feed_pair(report, base, path, home, feedparser_json):
    """Both formats of one feed (path: the page it mirrors, percent-encoded as the server
    writes it, "" for the site); returns (Atom entries, Atom pages, JSON items, JSON pages)."""
    atom, atom_pages = walk_atom(report, base, f"{base}{path}/feed.xml", home)
    items, json_pages = walk_json(report, base, f"{base}{path}/feed.json", home, feedparser_json)
    report.check(
        [e[0] for e in atom] == [i[0] for i in items],
        "Atom and JSON list different entries",
        f"{path or '/'}: {len(atom)} Atom, {len(items)} JSON",
    )
    return atom, atom_pages, len(items), json_pages


# --- HTML list pages ---------------------------------------------------------------


def html_total(report, base, path):
    """Counts the items on every page of a list page, following rel=next, and checks the
    pager's "Page k of N" agrees."""
    count, url, seen, pages_said = 0, base + path, set(), None
    while url and url not in seen:
        seen.add(url)
        r = get(url)
        if not report.check(r.status == 200, "list page status", f"{url[len(base):]}: {r.status}"):
            return None
        html = r.body.decode("utf-8", "replace")
        count += len(re.findall(r'<li class="item[ "]', html))
        m = re.search(r"Page (\d+) of (\d+)", html)
        if m:
            pages_said = int(m.group(2))
        m = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = None
        if m:
            href = m.group(1).replace("&amp;", "&")
            url = href if SCHEME.match(href) else base + href
    report.check(
        len(seen) == (pages_said or 1),
        "list pager disagrees with its pages",
        f"{path}: says {pages_said} pages, walked {len(seen)}",
    )
    return count


# --- headers -----------------------------------------------------------------------


def shcheck(report, base, paths):
    """Runs shcheck (the module of the shcheck package, run with this interpreter) and
    prints its findings per URL."""
    urls = [base + p for p in paths]
    cmd = [sys.executable, "-m", "shcheck.shcheck", "--colours", "none", "--json-output", "--use-get-method", *urls]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        report.fail("shcheck timed out", " ".join(urls))
        return
    try:
        results = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        report.fail("shcheck gave no JSON", (out.stdout + out.stderr).strip()[-300:])
        return
    for url, path in zip(urls, paths):
        res = results.get(url)
        if not report.check(res is not None, "shcheck did not report a URL", f"{path}: {out.stderr.strip()[-200:]}"):
            continue
        missing = [h for h in res.get("missing", []) if h not in ALLOWED_MISSING]
        print(
            f"  shcheck {path}: {len(res.get('present', {}))} security headers present, "
            f"{len(missing)} missing{': ' + ', '.join(missing) if missing else ''}"
        )
        for h in missing:
            report.fail("security header missing (shcheck)", f"{path}: {h}")


def check_http_caching(report, base, paths):
    """Conditional GETs answer 304 for the identity and the brotli representation, and
    brotli is what a client that asks for it gets (decoded by curl, identical)."""
    curl = shutil.which("curl")
    curl_br = False
    if curl:
        v = subprocess.run([curl, "-V"], capture_output=True, text=True, timeout=10).stdout
        curl_br = "brotli" in v
    for path in paths:
        url = base + path
        plain = get(url)
        if not report.check(plain.status == 200, "status", f"{path}: {plain.status}"):
            continue
        etag, last_modified = plain.header("etag"), plain.header("last-modified")
        report.check(etag.startswith('"'), "no strong ETag", f"{path}: {etag!r}")
        if etag:
            r = get(url, {"If-None-Match": etag})
            report.check(r.status == 304 and not r.body, "If-None-Match did not give 304", f"{path}: {r.status}")
            report.check(r.header("etag") == etag, "304 without the same ETag", f"{path}: {r.header('etag')!r}")
        if last_modified:
            r = get(url, {"If-Modified-Since": last_modified})
            report.check(r.status == 304, "If-Modified-Since did not give 304", f"{path}: {r.status}")
        br = get(url, {"Accept-Encoding": "br"})
        report.check(br.header("content-encoding") == "br", "Accept-Encoding: br not honoured", f"{path}: Content-Encoding {br.header('content-encoding')!r}")
        report.check("accept-encoding" in br.header("vary").lower(), "no Vary: Accept-Encoding", path)
        report.check(br.header("etag") not in ("", etag), "br response shares the identity ETag", f"{path}: {br.header('etag')!r}")
        report.check(len(br.body) < len(plain.body), "br body is not smaller", f"{path}: {len(br.body)} vs {len(plain.body)}")
        if br.header("etag"):
            r = get(url, {"Accept-Encoding": "br", "If-None-Match": br.header("etag")})
            report.check(r.status == 304, "If-None-Match with the br ETag did not give 304", f"{path}: {r.status}")
        if curl_br:
            decoded = subprocess.run(
                [curl, "-sS", "--max-time", "15", "--compressed", "-H", "Accept-Encoding: br", iri_to_uri(url)],
                capture_output=True,
                timeout=30,
            ).stdout
            report.check(decoded == plain.body, "br body does not decode to the identity body", path)
    if not curl_br:
        report.note("curl without brotli: br bodies not decoded")


# --- main --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base")
    ap.add_argument("--name", default="site")
    ap.add_argument("--locs", type=int, default=0, help="sitemap URLs to fetch (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    name = args.name
    started = time.monotonic()
    report = Report()
    fp_json = feedparser_json_support()

    locs = check_sitemap(report, base)
    check_robots(report, base)
    paths = [unquote(urlsplit(u).path) for u in locs]
    articles = {unquote(u) for u, p in zip(locs, paths) if p.startswith("/dispatches/")}
    kinds = {k: [p for p in paths if p.startswith(f"/{k}/")] for k in ("streams", "tags", "authors")}
    report.check(articles, "sitemap lists no articles", base)
    checked_locs = check_locs(report, locs, args.locs, args.seed)
    iris = [u for u in locs if not u.isascii()]
    if iris:
        report.note(f"{len(iris)} sitemap URLs are IRIs, not percent-encoded (e.g. {iris[0]})")

    # The site feeds: every page, every entry, the same articles as the sitemap.
    atom, atom_pages, json_items, json_pages = check_feed_pair(report, base, "", base + "/", fp_json)
    report.check(
        len(atom) == len(articles),
        "feed total differs from the sitemap's articles",
        f"{len(atom)} entries, {len(articles)} articles in the sitemap",
    )
    links = {e[1] for e in atom}
    report.check(
        links == articles,
        "feed entries are not the sitemap's articles",
        f"only in the feed: {sorted(links - articles)[:3]}; only in the sitemap: {sorted(articles - links)[:3]}",
    )
    print(
        f"  /feed.xml {len(atom)} entries in {atom_pages} pages, /feed.json {json_items} items in "
        f"{json_pages} pages; the sitemap lists {len(articles)} articles"
    )

    # One stream, one tag, one author. The tag is the most used one, so that its feed
    # pages; its count is also checked against the site feed's categories (tags match
    # without regard to case, as the tag pages do).
    tag_use = Counter(t for e in atom for t in {fold(c) for c in e[2]})
    picks = []
    if kinds["streams"]:
        picks.append(kinds["streams"][0])
    if kinds["tags"]:
        picks.append(sorted(kinds["tags"], key=lambda p: -tag_use[fold(p[len("/tags/"):])])[0])
    if kinds["authors"]:
        picks.append(kinds["authors"][0])
    site_ids = {e[0] for e in atom}
    for path in picks:
        quoted = quote(path)  # as the server encodes ids and tags in its links
        scoped, ap_, ji_, jp_ = check_feed_pair(report, base, quoted, base + quoted, fp_json)
        expected = html_total(report, base, quoted)
        n = len(scoped)
        report.check(0 < n <= len(atom), "scoped feed size", f"{path}: {n} entries, site {len(atom)}")
        report.check(n == expected, "scoped feed total differs from its page's items", f"{path}: feed {n}, page {expected}")
        report.check({e[0] for e in scoped} <= site_ids, "scoped feed has entries the site feed lacks", path)
        if path.startswith("/tags/"):
            tag = fold(path[len("/tags/"):])
            report.check(n == tag_use[tag], "tag feed total differs from the site feed's categories", f"{path}: {n} vs {tag_use[tag]}")
        print(f"  {path}: Atom {n} entries in {ap_} pages, JSON {ji_} items in {jp_} pages; its page lists {expected}")
    missing_kinds = [k for k in ("streams", "tags", "authors") if not kinds[k]]
    if missing_kinds:
        print(f"  no {', '.join(missing_kinds)} in this site's sitemap")

    # Headers on a page of each kind.
    home = get(base + "/").body.decode("utf-8", "replace")
    css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', home)
    report.check(css, "no stylesheet link on the home page", base + "/")
    header_paths = ["/"]
    if articles:
        header_paths.append(urlsplit(sorted(articles)[0]).path)
    header_paths.append("/feed.xml")
    if css:
        header_paths.append(css.group(1))
    shcheck(report, base, header_paths)
    check_http_caching(report, base, header_paths)

    print(
        f"  sitemap: {len(locs)} URLs, {checked_locs} fetched; robots.txt names it; "
        f"feedparser {feedparser.__version__} "
        + ("parses JSON Feed (checked bozo == 0)" if fp_json else "has no JSON Feed parser (JSON checked against the spec here)")
    )
    for n in report.notes:
        print(f"  note: {n}")
    elapsed = time.monotonic() - started
    if report.counts:
        report.print_failures(name)
        print(f"  {name}: {sum(report.counts.values())} failures in {len(report.counts)} kinds ({elapsed:.1f} s)")
        return 1
    print(f"  {name}: feeds, sitemap and headers OK ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
