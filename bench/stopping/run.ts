/**
 * `npm run bench:stopping [-- flags]`: early stopping on real recorded learning curves
 * (bench/data/*.json), Knobs' schedulers against Optuna 3.1.0's pruners, in one invocation.
 * Writes bench/results/stopping.md and prints the tables; progress goes to stderr.
 *
 *   --quick             3 seeds, sklearn-digits and pytorch-digits only, no wall-clock run
 *   --seeds N           seeds 0..N-1 (default 10)
 *   --datasets a,b      subset of the curve sets present in bench/data/
 *   --no-wall           skip the real wall-clock run (bench/stopping/wall.ts)
 *   --python PATH       interpreter with optuna (default /usr/bin/python3)
 *   --out PATH          markdown report (default bench/results/stopping.md; `-` for none)
 *   --asha 'K: V, ...'  other ASHA settings for random+asha / bayes+asha (side checks), e.g.
 *                       'grace_period: 3, reduction_factor: 3'; max_t is the data set's epochs
 *                       unless given
 *   --tolerance F       "within F" of the target instead of within 0.01 (side checks)
 *
 * Protocol (also written into the report):
 * - The search space is one categorical over the recorded config ids, for Knobs and Optuna
 *   alike, so both search exactly the recorded configs and no curve is invented.
 * - N recorded configs, R = max(10, round(N/4)). The target: the best val_loss that no pruning
 *   (Knobs random, no early_terminate) reports within its first R trials, median over the seeds;
 *   "within 1%" = val_loss ≤ target + 1%·|target|.
 * - Every method then runs with run_cap 3R (no pruning) or 6R (pruning), 2 concurrent slots, on a
 *   fake clock paying each config's measured start-up and per-epoch costs; a run's cost to target
 *   is the epochs (all trials, pruned ones included) and simulated time when a report first came
 *   within 1%. Medians over seeds; a seed that never gets there counts as ∞.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CurveSet, DATASETS, loadCurveSet, ROOT } from './curves';
import { defaultAsha, OUR_METHODS, type OurMethod, runOurs, type Trace } from './ours';
import { runWall, type WallResult } from './wall';

const OPTUNA_METHODS = ['tpe+hyperband', 'random+median'] as const;

interface Args {
  quick: boolean;
  seeds: number[];
  datasets: string[];
  wall: boolean;
  python: string;
  out: string | null;
  asha?: string;
  tolerance: number;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const get = (f: string): string | undefined => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(get('--seeds') ?? (quick ? 3 : 10));
  const present = DATASETS.filter((d) => fs.existsSync(path.join(ROOT, 'bench', 'data', `${d}.json`)));
  const datasets =
    get('--datasets')?.split(',') ?? (quick ? present.filter((d) => d === 'sklearn-digits' || d === 'pytorch-digits') : present);
  const out = get('--out') ?? path.join(ROOT, 'bench', 'results', 'stopping.md');
  return {
    quick,
    seeds: Array.from({ length: n }, (_, i) => i),
    datasets,
    wall: !quick && !argv.includes('--no-wall'),
    python: get('--python') ?? '/usr/bin/python3',
    out: out === '-' ? null : out,
    asha: get('--asha'),
    tolerance: Number(get('--tolerance') ?? 0.01),
  };
}

/** A run reduced to what the bench needs: (epochs, ms, value) where the best so far improved. */
interface Run {
  method: string;
  seed: number;
  best: [number, number, number][];
  trials: number;
  /** Launches of a config id already launched earlier in the run (Knobs side only). */
  repeats: number;
  totalEpochs: number;
  totalMs: number;
  realMs: number;
}

function reduce(method: string, seed: number, t: Trace): Run {
  const best: [number, number, number][] = [];
  let b = Infinity;
  for (let i = 0; i < t.values.length; i++) {
    if (t.values[i] < b) {
      b = t.values[i];
      best.push([t.epochs[i], t.ms[i], b]);
    }
  }
  return {
    method,
    seed,
    best,
    trials: t.trials,
    repeats: t.configs.length - new Set(t.configs).size,
    totalEpochs: t.totalEpochs,
    totalMs: t.totalMs,
    realMs: t.realMs,
  };
}

function runOptuna(python: string, set: CurveSet, seeds: number[], runCap: number, threshold: number): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(python, [path.join(ROOT, 'bench', 'stopping', 'optuna_replay.py')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`optuna_replay.py exited ${code}`));
      const doc = JSON.parse(out) as {
        runs: {
          method: string;
          seed: number;
          trace: [number, number, number][];
          trials: number;
          totalEpochs: number;
          totalMs: number;
          realMs: number;
        }[];
      };
      resolve(
        doc.runs.map((r) => ({
          method: `optuna ${r.method}`,
          seed: r.seed,
          best: r.trace,
          trials: r.trials,
          repeats: NaN,
          totalEpochs: r.totalEpochs,
          totalMs: r.totalMs,
          realMs: r.realMs,
        })),
      );
    });
    p.stdin.end(JSON.stringify({ file: path.join(ROOT, set.file), methods: OPTUNA_METHODS, seeds, runCap, threshold }));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** First (epochs, ms) at which the run's best came within the threshold; ∞ when never. */
function reach(r: Run, threshold: number): { epochs: number; ms: number } {
  for (const [e, ms, v] of r.best) if (v <= threshold) return { epochs: e, ms };
  return { epochs: Infinity, ms: Infinity };
}

interface Row {
  method: string;
  reached: number;
  seeds: number;
  epochs: number;
  ms: number;
  totalEpochs: number;
  repeats: number;
  trials: number;
  realMs: number;
}

interface DatasetResult {
  set: CurveSet;
  n: number;
  r: number;
  target: number;
  threshold: number;
  rows: Row[];
}

async function benchDataset(set: CurveSet, args: Args, work: string): Promise<DatasetResult> {
  const n = set.configs.length;
  const r = Math.max(10, Math.round(n / 4));
  const pruneCap = 6 * r;
  process.stderr.write(`${set.name}: ${n} configs × ${set.epochs} epochs; R = ${r}\n`);
  const runs: Run[] = [];
  const noneFirstR: number[] = [];
  let optuna: Promise<Run[]> | undefined;
  for (const method of OUR_METHODS) {
    if (method !== 'none' && !optuna) {
      // the target is known once no pruning has run: Optuna runs beside our other methods, and
      // each of its runs ends at the target
      const t = median(noneFirstR);
      optuna = runOptuna(args.python, set, args.seeds, pruneCap, t + args.tolerance * Math.abs(t));
    }
    for (const seed of args.seeds) {
      const asha = args.asha === undefined ? undefined : /max_t/.test(args.asha) ? args.asha : `max_t: ${set.epochs}, ${args.asha}`;
      const t = await runOurs({
        set,
        method: method as OurMethod,
        seed,
        runCap: method === 'none' ? 3 * r : pruneCap,
        workDir: work,
        asha,
      });
      runs.push(reduce(method, seed, t));
      if (method === 'none') {
        let b = Infinity;
        for (let i = 0; i < t.values.length; i++) if (t.trial[i] <= r && t.values[i] < b) b = t.values[i];
        noneFirstR.push(b);
      }
      process.stderr.write(
        `  knobs ${method} seed ${seed}: ${t.trials} trials, ${t.totalEpochs} epochs, ${(t.realMs / 1000).toFixed(1)} s\n`,
      );
    }
  }
  runs.push(...(await optuna!));
  const target = median(noneFirstR);
  const threshold = target + args.tolerance * Math.abs(target);
  const rows: Row[] = [];
  for (const method of [...OUR_METHODS, ...OPTUNA_METHODS.map((m) => `optuna ${m}`)]) {
    const mine = runs.filter((x) => x.method === method);
    const hits = mine.map((x) => reach(x, threshold));
    rows.push({
      method,
      reached: hits.filter((h) => Number.isFinite(h.epochs)).length,
      seeds: mine.length,
      epochs: median(hits.map((h) => h.epochs)),
      ms: median(hits.map((h) => h.ms)),
      totalEpochs: method.startsWith('optuna') ? NaN : median(mine.map((x) => x.totalEpochs)),
      realMs: median(mine.map((x) => x.realMs)),
      repeats: median(mine.map((x) => x.repeats)),
      trials: median(mine.map((x) => x.trials)),
    });
  }
  return { set, n, r, target, threshold, rows };
}

const fmtN = (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : '∞ (not reached)');
const fmtS = (ms: number): string =>
  Number.isFinite(ms) ? (ms / 1000 >= 100 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`) : '∞';
const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : !Number.isFinite(a) && Number.isFinite(b) ? '> any' : '—';

/** The median relative change of val_loss from one epoch to the next, second half of each curve. */
function noise(set: CurveSet): number {
  return median(
    set.configs.map((c) => {
      const v = c.val_loss;
      const h = v.length >> 1;
      const r: number[] = [];
      for (let i = h + 1; i < v.length; i++) r.push(Math.abs(v[i] - v[i - 1]) / Math.max(1e-12, Math.min(v[i], v[i - 1])));
      return median(r);
    }),
  );
}

/** How many configs ever come within the threshold, and at which epoch they first do. */
function winners(set: CurveSet, threshold: number): string {
  const first = set.configs.map((c) => c.val_loss.findIndex((v) => v <= threshold) + 1).filter((e) => e > 0);
  return `${first.length} of ${set.configs.length} configs ever come within it${first.length ? ` (first at epoch ${median(first)}, median)` : ''}`;
}

function table(d: DatasetResult): string[] {
  const none = d.rows.find((r) => r.method === 'none')!;
  const optunaRows = d.rows.filter((r) => r.method.startsWith('optuna'));
  const optBest = optunaRows.reduce((a, b) => (b.epochs < a.epochs ? b : a));
  const lines = [
    `### ${d.set.name}`,
    '',
    `${d.set.source}; ${d.n} configs × ${d.set.epochs} epochs; start-up ${d.set.startupMs} ms, epoch ${d.set.epochMs} ms (medians). ` +
      `R = ${d.r}; target val_loss ${d.target.toPrecision(5)} (no pruning's best in its first R trials, median), within ${+((100 * (d.threshold - d.target)) / Math.abs(d.target || 1)).toPrecision(3)}%: ≤ ${d.threshold.toPrecision(5)}. ` +
      `${winners(d.set, d.threshold)}; epoch-to-epoch noise ${(100 * noise(d.set)).toFixed(1)}% (median over configs of the median |Δ val_loss| / val_loss in the second half of each curve).`,
    '',
    `| method | seeds reaching | epochs to target (median) | simulated time to target | vs no pruning | vs Optuna best (${optBest.method.replace('optuna ', '')}) | epochs in whole run | repeated configs / trials in whole run | real ms per run |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of d.rows) {
    const ours = !r.method.startsWith('optuna');
    lines.push(
      `| ${r.method} | ${r.reached}/${r.seeds} | ${fmtN(r.epochs)} | ${fmtS(r.ms)} | ${ratio(none.epochs, r.epochs)} (time ${ratio(none.ms, r.ms)}) | ${ours && r.method !== 'none' ? `${ratio(optBest.epochs, r.epochs)} (time ${ratio(optBest.ms, r.ms)})` : ''} | ${Number.isFinite(r.totalEpochs) ? Math.round(r.totalEpochs) : '(ends at target)'} | ${Number.isFinite(r.repeats) ? `${Math.round(r.repeats)} / ${Math.round(r.trials)}` : ''} | ${Math.round(r.realMs)} |`,
    );
  }
  return lines;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  return `${os.cpus().length} cores (nproc), ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average at the end ${load} — the 2 cores were shared with other work during the run`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'knobs-bench-stopping-'));
  const t0 = Date.now();
  const results: DatasetResult[] = [];
  try {
    for (const name of args.datasets) {
      const set = loadCurveSet(name);
      if (!set) {
        process.stderr.write(`${name}: no bench/data/${name}.json, skipped\n`);
        continue;
      }
      results.push(await benchDataset(set, args, work));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  let wall: WallResult | undefined;
  if (args.wall) wall = await runWall({ work: os.tmpdir() });
  const secs = Math.round((Date.now() - t0) / 1000);
  const out: string[] = [
    '# Early stopping benchmark (bench:stopping)',
    '',
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Whole bench: ${secs} s.`,
    '',
    `Command: \`npm run bench:stopping${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (seeds ${args.seeds[0]}..${args.seeds[args.seeds.length - 1]}).`,
    '',
    ...(args.asha !== undefined || args.tolerance !== 0.01
      ? [
          `**Side check, not the protocol below:** ${args.asha !== undefined ? `ASHA settings \`${args.asha}\`` : "the protocol's ASHA settings"}; within ${args.tolerance * 100}% of the target.`,
          '',
        ]
      : []),
    '## Protocol',
    '',
    '- Curves: real per-epoch val_loss recorded once by bench/data/record_*.py (see each data set below) and replayed; nothing is invented.',
    "- Knobs: the real SweepRunner (journal, sampler, scheduler) on the SimulatedExecutor, a fake clock paying each config's measured start-up and per-epoch cost; `max_concurrent: 2`. " +
      `Methods: \`none\` (random, no early_terminate), \`random+asha\` / \`bayes+asha\` (\`{type: asha, ${defaultAsha(0).replace('max_t: 0', 'max_t: E')}}\` for E recorded epochs: the epochs a user trains for as max_t, Ray Tune's grace_period default 1, reduction_factor 3; the same for every data set), \`random+hyperband\` (W&B rule, \`{type: hyperband, min_iter: 1, eta: 3}\`, strict). \`bayes\` maps to TPE here (one categorical); TPE never suggests a config a trial already tried (src/core/samplers/seen.ts), so a bayes run ends (\`exhausted\`) once every config id was tried.`,
    '- Optuna 3.1.0 (/usr/bin/python3, bench/stopping/optuna_replay.py): ask/tell on the same curves and costs with 2 slots on its own fake clock: TPESampler + HyperbandPruner(min_resource 1, max_resource E, reduction_factor 3), RandomSampler + MedianPruner() (defaults).',
    "- Space: one categorical over the recorded config ids on both sides (the sampler picks a config id; the trial walks that config's curve). This keeps ours and theirs on exactly the same configs. Its cost: a model-based sampler sees no structure between ids, so TPE can only learn which ids were good (it cannot generalise to neighbours). Random samplers (ours and Optuna's) and Optuna's TPE sample with replacement.",
    '- Target: R = max(10, N/4) for N configs; the best val_loss that no pruning reports within its first R trials, median over seeds; a run reaches it when any report is ≤ target + 1%. Cost to target: epochs run by all trials (pruned ones included) and simulated time at that report. Medians over seeds (∞ when a seed never reaches it). Run caps: 3R trials (no pruning), 6R (pruning, both sides).',
    "- Goals: ≥ 3× fewer epochs than no pruning; ≥ 1.3× fewer than Optuna's better pair.",
    '',
    '## Results',
    '',
  ];
  for (const d of results) out.push(...table(d), '');
  out.push(
    '## Summary',
    '',
    '| data set | best Knobs method | epochs | vs no pruning (goal ≥ 3×) | vs Optuna best (goal ≥ 1.3×) |',
    '|---|---|---|---|---|',
  );
  for (const d of results) {
    const none = d.rows.find((r) => r.method === 'none')!;
    const ours = d.rows.filter((r) => r.method !== 'none' && !r.method.startsWith('optuna'));
    const best = ours.reduce((a, b) => (b.epochs < a.epochs ? b : a));
    const opt = d.rows.filter((r) => r.method.startsWith('optuna')).reduce((a, b) => (b.epochs < a.epochs ? b : a));
    const r1 = none.epochs / best.epochs;
    const r2 = opt.epochs / best.epochs;
    out.push(
      `| ${d.set.name} | ${best.method} | ${fmtN(best.epochs)} | ${ratio(none.epochs, best.epochs)} ${r1 >= 3 ? 'met' : 'SHORT'} | ${ratio(opt.epochs, best.epochs)} vs ${opt.method.replace('optuna ', '')} ${r2 >= 1.3 ? 'met' : 'SHORT'} |`,
    );
  }
  out.push('');
  if (wall) out.push(...wall.markdown, '');
  const text = out.join('\n');
  process.stdout.write(`${text}\n`);
  if (args.out) {
    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    const notes = args.out && fs.existsSync(args.out) ? fs.readFileSync(args.out, 'utf8').split('<!-- notes -->')[1] : undefined;
    fs.writeFileSync(args.out, `${text}\n<!-- notes -->${notes ?? '\n'}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:stopping: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
