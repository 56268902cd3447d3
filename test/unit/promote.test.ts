/**
 * Promote into code on real fixture files (test/fixtures/promote): the planned edits, applied,
 * give exactly the golden `*.promoted.*` file; missing and unchanged names are reported.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyEdits, planPromote } from '../../src/core/promote/edits';
import { langOf } from '../../src/core/promote/lang';
import { GOLDEN } from '../support/promoteGolden';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/promote');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

for (const g of GOLDEN) {
  test(`promote ${g.file} → ${g.promoted} (golden)`, () => {
    const text = read(g.file);
    const lang = langOf(g.file);
    assert.ok(lang, `no language for ${g.file}`);
    const plan = planPromote(text, lang, g.params);
    assert.deepEqual(plan.missing.sort(), [...g.missing].sort(), 'missing');
    assert.deepEqual(plan.unchanged.sort(), [...g.unchanged].sort(), 'unchanged');
    const out = applyEdits(text, plan.edits);
    assert.equal(out, read(g.promoted));
    // every edit replaces exactly its old text, on the line it names
    for (const e of plan.edits) {
      assert.equal(text.slice(e.start, e.end), e.oldText);
      assert.equal(text.split('\n')[e.line].includes(e.oldText), true, `${e.name} not on line ${e.line}`);
    }
    // promoting the same values again changes nothing
    const again = planPromote(out, lang, g.params);
    assert.deepEqual(again.edits, [], `second promote of ${g.file} still edits ${again.edits.map((e) => e.name).join(', ')}`);
  });
}

test('promote edits are one per name, sorted, and do not overlap', () => {
  const text = read('config_dict.py');
  const plan = planPromote(text, 'python', { lr: 0.5, 'optimizer.lr': 0.6, dropout: 0.7 });
  assert.equal(plan.edits.length, 3);
  assert.deepEqual(
    plan.edits.map((e) => e.name),
    ['lr', 'dropout', 'optimizer.lr'],
  );
  for (let i = 1; i < plan.edits.length; i++) assert.ok(plan.edits[i].start >= plan.edits[i - 1].end);
});

test('promote rewrites the best site only: argparse over an assignment of the same name', () => {
  const text = 'LR = 0.1\n\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=0.01)\n';
  const plan = planPromote(text, 'python', { lr: 0.5 });
  assert.equal(plan.edits.length, 1);
  assert.equal(applyEdits(text, plan.edits), text.replace('default=0.01', 'default=0.5'));
});

test('promote: an integer parameter stays an integer; a float literal keeps its float form', () => {
  const text = 'p.add_argument("--hidden", type=int, default=128)\np.add_argument("--l1", type=float, default=0.0)\nEPOCHS = 1e1\n';
  const plan = planPromote(text, 'python', { hidden: 64, l1: 2, epochs: 20 });
  assert.equal(
    applyEdits(text, plan.edits),
    'p.add_argument("--hidden", type=int, default=64)\np.add_argument("--l1", type=float, default=2.0)\nEPOCHS = 20.0\n',
  );
});

test('promote into a missing-only file reports every name and edits nothing', () => {
  const plan = planPromote('print("hello")\n', 'python', { lr: 0.1, dropout: 0.2 });
  assert.deepEqual(plan, { edits: [], missing: ['lr', 'dropout'], unchanged: [] });
});

test('applyEdits applies in any order and refuses overlapping edits', () => {
  const text = 'a = 1\nb = 2\n';
  assert.equal(
    applyEdits(text, [
      { start: 10, end: 11, newText: '20' },
      { start: 4, end: 5, newText: '10' },
    ]),
    'a = 10\nb = 20\n',
  );
  assert.throws(
    () =>
      applyEdits(text, [
        { start: 4, end: 6, newText: 'x' },
        { start: 5, end: 7, newText: 'y' },
      ]),
    /overlaps/,
  );
  assert.throws(() => applyEdits(text, [{ start: 4, end: 99, newText: 'x' }]), /outside/);
});

test('promote into examples/pytorch-digits/train.py rewrites its argparse defaults', () => {
  const file = path.join(root, 'examples/pytorch-digits/train.py');
  const text = fs.readFileSync(file, 'utf8');
  const params = { lr: 0.0071, dropout: 0.31, weight_decay: 2.5e-5, l1: 1e-6, batch_size: 128, hidden: 256, epochs: 20 };
  const plan = planPromote(text, 'python', params);
  assert.deepEqual(plan.missing, []);
  assert.deepEqual(plan.unchanged, ['epochs']);
  const out = applyEdits(text, plan.edits);
  for (const [flag, lit] of [
    ['lr', '7.1e-3'], // 3e-3 was in exponent form
    ['dropout', '0.31'],
    ['weight_decay', '2.5e-5'],
    ['l1', '1e-06'], // Python's repr of 1e-6 (0.0 had no exponent)
    ['batch_size', '128'],
    ['hidden', '256'],
    ['epochs', '20'],
  ]) {
    assert.match(
      out,
      new RegExp(`add_argument\\("--${flag}", type=\\w+, default=${lit.replace('.', '\\.')}[,)]`),
      `--${flag} default ${lit}`,
    );
  }
  assert.equal(out.split('\n').length, text.split('\n').length);
});

test('promote into examples/tfjs-digits/train.mjs rewrites its OPTIONS defaults', () => {
  const file = path.join(root, 'examples/tfjs-digits/train.mjs');
  const text = fs.readFileSync(file, 'utf8');
  const plan = planPromote(text, 'javascript', { lr: 0.0123, hidden: 32, batch_size: 64, weight_decay: 1e-5 });
  assert.deepEqual(plan.missing, []);
  const out = applyEdits(text, plan.edits);
  assert.match(out, /lr: \{ type: 'float', default: 0\.0123,/);
  assert.match(out, /hidden: \{ type: 'int', default: 32,/);
  assert.match(out, /batch_size: \{ type: 'int', default: 64,/);
  assert.match(out, /weight_decay: \{ type: 'float', default: 1e-5,/);
});

test('promote does not write a plain name into a nested key that its own param owns', () => {
  const text = 'optimizer:\n  lr: 0.1\n';
  const plan = planPromote(text, 'yaml', { lr: 0.3, 'optimizer.lr': 0.2 });
  assert.deepEqual(plan.missing, ['lr']);
  assert.equal(applyEdits(text, plan.edits), 'optimizer:\n  lr: 0.2\n');
});
