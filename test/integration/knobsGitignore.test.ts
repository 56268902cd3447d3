/**
 * `.knobs/` stays out of git: the first sweep writes `.knobs/.gitignore` with `*`, an existing
 * `.knobs/` without one gets it with the next sweep, and a user's own `.gitignore` there is kept.
 * A real git repository and the real CLI.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { KNOBS_GITIGNORE } from '../../src/core/sweep/knobsDir';
import { runCli, sweepFolder } from '../support/cli';

const SWEEP = 'method: grid\nmetric: {name: loss}\nprogram: args_echo.py\nparameters:\n  x: {values: [0.5]}\n';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd } });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('the first sweep writes .knobs/.gitignore with *: git sees none of the journals, logs or checkpoints', () => {
  const { dir } = sweepFolder(SWEEP, ['args_echo.py']);
  git(dir, 'init', '-q');
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, '.knobs', '.gitignore'), 'utf8'), KNOBS_GITIGNORE);
  assert.match(KNOBS_GITIGNORE, /^\*$/m);
  const untracked = git(dir, 'status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  assert.deepEqual(untracked.sort(), ['args_echo.py', 'sweep.yaml'], 'only the user files are untracked');
  const journal = fs.readdirSync(path.join(dir, '.knobs', 'sweeps')).map((id) => path.join('.knobs', 'sweeps', id, 'journal.jsonl'))[0];
  assert.equal(git(dir, 'check-ignore', journal).trim(), journal);
});

test('an existing .knobs/ without a .gitignore gets one with the next sweep; a user-written one is kept', () => {
  const { dir } = sweepFolder(SWEEP, ['args_echo.py']);
  git(dir, 'init', '-q');
  // a .knobs/ from before this rule: sweeps in it, no .gitignore
  fs.mkdirSync(path.join(dir, '.knobs', 'sweeps', 'old'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.knobs', 'sweeps', 'old', 'notes.txt'), 'old\n');
  assert.ok(git(dir, 'status', '--porcelain', '--untracked-files=all').includes('.knobs/'), 'git sees the old .knobs/');
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, '.knobs', '.gitignore'), 'utf8'), KNOBS_GITIGNORE);
  assert.doesNotMatch(git(dir, 'status', '--porcelain', '--untracked-files=all'), /\.knobs/);

  const own = '# keep the sweeps in git\n!*\n';
  fs.writeFileSync(path.join(dir, '.knobs', '.gitignore'), own);
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, '.knobs', '.gitignore'), 'utf8'), own, 'the user’s own file is left alone');
});
