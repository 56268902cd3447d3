/** Hostile values and paths: never a shell, never outside the workspace. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { onlySweep, runCli, state, sweepFolder } from '../support/cli';

test('shell metacharacters in values reach the script as plain argv strings', () => {
  const canary = path.join(os.tmpdir(), `knobs-canary-${process.pid}`);
  const hostile = [
    `$(touch ${canary})`,
    `; touch ${canary}`,
    `\`touch ${canary}\``,
    `a' && touch ${canary} '`,
    '| reboot',
    '"; rm -rf ~ #',
  ];
  const { dir } = sweepFolder(
    `program: args_echo.py
method: grid
metric: {name: loss}
parameters:
  opt: {values: ${JSON.stringify(hostile)}}
command: ["\${env}", "\${interpreter}", "\${program}", "\${args}", "\${args_json}"]
`,
    ['args_echo.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const s = state(onlySweep(dir));
  assert.equal(s.trials.length, hostile.length);
  for (const t of s.trials) {
    const echo = JSON.parse(fs.readFileSync(path.join(onlySweep(dir), 'trials', String(t.id).padStart(4, '0'), 'echo.json'), 'utf8'));
    const value = t.params.opt as string;
    assert.ok(echo.argv.includes(`--opt=${value}`), `argv carries ${value} verbatim`);
    assert.deepEqual(JSON.parse(echo.argv[echo.argv.length - 1]), { opt: value });
    assert.deepEqual(JSON.parse(echo.env.KNOBS_PARAMS), { opt: value });
  }
  assert.equal(fs.existsSync(canary), false, 'nothing was run by a shell');
});

test('a program outside the workspace is refused with the line of `program`; --workspace allows it', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-outside-'));
  fs.writeFileSync(path.join(outside, 'evil.py'), 'print("loss: 1")\n');
  const { dir } = sweepFolder(
    `method: grid\nmetric: {name: loss}\nprogram: ${path.join(outside, 'evil.py')}\nparameters:\n  a: {values: [1]}\n`,
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /sweep\.yaml:3:1/);
  assert.match(r.stderr, /outside the workspace/);
  assert.equal(fs.existsSync(path.join(dir, '.knobs')), false, 'nothing started');
  const rel = sweepFolder(
    `method: grid\nmetric: {name: loss}\nprogram: ../${path.basename(outside)}/evil.py\nparameters:\n  a: {values: [1]}\n`,
  );
  assert.match(runCli(['run', 'sweep.yaml'], { cwd: rel.dir }).stderr, /outside the workspace/, 'relative escapes too');
  const ok = runCli(['run', 'sweep.yaml', '--workspace', os.tmpdir()], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(state(onlySweep(dir)).trials[0].status, 'completed');
});

test('a symlink inside the workspace that points out of it counts as outside', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-outside-'));
  fs.writeFileSync(path.join(outside, 'evil.py'), 'print("loss: 1")\n');
  const { dir } = sweepFolder(`method: grid\nmetric: {name: loss}\nprogram: link.py\nparameters:\n  a: {values: [1]}\n`);
  fs.symlinkSync(path.join(outside, 'evil.py'), path.join(dir, 'link.py'));
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /outside the workspace/);
});
