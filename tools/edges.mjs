// Measures where the header, the text column and the footer start on a page, at each
// width given, in Debian's Chromium: they must share one left edge (within 2 px), and
// the header must take at most two rows from 1280 px up. Usage: node tools/edges.mjs URL...
import { chromium } from 'playwright-core';

const widths = [1920, 1280, 768, 390, 320];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
});
let failed = false;
for (const url of process.argv.slice(2)) {
  for (const width of widths) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(url);
    const m = await page.evaluate(() => {
      const left = (sel) => {
        const el = document.querySelector(sel);
        if (!el) return null;
        const r = el.getBoundingClientRect();
        const pad = parseFloat(getComputedStyle(el).paddingLeft);
        return r.left + pad;
      };
      const rows = new Set([...document.querySelectorAll('.masthead-row')].map((r) => Math.round(r.getBoundingClientRect().height / 10)));
      const header = document.querySelector('.masthead');
      // Rows of the header: its items' tops, those within 12 px of each other counted once.
      const tops = [...document.querySelectorAll('.masthead .issue, .masthead .now-writing, .masthead .site, .masthead .menu li, .masthead form')]
        .map((e) => e.getBoundingClientRect().top)
        .sort((a, b) => a - b);
      let headerRows = 0;
      let last = -1e9;
      for (const t of tops) {
        if (t - last > 12) headerRows += 1;
        last = t;
      }
      return {
        headerRows,
        header: left('.masthead .wrap'),
        main: left('main.wrap'),
        footer: left('footer.wrap'),
        headerHeight: header ? header.getBoundingClientRect().height : 0,
      };
    });
    const lefts = [m.header, m.main, m.footer].filter((x) => x !== null);
    const spread = Math.max(...lefts) - Math.min(...lefts);
    const ok = spread <= 2 && (width < 1280 || m.headerRows <= 2);
    if (!ok) failed = true;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${width}px ${url}: header ${m.header}, text ${m.main}, footer ${m.footer}; header ${Math.round(m.headerHeight)} px tall in ${m.headerRows} rows`);
    await page.close();
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
