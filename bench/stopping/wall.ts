/**
 * The one real wall-clock run of bench:stopping (no target): the real CLI (`knobs run --json`)
 * runs bench/stopping/sk_trial.py — real scikit-learn training of recorded configs, one process
 * per trial, reporting through the Python helper — with random search over the sklearn-digits
 * config ids, run_cap K, max_concurrent 2, the same seed, once without pruning and once with
 * ASHA (grace 1, rf 3, max_t = epochs). Reported: wall, epochs run (metric ops in the journal),
 * trials pruned, best val_loss. Start-up (importing scikit-learn) dominates each trial here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCurveSet, ROOT } from './curves';

export interface WallResult {
  markdown: string[];
}

interface One {
  method: string;
  wallMs: number;
  elapsedMs: number;
  epochs: number;
  trials: number;
  pruned: number;
  best: number;
}

export async function runWall(o: { work: string; trials?: number; dataset?: string }): Promise<WallResult> {
  const name = o.dataset ?? 'sklearn-digits';
  const set = loadCurveSet(name);
  if (!set) return { markdown: [`## Wall-clock run`, '', `Skipped: bench/data/${name}.json is missing.`] };
  const k = o.trials ?? 16;
  const dir = fs.mkdtempSync(path.join(o.work, 'knobs-bench-wall-'));
  const runs: One[] = [];
  try {
    fs.copyFileSync(path.join(ROOT, 'bench', 'stopping', 'sk_trial.py'), path.join(dir, 'sk_trial.py'));
    const data = path.join(ROOT, 'bench', 'data');
    for (const method of ['none', 'random+asha']) {
      const sub = path.join(dir, method.replace('+', '-'));
      fs.mkdirSync(sub);
      fs.copyFileSync(path.join(dir, 'sk_trial.py'), path.join(sub, 'sk_trial.py'));
      const et = method === 'none' ? '' : `early_terminate: {type: asha, max_t: ${set.epochs}, grace_period: 1, reduction_factor: 3}\n`;
      fs.writeFileSync(
        path.join(sub, 'sweep.yaml'),
        `name: wall-${method.replace('+', '-')}\nprogram: sk_trial.py\ncommand: ["\${interpreter}", "\${program}", "--data", "${path.join(data, `${name}.json`)}", "\${args}"]\n` +
          `method: random\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  config: {values: [${set.configs.map((c) => c.id).join(', ')}]}\n` +
          `max_concurrent: 2\nrun_cap: ${k}\nseed: 11\n${et}`,
      );
      process.stderr.write(`wall-clock: ${method}, ${k} real trials of ${name}\n`);
      const t0 = performance.now();
      const r = spawnSync(
        'node',
        [
          path.join(ROOT, 'dist', 'cli.js'),
          'run',
          'sweep.yaml',
          '--json',
          '--python',
          '/usr/bin/python3',
          '--workspace',
          sub,
          '--grace-ms',
          '2000',
        ],
        { cwd: sub, encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const wallMs = performance.now() - t0;
      if (r.status !== 0) throw new Error(`wall-clock ${method}: knobs run exited ${r.status}: ${r.stderr.slice(-2000)}`);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
        dir: string;
        elapsedMs: number;
        counts: Record<string, number>;
        best?: { best?: number; value?: number };
      };
      let epochs = 0;
      let best = Infinity;
      for (const line of fs.readFileSync(path.join(summary.dir, 'journal.jsonl'), 'utf8').split('\n')) {
        if (!line.startsWith('{"op":"metric"')) continue;
        epochs++;
        const v = (JSON.parse(line) as { values: { val_loss?: number } }).values.val_loss;
        if (typeof v === 'number' && v < best) best = v;
      }
      runs.push({
        method,
        wallMs,
        elapsedMs: summary.elapsedMs,
        epochs,
        trials: summary.counts.total,
        pruned: summary.counts.pruned,
        best,
      });
      process.stderr.write(`  ${(wallMs / 1000).toFixed(1)} s, ${epochs} epochs, ${summary.counts.pruned} pruned, best ${best}\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const none = runs[0];
  return {
    markdown: [
      `## One real wall-clock run (no target)`,
      '',
      `The real CLI runs bench/stopping/sk_trial.py (real scikit-learn training of the recorded ${name} configs, one process per trial, reports through the Python helper): random search over the config ids, run_cap ${k}, max_concurrent 2, seed 11 — the same configs in the same order for both rows.`,
      '',
      '| method | wall | runner elapsed | epochs run | trials (pruned) | best val_loss | wall vs no pruning | epochs vs no pruning |',
      '|---|---|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| ${r.method} | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.elapsedMs / 1000).toFixed(1)} s | ${r.epochs} | ${r.trials} (${r.pruned}) | ${r.best.toPrecision(5)} | ${(none.wallMs / r.wallMs).toFixed(2)}× | ${(none.epochs / r.epochs).toFixed(2)}× |`,
      ),
      '',
      `Every trial pays a start-up (a fresh Python importing scikit-learn; recorded median ${set.startupMs} ms) that is many epochs long (${set.epochMs} ms each), so pruning saves a smaller share of the wall time than of the epochs, and the wall time moves with the machine's load (${os.loadavg()[0].toFixed(1)} at the end of this run) — which is why the targets above are in epochs.`,
    ],
  };
}
