// The bench's measurements, shared by the standalone page (run.mjs) and the dashboard inside
// code-server (codeServer.mjs): `page` moves the mouse (coordinates are the page's), `frame` is
// where the dashboard runs (the page's main frame standalone; the webview's inner frame in VS Code).

export const TARGET = { paint10k: 1000, paint100k: 3000, p95: 100 };

export const p95 = (xs) => {
  if (!xs?.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};

export const frames = (frame) =>
  frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
export const samples = (frame, kind) => frame.evaluate((k) => window.__knobsPerf.interactions[k] ?? [], kind);
export const reset = (frame) => frame.evaluate(() => (window.__knobsPerf.interactions = {}));

async function box(frame, sel) {
  const b = await frame.locator(sel).first().boundingBox();
  if (!b) throw new Error(`no box for ${sel}`);
  return b;
}

/**
 * Hover and brush on the scatter, brush on the parallel coordinates, then hover, state filter
 * and sort on the table; returns { name: samples[] } (ms from the input event to the frame that
 * shows it, as the page measured them).
 */
export async function interactions(page, frame) {
  const out = {};
  await frame.locator('vscode-tab-header[data-tab="scatter"]').click();
  await frames(frame);
  await page.waitForTimeout(300);
  let b = await box(frame, '.chart.scatter');
  await reset(frame);
  const cx = b.x + 60,
    cy = b.y + 30,
    cw = Math.min(240, b.width / 2) - 70,
    ch = 110;
  for (let k = 0; k < 60; k++) {
    await page.mouse.move(cx + ((k * 37) % cw), cy + ((k * 53) % ch));
    await frames(frame);
  }
  out['hover scatter'] = await samples(frame, 'hover-scatter');
  await reset(frame);
  await page.mouse.move(cx + 5, cy + 5);
  await page.mouse.down();
  for (let k = 1; k <= 30; k++) {
    await page.mouse.move(cx + 5 + k * (cw / 30), cy + 5 + k * (ch / 30));
    await frames(frame);
  }
  await page.mouse.up();
  await frames(frame);
  out['brush scatter'] = await samples(frame, 'brush-scatter');
  await frame.locator('.filterbar vscode-button').click();
  await frames(frame);

  await frame.locator('vscode-tab-header[data-tab="parallel"]').click();
  await frames(frame);
  await page.waitForTimeout(300);
  b = await box(frame, '.chart.pcp');
  await reset(frame);
  const ax = b.x + 56,
    top = b.y + 40,
    hgt = b.height - 70;
  await page.mouse.move(ax, top + 5);
  await page.mouse.down();
  for (let k = 1; k <= 30; k++) {
    await page.mouse.move(ax, top + 5 + (k * hgt) / 40);
    await frames(frame);
  }
  await page.mouse.up();
  await frames(frame);
  out['brush parallel'] = await samples(frame, 'brush-pcp');

  await reset(frame);
  const t = await box(frame, '.tbody');
  for (let k = 0; k < 60; k++) {
    await page.mouse.move(t.x + 200, t.y + 6 + ((k * 28 + 7) % Math.max(30, t.height - 12)));
    await frames(frame);
  }
  out['hover table'] = await samples(frame, 'hover-table');
  await reset(frame);
  for (let k = 0; k < 20; k++) {
    await frame.locator('.filterbar vscode-checkbox[data-state="completed"]').click();
    await frames(frame);
  }
  out['filter table (state)'] = await samples(frame, 'filter-state');
  await reset(frame);
  for (const key of ['param:lr', 'id', 'value', 'param:dropout', 'status', 'param:lr']) {
    await frame.locator(`.th[data-key="${key}"]`).click();
    await frames(frame);
  }
  out['sort table'] = await samples(frame, 'sort');
  await reset(frame);
  return out;
}

/** Median and max per render section (window.__knobsPerf.sections), for the notes. */
export async function sectionStats(frame) {
  const s = await frame.evaluate(() => window.__knobsPerf.sections);
  return Object.fromEntries(
    Object.entries(s).map(([k, v]) => {
      const a = [...v].sort((x, y) => x - y);
      return [k, { n: a.length, median: a[Math.floor(a.length / 2)], max: a[a.length - 1] }];
    }),
  );
}

export function table(rows) {
  const fmt = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '—');
  const ok = (r) => (Number.isFinite(r.target) ? (r.value <= r.target ? 'ok' : 'MISS') : '');
  return [
    '| scenario | measure | value | target | |',
    '|---|---|---:|---:|---|',
    ...rows.map(
      (r) => `| ${r.scenario} | ${r.metric} | ${fmt(r.value)} | ${Number.isFinite(r.target) ? `≤ ${r.target} ms` : ''} | ${ok(r)} |`,
    ),
  ];
}
