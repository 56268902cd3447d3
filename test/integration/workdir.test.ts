/**
 * Where trials run, with real processes: `configs/sweep.yaml` + `main.py` at the repository root
 * run from the root (as W&B's agent does), resume from another folder keeps the journalled folder,
 * `--cwd` overrides, the sweep file's folder is the fallback, and older sweeps beside their sweep
 * files are still found from the root.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, SCRIPTS, state, sweepDirs } from '../support/cli';

/** A temp repository: `configs/sweep.yaml` and the echo script copied to each of `programs`. */
function repo(programs: string[], program = 'main.py'): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-workdir-')));
  fs.mkdirSync(path.join(root, 'configs'));
  fs.writeFileSync(
    path.join(root, 'configs', 'sweep.yaml'),
    `method: grid\nmetric: {name: loss}\nprogram: ${program}\nparameters:\n  x: {values: [0.5, 0.25]}\n`,
  );
  for (const p of programs) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.copyFileSync(path.join(SCRIPTS, 'args_echo.py'), path.join(root, p));
  }
  return root;
}

/** The folder each trial ran in (args_echo.py writes its cwd into the trial folder). */
function trialCwds(sweep: string): string[] {
  return state(sweep).trials.map(
    (t) => JSON.parse(fs.readFileSync(path.join(sweep, 'trials', String(t.id).padStart(4, '0'), 'echo.json'), 'utf8')).cwd,
  );
}

test('configs/sweep.yaml with main.py at the root, run from the root: trials and .knobs/ at the root; resume from elsewhere keeps the folder', () => {
  const root = repo(['main.py']);
  const r = runCli(['run', 'configs/sweep.yaml', '--run-cap', '1'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /beside the sweep file/, 'no fallback notice');
  assert.equal(fs.existsSync(path.join(root, 'configs', '.knobs')), false, 'nothing beside the sweep file');
  const [sweep] = sweepDirs(root);
  const created = state(sweep).created!;
  assert.equal(created.provenance.cwd, root);
  assert.equal(created.provenance.cwdFrom, 'started');
  assert.deepEqual(trialCwds(sweep), [root]);
  assert.equal(JSON.parse(runCli(['status', '--json'], { cwd: root }).stdout).counts.completed, 1, 'status finds it from the root');

  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-elsewhere-'));
  const resumed = runCli(['resume', '--dir', root, '--run-cap', '2'], { cwd: elsewhere });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(trialCwds(sweep), [root, root], 'the resumed trial ran in the journalled folder');
  assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing written where resume was started');
});

test('--cwd DIR overrides both folders; .knobs/ follows it; a program missing there is refused before anything starts', () => {
  const root = repo(['main.py', 'other/main.py']);
  const r = runCli(['run', 'configs/sweep.yaml', '--cwd', 'other', '--run-cap', '1'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sweepDirs(root).length, 0);
  const [sweep] = sweepDirs(path.join(root, 'other'));
  assert.equal(state(sweep).created!.provenance.cwdFrom, 'flag');
  assert.deepEqual(trialCwds(sweep), [path.join(root, 'other')]);
  fs.mkdirSync(path.join(root, 'empty'));
  const bad = runCli(['run', 'configs/sweep.yaml', '--cwd', 'empty'], { cwd: root });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /configs\/sweep\.yaml:3:1: `program` "main\.py" is not in the --cwd folder/);
  assert.equal(fs.existsSync(path.join(root, 'empty', '.knobs')), false);
});

test('program only beside the sweep file: trials run there, with a notice; program nowhere: an error naming both folders', () => {
  const root = repo(['configs/main.py']);
  const r = runCli(['run', 'configs/sweep.yaml', '--run-cap', '1'], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /knobs: `program` main\.py is not in .*, where knobs was started, but beside the sweep file: trials run in .*configs/,
  );
  const [sweep] = sweepDirs(path.join(root, 'configs'));
  assert.deepEqual(trialCwds(sweep), [path.join(root, 'configs')]);

  const none = repo([], 'train.py');
  const bad = runCli(['run', 'configs/sweep.yaml'], { cwd: none });
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /configs\/sweep\.yaml:3:1: `program` "train\.py" is neither in .* \(where knobs was started\) nor in .*configs \(the sweep file's folder\)/,
  );
  assert.match(bad.stderr, /fix: run knobs from the folder that holds train\.py/);
  assert.equal(fs.existsSync(path.join(none, '.knobs')) || fs.existsSync(path.join(none, 'configs', '.knobs')), false, 'nothing started');
});

test('a sweep made before the rule (beside its sweep file, no cwdFrom) is listed, shown and resumed from the root in its own folder', () => {
  const root = repo(['main.py', 'configs/main.py']);
  const made = runCli(['run', 'sweep.yaml', '--run-cap', '1'], { cwd: path.join(root, 'configs') });
  assert.equal(made.code, 0, made.stderr);
  const [sweep] = sweepDirs(path.join(root, 'configs'));
  const journal = path.join(sweep, 'journal.jsonl');
  fs.writeFileSync(journal, fs.readFileSync(journal, 'utf8').replace(',"cwdFrom":"started"', '')); // as older Knobs wrote it
  assert.equal(state(sweep).created!.provenance.cwdFrom, undefined);

  const list = JSON.parse(runCli(['list', '--json'], { cwd: root }).stdout);
  assert.deepEqual(
    list.map((s: { dir: string; where: string }) => [s.dir, s.where]),
    [[sweep, 'configs']],
  );
  assert.match(runCli(['list'], { cwd: root }).stdout, new RegExp(path.basename(sweep)));
  assert.equal(JSON.parse(runCli(['status', '--json'], { cwd: root }).stdout).counts.completed, 1);
  const resumed = runCli(['resume', '--run-cap', '2'], { cwd: root });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(
    trialCwds(sweep),
    [path.join(root, 'configs'), path.join(root, 'configs')],
    'an old journal means the sweep file’s folder, even with main.py at the root',
  );
});
