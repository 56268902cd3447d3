/** Process control with real processes: timeouts, stops, kill -9 of the runner and resume. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { groupAlive, onlySweep, ops, pidAlive, runCli, startCli, state, sweepDirs, sweepFolder, waitExit, waitFor } from '../support/cli';

test('a hanging trial is killed by trial_timeout, with its whole process group (child included)', async () => {
  const { dir } = sweepFolder(
    `program: hang.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  a: {values: [1]}\ntrial_timeout: 1s\n`,
    ['hang.py'],
  );
  const r = runCli(['run', 'sweep.yaml', '--grace-ms', '500'], { cwd: dir, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const sweep = onlySweep(dir);
  const t = state(sweep).trials[0];
  assert.equal(t.status, 'failed');
  assert.equal(t.attempts[0].failureKind, 'timeout');
  assert.match(t.reason!, /timed out/);
  const pids = JSON.parse(fs.readFileSync(path.join(sweep, 'trials', '0001', 'pids.json'), 'utf8'));
  assert.equal(pids.pgid, pids.pid, 'the trial leads its own process group');
  assert.equal(t.attempts[0].pgid, pids.pgid, 'the journal records the group');
  await waitFor('the group to be gone', () => !groupAlive(pids.pgid) && !pidAlive(pids.child), 5000);
});

test('a script that ignores SIGTERM is SIGKILLed after the grace period', async () => {
  const { dir } = sweepFolder(
    `program: ignore_term.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  a: {values: [1]}\ntrial_timeout: 500ms\n`,
    ['ignore_term.py'],
  );
  const r = runCli(['run', 'sweep.yaml', '--grace-ms', '1000'], { cwd: dir, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  const t = state(onlySweep(dir)).trials[0];
  assert.equal(t.status, 'failed');
  assert.equal(t.attempts[0].signal, 'SIGKILL', 'killed, not terminated');
  assert.equal(groupAlive(t.attempts[0].pgid!), false);
});

test('`knobs stop --trial N` stops one running trial; the others go on', async () => {
  const { dir } = sweepFolder(
    `program: slow_report.py
method: grid
metric: {name: loss}
parameters:
  x: {values: [1, 2]}
  steps: {value: 40}
  interval: {value: 0.1}
max_concurrent: 2
`,
    ['slow_report.py'],
  );
  const child = startCli(['run', 'sweep.yaml'], { cwd: dir });
  const sweep = await waitFor('the sweep folder', () => sweepDirs(dir)[0]);
  await waitFor('trial 1 reporting', () => (state(sweep).byId.get(1)?.reports ?? 0) >= 2);
  const r = runCli(['stop', '--trial', '1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /acknowledged/);
  assert.equal(await waitExit(child), 0, child.output());
  const s = state(sweep);
  assert.equal(s.byId.get(1)!.status, 'stopped');
  assert.equal(s.byId.get(1)!.reason, 'stopped by user');
  assert.ok(s.byId.get(1)!.reports < 40, 'stopped early');
  assert.equal(s.byId.get(2)!.status, 'completed');
  assert.equal(s.byId.get(2)!.reports, 40);
  assert.equal(groupAlive(s.byId.get(1)!.attempts[0].pgid!), false);
  // the helper's should_stop() let the script exit on its own after SIGTERM
  const out = fs.readFileSync(path.join(sweep, 'trials', '0001', 'stdout.log'), 'utf8');
  assert.match(out, /stop requested at step \d+/);
});

test('`knobs stop` of a sweep that is not running is a clear error', () => {
  const { dir } = sweepFolder(`program: report_py.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1]}\n`, [
    'report_py.py',
  ]);
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  const r = runCli(['stop'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not running/);
});

const resumeSweep = (method: string) => `program: slow_report.py
method: ${method}
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 10}
  interval: {value: 0.15}
run_cap: 8
max_concurrent: 2
seed: 1234
`;

for (const method of ['random', 'sobol']) {
  test(`kill -9 of the runner mid-sweep, then resume: same configs as an uninterrupted run (${method})`, async () => {
    const a = sweepFolder(resumeSweep(method), ['slow_report.py']);
    assert.equal(runCli(['run', 'sweep.yaml'], { cwd: a.dir }).code, 0);
    const full = state(onlySweep(a.dir));
    const expected = full.trials.map((t) => [t.id, t.params.x]);
    assert.equal(expected.length, 8);

    const b = sweepFolder(resumeSweep(method), ['slow_report.py']);
    const child = startCli(['run', 'sweep.yaml'], { cwd: b.dir });
    const sweep = await waitFor('the sweep folder', () => sweepDirs(b.dir)[0]);
    await waitFor('3 trials done and 2 running', () => {
      const s = state(sweep);
      return (
        s.trials.filter((t) => t.status === 'completed').length >= 3 &&
        s.trials.filter((t) => t.status === 'running' && t.reports > 0).length === 2
      );
    });
    const before = state(sweep);
    const orphanGroups = before.trials.filter((t) => t.status === 'running').map((t) => t.attempts[t.attempts.length - 1].pgid!);
    process.kill(child.pid!, 'SIGKILL'); // the runner only: its trials live on as orphans
    await waitExit(child);
    assert.ok(
      orphanGroups.every((g) => groupAlive(g)),
      'trials outlive the runner',
    );

    const r = runCli(['resume'], { cwd: b.dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const after = state(sweep);
    assert.deepEqual(
      after.trials.map((t) => [t.id, t.params.x]),
      expected,
      'same trial ids and configs',
    );
    assert.ok(
      after.trials.every((t) => t.status === 'completed'),
      'nothing left RUNNING',
    );
    assert.ok(
      orphanGroups.every((g) => !groupAlive(g)),
      'orphaned trial groups were killed',
    );
    const interrupted = ops(sweep).filter((o) => o.op === 'trial_interrupted');
    assert.equal(interrupted.length, 2);
    for (const o of interrupted) {
      if (o.op !== 'trial_interrupted') continue;
      assert.equal(o.reason, 'runner stopped');
      const t = after.byId.get(o.trial)!;
      assert.equal(t.attempt, 2, 'ran again with a new attempt number');
    }
    // completed trials were never rerun
    const starts = ops(sweep).filter((o) => o.op === 'trial_started');
    assert.equal(starts.length, 8 + 2);
  });
}

test('resume refuses a changed search space and offers --fork', () => {
  const { dir, file } = sweepFolder(resumeSweep('random').replace('run_cap: 8', 'run_cap: 1').replace('0.08', '0.01'), ['slow_report.py']);
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  // raising run_cap only: resume continues with the edited file
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('run_cap: 1', 'run_cap: 2'));
  const ok = runCli(['resume'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(state(onlySweep(dir)).trials.length, 2);
  // changing the space is refused
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('max: 1.0', 'max: 2.0').replace('run_cap: 2', 'run_cap: 3'));
  const refused = runCli(['resume'], { cwd: dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /search space .* changed/);
  assert.match(refused.stderr, /--fork/);
  assert.match(refused.stderr, /changed: x/);
  const forked = runCli(['resume', '--fork'], { cwd: dir });
  assert.equal(forked.code, 0, forked.stderr);
  const dirs = sweepDirs(dir);
  assert.equal(dirs.length, 2);
  const fork = state(dirs[1]);
  assert.equal(fork.created!.forkedFrom, state(dirs[0]).created!.sweepId);
});

test('a second runner on the same sweep is refused while the first is alive', async () => {
  const { dir } = sweepFolder(resumeSweep('random').replace('0.08', '0.3'), ['slow_report.py']);
  const child = startCli(['run', 'sweep.yaml'], { cwd: dir });
  const sweep = await waitFor('a running trial', () => {
    const d = sweepDirs(dir)[0];
    return d && state(d).trials.some((t) => t.status === 'running') ? d : undefined;
  });
  const r = runCli(['resume'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already running/);
  process.kill(-child.pid!, 'SIGINT');
  assert.equal(await waitExit(child), 130);
  const s = state(sweep);
  assert.ok(
    s.trials.every((t) => t.status !== 'running'),
    'Ctrl-C leaves no trial RUNNING',
  );
  assert.ok(s.trials.some((t) => t.status === 'interrupted'));
});
