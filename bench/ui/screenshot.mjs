// Screenshots of the standalone dashboard (a realistic 60-trial sweep) in dark and light theme
// variables, one per chart tab: bench/results/dashboard-<theme>-<tab>.png
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { startServer, CHROMIUM_ARGS } from './server.mjs';

const out = new URL('../results/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const srv = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const errors = [];
try {
  for (const theme of process.argv[2] ? [process.argv[2]] : ['dark', 'light']) {
    for (const tab of ['curves', 'parallel', 'scatter']) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      page.on('console', (m) => m.type() === 'error' && errors.push(`${theme}/${tab}: ${m.text()}`));
      page.on('pageerror', (e) => errors.push(`${theme}/${tab}: ${e.message}`));
      await page.goto(`${srv.url}?trials=60&points=40&running=0.06&theme=${theme}&tab=${tab}`);
      await page.waitForFunction(() => window.__knobsPerf && window.__knobsPerf.firstPaint !== undefined, null, { timeout: 15000 });
      // hover a table row so the linked highlight shows
      const row = page.locator('.tr').nth(2);
      await row.hover();
      await page.waitForTimeout(150);
      await page.screenshot({ path: `${out}dashboard-${theme}-${tab}.png` });
      await page.close();
    }
  }
} finally {
  await browser.close();
  await srv.close();
}
if (errors.length) console.log('page errors:\n' + errors.join('\n'));
console.log(`screenshots in ${out}`);
process.exit(0);
