/**
 * The built dashboard (dist/webview.js) in headless Debian chromium, on the standalone page of
 * bench/ui/server.mjs (the panel's strict CSP, theme variables, a mock acquireVsCodeApi): the
 * ready handshake, the snapshot rendering, linked selection, the per-row buttons' messages,
 * appends, persisted UI state, and malformed/error messages; the learning curves' legend, hover,
 * colour scale, metric chooser, smoothing and wall-time axis, single-point markers, the parallel
 * coordinates' colouring and the unclipped time column. Needs /usr/bin/chromium (CI installs it).
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
// the bench server is an ES module; TypeScript would turn import() into require()
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<any>;

let browser: Browser;
let srv: { url: string; close(): Promise<void> };
let CHROMIUM_ARGS: string[];

before(async () => {
  assert.ok(fs.existsSync('/usr/bin/chromium'), 'Debian chromium is installed at /usr/bin/chromium (apt-get install chromium)');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'webview.js')), 'dist/webview.js is built');
  const server = await importEsm(path.join(ROOT, 'bench', 'ui', 'server.mjs'));
  CHROMIUM_ARGS = server.CHROMIUM_ARGS;
  srv = await server.startServer();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
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

/**
 * Lets the page act on what was just clicked or posted: the wait (renders are throttled by
 * timers that were set earlier, so they fire first), then two animation frames, so a render
 * scheduled by then has run even on a loaded machine.
 */
async function settle(page: Page, ms: number): Promise<void> {
  await page.waitForTimeout(ms);
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

const posted = (page: Page) => page.evaluate(() => (window as any).__posted as { type: string; trial?: number }[]);

test('ready → snapshot: header, curves canvas, virtualized rows; no CSP or script errors', async () => {
  const { page, errors } = await open('trials=5000&points=10&running=0.02');
  assert.deepEqual((await posted(page))[0], { type: 'ready' });
  assert.match(await page.locator('.summary .name').innerText(), /synthetic-sweep/);
  // finished / total, the count every face shows (core/format/progress.ts); running ones have their own chip
  const c = await page.evaluate(() => (window as any).__knobsApp.store.counts as Record<string, number>);
  const finished = c.completed + c.failed + c.stopped + c.pruned;
  assert.ok(c.running > 0 && finished < 5000, `some trials run (${JSON.stringify(c)})`);
  assert.match(await page.locator('.summary .states').innerText(), new RegExp(`${finished.toLocaleString('en-US')}/5,000 finished`));
  assert.ok(await page.locator('.chart.curves canvas').first().isVisible());
  const rows = await page.locator('.tbody .tr').count();
  assert.ok(rows > 5 && rows < 80, `only visible rows are in the DOM (${rows} of 5000)`);
  // best first: the first row is the best trial, highlighted
  const best = await page.evaluate(() => (window as any).__knobsApp.store.best.id);
  assert.equal((await page.locator('.tbody .tr').first().locator('.td').first().innerText()).trim(), String(best));
  assert.deepEqual(errors, []);
  await page.close();
});

test('row buttons post stopTrial (running only), promote and openLogs; clicking selects and persists', async () => {
  const { page } = await open('trials=40&points=10&running=0.5');
  // sort by state: running trials first
  await page.locator('.th[data-key="status"]').click();
  // the sort shows on the next animation frame: wait for the table to show it
  await page.waitForFunction(
    () => {
      const td = document.querySelector('.tbody .tr .td');
      return !!td && (window as any).__knobsApp.store.row(Number(td.textContent!.trim()))?.status === 'running';
    },
    null,
    { timeout: 10_000 },
  );
  const first = page.locator('.tbody .tr').first();
  const id = Number((await first.locator('.td').first().innerText()).trim());
  assert.equal(await page.evaluate((i) => (window as any).__knobsApp.store.row(i).status, id), 'running');
  await first.locator('vscode-button[data-action="stop"]').click();
  await first.locator('vscode-button[data-action="promote"]').click();
  await first.locator('vscode-button[data-action="logs"]').click();
  const msgs = (await posted(page)).slice(1);
  assert.deepEqual(msgs, [
    { type: 'stopTrial', trial: id },
    { type: 'promote', trial: id },
    { type: 'openLogs', trial: id },
  ]);
  // select a row: highlighted, and the UI state is saved with the sort
  await first.locator('.td').nth(2).click();
  await settle(page, 400);
  assert.ok(await first.evaluate((r) => r.classList.contains('selected')));
  const state = await page.evaluate(() => (window as any).acquireVsCodeApi().getState());
  assert.equal(state.selected, id);
  assert.deepEqual(state.sort, { key: 'status', dir: 'asc' });
  // keyboard: ArrowDown moves the selection to the next row
  await page.locator('.tbody').press('ArrowDown');
  await settle(page, 100);
  const second = Number((await page.locator('.tbody .tr').nth(1).locator('.td').first().innerText()).trim());
  assert.equal(await page.evaluate(() => (window as any).__knobsApp.selected), second);
  // finished trials first (state descending): their Stop button is hidden
  await page.locator('.th[data-key="status"]').click();
  await page.waitForFunction(
    () => {
      const td = document.querySelector('.tbody .tr .td');
      return !!td && (window as any).__knobsApp.store.row(Number(td.textContent!.trim()))?.status !== 'running';
    },
    null,
    { timeout: 10_000 },
  );
  const done = page.locator('.tbody .tr', { hasText: 'Completed' }).first();
  assert.equal(await done.locator('vscode-button[data-action="stop"]').evaluate((b) => getComputedStyle(b).visibility), 'hidden');
  assert.equal(await done.locator('vscode-button[data-action="promote"]').evaluate((b) => getComputedStyle(b).visibility), 'visible');
  await page.close();
});

test('state filter and a scatter brush narrow the rows; counts are exact', async () => {
  const { page } = await open('trials=300&points=5&running=0.1&tab=scatter');
  await page.locator('.filterbar vscode-checkbox[data-state="running"]').click();
  await page.waitForFunction(
    () => {
      const app = (window as any).__knobsApp;
      return (
        app.table.order.length === app.store.counts.running &&
        /trials match/.test(document.querySelector('.filterbar .match')?.textContent ?? '')
      );
    },
    null,
    { timeout: 10_000 },
  );
  const running = await page.evaluate(() => (window as any).__knobsApp.store.counts.running);
  assert.match(await page.locator('.filterbar .match').innerText(), new RegExp(`^${running} of 300 trials match`));
  assert.equal(await page.evaluate(() => (window as any).__knobsApp.table.order.length), running);
  const states = await page.locator('.tbody .tr:visible .td:nth-child(2)').allInnerTexts();
  assert.ok(states.length > 3 && states.every((s) => s.trim() === 'Running'), 'only running rows are shown');
  // drag across the first scatter cell: a range filter on lr appears as a chip
  const b = (await page.locator('.chart.scatter').boundingBox())!;
  await page.mouse.move(b.x + 60, b.y + 40);
  await page.mouse.down();
  await page.mouse.move(b.x + 140, b.y + 45, { steps: 5 });
  await page.mouse.up();
  await settle(page, 200);
  assert.match(await page.locator('.filterbar .chips').innerText(), /lr ∈ \[/);
  const { matched, expected } = await page.evaluate(() => {
    const app = (window as any).__knobsApp;
    const [lo, hi] = app.filters.ranges.lr;
    let expected = 0;
    for (let i = 0; i < app.store.size; i++) {
      const r = app.store.rowAt(i);
      if (r.status === 'running' && r.params.lr >= lo && r.params.lr <= hi) expected++;
    }
    return { matched: app.matched, expected };
  });
  assert.equal(matched, expected);
  await page.close();
});

test('appends update rows in place; error and malformed messages are handled', async () => {
  const { page } = await open('trials=10&points=5&running=0.3');
  await page.evaluate(() => {
    const d = (window as any).__data;
    const t = { ...d.trials[0], status: 'completed', value: 0.001, best: 0.001 };
    window.postMessage(
      (window as any).__wire({
        type: 'append',
        trials: [t],
        series: [{ trial: t.id, attempt: 1, name: 'val_loss', steps: [99], values: [0.001] }],
      }),
      '*',
    );
  });
  await settle(page, 400);
  assert.match(await page.locator('.summary .best').innerText(), /0\.001\s+trial 1\b/);
  assert.equal((await page.locator('.tbody .tr').first().locator('.td').first().innerText()).trim(), '1');
  await page.evaluate(() => window.postMessage({ type: 'append', trials: 'nope', series: [] }, '*'));
  await page.evaluate(() => window.postMessage({ type: 'error', message: 'journal unreadable' }, '*'));
  await settle(page, 100);
  assert.equal(await page.locator('.banner').innerText(), 'journal unreadable');
  // a row-shaped append (not columnar) and one with a bad status code are dropped and logged
  await page.evaluate(() => {
    const d = (window as any).__data;
    window.postMessage({ type: 'append', trials: [d.trials[1]], series: [] }, '*');
    const bad = (window as any).__wire({ type: 'append', trials: [{ ...d.trials[1], value: 5 }], series: [] });
    bad.trials.status[0] = 99;
    window.postMessage(bad, '*');
  });
  await settle(page, 100);
  const logs = (await posted(page)).filter((m) => m.type === 'log') as unknown as { message: string }[];
  assert.equal(logs.length, 3, JSON.stringify(logs));
  assert.match(logs[0].message, /trials must be columns/);
  assert.match(logs[2].message, /status\[0\] is not a state/);
  assert.notEqual(await page.evaluate(() => (window as any).__knobsApp.store.row(2).value), 5, 'the bad append changed nothing');
  await page.close();
});

test("a large sweep: the snapshot carries the best trials' curves; filtered-in trials' curves are fetched", async () => {
  const { page, errors } = await open('trials=20000&points=14&running=0');
  const before = await page.evaluate(() => ({
    lazy: (window as any).__knobsApp.store.lazy.size,
    drawn: (window as any).__knobsApp.curves.curves.length,
  }));
  assert.ok(before.lazy > 15000, `most series were left out of the snapshot (${before.lazy} lazy)`);
  assert.equal(before.drawn, 80, 'the curves tab draws its 80 curves from the snapshot');
  assert.equal((await posted(page)).filter((m) => m.type === 'series').length, 0, 'nothing to fetch before a filter');
  await page.locator('.filterbar vscode-checkbox[data-state="failed"]').click();
  // the filter applies on the next frame: wait for the ask, its reply, and the redrawn curves
  await page.waitForFunction(
    () => {
      const app = (window as any).__knobsApp;
      return (
        (window as any).__posted.some((m: { type: string }) => m.type === 'series') &&
        app.store.pending.size === 0 &&
        app.curves.curves.length > 0 &&
        app.curves.curves.every((c: { id: number }) => app.store.row(c.id).status === 'failed')
      );
    },
    null,
    { timeout: 20000 },
  );
  const asks = (await posted(page)).filter((m) => m.type === 'series') as unknown as { trials: number[] }[];
  assert.ok(asks.length >= 1, "the webview asked for the failed trials' series");
  const shown = await page.evaluate(() => {
    const app = (window as any).__knobsApp;
    return app.curves.curves.map((c: any) => [app.store.row(c.id).status, app.store.seriesOf(c.id).length]);
  });
  assert.ok(
    shown.every(([st, n]: [string, number]) => st === 'failed' && n > 0),
    JSON.stringify(shown.slice(0, 5)),
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('light theme: colours follow the theme variables', async () => {
  const { page } = await open('trials=20&points=5&theme=light');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(255, 255, 255)');
  const theme = await page.evaluate(() => (window as any).__knobsApp.theme);
  assert.equal(theme.blue, '#1a85ff');
  assert.equal(theme.dark, false);
  await page.close();
});

test('LR finder tab: says how to get a range test, draws one the host sends, buttons post bare actions; a bad lrFind is dropped', async () => {
  const { page, errors } = await open('trials=10&points=5&running=0');
  await page.locator('vscode-tab-header[data-tab="lrfind"]').click();
  await page.evaluate(() =>
    window.postMessage({ type: 'lrFind', data: null, message: 'No learning-rate range test of sweep.yaml yet.' }, '*'),
  );
  await settle(page, 150);
  assert.match(await page.locator('.lrf-caption').innerText(), /No learning-rate range test of sweep\.yaml yet/);
  assert.equal(await page.locator('.lrf-canvas').isVisible(), false);
  await page.locator('.lrf-btn[data-action="run"]').click();
  // a real-looking ramp: loss falls, bottoms out near lr 3e-3, then blows up
  const n = 60;
  const lrs = Array.from({ length: n }, (_, i) => 1e-6 * 10 ** ((6 * i) / (n - 1)));
  const losses = lrs.map((lr) => 2.3 - 1.5 / (1 + (3e-4 / lr) ** 1.2) + (lr > 3e-2 ? 40 * (lr - 3e-2) : 0));
  const data = {
    title: 'sweep.yaml · lr',
    lrs,
    losses,
    smoothed: losses,
    stopIndex: n,
    diverged: true,
    minLr: 3e-2,
    suggestion: { maxLr: 3e-3, baseLr: 7.5e-4, method: 'steepest', baseLrLow: 3e-4, baseLrHigh: 7.5e-4 },
    sweepRange: { min: 3e-4, max: 3e-3 },
    cyclicLr: { base_lr: 7.5e-4, max_lr: 3e-3 },
    canWriteSweep: true,
    canWriteCode: true,
  };
  await page.evaluate((d) => window.postMessage({ type: 'lrFind', data: d }, '*'), data);
  await settle(page, 200);
  assert.match(await page.locator('.lrf-caption').innerText(), /sweep\.yaml · lr: .*max_lr/);
  assert.ok(await page.locator('.lrf-canvas').isVisible());
  // the curve is drawn: many non-transparent pixels on the canvas
  const inked = await page.evaluate(() => {
    const c = document.querySelector('.lrf-canvas') as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let k = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) k++;
    return k;
  });
  assert.ok(inked > 2000, `the lr curve inked ${inked} pixels`);
  await page.locator('.lrf-btn[data-action="useBounds"]').click();
  await page.locator('.lrf-btn[data-action="writeCyclicLr"]').click();
  // hostile lrFind messages are logged and change nothing
  await page.evaluate((d) => {
    window.postMessage({ type: 'lrFind', data: { ...d, lrs: 'nope' } }, '*');
    window.postMessage({ type: 'lrFind', data: null, extra: 1 }, '*');
  }, data);
  await settle(page, 150);
  const msgs = await posted(page);
  const actions = msgs.filter((m) => m.type === 'lrFindAction');
  assert.deepEqual(actions, [
    { type: 'lrFindAction', action: 'run' },
    { type: 'lrFindAction', action: 'useBounds' },
    { type: 'lrFindAction', action: 'writeCyclicLr' },
  ]);
  const logs = msgs.filter((m) => m.type === 'log') as unknown as { message: string }[];
  assert.equal(logs.length, 2, JSON.stringify(logs));
  assert.match(logs[0].message, /lrFind/);
  assert.match(await page.locator('.lrf-caption').innerText(), /sweep\.yaml · lr/, 'the bad messages left the drawn result alone');
  assert.deepEqual(errors, []);
  await page.close();
});

test('scrolled sideways, the # and State columns stay in view beside the sticky row buttons', async () => {
  const { page } = await open('trials=40&points=10&running=0.5');
  await page.setViewportSize({ width: 560, height: 800 });
  await settle(page, 100);
  const scrolled = await page.evaluate(() => {
    const body = document.querySelector<HTMLElement>('.tbody')!;
    body.scrollLeft = body.scrollWidth;
    return { left: body.scrollLeft, room: body.scrollWidth - body.clientWidth };
  });
  assert.ok(scrolled.room > 200 && scrolled.left > 200, `the table is wider than the panel and scrolled (${JSON.stringify(scrolled)})`);
  await settle(page, 100);
  const seen = await page.evaluate(() => {
    const box = document.querySelector('.tbody')!.getBoundingClientRect();
    const row = document.querySelector('.tbody .tr')!;
    const cells = [...row.querySelectorAll<HTMLElement>('.td')];
    const shown = (c: HTMLElement) => {
      const r = c.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.left >= box.left - 1 && r.right <= box.right + 1 && !!hit && c.contains(hit);
    };
    const head = [...document.querySelectorAll<HTMLElement>('.thead .th')];
    return {
      id: shown(cells[0]),
      state: shown(cells[1]),
      actions: shown(row.querySelector('.td.actions')!),
      idHead: shown(head[0]),
      metric: shown(cells[2]),
      idText: cells[0].innerText.trim(),
    };
  });
  assert.ok(seen.id && seen.state, `trial number and state visible: ${JSON.stringify(seen)}`);
  assert.ok(seen.idHead, 'the # header stays too');
  assert.ok(seen.actions, 'the row buttons stay');
  assert.ok(!seen.metric, 'the unpinned metric column scrolled out of view (the test can fail)');
  assert.match(seen.idText, /^\d+$/);
  await page.close();
});

// ---- learning curves and parallel coordinates as users expect from W&B, TensorBoard, optuna-dashboard ----

/** Pixels of a canvas whose colour is saturated (curves, markers; not the grey grid, text or background). */
const saturated = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0,
      warm = 0;
    for (let o = 0; o < d.length; o += 4) {
      if (d[o + 3] < 200) continue;
      const r = d[o],
        g = d[o + 1],
        b = d[o + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
      // green-yellow (viridis' good end), which a blue or grey line never is
      if (g > b + 40 && r > 60) warm++;
    }
    return { n, warm };
  }, selector);

const curveState = (page: Page) => page.evaluate(() => (window as any).acquireVsCodeApi().getState()?.curves);

test('a curve of one point per trial draws markers', async () => {
  const { page, errors } = await open('trials=30&points=1');
  const radii = await page.evaluate(() =>
    (window as any).__knobsApp.curves.chart.data.datasets.map((d: any) => [d.data.length, d.pointRadius]),
  );
  assert.ok(radii.length > 10);
  assert.ok(
    radii.every(([n, r]: number[]) => n === 1 && r > 0),
    'every single-point series has a marker',
  );
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
  const colors = await page.evaluate(
    () => new Set((window as any).__knobsApp.curves.chart.data.datasets.map((d: any) => d.borderColor)).size,
  );
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
  await page.waitForFunction(
    () =>
      (window as any).__knobsApp.curves.chart.options.scales.y.title.text === 'val_acc' &&
      (window as any).__knobsApp.curves.curves.length > 5,
    null,
    { timeout: 10_000 },
  );
  const asked = await page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'series'));
  assert.equal(asked.length, 1);
  assert.equal(asked[0].metric, 'val_acc');
  assert.ok(asked[0].trials.length > 5);
  // accuracies (0…1, rising), not losses
  const ys = await page.evaluate(() => (window as any).__knobsApp.curves.curves.flatMap((c: any) => c.points.map((p: any) => p.y)));
  const data = await page.evaluate(() =>
    (window as any).__data.series.filter((s: any) => s.name === 'val_acc').flatMap((s: any) => s.values),
  );
  assert.ok(
    ys.every((y: number) => data.includes(y)),
    'the drawn points are val_acc values',
  );
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
  assert.deepEqual(
    t.map((p: any) => [Math.round(p.x * 10) / 10, p.step]),
    [
      [0.4, 1],
      [0.8, 2],
      [1.2, 3],
      [1.6, 4],
    ],
  );
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

test("the table's time column is not clipped, at a large font and sorted", async () => {
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
    const cells = [
      document.querySelectorAll('.thead .th')[i],
      ...[...document.querySelectorAll('.tbody .tr')].map((r) => r.querySelectorAll('.td')[i]),
    ] as HTMLElement[];
    return {
      n: cells.length,
      texts: cells.map((c) => c.textContent),
      clipped: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
    };
  });
  assert.ok(clipped.n > 5 && clipped.texts.some((t) => /h/.test(t ?? '')), JSON.stringify(clipped.texts));
  assert.deepEqual(clipped.clipped, []);
  assert.deepEqual(errors, []);
  await page.close();
});
