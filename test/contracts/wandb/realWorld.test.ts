/**
 * Real-world W&B sweep files (issue 12): each fixture under test/fixtures/wandb-real/ is our own
 * file reproducing a pattern met in a public repository's sweep file (its header names where).
 * The layout cases are copied into a fresh git repository, a stub script is put where the
 * repository keeps its trainer, and the real CLI runs them from the folder a W&B user starts
 * `wandb agent` in.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, testEnv } from '../../support/cli';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'wandb-real');
const STUB = path.join(FIXTURES, 'stub.py');

const title = (id: string, what: string) => `${id}: ${what}`;

/** A fresh git repository holding the fixture's files, with the stub copied to each script path. */
function repository(fixture: string, scripts: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-real-'));
  const from = path.join(FIXTURES, fixture);
  if (fs.statSync(from).isDirectory()) fs.cpSync(from, root, { recursive: true });
  else fs.copyFileSync(from, path.join(root, fixture));
  for (const s of scripts) {
    fs.mkdirSync(path.dirname(path.join(root, s)), { recursive: true });
    fs.copyFileSync(STUB, path.join(root, s));
  }
  const git = spawnSync('git', ['init', '-q', root], { encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  return root;
}

interface SweepRun {
  code: number | null;
  output: string;
  argv: string[][];
  completed: number;
  /** Trials that reported the sweep's metric. */
  reported: Set<number>;
}

/** `knobs run <sweep> --run-cap N --json` in `cwd`; the stub prints `metric` (default `loss`). */
function runSweep(cwd: string, sweep: string, o: { metric?: string; runCap?: number; env?: NodeJS.ProcessEnv } = {}): SweepRun {
  const metric = o.metric ?? 'loss';
  const r = runCli(['run', sweep, '--run-cap', String(o.runCap ?? 2), '--json'], {
    cwd,
    env: testEnv({ REAL_STUB_METRIC: metric, ...o.env }),
  });
  const run: SweepRun = { code: r.code, output: r.stdout + r.stderr, argv: [], completed: 0, reported: new Set() };
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const op = JSON.parse(line);
    if (op.op === 'trial_started') run.argv.push(op.argv);
    if (op.op === 'trial_completed') run.completed++;
    if (op.op === 'metric' && metric in op.values) run.reported.add(op.trial);
  }
  return run;
}

function assertRan(run: SweepRun, trials: number, metric: boolean): void {
  assert.equal(run.code, 0, run.output);
  assert.equal(run.argv.length, trials, run.output);
  assert.equal(run.completed, trials, run.output);
  if (metric) assert.equal(run.reported.size, trials, `every trial's metric is captured\n${run.output}`);
}

function validate(cwd: string, file: string): { code: number | null; output: string } {
  const r = runCli(['validate', file], { cwd });
  return { code: r.code, output: r.stdout + r.stderr };
}

test(title('configs-args-json', 'configs/sweep.yaml with `program: main.py` runs ./main.py from the repository root'), () => {
  const root = repository('configs-args-json', ['main.py']);
  assert.equal(validate(root, 'configs/sweep.yaml').code, 0);
  const run = runSweep(root, 'configs/sweep.yaml', { metric: 'val_loss' });
  assertRan(run, 2, true);
  const argv = run.argv[0];
  assert.deepEqual(argv.slice(1, 6), ['main.py', 'fit', '--trainer', 'configs/trainer.yaml', '--config']);
  assert.deepEqual(Object.keys(JSON.parse(argv[6])).sort(), ['data.hparams.batch_size', 'optimizer.init_args.lr']);
});

test(title('sweeps-command-no-program', 'a command naming the script from the root, with no `program`, runs from the root'), () => {
  const root = repository('sweeps-command-no-program', ['pkg/cli.py']);
  assert.equal(validate(root, 'sweeps/sweep.yaml').code, 0);
  const run = runSweep(root, 'sweeps/sweep.yaml', { metric: 'Train/losses/total' });
  assertRan(run, 2, true);
  assert.deepEqual(run.argv[0].slice(1), [
    'python3',
    'pkg/cli.py',
    'fit',
    '--config',
    'configs/config.yaml',
    '--data.variant=0',
    '--model.start_step=2000',
  ]);
});

test(title('configs-python-module', '`python -m src.train` from configs/sweep.yaml finds the module at the root'), () => {
  const root = repository('configs-python-module', ['src/train.py']);
  const run = runSweep(root, 'configs/sweep.yaml', { metric: 'val/loss' });
  assertRan(run, 2, true);
  assert.deepEqual(run.argv[0].slice(1, 5), ['python3', '-m', 'src.train', 'fit']);
});

test(title('sweeps-parent-program', '`program: ../train.py` runs when started inside sweeps/, Python literals pass as text'), () => {
  const root = repository('sweeps-parent-program', ['train.py']);
  const run = runSweep(path.join(root, 'sweeps'), 'sweep.yaml', { metric: 'loss' });
  assertRan(run, 2, true);
  const argv = run.argv[0];
  assert.equal(argv[2], '../train.py');
  assert.ok(argv.includes('--rand_augment=None'), argv.join(' '));
  assert.ok(argv.includes('--mean=(0.4914, 0.4822, 0.4465)'), argv.join(' '));
});

test(title('console-script-program', 'a `program` that is a command on PATH runs as written, and no ${args} means no flags'), () => {
  const root = repository('console-script-program', []);
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'knobs-real-bench'), `#!/bin/sh\nexec python3 ${JSON.stringify(STUB)} "$@"\n`, { mode: 0o755 });
  const run = runSweep(root, 'experiments/sweep.yml', { env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
  assertRan(run, 2, false);
  for (const argv of run.argv) assert.deepEqual(argv.slice(1), ['knobs-real-bench', 'train', '--log-dir', '../logs']);
});

test(title('exponent-bounds', '`1e-5` bounds and values are numbers (PyYAML would read strings)'), () => {
  const root = repository('exponent-bounds.yaml', ['stub.py']);
  const v = validate(root, 'exponent-bounds.yaml');
  assert.equal(v.code, 0, v.output);
  assert.doesNotMatch(v.output, /warning|error/, v.output);
  const run = runSweep(root, 'exponent-bounds.yaml');
  assertRan(run, 2, true);
  for (const argv of run.argv) {
    const lr = Number(argv.find((a) => a.startsWith('--lr='))!.slice('--lr='.length));
    assert.ok(lr >= 1e-5 && lr <= 1e-2, `lr ${lr} in [1e-5, 1e-2]`);
    assert.ok(argv.includes('--qr=0.001') || argv.includes('--qr=0.01'), argv.join(' '));
  }
});

test(title('no-program', 'a file written for wandb.agent(function=...) is refused with the missing `program` named'), () => {
  const v = validate(FIXTURES, 'no-program.yaml');
  assert.equal(v.code, 1, v.output);
  assert.match(v.output, /no-program\.yaml:\d+:\d+: error: the sweep file has neither `program` nor `command`: nothing to run/);
  assert.match(v.output, /fix: add `program: /);
});

test(title('nested-shadows-dotted', 'a nested block and a flat parameter with the same dotted path: both lines named'), () => {
  const v = validate(FIXTURES, 'nested-shadows-dotted.yaml');
  assert.equal(v.code, 1, v.output);
  assert.match(
    v.output,
    /nested-shadows-dotted\.yaml:16:3: error: parameter `env\.events\.push\.params\.velocity_range` is defined twice \(also at line 14\)/,
  );
});

test(title('absolute-program', '`program: /main.py` (a container path) is refused before any trial, at its line, with a fix'), () => {
  const root = repository('absolute-program.yaml', []);
  const run = runSweep(root, 'absolute-program.yaml');
  assert.notEqual(run.code, 0);
  assert.equal(run.argv.length, 0, 'nothing ran');
  assert.match(run.output, /absolute-program\.yaml:4:1: `program` "\/main\.py" /);
  assert.match(run.output, /\n {2}fix: /);
  // `knobs validate` checks what `knobs run` checks first, and says the same
  const v = validate(root, 'absolute-program.yaml');
  assert.equal(v.code, 1, v.output);
  assert.match(v.output, /absolute-program\.yaml:4:1: `program` "\/main\.py" /);
});

test(title('grid-q-uniform-inexact', "a q_uniform grid whose step does not divide the range gives W&B's arange values"), () => {
  const root = repository('grid-q-uniform-inexact.yaml', ['stub.py']);
  const run = runSweep(root, 'grid-q-uniform-inexact.yaml', { metric: 'performance', runCap: 10 });
  assertRan(run, 4, true);
  const values = run.argv.map((argv) => argv.find((a) => a.startsWith('--restitution_range='))!.slice('--restitution_range='.length));
  assert.deepEqual(values, ['0.0', '0.333', '0.666', '0.9990000000000001']);
});

test(
  title('deprecated-log-uniform', 'log_uniform validates with a deprecation warning naming log_uniform_values and the converted bounds'),
  () => {
    const v = validate(FIXTURES, 'deprecated-log-uniform.yaml');
    assert.equal(v.code, 0, v.output);
    assert.match(v.output, /deprecated-log-uniform\.yaml:12:19: warning: .*deprecat/);
    assert.match(v.output, /log_uniform_values/);
    assert.match(v.output, /0\.0001\b.*0\.00995/);
  },
);
