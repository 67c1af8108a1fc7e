#!/usr/bin/env python3
"""Reads a running site's pages with mf2py, as IndieWeb readers do: every article in the
sitemap must carry exactly one top-level h-entry with name, summary, content, published,
updated, url, an author h-card (name and url) and its tags as categories; the home page
and list pages an h-feed of h-entries; an author's page their h-card with rel="me" links
when the author file names some. Exits 1 with one line per problem."""
import re
import sys
import urllib.request

import mf2py

REQUIRED = ["name", "summary", "content", "published", "updated", "url", "author"]


def fetch(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as r:
        return r.read().decode()


def items(url):
    return mf2py.parse(doc=fetch(url), url=url)


def check_article(url, problems):
    parsed = items(url)
    entries = [i for i in parsed["items"] if "h-entry" in i["type"]]
    if len(entries) != 1:
        problems.append(f"{url}: {len(entries)} top-level h-entry (want exactly 1)")
        return
    props = entries[0]["properties"]
    for key in REQUIRED:
        if not props.get(key):
            problems.append(f"{url}: h-entry has no {key}")
    author = (props.get("author") or [{}])[0]
    if not isinstance(author, dict) or "h-card" not in author.get("type", []):
        problems.append(f"{url}: the author is not an h-card")
    elif not author["properties"].get("name") or not author["properties"].get("url"):
        problems.append(f"{url}: the author h-card lacks a name or url")
    page = fetch(url)
    tags = re.findall(r'class="tags">(.*?)</p>', page)
    if tags and not props.get("category"):
        problems.append(f"{url}: tags shown but no category")
    for u in props.get("url", []):
        if not u.startswith("http"):
            problems.append(f"{url}: u-url {u!r} is not absolute")


def check_feed(url, problems):
    parsed = items(url)
    feeds = [i for i in parsed["items"] if "h-feed" in i["type"]]
    if len(feeds) != 1:
        problems.append(f"{url}: {len(feeds)} h-feed (want 1)")
        return
    children = [c for c in feeds[0].get("children", []) if "h-entry" in c["type"]]
    if not children:
        problems.append(f"{url}: the h-feed holds no h-entry")
    for c in children:
        for key in ["name", "url", "published"]:
            if not c["properties"].get(key):
                problems.append(f"{url}: a listed h-entry has no {key}")


def main():
    base = sys.argv[1].rstrip("/")
    sitemap = fetch(base + "/sitemap.xml")
    locs = [re.sub(r"^https?://[^/]+", base, u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    problems = []
    articles = [u for u in locs if "/dispatches/" in u]
    lists = [u for u in locs if re.search(r"/(streams|tags|authors)/", u)]
    for url in articles:
        check_article(url, problems)
    for url in [base + "/"] + lists:
        check_feed(url, problems)
    for line in problems:
        print(line)
    print(f"check_mf2: {len(articles)} articles, {len(lists) + 1} lists: "
          f"{'ok' if not problems else f'{len(problems)} problems'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
