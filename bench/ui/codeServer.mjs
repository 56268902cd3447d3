#!/usr/bin/env node
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
// `npm run bench:ui -- --code-server` (or `node bench/ui/codeServer.mjs`): the same dashboard
// measurements inside a real VS Code (code-server + the built .vsix, driven by playwright-core with
// Debian chromium, through the e2e suite's support code). Each size gets a workspace holding a real
// finished sweep (bench/ui/journal.mjs: the standalone page's synthetic sweep written as a
// journal). The extension host replays it, builds the snapshot and posts it; first paint is the
// host's "posted at" time (the Knobs output channel) → the first frame in the webview (its
// performance marks, as epoch times). Interactions are timed inside the webview as standalone.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeSyntheticSweep } from './journal.mjs';
import { interactions, p95, sectionStats, TARGET, table } from './measure.mjs';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
if (!existsSync(join(root, 'out/test/e2e/support/session.js'))) {
  console.error('build first: npm run build');
  process.exit(1);
}
const { startSession } = require(join(root, 'out/test/e2e/support/session.js'));
const { assertToolchain } = require(join(root, 'out/test/e2e/support/toolchain.js'));
const { waitFor, sleep } = require(join(root, 'out/test/e2e/support/processes.js'));

/** Files under `dir` whose name matches `re`. */
function walk(dir, re, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

/** The host's log line for the snapshot it posted: { n, points, buildMs, postedAt }. */
function snapshotLog(userData) {
  for (const f of walk(join(userData, 'logs'), /knobs/i).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)) {
    const m = [...readFileSync(f, 'utf8').matchAll(/snapshot of (\d+) trials and (\d+) points built in (\d+) ms, posted at (\d+)/g)].pop();
    if (m) return { n: +m[1], points: +m[2], buildMs: +m[3], postedAt: +m[4] };
  }
  return undefined;
}

/** The webview frame the dashboard bundle runs in, once it has painted. */
async function dashboardFrame(page, timeoutMs) {
  return waitFor(
    'the dashboard to paint',
    async () => {
      for (const f of page.frames()) {
        const ok = await f.evaluate(() => typeof window.__knobsPerf?.firstPaint === 'number').catch(() => false);
        if (ok) return f;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export async function runInCodeServer(sizes) {
  const tc = assertToolchain();
  const rows = [];
  const notes = [];
  for (const [n, pts] of sizes) {
    const label = `${n / 1000}k trials`;
    const session = await startSession({
      tc,
      name: `bench-ui-${n}`,
      trusted: true,
      prepareWorkspace: (ws) => writeSyntheticSweep(ws, { trials: n, points: pts }),
    });
    let failed = true;
    try {
      const { page, wb } = session;
      page.setDefaultTimeout(60_000);
      await wb.showKnobs(120_000);
      // the extension host has replayed the journal once the tree lists the sweep
      await waitFor('the sweep in the Knobs tree', async () => (await wb.treeLabels()).some((l) => /sweep/i.test(l)), {
        timeoutMs: 300_000,
        intervalMs: 500,
      });
      const asked = Date.now();
      await wb.runCommand('Knobs: Open Dashboard', { timeoutMs: 60_000 });
      const qi = page.locator('.quick-input-widget');
      if (await qi.isVisible().catch(() => false)) await page.keyboard.press('Enter');
      const frame = await dashboardFrame(page, 300_000);
      const marks = await frame.evaluate(() => {
        const at = (k) => performance.timeOrigin + performance.getEntriesByName(k, 'mark')[0].startTime;
        return { snapshot: at('knobs:snapshot'), paint: at('knobs:first-paint'), size: window.__knobsApp.store.size };
      });
      const host = await waitFor('the snapshot line in the Knobs log', () => snapshotLog(session.dirs.userData), {
        timeoutMs: 20_000,
        intervalMs: 250,
      });
      if (marks.size !== n) throw new Error(`the dashboard holds ${marks.size} trials, not ${n}`);
      rows.push({
        scenario: label,
        metric: `first paint (curves tab; snapshot posted by the host → first frame; of which delivery ${(marks.snapshot - host.postedAt).toFixed(0)} ms)`,
        value: marks.paint - host.postedAt,
        target: n >= 100000 ? TARGET.paint100k : TARGET.paint10k,
      });
      rows.push({
        scenario: label,
        metric: `open dashboard command → first frame (host: snapshot built in ${host.buildMs} ms)`,
        value: marks.paint - asked,
        target: NaN,
      });
      await sleep(500);
      const out = await interactions(page, frame);
      for (const [name, xs] of Object.entries(out))
        rows.push({ scenario: label, metric: `${name} p95 (n=${xs.length})`, value: p95(xs), target: TARGET.p95 });
      const st = await sectionStats(frame);
      notes.push(
        `${label}: render sections (median/max ms): ${Object.entries(st)
          .map(([k, v]) => `${k} ${v.median.toFixed(0)}/${v.max.toFixed(0)}`)
          .join(', ')}`,
      );
      await wb.screenshot('dashboard');
      failed = false;
    } finally {
      await session.close({ failed });
    }
  }
  return { rows, notes, codeServer: tc.codeServerVersion, chromium: tc.chromiumVersion };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const r = await runInCodeServer(
    quick
      ? [[10000, 20]]
      : [
          [10000, 20],
          [100000, 5],
        ],
  );
  console.log(table(r.rows).join('\n'));
  console.log(r.notes.join('\n'));
  process.exit(0);
}
