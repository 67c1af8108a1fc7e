// Lighthouse on article pages with images, for .ci/check-lighthouse: Debian's Chromium,
// Lighthouse's default (mobile) settings, the performance and best-practices categories.
// Each page must not shift as it loads (Cumulative Layout Shift 0) and must pass the image
// audits: every image sized, none larger than it is shown, none below the fold loaded early.
//
//   node tools/lighthouse.mjs [--out DIR] URL...   a table per URL; DIR keeps each report's
//                                                   JSON; exit 1 naming what failed
//   node tools/lighthouse.mjs --accessibility [--out DIR] URL...
//                                                   the accessibility category instead, which
//                                                   must score 100 (failing audits named)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

// Audits that must score 1, or not apply (a page without images below the fold).
const IMAGE_AUDITS = ['unsized-images', 'uses-responsive-images', 'offscreen-images'];

function parseArgs(argv) {
  const urls = [];
  let out = null;
  let accessibility = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--accessibility') accessibility = true;
    else urls.push(argv[i]);
  }
  if (!urls.length) {
    console.error('usage: node tools/lighthouse.mjs [--accessibility] [--out DIR] URL...');
    process.exit(2);
  }
  return { urls, out, accessibility };
}

// The accessibility category's score, which must be 100, and every audit it failed.
function accessibilityChecks(lhr) {
  const category = lhr.categories.accessibility;
  const score = Math.round((category?.score ?? 0) * 100);
  const rows = [['accessibility', `${score}`, score === 100]];
  for (const ref of category?.auditRefs ?? []) {
    const audit = lhr.audits[ref.id];
    if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
      rows.push([ref.id, `score ${audit.score}${detail(audit)}`, false]);
    }
  }
  return rows;
}

// The flags Chromium needs here; the sandbox cannot start as root (CI's user).
function chromeFlags() {
  const flags = ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--no-first-run'];
  if (process.getuid?.() === 0) flags.push('--no-sandbox');
  return flags;
}

// One row per check: [name, value shown, passed].
function checks(lhr) {
  const rows = [];
  const cls = lhr.audits['cumulative-layout-shift'];
  rows.push(['CLS', cls ? cls.numericValue.toFixed(3) : 'not run', cls?.numericValue === 0]);
  for (const id of IMAGE_AUDITS) {
    const audit = lhr.audits[id];
    if (!audit) {
      rows.push([id, 'not run', false]);
    } else if (audit.scoreDisplayMode === 'notApplicable') {
      rows.push([id, 'not applicable', true]);
    } else {
      rows.push([id, `score ${audit.score}${detail(audit)}`, audit.score === 1]);
    }
  }
  for (const [id, category] of Object.entries(lhr.categories)) {
    rows.push([`(${id})`, `${Math.round(category.score * 100)}`, true]);
  }
  return rows;
}

// What an audit found, in a few words: how many items, and bytes that could be saved.
function detail(audit) {
  const items = audit.details?.items?.length ?? 0;
  const bytes = audit.details?.overallSavingsBytes;
  const parts = [];
  if (items) parts.push(`${items} item${items === 1 ? '' : 's'}`);
  if (bytes) parts.push(`${Math.round(bytes / 1024)} KiB to save`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function table(url, rows) {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n${url}`);
  for (const [name, value, ok] of rows) {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(width)}  ${value}`);
  }
}

// The images an audit blamed, so a failure says which ones.
function blamed(lhr, id) {
  const items = lhr.audits[id]?.details?.items ?? [];
  return items.map((item) => item.url || item.node?.snippet).filter(Boolean);
}

// A run whose trace came out incomplete (`NO_NAVSTART`, now and then on a first load)
// asks to be run again; it gets one more try before it counts as a failure.
const TRIES = 2;

async function audit(url, port, categories) {
  let error;
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const result = await lighthouse(url, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
    });
    if (!result) throw new Error(`${url}: Lighthouse returned nothing`);
    if (!result.lhr.runtimeError) return result;
    error = result.lhr.runtimeError;
    console.error(`${url}: try ${attempt}: ${error.code}`);
  }
  throw new Error(`${url}: ${error.code}: ${error.message}`);
}

async function main() {
  const { urls, out, accessibility } = parseArgs(process.argv.slice(2));
  const categories = accessibility ? ['accessibility'] : ['performance', 'best-practices'];
  if (out) mkdirSync(out, { recursive: true });
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    chromeFlags: chromeFlags(),
  });
  const failures = [];
  try {
    for (const [i, url] of urls.entries()) {
      const { lhr, report } = await audit(url, chrome.port, categories);
      const name = `${accessibility ? 'accessibility' : 'lighthouse'}-${i + 1}.json`;
      if (out) writeFileSync(join(out, name), report);
      const rows = accessibility ? accessibilityChecks(lhr) : checks(lhr);
      table(url, rows);
      for (const [name, value, ok] of rows.filter(([, , ok]) => !ok)) {
        const which = blamed(lhr, name);
        failures.push(`${url}: ${name} ${value}${which.length ? `: ${which.join(', ')}` : ''}`);
      }
    }
  } finally {
    await chrome.kill();
  }
  if (failures.length) {
    console.error(`\nlighthouse: ${failures.length} check(s) failed:`);
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log('\nlighthouse: every page passes');
}

main().catch((e) => {
  console.error(`lighthouse: ${e.stack || e}`);
  process.exit(1);
});
