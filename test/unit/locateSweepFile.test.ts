/** Sweep-file detection and the line of the "▶ Run sweep" code lens. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSweepFile, sweepLensLine } from '../../src/extension/codelens/sweepFile';

const root = path.resolve(__dirname, '../../..');

test('sweep files by name', () => {
  assert.ok(isSweepFile('/w/sweep.yaml', ''));
  assert.ok(isSweepFile('sweep.yml', 'x: 1'));
  assert.ok(isSweepFile('/w/lr.sweep.yaml', ''));
  assert.ok(isSweepFile('C:\\w\\big.sweep.YML', ''));
  assert.ok(!isSweepFile('/w/mysweep.yaml', 'a: 1'));
  assert.ok(!isSweepFile('/w/sweep.json', '{"method": "grid", "parameters": {}}'));
  assert.ok(!isSweepFile('/w/sweep.yaml.bak', ''));
});

test('any YAML whose top level has both method and parameters', () => {
  const text = '# tuning\nprogram: train.py\nmethod: grid\nparameters:\n  lr:\n    values: [1, 2]\n';
  assert.ok(isSweepFile('/w/tune.yaml', text));
  assert.ok(isSweepFile('/w/tune.yml', text.replace('\n', '\r\n')));
  assert.ok(isSweepFile('/w/flow.yaml', '{method: random, parameters: {lr: {min: 0.1, max: 1}}}'));
  assert.ok(isSweepFile('/w/q.yaml', '"method": random\n\'parameters\':\n  a: {value: 1}\n'));
  // nested keys, one key only, or not YAML: no
  assert.ok(!isSweepFile('/w/ci.yaml', 'jobs:\n  method: x\n  parameters: y\n'));
  assert.ok(!isSweepFile('/w/c.yaml', 'method: random\n'));
  assert.ok(!isSweepFile('/w/c.yaml', 'parameters:\n  method: 1\n'));
  assert.ok(!isSweepFile('/w/train.py', 'method: random\nparameters: {}\n'));
  assert.ok(!isSweepFile('/w/bad.yaml', '{method: [unclosed, parameters: 1'));
});

test('the examples are sweep files', () => {
  for (const f of ['examples/pytorch-digits/sweep.yaml', 'examples/tfjs-digits/sweep.yaml']) {
    const p = path.join(root, f);
    assert.ok(isSweepFile(p, fs.readFileSync(p, 'utf8')), f);
  }
});

test('the lens line is the first top-level key', () => {
  assert.equal(sweepLensLine('program: a.py\nmethod: grid\n'), 0);
  assert.equal(sweepLensLine('# comment\n\n---\nmethod: grid\n'), 3);
  assert.equal(sweepLensLine('%YAML 1.2\n---\n# c\n"method": grid\n'), 3);
  assert.equal(sweepLensLine('# only a comment\n'), 0);
  assert.equal(sweepLensLine(''), 0);
  assert.equal(sweepLensLine('# c\n{method: grid}\n'), 1);
  const ex = fs.readFileSync(path.join(root, 'examples/pytorch-digits/sweep.yaml'), 'utf8');
  assert.equal(ex.split('\n')[sweepLensLine(ex)], 'program: train.py');
});
