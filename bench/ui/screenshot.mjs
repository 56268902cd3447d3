// Screenshots of the standalone dashboard (a realistic 60-trial sweep) in dark and light theme
// variables, one per chart tab: bench/results/dashboard-<theme>-<tab>.png

import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startServer } from './server.mjs';

const out = new URL('../results/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const srv = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const errors = [];
try {
  const themeArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
  for (const theme of themeArg ? [themeArg] : process.argv.includes('--big') ? [] : ['dark', 'light']) {
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
  // a 100k-trial sweep with a brush on lr: the density layer and the scatter pixels
  if (!themeArg || process.argv.includes('--big')) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (e) => errors.push(`100k: ${e.message}`));
    await page.goto(`${srv.url}?trials=100000&points=5&running=0.02&theme=dark&tab=parallel`);
    await page.waitForFunction(() => window.__knobsPerf && window.__knobsPerf.firstPaint !== undefined, null, { timeout: 120000 });
    const b = await page.locator('.chart.pcp').boundingBox();
    await page.mouse.move(b.x + 56, b.y + 120);
    await page.mouse.down();
    await page.mouse.move(b.x + 56, b.y + 200, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}dashboard-100k-parallel.png` });
    await page.click('vscode-tab-header[data-tab="scatter"]');
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `${out}dashboard-100k-scatter.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
if (errors.length) console.log(`page errors:\n${errors.join('\n')}`);
console.log(`screenshots in ${out}`);
process.exit(0);
