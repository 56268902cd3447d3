/**
 * The unified diff `knobs promote` prints: hunks as `diff -u` writes them (3 lines of context,
 * nearby changes in one hunk, `\ No newline at end of file`), and on arbitrary texts a patch
 * that `git apply` applies to give the new text exactly.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { unifiedDiff } from '../../src/core/promote/diff';

const names = { from: 'a/t.py', to: 'b/t.py' };
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

test('equal texts have no diff', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', names), '');
  assert.equal(unifiedDiff('', '', names), '');
});

test('one changed line: three lines of context each side, 1-based ranges', () => {
  const old = lines(10);
  const next = old.replace('line 5\n', 'LINE 5\n');
  assert.equal(
    unifiedDiff(old, next, names),
    '--- a/t.py\n+++ b/t.py\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+LINE 5\n line 6\n line 7\n line 8\n',
  );
});

test('changes 7 lines apart share a hunk; 8 apart get two; context is clipped at the ends', () => {
  const old = lines(20);
  const near = old.replace('line 2\n', 'x\n').replace('line 9\n', 'y\n');
  assert.equal(unifiedDiff(old, near, names).match(/^@@/gm)!.length, 1);
  assert.match(unifiedDiff(old, near, names), /^@@ -1,12 \+1,12 @@\n line 1\n-line 2\n\+x\n/m);
  const far = old.replace('line 2\n', 'x\n').replace('line 10\n', 'y\n');
  const d = unifiedDiff(old, far, names);
  assert.deepEqual(d.match(/^@@.*@@$/gm), ['@@ -1,5 +1,5 @@', '@@ -7,7 +7,7 @@']);
});

test('lines added and removed: an empty side names the line before it; a missing final newline is marked', () => {
  assert.equal(unifiedDiff('', 'a\n', names), '--- a/t.py\n+++ b/t.py\n@@ -0,0 +1 @@\n+a\n');
  assert.equal(unifiedDiff('a\nb\n', 'a\n', names), '--- a/t.py\n+++ b/t.py\n@@ -1,2 +1 @@\n a\n-b\n');
  assert.equal(
    unifiedDiff('a\nb', 'a\nc', names),
    '--- a/t.py\n+++ b/t.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
  );
  assert.equal(unifiedDiff('a\n', 'a', names), '--- a/t.py\n+++ b/t.py\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n');
});

test('the diff is what GNU diff -u prints for a promote-like edit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-diff-'));
  const old = lines(30);
  const next = old.replace('line 4\n', 'line 4 = 0.1\n').replace('line 20\n', '').replace('line 25\n', 'line 25\nnew\n');
  fs.writeFileSync(path.join(dir, 'old'), old);
  fs.writeFileSync(path.join(dir, 'new'), next);
  const gnu = spawnSync('diff', ['-u', '--label', 'a/t.py', '--label', 'b/t.py', 'old', 'new'], { cwd: dir, encoding: 'utf8' });
  assert.equal(gnu.status, 1, gnu.stderr);
  assert.equal(unifiedDiff(old, next, names), gnu.stdout);
});

test('on arbitrary texts the diff is a patch that git apply applies exactly', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-diff-'));
  const text = fc.array(fc.constantFrom('a\n', 'b\n', 'c\n', 'x = 1\n', '\n', 'tail'), { maxLength: 40 }).map((ls) => ls.join(''));
  fc.assert(
    fc.property(text, text, (old, next) => {
      const d = unifiedDiff(old, next, names);
      if (old === next) return d === '';
      fs.writeFileSync(path.join(dir, 't.py'), old);
      const r = spawnSync('git', ['apply', '-'], { cwd: dir, input: d, encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${d}`);
      assert.equal(fs.readFileSync(path.join(dir, 't.py'), 'utf8'), next);
      return true;
    }),
    { numRuns: 150, seed: 13 },
  );
});
