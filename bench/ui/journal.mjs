// A real sweep folder for the code-server bench: the synthetic sweep of the standalone page
// (webview/src/state/synthetic.ts: same params, states and curves) written as a Knobs journal, so
// the extension host reads, reduces and sends it as it would a finished 10k/100k-trial sweep.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const { syntheticSweep } = require(join(root, 'out/webview/src/state/synthetic.js'));
const { loadSweepFile } = require(join(root, 'out/src/core/space/parse.js'));
const { createSweep } = require(join(root, 'out/src/core/sweep/create.js'));

const SWEEP = (n) => `program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  dropout: {min: 0.0, max: 0.5}
  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}
  hidden: {min: 16, max: 256}
  batch_size: {values: [32, 64, 128]}
  optimizer: {values: [adam, sgd, adamw]}
  epochs: {value: 20}
run_cap: ${n}
seed: 1
`;

/** Writes `<workspace>/sweep.yaml`, `train.py` and a journal of `trials` trials × `points` reports; returns the sweep dir. */
export function writeSyntheticSweep(workspace, { trials, points, seed = 7 }) {
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(workspace, 'train.py'),
    'import argparse\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=0.001)\nprint(p.parse_args())\n',
  );
  const file = join(workspace, 'sweep.yaml');
  writeFileSync(file, SWEEP(trials));
  const spec = loadSweepFile(file);
  const now = Date.now();
  const paths = createSweep({ spec, knobsDir: join(workspace, '.knobs'), seed: 1, now: new Date(now - 3_600_000) });
  const sw = syntheticSweep({ trials, points, seed, running: 0, now });
  const fd = openSync(paths.journal, 'a');
  let seq = 1,
    buf = [];
  const t0 = now - 3_600_000;
  const put = (op, t) => {
    buf.push(JSON.stringify({ ...op, seq: ++seq, w: 'bench', t }));
    if (buf.length >= 5000) flush();
  };
  const flush = () => {
    writeSync(fd, `${buf.join('\n')}\n`);
    buf = [];
  };
  const byTrial = new Map(sw.series.map((s) => [s.trial, s]));
  for (const r of sw.trials) {
    const t = t0 + r.id * 10;
    put({ op: 'trial_asked', trial: r.id, params: r.params, source: 'random', index: r.id - 1 }, t);
    put({ op: 'trial_started', trial: r.id, attempt: 1, pid: 100000 + r.id, pgid: 100000 + r.id, argv: ['python3', 'train.py'] }, t + 1);
    const s = byTrial.get(r.id);
    if (s)
      for (let k = 0; k < s.steps.length; k++)
        put(
          {
            op: 'metric',
            trial: r.id,
            attempt: 1,
            step: s.steps[k],
            values: { val_loss: Number.isFinite(s.values[k]) ? s.values[k] : 'NaN' },
          },
          t + 2 + k,
        );
    const end = t + 5;
    if (r.status === 'failed')
      put(
        {
          op: 'trial_failed',
          trial: r.id,
          attempt: 1,
          kind: 'crash',
          exitCode: 1,
          signal: null,
          stderrTail: 'exit code 1',
          willRetry: false,
        },
        end,
      );
    else if (r.status === 'pruned') put({ op: 'trial_stopped', trial: r.id, attempt: 1, reason: 'asha: rung 1', by: 'pruned' }, end);
    else if (r.status === 'stopped') put({ op: 'trial_stopped', trial: r.id, attempt: 1, reason: 'stopped by user', by: 'user' }, end);
    else put({ op: 'trial_completed', trial: r.id, attempt: 1, exitCode: 0 }, end);
  }
  put({ op: 'sweep_finished', reason: 'run_cap' }, t0 + trials * 10 + 100);
  flush();
  closeSync(fd);
  return paths.dir ?? paths.journal.replace(/\/journal\.jsonl$/, '');
}
