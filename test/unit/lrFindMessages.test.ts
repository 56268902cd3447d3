/** The lr-finder panel's protocol: every webview message is checked, hostile ones are refused with a reason. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LrFindData, parseLrFindData, parseLrFindHostMessage, parseLrFindWebviewMessage } from '../../src/protocol/lrFindMessages';

const DATA: LrFindData = {
  title: 'sweep.yaml · lr',
  lrs: [1e-6, 1e-4, 1e-2, 1],
  losses: [2.3, 2.0, 0.8, null],
  smoothed: [2.3, 2.1, 1.2, null],
  stopIndex: 3,
  diverged: true,
  minLr: 1e-2,
  suggestion: { maxLr: 1e-3, baseLr: 2.5e-4, method: 'steepest', baseLrLow: 1e-4, baseLrHigh: 2.5e-4 },
  sweepRange: { min: 1e-4, max: 3e-3 },
  cyclicLr: { base_lr: 0.00025, max_lr: 0.001 },
  canWriteSweep: true,
  canWriteCode: true,
  resultFile: '/w/.knobs/lr-find/x/result.json',
};

test('webview → host: the four message types are accepted exactly', () => {
  assert.deepEqual(parseLrFindWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseLrFindWebviewMessage({ type: 'useBounds' }), { type: 'useBounds' });
  assert.deepEqual(parseLrFindWebviewMessage({ type: 'writeCyclicLr' }), { type: 'writeCyclicLr' });
  assert.deepEqual(parseLrFindWebviewMessage({ type: 'log', level: 'warn', message: 'x' }), { type: 'log', level: 'warn', message: 'x' });
  const long = parseLrFindWebviewMessage({ type: 'log', level: 'info', message: 'y'.repeat(10_000) });
  assert.ok(typeof long === 'object' && long.type === 'log' && long.message.length === 2000, 'log text is capped');
});

test('webview → host: hostile and malformed messages are refused with a reason', () => {
  const bad: [unknown, RegExp][] = [
    [null, /not an object/],
    [[{ type: 'ready' }], /not an object/],
    ['useBounds', /not an object/],
    [{}, /no string `type`/],
    [{ type: 42 }, /no string `type`/],
    [{ type: 'rm -rf' }, /unknown type/],
    [{ type: 'promote', trial: 1 }, /unknown type/],
    // the actions carry no values: the host writes what the saved result says
    [{ type: 'useBounds', min: 1e-9, max: 1e9 }, /unexpected field/],
    [{ type: 'writeCyclicLr', file: '/etc/passwd' }, /unexpected field/],
    [JSON.parse('{"type":"useBounds","__proto__":{"x":1}}'), /unexpected field/],
    [{ type: 'log', level: 'debug', message: 'x' }, /level/],
    [{ type: 'log', level: 'info', message: { toString: 1 } }, /message/],
    [{ type: 'log', level: 'info' }, /message/],
  ];
  for (const [raw, why] of bad) {
    const r = parseLrFindWebviewMessage(raw);
    assert.equal(typeof r, 'string', `${JSON.stringify(raw)} is refused`);
    assert.match(r as string, why);
  }
});

test('webview → host: random junk never passes and never throws', () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const atoms: unknown[] = [null, 0, -1, NaN, '', 'ready', 'useBounds', 'log', true, [], {}, 'info', 1e308];
  const keys = ['type', 'level', 'message', 'min', 'max', 'file', 'constructor'];
  for (let i = 0; i < 2000; i++) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) o[keys[Math.floor(rnd() * keys.length)]] = atoms[Math.floor(rnd() * atoms.length)];
    const r = parseLrFindWebviewMessage(o);
    if (typeof r === 'object') {
      // only exact, well-formed messages get through
      assert.ok(['ready', 'useBounds', 'writeCyclicLr', 'log'].includes(r.type));
      assert.deepEqual(Object.keys(o).sort(), Object.keys(r).sort());
    }
  }
});

test('host → webview: result data is checked field by field', () => {
  assert.deepEqual(parseLrFindHostMessage({ type: 'result', data: DATA }), { type: 'result', data: DATA });
  assert.deepEqual(parseLrFindHostMessage({ type: 'status', level: 'error', message: 'no' }), {
    type: 'status',
    level: 'error',
    message: 'no',
  });
  const cases: [Partial<Record<keyof LrFindData, unknown>>, RegExp][] = [
    [{ lrs: [1e-3, -1, 1, 2] }, /lrs holds -1/],
    [{ lrs: 'x' }, /lrs must be an array/],
    [{ losses: [1, 2] }, /losses must be an array of 4/],
    [{ smoothed: [1, 2, 3, 'x'] }, /smoothed holds "x"/],
    [{ stopIndex: 9 }, /stopIndex/],
    [{ stopIndex: 1.5 }, /stopIndex/],
    [{ diverged: 'yes' }, /diverged/],
    [{ minLr: 0 }, /minLr/],
    [{ suggestion: { maxLr: 1e-3, baseLr: 0, method: 'steepest', baseLrLow: 1, baseLrHigh: 1 } }, /suggestion needs positive/],
    [{ suggestion: { ...DATA.suggestion, method: 'magic' } }, /method/],
    [{ sweepRange: { min: 1e-2, max: 1e-3 } }, /0 < min < max/],
    [{ cyclicLr: { base_lr: 1e-3 } }, /cyclicLr/],
    [{ canWriteSweep: 1 }, /booleans/],
    [{ title: undefined }, /title/],
  ];
  for (const [patch, why] of cases) {
    const r = parseLrFindData({ ...DATA, ...patch });
    assert.equal(typeof r, 'string', `${JSON.stringify(patch)} is refused`);
    assert.match(r as string, why);
  }
  assert.match(String(parseLrFindHostMessage({ type: 'result', data: null })), /result: data is not an object/);
  assert.match(String(parseLrFindHostMessage({ type: 'eval' })), /unknown type/);
  assert.match(String(parseLrFindHostMessage({ type: 'status', level: 'warn', message: 'x' })), /level/);
});
