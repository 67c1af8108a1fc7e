#!/usr/bin/env python3
"""Deterministic synthetic corpus for the benchmarks.

    python3 bench/gen_corpus.py --n 2000 --out DIR [--seed 7]

writes

    DIR/content/<slug>.md              N articles (YAML front matter) for dispatches
    DIR/content/streams/<id>.md        the streams the articles name
    DIR/content/authors/<id>.md        the authors the articles name
    DIR/hugo/config.toml               a minimal Hugo site (highlighting on)
    DIR/hugo/layouts/...               minimal layouts: article pages, lists, taxonomies
    DIR/hugo/content/posts/<slug>.md   the same N article files, byte for byte

Every article has prose built from the word lists below, h2/h3 headings, a list, a
table, 1-3 fenced code blocks (rust, go, python, sql, bash, json), 2-4 tags from a pool
of 61 (each with its own topic words), one of 5 streams, a date between 2017 and 2024 and a unique title. The same
seed and N always give the same bytes.
"""

import argparse
import json
import os
import random
import re
import shutil
from datetime import datetime, timedelta, timezone

# --- vocabulary (written for this generator) -----------------------------------------

# General nouns, used by every article.
NOUNS = """
archive index writer reader page table row column note draft letter reply question
answer problem reason week morning evening day year month hour minute decision habit
routine detail number list step rule change version mistake fix idea plan budget team
meeting window desk notebook path place room door house street town road river bridge
station market kettle winter spring summer autumn friend neighbour colleague
""".split()

# Topic nouns, one pool per tag: an article leans on the pools of its tags, so a topic
# word is common inside its topic and rare outside it, as in a real archive.
TOPICS = {
    "sqlite": "wal checkpoint pager btree vacuum pragma journal rowid",
    "postgres": "autovacuum tuple planner replica slot bloat sequence tablespace",
    "rust": "borrow lifetime trait crate macro closure enum iterator",
    "go": "goroutine channel interface slice struct defer module gopher",
    "python": "interpreter decorator generator wheel virtualenv dataclass coroutine pickle",
    "sql": "join predicate subquery aggregate cursor projection clause view",
    "bash": "shell pipeline heredoc subshell redirect glob alias prompt",
    "json": "schema payload serializer key array object parser field",
    "caching": "cache eviction hit miss expiry key warmup layer",
    "builds": "compiler linker artifact target toolchain cache profile dependency",
    "ci": "runner pipeline job artifact workflow matrix badge cache",
    "testing": "fixture assertion mock harness snapshot regression oracle coverage",
    "performance": "benchmark throughput flamegraph profile hotspot allocation regression baseline",
    "latency": "tail percentile queue jitter timeout budget deadline spike",
    "search": "query snippet ranking tokenizer stemmer relevance facet highlight",
    "indexing": "index posting segment merge shard term dictionary bitmap",
    "full-text": "tokenizer phrase prefix posting stemmer ranking snippet match",
    "wal": "wal checkpoint frame writer reader fsync segment log",
    "backups": "backup snapshot restore archive tape copy retention replica",
    "replication": "replica leader follower lag stream failover quorum log",
    "migrations": "migration schema column backfill rollback version script table",
    "schemas": "schema column constraint key table type default relation",
    "feeds": "feed atom entry subscriber reader aggregator item channel",
    "markdown": "markdown heading fence footnote emphasis link blockquote list",
    "templates": "template partial layout block filter macro loop variable",
    "typography": "typeface glyph kerning ligature serif baseline leading measure",
    "accessibility": "screenreader contrast landmark label focus keyboard caption heading",
    "design": "grid palette margin whitespace rhythm sketch wireframe component",
    "css": "selector cascade specificity grid flexbox variable property stylesheet",
    "html": "element attribute anchor form landmark document tag heading",
    "http": "header request response cookie status redirect proxy keepalive",
    "tls": "certificate handshake cipher key chain resumption authority renewal",
    "dns": "resolver record zone nameserver lookup delegation cache expiry",
    "networking": "socket packet router latency bandwidth firewall route interface",
    "linux": "kernel process syscall cgroup namespace daemon scheduler inode",
    "containers": "container image layer registry volume namespace runtime orchestrator",
    "deployment": "release rollout canary rollback artifact server environment deploy",
    "monitoring": "metric alert dashboard probe exporter graph threshold pager",
    "logging": "log line level rotation aggregator field trace journal",
    "profiling": "profiler sample flamegraph stack frame hotspot counter trace",
    "memory": "heap stack allocation allocator pointer leak arena page",
    "concurrency": "thread lock mutex race atomic semaphore deadlock scheduler",
    "async": "future runtime executor task waker poll reactor await",
    "ferries": "ferry deck crossing harbour timetable pier captain ramp",
    "coastlines": "coastline cliff dune tide shore headland cove erosion",
    "birds": "curlew heron gull plover tern wader binoculars flock",
    "weather": "rain wind fog squall barometer forecast gale drizzle",
    "lighthouses": "lighthouse lantern keeper lens beacon foghorn gallery tower",
    "maps": "map chart contour scale legend compass survey grid",
    "surveys": "survey transect count tally quadrat sample volunteer clipboard",
    "gardens": "garden allotment seedling compost trellis orchard hedge bed",
    "letters": "letter envelope stamp postcard reader reply postmark correspondent",
    "corrections": "correction erratum mistake reader figure footnote retraction apology",
    "history": "history archive ledger century almanac chronicle museum record",
    "books": "book chapter paperback margin index edition library shelf",
    "reading": "reading chapter bookmark page sentence margin lamp evening",
    "tools": "tool hammer workbench chisel spanner vise toolbox bench",
    "editors": "editor buffer cursor keybinding plugin macro register mode",
    "workflows": "workflow checklist habit routine queue handoff calendar inbox",
    "teaching": "lesson student teacher exercise lecture workshop syllabus chalkboard",
    "interviews": "interview guest question transcript recorder answer conversation microphone",
}
TOPICS = {k: v.split() for k, v in TOPICS.items()}

VERBS = """
reads writes keeps moves checks counts measures records replaces rebuilds repairs
carries follows watches tracks explains answers rewrites publishes indexes caches
compresses flushes syncs locks releases retries schedules parses renders highlights
serves forwards collects sorts merges splits trims prunes copies restores verifies
""".split()

VERBS_BASE = """
read write keep move check count measure record replace rebuild repair carry follow
watch track explain answer rewrite publish index cache compress flush sync lock
release retry schedule parse render highlight serve forward collect sort merge split
trim prune copy restore verify
""".split()

ADJECTIVES = """
quiet slow fast careful small large old new cold warm early late narrow wide steady
patient honest stubborn simple plain clever modest rough gentle local remote shared
private durable fragile brittle robust crowded empty busy idle sharp blunt bright
dim heavy light hidden obvious ordinary unusual familiar strange useful wasteful
""".split()

ADVERBS = """
slowly quietly carefully quickly rarely often usually eventually suddenly gradually
honestly plainly barely nearly always seldom politely stubbornly reliably
""".split()

CONNECTORS = [
    "because", "although", "while", "until", "unless", "since", "after", "before",
    "so that", "even when", "as long as", "whenever",
]

OPENERS = [
    "In practice", "For a while", "On most days", "By the second week", "In the end",
    "At first", "Later that year", "More often than not", "To be fair", "In short",
    "On a good day", "Once again", "As it turned out", "For the record", "Every spring",
]

PLACES = [
    "the north pier", "the old station", "the second floor", "the estuary", "the archive room",
    "the harbour office", "the workshop", "the night shift", "the ferry deck", "the lighthouse",
]

TAGS = list(TOPICS)

STREAMS = {
    "technical": ("Technical Dispatch", "Working notes on databases, builds and the tools behind a publication."),
    "field-notes": ("Field Notes", "Reports from outside: coastlines, ferries and surveys."),
    "letters": ("Letters", "Replies to readers, corrections and notes to our future selves."),
    "reviews": ("Reviews", "Books, tools and places, read and tried slowly."),
    "interviews": ("Interviews", "Conversations with the people who keep small systems running."),
}

AUTHORS = {
    "ada": ("Ada Marlow", "Writes about storage engines and the weather."),
    "ben": ("Ben Ortega", "Keeps the build green and the ferry timetable current."),
    "cleo": ("Cleo Varga", "Edits the letters and answers most of the mail."),
}

TITLE_PATTERNS = [
    "The {adj} {noun} and the {noun2}",
    "Notes on {a_adj} {noun}",
    "How the {noun} {verb} the {noun2}",
    "What {a_adj} {noun} taught us about the {noun2}",
    "{A_adj} week with the {noun}",
    "Why the {noun} {verb} {adv}",
    "Against the {adj} {noun}",
    "The {noun} at {place}",
    "{Adj} {nouns}, {adj2} {nouns2}",
    "A field guide to the {adj} {noun}",
    "When the {noun} {verb} the {noun2} {adv}",
    "On keeping {a_adj} {noun}",
]

LANGS = ["rust", "go", "python", "sql", "bash", "json"]


# --- helpers ---------------------------------------------------------------------------

def plural(n):
    if n.endswith(("s", "x", "ch", "sh")):
        return n + "es"
    if n.endswith("y") and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    return n + "s"


def a_an(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def slugify(s):
    s = re.sub(r"[^a-z0-9]+", "-", s.lower())
    return s.strip("-")


class Writer:
    def __init__(self, rng):
        self.r = rng
        self.topic = NOUNS

    def pick(self, xs):
        return self.r.choice(xs)

    def noun(self):
        """A topic noun of the current article about half the time, else a general one."""
        return self.r.choice(self.topic if self.r.random() < 0.5 else NOUNS)

    def noun_phrase(self):
        r = self.r
        if r.random() < 0.45:
            return f"the {self.pick(ADJECTIVES)} {self.noun()}"
        if r.random() < 0.5:
            return f"the {self.noun()}"
        return f"{a_an(self.noun())} of {plural(self.noun())}"

    def clause(self):
        r = self.r
        core = f"{self.noun_phrase()} {self.pick(VERBS)} {self.noun_phrase()}"
        x = r.random()
        if x < 0.25:
            core += f" {self.pick(ADVERBS)}"
        elif x < 0.45:
            core += f" at {self.pick(PLACES)}"
        elif x < 0.6:
            core += f" with {r.randint(2, 90)} {plural(self.noun())}"
        return core

    def sentence(self):
        r = self.r
        x = r.random()
        if x < 0.3:
            s = f"{self.pick(OPENERS)}, {self.clause()}"
        elif x < 0.6:
            s = f"{self.clause()} {self.pick(CONNECTORS)} {self.clause()}"
        elif x < 0.75:
            s = f"{self.clause()}, and {self.clause()}"
        elif x < 0.85:
            s = f"nobody expected {self.noun_phrase()} to {self.pick(VERBS_BASE)} {self.noun_phrase()}"
        else:
            s = self.clause()
        s = s[0].upper() + s[1:]
        # Now and then some inline markup, as real posts have.
        y = r.random()
        if y < 0.08:
            w = self.noun()
            s = s.replace(f" {w}", f" `{w}`", 1)
        elif y < 0.14:
            w = self.pick(ADJECTIVES)
            s = s.replace(f" {w}", f" *{w}*", 1)
        elif y < 0.17:
            s += f" (see [the {self.noun()} notes](https://example.org/{self.noun()}))"
        return s + self.pick([".", ".", ".", ".", "?", "!"] if r.random() < 0.1 else ["."])

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.r.randint(3, 6)))

    def heading_text(self):
        r = self.r
        x = r.random()
        if x < 0.4:
            return f"The {self.pick(ADJECTIVES)} {self.noun()}"
        if x < 0.7:
            return f"Why the {self.noun()} {self.pick(VERBS)}"
        return f"{self.pick(OPENERS)}"

    def a_list(self):
        r = self.r
        ordered = r.random() < 0.35
        items = []
        for i in range(r.randint(3, 6)):
            mark = f"{i + 1}." if ordered else "-"
            c = self.clause()
            items.append(f"{mark} {c[0].upper()}{c[1:]}.")
        return "\n".join(items)

    def table(self):
        r = self.r
        cols = ["setting", "before", "after", "note"]
        rows = ["| " + " | ".join(cols) + " |", "|---|---:|---:|---|"]
        for _ in range(r.randint(3, 6)):
            rows.append(
                f"| `{self.noun()}_{self.noun()}` | {r.randint(1, 999)} ms | "
                f"{r.randint(1, 999)} ms | {self.pick(ADJECTIVES)} {self.noun()} |"
            )
        return "\n".join(rows)

    def ident(self):
        return f"{self.noun()}_{self.noun()}"

    def code(self, lang):
        r = self.r
        a, b, c = self.ident(), self.ident(), self.noun()
        n = r.randint(2, 500)
        if lang == "rust":
            lines = [
                "use std::collections::HashMap;",
                "",
                f"/// {self.sentence()}",
                f"pub fn {a}(items: &[&str], limit: usize) -> Result<HashMap<String, usize>, String> {{",
                "    let mut counts = HashMap::new();",
                "    for (i, item) in items.iter().enumerate() {",
                "        if i >= limit {",
                f"            return Err(format!(\"too many {c}s: {{}}\", items.len()));",
                "        }",
                "        *counts.entry(item.to_string()).or_insert(0) += 1;",
                "    }",
                "    Ok(counts)",
                "}",
                "",
                "#[cfg(test)]",
                "mod tests {",
                "    #[test]",
                f"    fn {b}() {{",
                f"        assert_eq!(super::{a}(&[\"a\", \"b\", \"a\"], {n}).unwrap()[\"a\"], 2);",
                "    }",
                "}",
            ]
        elif lang == "go":
            lines = [
                "package main",
                "",
                'import (\n\t"fmt"\n\t"strings"\n)',
                "",
                f"// {a} {self.sentence().lower()}",
                f"func {a.replace('_', '')}(words []string, limit int) (map[string]int, error) {{",
                "\tcounts := make(map[string]int)",
                "\tfor i, w := range words {",
                "\t\tif i >= limit {",
                f'\t\t\treturn nil, fmt.Errorf("too many {c}s: %d", len(words))',
                "\t\t}",
                "\t\tcounts[strings.ToLower(w)]++",
                "\t}",
                "\treturn counts, nil",
                "}",
                "",
                "func main() {",
                f'\tc, _ := {a.replace("_", "")}([]string{{"{c}", "{b}"}}, {n})',
                "\tfmt.Println(c)",
                "}",
            ]
        elif lang == "python":
            lines = [
                "import sqlite3",
                "from collections import Counter",
                "",
                "",
                f"def {a}(path, limit={n}):",
                f'    """{self.sentence()}"""',
                "    con = sqlite3.connect(path)",
                "    try:",
                f"        rows = con.execute(\"SELECT {c} FROM {b} LIMIT ?\", (limit,)).fetchall()",
                "    finally:",
                "        con.close()",
                "    return Counter(r[0] for r in rows).most_common(10)",
                "",
                "",
                'if __name__ == "__main__":',
                f'    print({a}("archive.db"))',
            ]
        elif lang == "sql":
            lines = [
                f"-- {self.sentence()}",
                f"CREATE TABLE IF NOT EXISTS {a} (",
                "    id INTEGER PRIMARY KEY,",
                f"    {c} TEXT NOT NULL,",
                "    created_at INTEGER NOT NULL",
                ");",
                "",
                f"SELECT {c}, count(*) AS n",
                f"FROM {a}",
                f"WHERE created_at > strftime('%s', 'now', '-{n} days')",
                f"GROUP BY {c}",
                "ORDER BY n DESC",
                "LIMIT 20;",
            ]
        elif lang == "bash":
            lines = [
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                "",
                f"# {self.sentence()}",
                f'dir="${{1:-/var/lib/{c}}}"',
                f"for f in \"$dir\"/*.{self.pick(['log', 'db', 'md', 'txt'])}; do",
                '  size=$(stat -c %s "$f")',
                f'  if [ "$size" -gt {n * 1024} ]; then',
                f'    echo "large {c}: $f ($size bytes)"',
                "  fi",
                "done",
                f"sqlite3 \"$dir/archive.db\" 'PRAGMA wal_checkpoint(TRUNCATE);'",
            ]
        else:  # json
            obj = {
                "name": a,
                "version": f"{r.randint(0, 4)}.{r.randint(0, 20)}.{r.randint(0, 9)}",
                "limits": {"requests": n, "burst": r.randint(1, 50)},
                "tags": [self.pick(TAGS) for _ in range(3)],
                "enabled": r.random() < 0.5,
                "owner": {"team": c, "contact": f"{c}@example.org"},
            }
            lines = json.dumps(obj, indent=2).split("\n")
        return f"```{lang}\n" + "\n".join(lines) + "\n```"


def make_title(w, used):
    r = w.r
    for attempt in range(1000):
        pat = r.choice(TITLE_PATTERNS)
        adj, adj2 = w.pick(ADJECTIVES), w.pick(ADJECTIVES)
        noun, noun2 = w.noun(), w.noun()
        t = pat.format(
            adj=adj, adj2=adj2, Adj=adj.capitalize(), a_adj=a_an(adj), A_adj=a_an(adj).capitalize(),
            noun=noun, noun2=noun2, nouns=plural(noun), nouns2=plural(noun2),
            verb=w.pick(VERBS), adv=w.pick(ADVERBS), place=w.pick(PLACES),
        )
        if attempt > 20:  # the pattern space is large; this is a rare fallback
            t += f", part {attempt}"
        s = slugify(t)
        if s not in used:
            used.add(s)
            return t, s
    raise RuntimeError("could not find a unique title")


def article(w, i, used):
    r = w.r
    tags = r.sample(TAGS, r.randint(2, 4))
    w.topic = [n for t in tags for n in TOPICS[t]]
    title, slug = make_title(w, used)
    start = datetime(2017, 1, 1, tzinfo=timezone.utc)
    date = start + timedelta(seconds=r.randrange(8 * 365 * 86400))
    stream = r.choice(list(STREAMS))
    author = r.choice(list(AUTHORS))
    desc = w.sentence()

    blocks = [w.paragraph(), w.paragraph()]
    n_sections = r.randint(3, 6)
    n_code = r.randint(1, 3)
    code_at = set(r.sample(range(n_sections), min(n_code, n_sections)))
    list_at = r.randrange(n_sections)
    table_at = r.randrange(n_sections)
    for s in range(n_sections):
        blocks.append(f"## {w.heading_text()}")
        for _ in range(r.randint(1, 3)):
            blocks.append(w.paragraph())
        if s == list_at:
            blocks.append(w.a_list())
        if s in code_at:
            blocks.append(w.paragraph())
            blocks.append(w.code(r.choice(LANGS)))
        if r.random() < 0.5:
            blocks.append(f"### {w.heading_text()}")
            blocks.append(w.paragraph())
        if s == table_at:
            blocks.append(w.table())
    blocks.append(w.paragraph())

    fm = [
        "---",
        f"title: {json.dumps(title)}",
        f"date: {date.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"description: {json.dumps(desc)}",
        f"stream: {stream}",
        f"categories: [{stream}]",
        "tags: [" + ", ".join(tags) + "]",
        f"author: {author}",
        "draft: false",
        "---",
    ]
    return slug, "\n".join(fm) + "\n\n" + "\n\n".join(blocks) + "\n"


# --- Hugo site ------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "bench"
languageCode = "en"
paginate = 20
# Feeds, sitemap and robots.txt are switched off: Hugo renders articles, the home
# page, the post list and the tag/category pages, all paginated.
disableKinds = ["RSS", "sitemap", "robotsTXT"]
enableRobotsTXT = false

[taxonomies]
  tag = "tags"
  category = "categories"

[markup]
  [markup.goldmark.renderer]
    unsafe = false
  [markup.goldmark.extensions]
    table = true
    strikethrough = true
    typographer = true
  [markup.highlight]
    codeFences = true
    noClasses = false
    guessSyntax = false
  [markup.tableOfContents]
    startLevel = 2
    endLevel = 3

[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "date"
    weight = 10
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<form action="/search"><input name="q" type="search" aria-label="Search"></form></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="/tags/">Tags</a> · <a href="/categories/">Streams</a></footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<p><a href="/">← All posts</a> · {{ with .Params.categories }}{{ index . 0 }}{{ end }} · {{ .ReadingTime }} min read · <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 Jan 2006" }}</time></p>
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="dek">{{ . }}</p>{{ end }}
<ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ if gt .WordCount 400 }}<nav class="toc">{{ .TableOfContents }}</nav>{{ end }}
{{ .Content }}
<nav class="prevnext">
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}
</nav>
{{ with .Site.RegularPages.Related . | first 3 }}
<aside><h2>Related</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></aside>
{{ end }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages }}
<ol class="list">{{ range $p.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2 Jan 2006" }}</time><p>{{ .Description }}</p></li>{{ end }}
</ol>
<nav>{{ with $p.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} Page {{ $p.PageNumber }} of {{ $p.TotalPages }} {{ with $p.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ $p := .Paginate (where .Site.RegularPages "Section" "posts") }}
<ol class="list">{{ range $p.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2 Jan 2006" }}</time><p>{{ .Description }}</p></li>{{ end }}
</ol>
<nav>{{ with $p.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
""",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of articles")
    ap.add_argument("--out", required=True, help="output folder (content/ and hugo/ are replaced)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-hugo", action="store_true", help="write only content/")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    w = Writer(rng)
    out = args.out
    content = os.path.join(out, "content")
    hugo = os.path.join(out, "hugo")
    for d in (content, hugo):
        if os.path.exists(d):
            shutil.rmtree(d)
    os.makedirs(os.path.join(content, "streams"))
    os.makedirs(os.path.join(content, "authors"))
    posts = os.path.join(hugo, "content", "posts")
    if not args.no_hugo:
        os.makedirs(posts)

    w.topic = NOUNS
    for sid, (name, desc) in STREAMS.items():
        with open(os.path.join(content, "streams", f"{sid}.md"), "w") as f:
            f.write(f"---\nname: {json.dumps(name)}\ndescription: {json.dumps(desc)}\n---\n\n{w.paragraph()}\n")
    for aid, (name, bio) in AUTHORS.items():
        with open(os.path.join(content, "authors", f"{aid}.md"), "w") as f:
            f.write(f"---\nname: {json.dumps(name)}\nbio: {json.dumps(bio)}\n---\n\n{w.paragraph()}\n")

    used = set()
    total = 0
    for i in range(args.n):
        slug, text = article(w, i, used)
        data = text.encode()
        total += len(data)
        with open(os.path.join(content, f"{slug}.md"), "wb") as f:
            f.write(data)
        if not args.no_hugo:
            with open(os.path.join(posts, f"{slug}.md"), "wb") as f:
                f.write(data)

    if not args.no_hugo:
        with open(os.path.join(hugo, "config.toml"), "w") as f:
            f.write(HUGO_CONFIG)
        for rel, text in HUGO_LAYOUTS.items():
            p = os.path.join(hugo, "layouts", rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
        with open(os.path.join(hugo, "content", "posts", "_index.md"), "w") as f:
            f.write("---\ntitle: \"All posts\"\n---\n")

    print(f"wrote {args.n} articles, {total / 1e6:.1f} MB of Markdown, to {out}")


if __name__ == "__main__":
    main()
