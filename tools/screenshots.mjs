// Screenshots for the README: home, an article and the portfolio, light and dark, 1280 and 390 px wide,
// from headless Chromium. Usage: node tools/screenshots.mjs http://127.0.0.1:PORT /dispatches/SLUG
import { chromium } from 'playwright-core';

const [base, article] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [name, path] of [['home', '/'], ['article', article], ['work', '/work']]) {
  for (const width of [1280, 390]) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({
        viewport: { width, height: width > 500 ? 900 : 844 },
        colorScheme: scheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(base + path, { waitUntil: 'load' });
      const file = `docs/screenshots/${name}-${width}${scheme === 'dark' ? '-dark' : ''}.png`;
      await page.screenshot({ path: file });
      console.log(file);
      await context.close();
    }
  }
}
await browser.close();
