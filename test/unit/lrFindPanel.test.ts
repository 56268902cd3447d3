/**
 * The LR-finder panel on the shared panel host: one tab per sweep file tested (a second range test
 * of the same file shows in it), its own validator on every inbound message, restore from the
 * webview state. Saved results are real result.json files; VS Code is faked (test/support/fakeWebview.ts).
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LrFindSaved } from '../../src/extension/insight/lrFind';
import { LR_FIND_VIEW_TYPE, LrFindPanels, lrFindPanelKey } from '../../src/extension/insight/lrFindPanel';
import { FakeWebviewApi, fakeLog, settle } from '../support/fakeWebview';

function save(root: string, stamp: string, sweepFile: string, maxLr: number): string {
  const dir = path.join(root, '.knobs', 'lr-find', stamp);
  fs.mkdirSync(dir, { recursive: true });
  const points = [1e-5, 1e-4, 1e-3, 1e-2].map((lr, i) => ({ lr, loss: [2, 1.2, 0.8, 5][i], smoothed: [2, 1.4, 1, 3][i] }));
  const result = {
    kind: 'knobs.lrFind',
    sweepFile,
    param: 'lr',
    createdAt: `2026-11-0${stamp.slice(-1)}T10:00:00.000Z`,
    points,
    stopIndex: 4,
    diverged: true,
    minLr: 1e-3,
    suggestion: { maxLr, baseLr: maxLr / 4, method: 'steepest', baseLrLow: maxLr / 10, baseLrHigh: maxLr / 4 },
    sweepRange: { min: maxLr / 10, max: maxLr },
    cyclicLr: { base_lr: maxLr / 4, max_lr: maxLr },
  };
  const f = path.join(dir, 'result.json');
  fs.writeFileSync(f, JSON.stringify(result));
  return f;
}

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrpanel-'));
  const api = new FakeWebviewApi();
  const log = fakeLog();
  const used: LrFindSaved[] = [];
  const panels = new LrFindPanels(api, log, {
    useBounds: async (s) => {
      used.push(s);
      return `lr now ranges over ${s.sweepRange?.min} … ${s.sweepRange?.max}`;
    },
    writeCyclicLr: async () => undefined,
    onError: (what, e) => log.error(`${what}: ${String(e)}`),
  });
  return { root, api, log, used, panels, done: () => fs.rmSync(root, { recursive: true, force: true }) };
}

const results = (posted: unknown[]) =>
  posted.filter((m) => (m as { type: string }).type === 'result').map((m) => (m as { data: { resultFile: string } }).data.resultFile);

test('lr finder: a second range test of the same sweep file shows in the same tab; another file gets its own', async () => {
  const { root, api, used, panels, done } = setup();
  const sweep = path.join(root, 'sweep.yaml');
  const first = save(root, '20261101-1', sweep, 1e-3);
  panels.open(first);
  assert.equal(api.created.length, 1);
  const tab = api.created[0];
  assert.equal(tab.viewType, LR_FIND_VIEW_TYPE);
  assert.match(tab.webview.html, /dist\/lrFind\.js/);
  tab.receive({ type: 'ready' });
  await settle();
  assert.deepEqual(results(tab.posted), [first]);
  assert.equal(tab.title, 'LR finder: sweep.yaml · lr');

  const second = save(root, '20261102-2', sweep, 2e-3);
  assert.equal(lrFindPanelKey(second), lrFindPanelKey(first));
  panels.open(second);
  await settle();
  assert.equal(api.created.length, 1, 'no second tab');
  assert.equal(tab.reveals, 1);
  assert.deepEqual(results(tab.posted), [first, second], 'the new result replaces the old one');
  tab.receive({ type: 'useBounds' });
  await settle();
  assert.equal(used[0]?.suggestion?.maxLr, 2e-3, 'the buttons act on the result shown');
  panels.open(second);
  assert.deepEqual(results(tab.posted), [first, second], 'the same result again: only revealed');
  assert.equal(tab.reveals, 2);

  panels.open(save(root, '20261103-3', path.join(root, 'other.yaml'), 5e-3));
  assert.equal(api.created.length, 2, 'another sweep file, another tab');
  panels.dispose();
  assert.ok(api.created.every((p) => p.disposed));
  done();
});

test('lr finder: inbound messages go through parseLrFindWebviewMessage; invalid ones are logged and dropped', async () => {
  const { root, api, log, used, panels, done } = setup();
  panels.open(save(root, '20261101-1', path.join(root, 'sweep.yaml'), 1e-3));
  const tab = api.created[0];
  tab.receive({ type: 'ready' });
  tab.receive({ type: 'useBounds', file: '/etc/passwd' });
  tab.receive({ type: 'log', level: 'debug', message: 'x' });
  await settle();
  assert.deepEqual(used, [], 'the invalid useBounds did not act');
  assert.deepEqual(
    log.lines.filter((l) => l.startsWith('warn')),
    [
      'warn lr-find panel: ignored an invalid message (useBounds: unexpected field(s) "file")',
      'warn lr-find panel: ignored an invalid message (log: `level` must be info, warn or error)',
    ],
  );
  panels.dispose();
  done();
});

test('lr finder: a reloaded window restores the panel of the result its state names; a missing result closes it', async () => {
  const { root, api, log, panels, done } = setup();
  const file = save(root, '20261101-1', path.join(root, 'sweep.yaml'), 1e-3);
  const restored = await api.restore(LR_FIND_VIEW_TYPE, 'LR finder: sweep.yaml · lr', { resultFile: file });
  assert.equal(restored.disposed, false);
  restored.receive({ type: 'ready' });
  await settle();
  assert.deepEqual(results(restored.posted), [file]);
  panels.open(file);
  assert.equal(api.created.length, 0, 'open reveals the restored tab');
  assert.equal(restored.reveals, 1);
  const gone = await api.restore(LR_FIND_VIEW_TYPE, 'LR finder', { resultFile: path.join(root, 'nope', 'result.json') });
  assert.equal(gone.disposed, true);
  assert.ok(log.lines.includes('warn an lr-finder panel (LR finder) could not be restored: its result is gone'));
  panels.dispose();
  done();
});
