// Live search in a real browser, for .ci/check-browser: Debian's Chromium driven by
// playwright-core against a running site that serves the sample content.
//
//   node tools/browser-search.mjs BASE_URL
//
// Prints one line per check and exits 1 if any failed. Every page opened is watched for
// console errors, uncaught exceptions and Content-Security-Policy violations, which check
// (e) reports at the end, naming the check that met each.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const base = (process.argv[2] || '').replace(/\/$/, '');
if (!base) {
  console.error('usage: browser-search.mjs BASE_URL');
  process.exit(2);
}

// What the brief for the dropdown promises: results within this long of the last key.
const RESULTS_WITHIN_MS = 3000;
// Generous: a busy CI machine may take seconds to load a page; a real failure still fails.
const STEP_MS = 20000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

// ------------------------------------------------------------------ watching pages

const problems = []; // { check, text }
const pagesSeen = new Set();
let current = '';
// A query the server rejects answers 400, and Chromium logs every 4xx it fetches as a
// console error; only the check that types such a query on purpose may see that one.
let allow400FromSearchJson = false;

function record(text) {
  problems.push({ check: current, text });
}

function watch(page) {
  page.on('console', (msg) => {
    const text = msg.text();
    const csp = /Content[- ]Security[- ]Policy/i.test(text);
    if (msg.type() !== 'error' && !csp) return;
    const url = msg.location()?.url || '';
    if (allow400FromSearchJson && / status of 400 /.test(text) && url.includes('/search.json?')) return;
    record(`console ${msg.type()}: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => record(`uncaught: ${err.message}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) pagesSeen.add(new URL(frame.url()).pathname);
  });
}

// Pages with JavaScript also report CSP violations from inside, in case the console
// wording changes: the listener is installed through the debugging protocol, which the
// policy does not govern.
async function newContext(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  if (options.javaScriptEnabled !== false) {
    await context.exposeBinding('__reportCspViolation', (_source, text) => record(`CSP violation: ${text}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile || e.documentURI}`);
      });
    });
  }
  context.setDefaultTimeout(STEP_MS);
  return context;
}

async function newPage(context) {
  const page = await context.newPage();
  watch(page);
  return page;
}

// ------------------------------------------------------------------ checks

let failed = 0;

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function check(name, fn) {
  current = name;
  const t0 = Date.now();
  try {
    const detail = await fn();
    const ms = Date.now() - t0;
    console.log(`ok    ${name}${detail ? `: ${detail}` : ''} (${ms} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${String(e.message || e).split('\n')[0]}`);
  } finally {
    allow400FromSearchJson = false;
  }
}

const panel = '#live-search';
const options = `${panel} [role="option"]`;

// Types into the masthead box and waits for the panel to answer exactly that query
// (data-query), so the results for a prefix typed on the way cannot pass for it; then
// for `want` inside the panel. Returns the milliseconds from the last key.
async function typeQuery(page, text, { delay = 40, want = '[role="option"]' } = {}) {
  await page.locator('#q').click();
  await page.locator('#q').fill('');
  await page.keyboard.type(text.slice(0, -1), { delay });
  // Timed from the last key, so the debounce is part of what is measured.
  const t0 = Date.now();
  await page.keyboard.type(text.slice(-1));
  const answer = `${panel}[data-query=${JSON.stringify(text)}]`;
  await page.locator(`${answer} ${want}`).first().waitFor({ state: 'visible', timeout: RESULTS_WITHIN_MS });
  return Date.now() - t0;
}

const ctx = await newContext();
const page = await newPage(ctx);
let articleUrl = '';

await check('(a) live results for "wal", keyboard to the article, words marked', async () => {
  await page.goto(`${base}/`);
  const q = page.locator('#q');
  assert((await q.getAttribute('role')) === 'combobox', '#q has no role=combobox');
  assert((await q.getAttribute('aria-expanded')) === 'false', 'aria-expanded is not "false" before typing');
  const listId = await q.getAttribute('aria-controls');
  assert(listId && (await page.locator(`#${listId}[role="listbox"]`).count()) === 1, 'aria-controls names no listbox');

  // Slower than the debounce, so "w" and "wa" are requested and superseded on the way.
  const ms = await typeQuery(page, 'wal', { delay: 200 });
  const titles = await page.locator(`${panel} .live-search-title`).allTextContents();
  assert(titles.some((t) => t.includes('WAL')), `no title with "WAL" among ${JSON.stringify(titles)}`);
  assert(titles.length <= 8, `${titles.length} options shown, at most 8 expected`);
  assert((await q.getAttribute('aria-expanded')) === 'true', 'aria-expanded is not "true" with results shown');
  const seeAll = await page.locator(`${panel} .live-search-foot a`).getAttribute('href');
  assert(seeAll === '/search?q=wal', `"See all" points at ${seeAll}`);
  const hrefs = await page.locator(options).evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert(hrefs.every((h) => /^\/dispatches\/[^#]+#hl=wal$/.test(h)), `result links without #hl=wal: ${hrefs.join(' ')}`);
  const snippetMarks = await page.locator(`${panel} .live-search-snippet mark`).count();
  assert(snippetMarks > 0, 'no <mark> in the snippets');
  await page.locator('form.search-box [role="status"]').filter({ hasText: /result/ }).waitFor();

  // Clicking elsewhere (the empty margin) closes; focusing the box again reopens it.
  await page.mouse.click(5, 600);
  await page.locator(panel).waitFor({ state: 'hidden' });
  await q.focus();
  await page.locator(panel).waitFor({ state: 'visible' });
  // Escape closes, ArrowDown reopens on the first option, Enter follows it.
  await page.keyboard.press('Escape');
  await page.locator(panel).waitFor({ state: 'hidden' });
  assert((await q.getAttribute('aria-expanded')) === 'false', 'Escape left aria-expanded "true"');
  await page.keyboard.press('ArrowDown');
  const first = page.locator(options).first();
  const activeId = await q.getAttribute('aria-activedescendant');
  assert(activeId && activeId === (await first.getAttribute('id')), 'ArrowDown did not make the first option active');
  assert((await first.getAttribute('aria-selected')) === 'true', 'the active option is not aria-selected');
  const target = await first.getAttribute('href');
  await Promise.all([page.waitForURL((u) => u.pathname + u.hash === target), page.keyboard.press('Enter')]);
  articleUrl = page.url();

  await page.locator('.prose mark.hit').first().waitFor();
  const marks = await page.locator('.prose mark.hit').allTextContents();
  assert(marks.every((m) => /^wal$/i.test(m)), `marks that are not "wal": ${JSON.stringify(marks.slice(0, 5))}`);
  return `${titles.length} results ${ms} ms after the last key, Enter → ${target}, ${marks.length} mark.hit`;
});

await check('(a) "Clear highlights" restores the article exactly', async () => {
  assert(articleUrl, 'no article reached in the check before');
  const clean = await newPage(ctx);
  await clean.goto(articleUrl.replace(/#.*/, ''));
  const plain = await clean.locator('.prose').innerHTML();
  assert((await clean.locator('mark.hit, .hl-bar').count()) === 0, 'marks without #hl=');
  await clean.close();

  await page.locator('.hl-bar button').click();
  assert((await page.locator('mark.hit').count()) === 0, 'marks left after clearing');
  assert((await page.locator('.hl-bar').count()) === 0, 'the bar stayed');
  assert(!page.url().includes('#'), `the address kept its fragment: ${page.url()}`);
  assert((await page.locator('.prose').innerHTML()) === plain, 'the text differs from the page loaded without #hl=');
  return 'marks and bar gone, #hl= dropped, .prose identical to a plain load';
});

await check('(a) marking ignores case and accents, follows #hl= changes, shrugs off garbage', async () => {
  // "tomas" finds "Tomás", as the search index does.
  await page.goto(`${base}/dispatches/reading-slowly#hl=tomas`);
  await page.locator('.prose mark.hit').first().waitFor();
  const accented = await page.locator('.prose mark.hit').allTextContents();
  assert(accented.includes('Tomás'), `marks: ${JSON.stringify(accented)}`);

  // A new #hl= replaces the marks; a section link leaves them alone.
  const plain = articleUrl.replace(/#.*/, '');
  await page.goto(`${plain}#hl=wal`);
  await page.locator('.prose mark.hit').first().waitFor();
  await page.evaluate(() => {
    window.location.hash = '#hl=checkpoint';
  });
  await page.locator('.prose mark.hit', { hasText: /^checkpoint$/i }).first().waitFor();
  const replaced = await page.locator('.prose mark.hit').allTextContents();
  assert(replaced.every((m) => /^checkpoint$/i.test(m)), `marks after the change: ${JSON.stringify(replaced.slice(0, 5))}`);
  const section = await page.locator('.prose h2[id]').first().getAttribute('id');
  await page.evaluate((id) => {
    window.location.hash = `#${id}`;
  }, section);
  await page.waitForTimeout(100);
  assert((await page.locator('.prose mark.hit').count()) === replaced.length, 'a section link changed the marks');

  // Malformed escapes, regular-expression characters, one letter, markup: no marks, no errors.
  const garbage = ['%E0%A4%A', '(.*%5B%5C', 'a', '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', '%00%20%20', 'x'.repeat(5000)];
  for (const g of garbage) {
    await page.goto(`${plain}#hl=${g}`);
    await page.locator('.prose').waitFor();
    await page.waitForTimeout(50);
    const n = await page.locator('mark.hit').count();
    assert(n === 0, `#hl=${g.slice(0, 20)} marked ${n}`);
    assert((await page.locator('#q').getAttribute('role')) === 'combobox', `#hl=${g.slice(0, 20)} stopped the script`);
  }
  return `"tomas" → ${JSON.stringify([...new Set(accented)])}, #hl= change → ${replaced.length} "checkpoint", ${garbage.length} bad fragments harmless`;
});

await check('(b) "/" focuses the search box on an article', async () => {
  await page.goto(articleUrl.replace(/#.*/, ''));
  await page.locator('h1').click(); // focus in the page, outside any field
  await page.keyboard.press('/');
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert(focused === 'q', `focus is on ${focused || 'nothing'}`);
  assert((await page.locator('#q').inputValue()) === '', 'the "/" itself was typed into the box');
  // In a field, "/" is just a character.
  await page.keyboard.press('/');
  assert((await page.locator('#q').inputValue()) === '/', 'a "/" typed in the box did not stay there');
  await page.keyboard.press('Escape');
  return 'focused, and "/" typed inside the box stays a character';
});

await check('(c) a filter query "tag:sqlite" shows results', async () => {
  await page.goto(`${base}/`);
  const ms = await typeQuery(page, 'tag:sqlite');
  const hrefs = await page.locator(options).evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert(hrefs.length > 0 && hrefs.every((h) => h.startsWith('/dispatches/')), `options: ${hrefs.join(' ')}`);
  const head = await page.locator(`${panel} .live-search-head`).textContent();
  return `"${head.trim()}" ${ms} ms after the last key`;
});

await check('(c) no match offers suggestions; choosing one searches for it', async () => {
  await typeQuery(page, 'checkpont', { want: '.live-search-suggestion' });
  const labels = await page.locator(`${panel} .live-search-suggestion .live-search-title`).allTextContents();
  assert(labels.includes('checkpoint'), `suggestions: ${JSON.stringify(labels)}`);
  const i = labels.indexOf('checkpoint');
  for (let k = 0; k <= i; k++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator(`${panel} .live-search-foot a[href="/search?q=checkpoint"]`).waitFor({ timeout: RESULTS_WITHIN_MS });
  assert((await page.locator('#q').inputValue()) === 'checkpoint', 'the box does not hold the suggestion');
  const titles = await page.locator(`${panel} .live-search-title`).allTextContents();
  assert(titles.length > 0, 'no results for the suggestion');
  return `suggested ${JSON.stringify(labels)}; "checkpoint" gave ${titles.length} result(s)`;
});

await check('(c) a query the server rejects shows its message', async () => {
  allow400FromSearchJson = true;
  await typeQuery(page, 'year:abc', { want: '.live-search-error' });
  const text = (await page.locator(`${panel} .live-search-error`).textContent()).trim();
  assert(/year/.test(text), `message: ${text}`);
  assert((await page.locator(options).count()) === 0, 'options shown with an error');
  await page.keyboard.press('Escape');
  return `"${text}"`;
});

await check('(d) without JavaScript the form lands on /search with results', async () => {
  const noJs = await newContext({ javaScriptEnabled: false });
  const p = await newPage(noJs);
  try {
    await p.goto(`${base}/`);
    assert((await p.locator(panel).count()) === 0, 'the live panel exists without JavaScript');
    await p.locator('#q').fill('wal');
    await Promise.all([p.waitForURL((u) => u.pathname === '/search'), p.locator('#q').press('Enter')]);
    const u = new URL(p.url());
    assert(u.searchParams.get('q') === 'wal', `landed on ${p.url()}`);
    const n = await p.locator('ol.results li.item').count();
    assert(n > 0, 'no results listed');
    return `${u.pathname}${u.search}: ${n} results`;
  } finally {
    await noJs.close();
  }
});

// axe-core on what only the script produces: the open panel with an active option, and a
// marked article with its bar; light and dark. axe is injected as a script, which the
// Content-Security-Policy forbids, so these pages bypass it (the checks above do not).
const axeSource = require.resolve('axe-core/axe.min.js');
for (const scheme of ['light', 'dark']) {
  await check(`(f) axe, ${scheme}: open results panel and marked article`, async () => {
    const c = await browser.newContext({ bypassCSP: true, colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    c.setDefaultTimeout(STEP_MS);
    const p = await newPage(c);
    try {
      const found = [];
      const run = async (what) => {
        await p.addScriptTag({ path: axeSource });
        const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of r.violations) found.push(`${what}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.html.slice(0, 120)}`);
      };
      await p.goto(`${base}/`);
      await typeQuery(p, 'wal');
      await p.keyboard.press('ArrowDown');
      await run('panel');
      assert(articleUrl, 'no article reached in (a)');
      await p.goto(articleUrl);
      await p.locator('.hl-bar').waitFor();
      await run('article');
      assert(!found.length, `${found.length} violation kind(s): ${found.join('; ')}`);
      return '0 violations';
    } finally {
      await c.close();
    }
  });
}

current = '(e)';
const total = problems.length;
if (total) {
  failed++;
  console.log(`FAIL  (e) console errors, uncaught exceptions, CSP violations: ${total}`);
  for (const p of problems.slice(0, 10)) console.log(`        in ${p.check}: ${p.text}`);
} else {
  console.log(`ok    (e) no console errors, uncaught exceptions or CSP violations on ${pagesSeen.size} pages (${[...pagesSeen].join(' ')})`);
}

await browser.close();
if (failed) {
  console.log(`browser-search: ${failed} check(s) failed`);
  process.exit(1);
}
console.log('browser-search: all checks passed');
