/** Every message the webview sends is untrusted: validated field by field, never cast. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseImportanceMessage, parseWebviewMessage } from '../../src/protocol/messages';

test('valid webview messages pass unchanged', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'stopSweep' }), { type: 'stopSweep' });
  for (const type of ['stopTrial', 'promote', 'openLogs', 'rerun']) assert.deepEqual(parseWebviewMessage({ type, trial: 7 }), { type, trial: 7 });
  assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'warn', message: 'x' }), { type: 'log', level: 'warn', message: 'x' });
});

test('malformed or hostile webview messages are rejected with a reason', () => {
  const bad: [unknown, RegExp][] = [
    [null, /not an object/],
    ['stopTrial', /not an object/],
    [[{ type: 'ready' }], /not an object/],
    [{ type: 'rm -rf' }, /unknown message type/],
    [{}, /unknown message type/],
    [{ type: 'stopTrial' }, /positive integer/],
    [{ type: 'stopTrial', trial: '3' }, /positive integer/],
    [{ type: 'stopTrial', trial: 0 }, /positive integer/],
    [{ type: 'stopTrial', trial: 1.5 }, /positive integer/],
    [{ type: 'stopTrial', trial: NaN }, /positive integer/],
    [{ type: 'promote', trial: 2, file: '/etc/passwd' }, /unexpected field/],
    [{ type: 'ready', extra: 1 }, /unexpected field/],
    [{ type: 'log', level: 'debug', message: 'x' }, /level/],
    [{ type: 'log', level: 'info', message: 'x'.repeat(20_000) }, /message/],
    [{ type: '__proto__' }, /unknown message type/],
  ];
  for (const [raw, why] of bad) {
    const r = parseWebviewMessage(raw);
    assert.equal(typeof r, 'string', `rejected: ${JSON.stringify(raw)?.slice(0, 60)}`);
    assert.match(r as string, why);
  }
});

test('property: anything random is either rejected or a well-formed message', () => {
  fc.assert(
    fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }), (raw) => {
      const r = parseWebviewMessage(raw);
      if (typeof r === 'string') return true;
      assert.ok(['ready', 'stopSweep', 'stopTrial', 'promote', 'openLogs', 'rerun', 'log'].includes(r.type));
      if ('trial' in r) assert.ok(Number.isInteger(r.trial) && r.trial > 0);
      return true;
    }),
    { seed: 3, numRuns: 2000 },
  );
  // and messages shaped almost right
  fc.assert(
    fc.property(fc.record({ type: fc.constantFrom('stopTrial', 'promote', 'log', 'ready'), trial: fc.anything(), level: fc.anything(), message: fc.anything() }, { requiredKeys: ['type'] }), (raw) => {
      const r = parseWebviewMessage(raw);
      if (typeof r !== 'string' && 'trial' in r) assert.ok(Number.isInteger(r.trial) && r.trial > 0);
      return true;
    }),
    { seed: 4, numRuns: 2000 },
  );
});

test('importance messages are validated before they are drawn', () => {
  const ok = { type: 'importance', importance: { method: 'fanova', n: 20, params: [{ name: 'lr', importance: 0.9, correlation: -0.5 }] } };
  assert.deepEqual(parseImportanceMessage(ok), ok);
  assert.match(parseImportanceMessage({ ...ok, importance: { ...ok.importance, params: [{ name: 'lr', importance: 3, correlation: 0 }] } }) as string, /0…1/);
  assert.match(parseImportanceMessage({ ...ok, importance: { ...ok.importance, method: 'magic' } }) as string, /method/);
  assert.deepEqual(parseImportanceMessage({ type: 'importance', importance: null }), { type: 'importance', importance: null });
});
