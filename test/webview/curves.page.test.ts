/**
 * The learning curves and the parallel coordinates as users expect them from W&B, TensorBoard
 * and optuna-dashboard, on the built bundle in headless chromium (bench/ui/server.mjs): markers
 * on single-point curves, a hover and a legend that name trials, colour by the metric with a
 * colour bar, the metric chooser (asks the host for the chosen metric's series), smoothing and
 * the wall-time axis remembered in the UI state, and the table's time column unclipped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<any>;

let browser: Browser;
let srv: { url: string; close(): Promise<void> };

before(async () => {
  assert.ok(fs.existsSync('/usr/bin/chromium'), 'Debian chromium is installed at /usr/bin/chromium (apt-get install chromium)');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is built');
  const server = await importEsm(path.join(ROOT, 'bench', 'ui', 'server.mjs'));
  srv = await server.startServer();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: server.CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon|404/.test(m.text())) errors.push(m.text());
  });
  await page.goto(`${srv.url}?${query}`);
  await page.waitForFunction(() => (window as any).__knobsPerf?.firstPaint !== undefined, null, { timeout: 60000 });
  return { page, errors };
}

async function settle(page: Page, ms: number): Promise<void> {
  await page.waitForTimeout(ms);
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Pixels of a canvas whose colour is saturated (curves, markers; not the grey grid, text or background). */
const saturated = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0, warm = 0;
    for (let o = 0; o < d.length; o += 4) {
      if (d[o + 3] < 200) continue;
      const r = d[o], g = d[o + 1], b = d[o + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
      // green-yellow (viridis' good end), which a blue or grey line never is
      if (g > b + 40 && r > 60) warm++;
    }
    return { n, warm };
  }, selector);

const curveState = (page: Page) => page.evaluate(() => (window as any).acquireVsCodeApi().getState()?.curves);

test('a curve of one point per trial draws markers', async () => {
  const { page, errors } = await open('trials=30&points=1');
  const radii = await page.evaluate(() => (window as any).__knobsApp.curves.chart.data.datasets.map((d: any) => [d.data.length, d.pointRadius]));
  assert.ok(radii.length > 10);
  assert.ok(radii.every(([n, r]: number[]) => n === 1 && r > 0), 'every single-point series has a marker');
  assert.ok((await saturated(page, '.chart.curves canvas.layer:not(.over)')).n > 100, 'the markers are drawn');
  assert.deepEqual(errors, []);
  await page.close();
});

test('hover names the trial, its params and the point; the legend names the best and selected trials; colours follow the metric', async () => {
  const { page, errors } = await open('trials=60&points=20&running=0');
  const best = await page.evaluate(() => (window as any).__knobsApp.store.best.id);
  assert.match(await page.locator('.chart.curves .legend').innerText(), new RegExp(`Trial ${best} · best · val_loss [0-9.]+`));
  // the pixel of the best curve's middle point
  const at = await page.evaluate((id) => {
    const v = (window as any).__knobsApp.curves;
    const cur = v.curves.find((c: any) => c.id === id);
    const p = cur.points[Math.floor(cur.points.length / 2)];
    const r = document.querySelector('.chart.curves .over')!.getBoundingClientRect();
    return { x: r.left + v.chart.scales.x.getPixelForValue(p.x), y: r.top + v.chart.scales.y.getPixelForValue(p.y), step: p.step };
  }, best);
  await page.mouse.move(at.x, at.y);
  await settle(page, 100);
  const tip = await page.locator('.tip').innerText();
  assert.match(tip, new RegExp(`^Trial ${best} · completed · lr=[0-9.e-]+, dropout=`), tip);
  assert.match(tip, new RegExp(`val_loss [0-9.]+ at step ${at.step}`), tip);
  await page.mouse.click(at.x, at.y);
  await settle(page, 100);
  assert.equal(await page.evaluate(() => (window as any).__knobsApp.selected), best);
  // the colour scale: many colours (not only the best in colour), and a colour bar with its range
  const colors = await page.evaluate(() => new Set((window as any).__knobsApp.curves.chart.data.datasets.map((d: any) => d.borderColor)).size);
  assert.ok(colors > 10, `curves are coloured by value (${colors} colours)`);
  assert.match(await page.locator('.curvebar .colorscale').innerText(), /val_loss\s+[0-9.]+\s+[0-9.]+/);
  assert.ok((await saturated(page, '.curvebar .colorbar')).warm > 10);
  // another trial selected: the legend names it too
  const other = await page.evaluate((b) => (window as any).__knobsApp.curves.curves.find((c: any) => c.id !== b).id, best);
  await page.evaluate((id) => (window as any).__knobsApp.select(id, 'test'), other);
  await settle(page, 100);
  assert.match(await page.locator('.chart.curves .legend').innerText(), new RegExp(`Trial ${other} · selected`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('metric chooser: every reported metric; another one is asked of the host and drawn; remembered', async () => {
  const { page, errors } = await open('trials=40&points=10&acc=1');
  const options = await page.locator('.curvebar select.curve-metric option').allInnerTexts();
  assert.deepEqual(options, ['val_loss', 'val_acc']);
  await page.locator('.curvebar select.curve-metric').selectOption('val_acc');
  await page.waitForFunction(() => (window as any).__knobsApp.curves.chart.options.scales.y.title.text === 'val_acc' && (window as any).__knobsApp.curves.curves.length > 5, null, { timeout: 10_000 });
  const asked = await page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'series'));
  assert.equal(asked.length, 1);
  assert.equal(asked[0].metric, 'val_acc');
  assert.ok(asked[0].trials.length > 5);
  // accuracies (0…1, rising), not losses
  const ys = await page.evaluate(() => (window as any).__knobsApp.curves.curves.flatMap((c: any) => c.points.map((p: any) => p.y)));
  const data = await page.evaluate(() => (window as any).__data.series.filter((s: any) => s.name === 'val_acc').flatMap((s: any) => s.values));
  assert.ok(ys.every((y: number) => data.includes(y)), 'the drawn points are val_acc values');
  await settle(page, 300);
  assert.equal((await curveState(page)).metric, 'val_acc');
  assert.deepEqual(errors, []);
  await page.close();
});

test('smoothing (debiased EMA) and the wall-time axis change the curves and are remembered', async () => {
  const { page, errors } = await open('trials=40&points=20');
  const first = () => page.evaluate(() => (window as any).__knobsApp.curves.curves[0].points.slice(0, 4));
  const raw = await first();
  await page.locator('.curvebar input.curve-smoothing').evaluate((i: HTMLInputElement) => {
    i.value = '0.9';
    i.dispatchEvent(new Event('input'));
  });
  await settle(page, 300);
  const sm = await first();
  assert.equal(sm[0].y, raw[0].y, 'debiased: the first point stays');
  assert.notEqual(sm[3].y, raw[3].y);
  assert.equal(sm[3].raw, raw[3].y, 'the hover still has the reported value');
  assert.equal(await page.locator('.curvebar .curve-smoothing-value').innerText(), '0.90');
  await page.locator('.curvebar select.curve-x').selectOption('time');
  await settle(page, 300);
  // the synthetic trials report every 0.4 s from their start
  const t = await first();
  assert.deepEqual(t.map((p: any) => [Math.round(p.x * 10) / 10, p.step]), [[0.4, 1], [0.8, 2], [1.2, 3], [1.6, 4]]);
  assert.match(await page.evaluate(() => (window as any).__knobsApp.curves.chart.options.scales.x.title.text), /wall time/);
  assert.deepEqual(await curveState(page), { metric: null, x: 'time', smoothing: 0.9 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('parallel coordinates: lines coloured by the metric, with the scale along the metric axis', async () => {
  for (const n of [200, 20000]) {
    const { page, errors } = await open(`trials=${n}&points=0&tab=parallel`);
    const px = await saturated(page, '.chart.pcp canvas.layer:not(.over)');
    assert.ok(px.warm > 200, `${n} trials: the good end of the scale shows (${px.warm} px)`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('the table\'s time column is not clipped, at a large font and sorted', async () => {
  const { page, errors } = await open('trials=40&points=5&running=0.5');
  await page.evaluate(() => document.documentElement.style.setProperty('--vscode-font-size', '24px'));
  await settle(page, 300);
  // longest first (the running trials: an hour and more)
  await page.locator('.th[data-key="duration"]').click();
  await settle(page, 300);
  await page.locator('.th[data-key="duration"]').click();
  await settle(page, 300);
  const clipped = await page.evaluate(() => {
    const i = [...document.querySelectorAll('.thead .th')].findIndex((h) => (h as HTMLElement).dataset.key === 'duration');
    const cells = [document.querySelectorAll('.thead .th')[i], ...[...document.querySelectorAll('.tbody .tr')].map((r) => r.querySelectorAll('.td')[i])] as HTMLElement[];
    return { n: cells.length, texts: cells.map((c) => c.textContent), clipped: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent) };
  });
  assert.ok(clipped.n > 5 && clipped.texts.some((t) => /h/.test(t ?? '')), JSON.stringify(clipped.texts));
  assert.deepEqual(clipped.clipped, []);
  assert.deepEqual(errors, []);
  await page.close();
});
