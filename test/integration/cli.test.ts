/** The CLI's inspection commands, --detach, sweep-level stops, targets and checkpoint resume. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { groupAlive, onlySweep, pidAlive, runCli, startCli, state, sweepDirs, sweepFolder, waitExit, waitFor } from '../support/cli';

const grid = `program: report_py.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [0.3, 0.0, 1.0]}
  y: {values: [-0.1, "a,b"]}
  steps: {value: 3}
`;

test('status, best, export (csv/json), list and validate on a finished sweep', () => {
  const { dir } = sweepFolder(grid.replace('"a,b"', '0.5'), ['report_py.py']);
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  const s = state(onlySweep(dir));
  assert.equal(s.trials.length, 6);

  const status = runCli(['status', '--json'], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  const sj = JSON.parse(status.stdout);
  assert.equal(sj.counts.completed, 6);
  assert.equal(sj.state, 'finished (exhausted)');
  assert.equal(sj.trials.length, 6);
  assert.equal(sj.best.params.x, 0.3);
  assert.equal(sj.best.params.y, -0.1);
  assert.equal(sj.runner.kind, 'stopped');

  const text = runCli(['status'], { cwd: dir });
  assert.match(text.stdout, /6 completed/);
  assert.match(text.stdout, /best: trial 1/);
  assert.doesNotMatch(text.stdout.split('best:')[0], /steps=3/, 'constants are left out of the table');

  const csv = runCli(['export', '--csv'], { cwd: dir });
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows.length, 7);
  assert.deepEqual(rows[0].split(',').slice(0, 6), ['trial', 'state', 'attempt', 'x', 'y', 'steps']);
  assert.match(rows[1], /^1,completed,1,0\.3,-0\.1,3,/);

  const out = path.join(dir, 'all.json');
  assert.equal(runCli(['export', '--json', '--out', out], { cwd: dir }).code, 0);
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).trials.length, 6);
  const both = runCli(['export'], { cwd: dir });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--csv or --json/);

  const list = runCli(['list', '--json'], { cwd: dir });
  assert.equal(JSON.parse(list.stdout).length, 1);

  const v = runCli(['validate', 'sweep.yaml'], { cwd: dir });
  assert.equal(v.code, 0);
  assert.match(v.stdout, /ok · grid · 3 parameters · metric minimize \w+ · trials run in \.$/m);
  // a grid needs no metric: the summary says so instead of printing an empty name
  fs.writeFileSync(path.join(dir, 'nometric.yaml'), 'program: report_py.py\nmethod: grid\nparameters:\n  x: {values: [1, 2]}\n');
  const nm = runCli(['validate', 'nometric.yaml'], { cwd: dir });
  assert.equal(nm.code, 0, nm.stdout);
  assert.match(nm.stdout, /ok · grid · 1 parameters · no metric · trials run in \./);
  // a program found in neither folder: the same error `knobs run` gives, before anything runs
  fs.writeFileSync(path.join(dir, 'missing.yaml'), 'program: nowhere.py\nmethod: grid\nparameters:\n  x: {values: [1, 2]}\n');
  const missing = runCli(['validate', 'missing.yaml'], { cwd: dir });
  assert.equal(missing.code, 1, missing.stdout);
  assert.match(missing.stdout, /missing\.yaml:1:1: `program` "nowhere\.py" is not in /);
});

test('CSV cells with commas and quotes are escaped', () => {
  const { dir } = sweepFolder(
    grid.replace('x: {values: [0.3, 0.0, 1.0]}', 'x: {values: [0.3]}').replace('-0.1, "a,b"', '"a,b", "say \\"hi\\""'),
    ['report_py.py'],
  );
  // report_py.py takes floats; a string y crashes it, which is fine for this test
  runCli(['run', 'sweep.yaml'], { cwd: dir });
  const csv = runCli(['export', '--csv'], { cwd: dir }).stdout.split('\n');
  assert.match(csv[1], /,"a,b",/);
  assert.match(csv[2], /,"say ""hi""",/);
});

test('usage errors are clear: unknown command, unknown flag, missing file, no sweeps', () => {
  const { dir } = sweepFolder('');
  const cmd = runCli(['rnu'], { cwd: dir });
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /did you mean `knobs run`/);
  const flag = runCli(['run', 'x.yaml', '--max-concurent', '2'], { cwd: dir });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /did you mean `--max-concurrent`/);
  const missing = runCli(['run', 'nope.yaml'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.yaml/);
  const none = runCli(['status'], { cwd: dir });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no sweeps under/);
  assert.match(none.stderr, /knobs run sweep\.yaml/);
});

test('--detach leaves a runner that survives its parent; `knobs stop` stops the whole sweep', async () => {
  const { dir } = sweepFolder(
    `program: slow_report.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 200}
  interval: {value: 0.05}
run_cap: 10
max_concurrent: 2
seed: 9
`,
    ['slow_report.py'],
  );
  const r = runCli(['run', 'sweep.yaml', '--detach', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.ok(info.pid > 0 && fs.existsSync(info.log));
  await waitFor('two running trials', () => state(info.dir).trials.filter((t) => t.status === 'running' && t.reports > 0).length === 2);
  const status = JSON.parse(runCli(['status', '--json'], { cwd: dir }).stdout);
  assert.equal(status.runner.kind, 'running');
  assert.equal(status.runner.pid, info.pid);
  const stop = runCli(['stop'], { cwd: dir });
  assert.equal(stop.code, 0, stop.stderr);
  await waitFor('the runner to exit', () => !pidAlive(info.pid), 20_000);
  const s = state(info.dir);
  assert.equal(s.finished?.reason, 'stopped');
  assert.equal(s.trials.length, 2, 'no trial started after the stop');
  for (const t of s.trials) {
    assert.equal(t.status, 'stopped');
    assert.equal(groupAlive(t.attempts[0].pgid!), false);
  }
  assert.match(fs.readFileSync(info.log, 'utf8'), /sweep finished \(stopped\)/);
});

test('metric.target ends the sweep once a trial reaches it; sweep_timeout stops it', async () => {
  const target = sweepFolder(
    `program: report_py.py
method: grid
metric: {name: loss, goal: minimize, target: 0.5}
parameters:
  x: {values: [1.0, 0.3, 0.9, 0.8]}
  steps: {value: 3}
`,
    ['report_py.py'],
  );
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: target.dir }).code, 0);
  const st = state(onlySweep(target.dir));
  assert.equal(st.finished?.reason, 'target');
  assert.equal(st.trials.length, 2, 'stopped asking after trial 2 reached 0.33 ≤ 0.5');

  const timeout = sweepFolder(
    `program: slow_report.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 100}
  interval: {value: 0.1}
run_cap: 50
sweep_timeout: 1500ms
`,
    ['slow_report.py'],
  );
  const r = runCli(['run', 'sweep.yaml', '--grace-ms', '2000'], { cwd: timeout.dir, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  const s = state(onlySweep(timeout.dir));
  assert.equal(s.finished?.reason, 'sweep_timeout');
  assert.equal(s.trials[0].status, 'stopped');
  assert.match(s.trials[0].reason!, /sweep_timeout/);
});

test('an interrupted trial reruns with KNOBS_RESUME_FROM pointing at its checkpoint folder', async () => {
  const { dir } = sweepFolder(`program: checkpoint.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [0.5]}\n`, [
    'checkpoint.py',
  ]);
  const child = startCli(['run', 'sweep.yaml'], { cwd: dir });
  const sweep = await waitFor('the trial to report', () => {
    const d = sweepDirs(dir)[0];
    return d && (state(d).byId.get(1)?.reports ?? 0) > 0 ? d : undefined;
  });
  process.kill(child.pid!, 'SIGKILL');
  await waitExit(child);
  const r = runCli(['resume'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const lines = fs
    .readFileSync(path.join(sweep, 'trials', '0001', 'attempts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], { attempt: 1, resume_from: null });
  assert.equal(lines[1].attempt, 2);
  assert.equal(lines[1].resume_from, path.join(sweep, 'trials', '0001', 'checkpoints'));
  const t = state(sweep).byId.get(1)!;
  assert.equal(t.status, 'completed');
  assert.equal(t.attempts[0].status, 'interrupted');
});

test('provenance: the first op records the file text, versions and the git state', () => {
  const { dir, file } = sweepFolder(grid.replace('"a,b"', '0.5'), ['report_py.py']);
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'init');
  fs.appendFileSync(path.join(dir, 'report_py.py'), '\n# an uncommitted change\n');
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  const created = state(onlySweep(dir)).created!;
  assert.equal(created.provenance.gitCommit, git('rev-parse', 'HEAD'));
  assert.match(created.provenance.gitDirtyHash ?? '', /^[0-9a-f]{16}$/, 'uncommitted changes are hashed');
  assert.equal(created.text, fs.readFileSync(file, 'utf8'));
  assert.equal(created.file, file);
  assert.match(created.provenance.nodeVersion, /^v\d+/);
  assert.match(created.provenance.pythonVersion ?? '', /^3\.\d+/);
  assert.equal(created.provenance.knobsVersion, '0.1.0');
});
