#!/usr/bin/env python3
"""Small helpers for bench/run (standard library only).

    helpers.py port                         a free TCP port on 127.0.0.1
    helpers.py wait200 URL T0_NS TIMEOUT_S  poll URL until it answers 200; print ms since T0_NS
    helpers.py wrk FILE                     parse wrk --latency output: rps p50_ms p99_ms non2xx errors requests
    helpers.py rss PID...                   VmRSS and VmHWM in MB, summed over the PIDs
    helpers.py lua QUERIES OUT [bust]       a wrk script that rotates over the queries (/search?q=);
                                            with bust, each request gets a unique &_=N (no cache hit)
    helpers.py paths FILE OUT               a wrk script that rotates over the paths in FILE
    helpers.py flood OUT                    a wrk script of unique searches: two words and a
                                            two-letter prefix each, and a unique &_=N
    helpers.py timed URL                    one GET: "status ms"
    helpers.py sweep BASE QUERIES OUT       each query once, one at a time, uncached: a summary line,
                                            and per-query lines in OUT
    helpers.py urlencode TEXT               TEXT as a query-string value
    helpers.py sqltime DB QUERIES REPS      the site's two search statements, in process, per query
"""

import http.client
import re
import sqlite3
import statistics
import socket
import sys
import time
import urllib.parse


def port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def wait200(url, t0_ns, timeout_s):
    u = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + float(timeout_s)
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
            c.request("GET", u.path or "/")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                print(f"{(time.time_ns() - int(t0_ns)) / 1e6:.0f}")
                return
        except OSError:
            pass
        time.sleep(0.002)
    print("timeout")
    sys.exit(1)


def to_ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return float("nan")
    x, unit = float(m.group(1)), m.group(2)
    return x * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk(path):
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    non2 = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    reqs = re.search(r"(\d+) requests in", text)
    print(
        rps.group(1) if rps else "nan",
        f"{to_ms(p50.group(1)):.2f}" if p50 else "nan",
        f"{to_ms(p99.group(1)):.2f}" if p99 else "nan",
        non2.group(1) if non2 else "0",
        sum(int(x) for x in errs.groups()) if errs else 0,
        reqs.group(1) if reqs else "0",
    )


def rss(*pids):
    tot = {"VmRSS": 0, "VmHWM": 0}
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                k = line.split(":")[0]
                if k in tot:
                    tot[k] += int(line.split()[1])
        except OSError:
            pass
    print(f"{tot['VmRSS'] / 1024:.1f} {tot['VmHWM'] / 1024:.1f}")


def read_queries(path):
    return [l.rstrip("\n") for l in open(path) if l.strip() and not l.startswith("#")]


def rotating(items, out, suffix_expr):
    body = ",\n".join(f'  "{x}"' for x in items)
    with open(out, "w") as f:
        f.write(
            "-- rotates over a fixed list; each wrk thread starts at its own offset\n"
            f"local items = {{\n{body}\n}}\n"
            "local i = 0\n"
            "local n = 0\n"
            "function setup(thread)\n"
            "  n = n + 1\n"
            "  thread:set('offset', (n - 1) * 7919)\n"
            "  thread:set('tid', n)\n"
            "end\n"
            "function init(args) i = tonumber(offset) or 0 end\n"
            "function request()\n"
            "  i = i + 1\n"
            f"  return wrk.format('GET', items[(i % #items) + 1]{suffix_expr})\n"
            "end\n"
        )


def lua(queries, out, bust=""):
    qs = ["/search?q=" + urllib.parse.quote_plus(q) for q in read_queries(queries)]
    rotating(qs, out, " .. '&_=' .. tostring(tid) .. '-' .. i" if bust else "")


def paths(path_file, out):
    rotating([l.strip() for l in open(path_file) if l.strip()], out, "")


# Words of the generated corpus (bench/gen_corpus.py) and two-letter prefixes that
# match many of its words: each flood search finds something and costs a little.
FLOOD_WORDS = """archive index writer reader page table river bridge station market kettle
winter ferry harbour checkpoint query snippet latency replica schema garden letter
lighthouse keeper survey compiler thread socket kernel cache""".split()
FLOOD_PREFIXES = "re co pa st ma ch se tr pr de ca wa fl sh ke la in ar sp bu".split()


def flood(out):
    words = ", ".join(f'"{w}"' for w in FLOOD_WORDS)
    prefixes = ", ".join(f'"{p}"' for p in FLOOD_PREFIXES)
    with open(out, "w") as f:
        f.write(
            "-- unique searches: two words and a two-letter prefix each; a unique &_= so no\n"
            "-- cached response answers one\n"
            f"local words = {{{words}}}\n"
            f"local prefixes = {{{prefixes}}}\n"
            "local i = 0\n"
            "local n = 0\n"
            "function setup(thread)\n"
            "  n = n + 1\n"
            "  thread:set('tid', n)\n"
            "end\n"
            "function init(args) math.randomseed((tonumber(tid) or 1) * 7919) end\n"
            "function request()\n"
            "  i = i + 1\n"
            "  local q = words[math.random(#words)] .. '+' .. words[math.random(#words)] .. '+'\n"
            "    .. prefixes[math.random(#prefixes)] .. '*'\n"
            "  return wrk.format('GET', '/search?q=' .. q .. '&_=' .. tostring(tid) .. '-' .. i)\n"
            "end\n"
        )


def timed(url):
    u = urllib.parse.urlsplit(url)
    t = time.perf_counter()
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.request("GET", u.path + (f"?{u.query}" if u.query else ""))
        r = c.getresponse()
        r.read()
        c.close()
        st = r.status
    except OSError:
        st = 0
    print(st, f"{(time.perf_counter() - t) * 1e3:.1f}")


def sweep(base, queries, out):
    """Each query once, one after another, with a unique parameter so no cached response
    answers it. Prints: p50_ms max_ms statuses (e.g. 200x18,400x2)."""
    u = urllib.parse.urlsplit(base)
    times, statuses, lines = [], {}, []
    stamp = time.time_ns()
    for k, q in enumerate(read_queries(queries)):
        path = f"/search?q={urllib.parse.quote_plus(q)}&_=sweep{stamp}-{k}"
        t = time.perf_counter()
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            st = r.status
        except OSError:
            st = 0
        ms = (time.perf_counter() - t) * 1e3
        times.append(ms)
        statuses[st] = statuses.get(st, 0) + 1
        lines.append(f"{ms:.1f} {st} {q}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    st = ",".join(f"{k}x{v}" for k, v in sorted(statuses.items()))
    print(f"{statistics.median(times):.1f} {max(times):.1f} {st}")


def urlencode(text):
    print(urllib.parse.quote_plus(text))


def compile_query(q):
    """The same translation as src/search.rs `compile` (quoted words, "phrases",
    prefix*, -exclusions, OR)."""
    pos, neg, pending_or, rest = [], [], False, q.strip()
    while rest:
        if rest.startswith('"') or rest.startswith('-"'):
            negative = rest.startswith("-")
            after = rest[2:] if negative else rest[1:]
            end = after.find('"')
            end = len(after) if end < 0 else end
            text, phrase, nxt = after[:end], True, after[end + 1:]
        else:
            m = re.search(r"\s", rest)
            end = m.start() if m else len(rest)
            word = rest[:end]
            negative = word.startswith("-") and len(word) > 1
            text, phrase, nxt = (word[1:] if negative else word), False, rest[end:]
        rest = nxt.lstrip()
        if not phrase and not negative and text == "OR":
            pending_or = bool(pos)
            continue
        body, prefix = text, False
        if not phrase and text.endswith("*"):
            body, prefix = text[:-1], True
        if not any(c.isalnum() for c in body):
            continue
        e = '"' + body.replace('"', '""') + '"' + ("*" if prefix else "")
        if negative:
            neg.append(e)
        elif pending_or:
            pos.append(f"({pos.pop()} OR {e})")
            pending_or = False
        else:
            pos.append(e)
    if not pos:
        return None
    expr = " AND ".join(pos)
    if neg:
        expr = f"({expr}) NOT ({' OR '.join(neg)})"
    return expr


# As src/db/search.rs runs them (without a phrase): draft and date from the
# articles_rank index, and FTS5 ranking and sorting the matches itself.
COUNT_SQL = """SELECT count(*) FROM articles_fts
 JOIN articles k INDEXED BY articles_rank ON k.id = articles_fts.rowid
 WHERE articles_fts MATCH ?1 AND k.draft = 0 AND k.published_at <= ?2"""
PAGE_SQL = """SELECT a.slug, a.title, a.dek, a.published_at, a.stream_name, a.source_path,
        snippet(articles_fts, 2, char(57344), char(57345), '…', 24)
 FROM articles_fts
 JOIN articles k INDEXED BY articles_rank ON k.id = articles_fts.rowid
 JOIN articles a ON a.id = articles_fts.rowid
 WHERE articles_fts MATCH ?1 AND k.draft = 0 AND k.published_at <= ?2
   AND articles_fts.rank MATCH 'bm25(10.0, 4.0, 1.0, 3.0, 2.0, 2.0)'
 ORDER BY articles_fts.rank
 LIMIT ?3 OFFSET ?4"""


def sqltime(db, queries, reps):
    """Prints: p50_ms max_ms mix_total_ms, then one line per query (ms, hits)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    now = int(time.time())
    rows, per = [], []
    for q in read_queries(queries):
        expr = compile_query(q)
        times = []
        total = 0
        for _ in range(int(reps)):
            t = time.perf_counter()
            if expr:
                total = con.execute(COUNT_SQL, (expr, now)).fetchone()[0]
                con.execute(PAGE_SQL, (expr, now, 10, 0)).fetchall()
            times.append((time.perf_counter() - t) * 1e3)
        med = statistics.median(times)
        per.append(med)
        rows.append(f"{med:.2f} {total} {q}")
    per_sorted = sorted(per)
    print(f"{statistics.median(per):.2f} {per_sorted[-1]:.2f} {sum(per):.1f}")
    print("\n".join(rows))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"port": port, "wait200": wait200, "wrk": wrk, "rss": rss, "lua": lua,
     "urlencode": urlencode, "sqltime": sqltime, "paths": paths, "sweep": sweep,
     "flood": flood, "timed": timed}[cmd](*args)
