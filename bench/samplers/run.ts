/**
 * `npm run bench:samplers [-- flags]`: Knobs' samplers against Debian's python3-optuna 3.1.0 on
 * the same problems, budgets and seeds, in one invocation. Writes bench/results/samplers.md and
 * prints the tables. Progress goes to stderr.
 *
 *   --quick              5 seeds, a smaller latency grid (under 5 minutes on 2 cores)
 *   --problems a,b       subset of: branin hartmann3 hartmann6 rosenbrock4 ackley10 styblinski10 mixed
 *   --methods a,b        subset of: random sobol tpe gp bayes optuna-random optuna-tpe optuna-tpe-mv
 *                        optuna-cmaes optuna-qmc
 *   --seeds N | a,b,c | a-b   seeds (default 20: 1..20; --quick 5: 1..5). N means 1..N: Optuna
 *                        3.1's QMCSampler takes `seed or random()`, so seed 0 would be unseeded
 *   --budget N           trials per run (default 100); regret is reported at 25, 50, 100, ≤ N
 *   --no-latency         skip the latency grid;  --latency-only  run only the latency grid
 *   --reps N             timed suggests per latency cell (default 50; --quick 10)
 *   --jobs N             Optuna processes at once (default 1; ours runs in this process beside them)
 *   --python PATH        interpreter with optuna (default /usr/bin/python3, or $KNOBS_BENCH_PYTHON)
 *   --out PATH           markdown report (default bench/results/samplers.md; `-` for none)
 *   --render RAW.json    re-render the report from a run's raw data (out/bench/samplers-raw.json)
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSampler } from '../../src/core/samplers/registry';
import type { Method } from '../../src/core/space/types';
import { measureLatency, OUR_METHODS, runOurs, samplerOptions } from './ours';
import { PROBLEMS, type Problem, probePoints, problemByName, problemDomain } from './problems';
import { mannWhitneyU, median, quantile, runningMin } from './stats';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT_DIR = path.join(ROOT, 'bench', 'samplers');
const OPTUNA_METHODS = ['optuna-random', 'optuna-tpe', 'optuna-tpe-mv', 'optuna-cmaes', 'optuna-qmc'] as const;
const ALL_METHODS: readonly string[] = [...OUR_METHODS, ...OPTUNA_METHODS];
/** The method the targets call "ours". */
const OURS = 'bayes';

export interface BenchArgs {
  quick: boolean;
  problems: string[];
  methods: string[];
  seeds: number[];
  budget: number;
  latency: boolean;
  regret: boolean;
  reps: number;
  jobs: number;
  python: string;
  out: string | null;
  /** Re-render the report from this raw JSON instead of running. */
  render?: string;
  argv: string[];
}

function fail(msg: string): never {
  process.stderr.write(`bench:samplers: ${msg}\n`);
  process.exit(2);
}

function parseList(v: string | undefined, flag: string): string[] {
  if (!v) fail(`${flag} needs a value`);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseSeeds(v: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(v);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) fail(`--seeds ${v}: the range is empty`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (v.includes(',')) return v.split(',').map((s) => checkInt(s, '--seeds'));
  const n = checkInt(v, '--seeds');
  if (n < 1) fail('--seeds must be ≥ 1');
  return Array.from({ length: n }, (_, i) => i + 1);
}

function checkInt(v: string | undefined, flag: string): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) fail(`${flag} is ${JSON.stringify(v)} but must be a non-negative integer`);
  return n;
}

export function parseArgs(argv: string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const a: BenchArgs = {
    quick,
    problems: PROBLEMS.map((p) => p.name),
    methods: [...ALL_METHODS],
    seeds: parseSeeds(quick ? '5' : '20'),
    budget: 100,
    latency: true,
    regret: true,
    reps: quick ? 10 : 50,
    jobs: 1,
    python: process.env.KNOBS_BENCH_PYTHON ?? '/usr/bin/python3',
    out: path.join(ROOT, 'bench', 'results', 'samplers.md'),
    argv,
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${f} needs a value`);
      return v;
    };
    switch (f) {
      case '--quick':
        break;
      case '--problems':
        a.problems = parseList(next(), f);
        for (const p of a.problems)
          if (!PROBLEMS.some((q) => q.name === p)) fail(`unknown problem \`${p}\`; known: ${PROBLEMS.map((q) => q.name).join(', ')}`);
        break;
      case '--methods':
        a.methods = parseList(next(), f);
        for (const m of a.methods) if (!ALL_METHODS.includes(m)) fail(`unknown method \`${m}\`; known: ${ALL_METHODS.join(', ')}`);
        break;
      case '--seeds':
        a.seeds = parseSeeds(next());
        break;
      case '--budget':
        a.budget = checkInt(next(), f);
        if (a.budget < 1) fail('--budget must be ≥ 1');
        break;
      case '--no-latency':
        a.latency = false;
        break;
      case '--latency-only':
        a.regret = false;
        break;
      case '--reps':
        a.reps = checkInt(next(), f);
        if (a.reps < 1) fail('--reps must be ≥ 1');
        break;
      case '--jobs':
        a.jobs = Math.max(1, checkInt(next(), f));
        break;
      case '--python':
        a.python = next();
        break;
      case '--render':
        a.render = path.resolve(next());
        break;
      case '--out': {
        const v = next();
        a.out = v === '-' ? null : path.resolve(v);
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(`${fs.readFileSync(path.join(SCRIPT_DIR, 'run.ts'), 'utf8').split('*/')[0]}*/\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown flag ${f} (see --help)`);
    }
  }
  return a;
}

// ---- Python ------------------------------------------------------------------------------------

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs the Python helper; stderr is forwarded line by line, stdout returned. */
function python(args: BenchArgs, scriptArgs: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(args.python, scriptArgs, { cwd: SCRIPT_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const text = partial + d.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        errTail = `${errTail + l}\n`.slice(-4000);
        log(l);
      }
    });
    child.on('error', (e) => reject(new Error(`cannot start ${args.python}: ${e.message}`)));
    child.on('close', (code) => {
      if (partial) log(partial);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.python} ${scriptArgs.join(' ')} exited with ${code}\n${errTail}${partial}`));
    });
    child.stdin.end(input ?? '');
  });
}

async function pythonJob<T>(args: BenchArgs, tmp: string, kind: 'run' | 'latency', job: unknown, tag: string): Promise<T> {
  const jobFile = path.join(tmp, `${tag}.job.json`);
  const outFile = path.join(tmp, `${tag}.out.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  await python(args, [path.join(SCRIPT_DIR, 'optuna_bench.py'), kind, jobFile, outFile]);
  return JSON.parse(fs.readFileSync(outFile, 'utf8')) as T;
}

/** Runs tasks with at most `limit` at once. */
function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  return Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker)).then(() => results);
}

/** Evaluates probe points on both sides; throws when an objective differs. Returns the max relative gap. */
async function crossCheck(args: BenchArgs, problems: Problem[]): Promise<{ points: number; maxRel: number }> {
  const points = problems.flatMap((p) => probePoints(p, 5).map((params) => ({ problem: p.name, params, ts: p.objective(params) })));
  const res = JSON.parse(await python(args, [path.join(SCRIPT_DIR, 'problems.py'), 'check'], JSON.stringify({ points }))) as {
    values: number[];
  };
  let maxRel = 0;
  points.forEach((q, i) => {
    const rel = Math.abs(q.ts - res.values[i]) / Math.max(1, Math.abs(q.ts));
    maxRel = Math.max(maxRel, rel);
    if (!(rel <= 1e-12))
      throw new Error(`objective mismatch on ${q.problem} at ${JSON.stringify(q.params)}: TypeScript ${q.ts}, Python ${res.values[i]}`);
  });
  for (const p of problems) {
    const at = p.objective(p.argmin);
    if (Math.abs(at - p.optimum) > 1e-9 * Math.max(1, Math.abs(p.optimum)))
      throw new Error(`${p.name}: f(argmin) = ${at} but the optimum is ${p.optimum}`);
  }
  return { points: points.length, maxRel };
}

// ---- measurements ------------------------------------------------------------------------------

interface Batch {
  method: string;
  problem: string;
  /** Objective values per seed (in args.seeds order), per trial. */
  values: number[][];
  /** Wall seconds per run (one seed). */
  seconds: number[];
  /** CPU seconds per run (the machine is shared: this is the stable measure). */
  cpu: number[];
}

interface LatencyCell {
  method: string;
  trials: number;
  params: number;
  ms: number[];
  cpuMs: number[];
}

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  node: string;
  python: string;
  optuna: string;
  /** 1-minute load average at the start and at the end of the run. */
  loadStart: string;
  loadEnd: string;
}

function machine(pyVersions: { python: string; optuna: string } | undefined, loadStart: number): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* keep os.cpus() */
  }
  const np = spawnSync('nproc', { encoding: 'utf8' });
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: Number(np.stdout?.trim()) || os.availableParallelism(),
    cpu,
    node: process.version,
    python: pyVersions?.python ?? 'not run',
    optuna: pyVersions?.optuna ?? 'not run',
    loadStart: loadStart.toFixed(1),
    loadEnd: os.loadavg()[0].toFixed(1),
  };
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

// ---- report -----------------------------------------------------------------------------------

export function checkpoints(budget: number): number[] {
  const c = [25, 50, 100].filter((n) => n <= budget);
  if (!c.includes(budget)) c.push(budget);
  return c;
}

/** Simple regret after n trials of each run (tiny negative float noise clamped to 0). */
function regrets(b: Batch, n: number, optimum: number): number[] {
  return b.values.map((v) => Math.max(0, runningMin(v.slice(0, n))[Math.min(n, v.length) - 1] - optimum));
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(3);
}

function fmtRatio(x: number): string {
  return x >= 0.01 && x < 100 ? x.toFixed(2) : fmt(x);
}

function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export interface ProblemSummary {
  problem: string;
  ours?: number;
  best?: { method: string; median: number };
  ratio?: number;
  p?: number;
}

function ratioOf(ours: number, best: number): number {
  if (best === 0) return ours === 0 ? 1 : Infinity;
  return ours / best;
}

function summarise(problem: Problem, batches: Batch[], budget: number, oursMethod: string): ProblemSummary {
  const mine = batches.find((b) => b.problem === problem.name && b.method === oursMethod);
  const peers = batches.filter((b) => b.problem === problem.name && b.method.startsWith('optuna-'));
  const s: ProblemSummary = { problem: problem.name };
  const oursR = mine ? regrets(mine, budget, problem.optimum) : undefined;
  if (oursR) s.ours = median(oursR);
  let bestR: number[] | undefined;
  for (const b of peers) {
    const r = regrets(b, budget, problem.optimum);
    const m = median(r);
    const mean = r.reduce((x, y) => x + y, 0) / r.length;
    const bestMean = bestR ? bestR.reduce((x, y) => x + y, 0) / bestR.length : Infinity;
    if (!s.best || m < s.best.median || (m === s.best.median && mean < bestMean)) {
      s.best = { method: b.method, median: m };
      bestR = r;
    }
  }
  if (oursR && s.best && bestR) {
    s.ratio = ratioOf(s.ours!, s.best.median);
    s.p = mannWhitneyU(oursR, bestR).p;
  }
  return s;
}

interface Report {
  args: BenchArgs;
  machine: Machine;
  problems: Problem[];
  batches: Batch[];
  latency: LatencyCell[];
  notices: Record<string, string>;
  crossCheck?: { points: number; maxRel: number };
  wallSeconds: number;
  /** CPU seconds: this process plus the Optuna runs. */
  cpuSeconds: number;
  oursMethod: string;
}

function verdict(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  if (ratio <= 0.8) return 'better (≤ 0.8×)';
  if (ratio <= 1.25) return 'par (≤ 1.25×)';
  return '**worse (> 1.25×)**';
}

function latencyStats(
  cells: LatencyCell[],
  method: string,
  trials: number,
  params: number,
): { p50: number; p99: number; cpu50: number } | undefined {
  const c = cells.find((x) => x.method === method && x.trials === trials && x.params === params);
  return c ? { p50: quantile(c.ms, 0.5), p99: quantile(c.ms, 0.99), cpu50: quantile(c.cpuMs, 0.5) } : undefined;
}

export function renderReport(r: Report): string {
  const { args } = r;
  const L: string[] = [];
  const budget = args.budget;
  const cps = checkpoints(budget);
  const seedText =
    args.seeds.length > 3 && args.seeds.every((s, i) => s === args.seeds[0] + i)
      ? `${args.seeds[0]}..${args.seeds[args.seeds.length - 1]}`
      : args.seeds.join(', ');
  L.push('# Sampler benchmark: Knobs vs Optuna');
  L.push('');
  L.push(
    `Generated by \`npm run bench:samplers${args.argv.length ? ` -- ${args.argv.join(' ')}` : ''}\` on ${r.machine.date} (${(r.wallSeconds / 60).toFixed(1)} min wall, ${(r.cpuSeconds / 60).toFixed(1)} CPU-min).`,
  );
  L.push('');
  L.push(
    `- Machine: ${r.machine.nproc} CPUs (\`nproc\`), ${r.machine.cpu}; 1-min load average ${r.machine.loadStart} at the start, ${r.machine.loadEnd} at the end (a shared machine: wall timings are inflated by the load, CPU times much less)`,
  );
  L.push(`- Node ${r.machine.node}; Python ${r.machine.python}; Optuna ${r.machine.optuna}`);
  L.push(
    `- Seeds: ${args.seeds.length} (${seedText}); budget ${budget} trials, sequential (max_concurrent 1); regret = best value so far − known optimum`,
  );
  L.push(
    `- "Ours" = \`${r.oursMethod}\`, created with the problem's space and run_cap = budget.${Object.keys(r.notices).length ? ' Registry notices:' : ''}`,
  );
  for (const [m, n] of Object.entries(r.notices)) L.push(`  - ${m}: ${n}`);
  if (r.crossCheck)
    L.push(
      `- Objectives cross-checked TypeScript vs Python on ${r.crossCheck.points} points: max relative difference ${r.crossCheck.maxRel.toExponential(1)}`,
    );
  L.push('');

  const summaries = r.problems.map((p) => summarise(p, r.batches, budget, r.oursMethod));
  const haveSummary = summaries.some((s) => s.ratio !== undefined);
  if (args.regret) {
    L.push(`## Summary: median simple regret at ${budget} trials`);
    L.push('');
    if (haveSummary) {
      L.push(`| problem | ours (${r.oursMethod}) | best Optuna | its regret | ours / best | Mann–Whitney p | verdict |`);
      L.push('|---|---:|---|---:|---:|---:|---|');
      for (const s of summaries) {
        const title = r.problems.find((p) => p.name === s.problem)!.title;
        L.push(
          `| ${title} | ${s.ours === undefined ? '—' : fmt(s.ours)} | ${s.best?.method ?? '—'} | ${s.best ? fmt(s.best.median) : '—'} | ${s.ratio === undefined ? '—' : fmtRatio(s.ratio)} | ${s.p === undefined ? '—' : s.p.toFixed(3)} | ${verdict(s.ratio)} |`,
        );
      }
      L.push('');
      L.push(
        'Mann–Whitney U: ours vs the best Optuna sampler on the final regrets of all seeds, two-sided, normal approximation with tie and continuity corrections.',
      );
      L.push('');
    } else {
      L.push(`(needs \`${r.oursMethod}\` and at least one Optuna sampler in --methods)`);
      L.push('');
    }

    L.push('## Targets (issue 4)');
    L.push('');
    const get = (name: string): ProblemSummary | undefined => summaries.find((s) => s.problem === name);
    const h6 = get('hartmann6');
    const br = get('branin');
    const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');
    if (h6?.ours !== undefined) L.push(`- Hartmann6, ours ≤ 0.15: ${fmt(h6.ours)} — ${mark(h6.ours <= 0.15)}`);
    if (br?.ours !== undefined) L.push(`- Branin, ours ≤ 0.012: ${fmt(br.ours)} — ${mark(br.ours <= 0.012)}`);
    const rated = summaries.filter((s) => s.ratio !== undefined);
    if (rated.length) {
      const better = rated.filter((s) => s.ratio! <= 0.8).length;
      const worst = rated.reduce((a, b) => (b.ratio! > a.ratio! ? b : a));
      L.push(`- ours ≤ 0.8× the best Optuna sampler on ≥ 5 of 7 problems: ${better} of ${rated.length} — ${mark(better >= 5)}`);
      L.push(`- never worse than 1.25×: worst ${fmtRatio(worst.ratio!)}× (${worst.problem}) — ${mark(worst.ratio! <= 1.25)}`);
    }
  }
  const lat = latencyStats(r.latency, r.oursMethod, 1000, 16);
  const latOptuna = latencyStats(r.latency, 'optuna-tpe', 1000, 16);
  if (lat) {
    if (!args.regret) L.push('## Targets (issue 4)', '');
    L.push(
      `- suggest p50 at 1000 trials × 16 params ≤ 5 ms: ${fmtMs(lat.p50)} ms wall (${fmtMs(lat.cpu50)} ms CPU) — ${lat.p50 <= 5 ? 'met' : lat.cpu50 <= 5 ? '**met on CPU time only** (wall includes waiting for a core on this loaded machine)' : '**not met**'}` +
        (latOptuna
          ? `; Optuna TPE in the same run ${fmtMs(latOptuna.p50)} ms wall (${fmtMs(latOptuna.cpu50)} ms CPU): Optuna / ours = ${(latOptuna.p50 / lat.p50).toFixed(1)}× wall, ${(latOptuna.cpu50 / lat.cpu50).toFixed(1)}× CPU`
          : ''),
    );
  }
  L.push('');

  if (args.regret) {
    L.push('## Median simple regret by problem');
    L.push('');
    L.push(
      `Median over ${args.seeds.length} seeds after n trials; IQR at ${budget} in brackets; CPU s/run = median CPU seconds of one ${budget}-trial run (suggest + objective; Optuna's excludes interpreter start).`,
    );
    L.push('');
    for (const p of r.problems) {
      const rows = r.batches.filter((b) => b.problem === p.name);
      if (!rows.length) continue;
      L.push(`### ${p.title} (f* = ${p.optimum})`);
      L.push('');
      L.push(`| method | ${cps.map((n) => `n=${n}`).join(' | ')} | IQR at ${budget} | CPU s/run |`);
      L.push(`|---|${cps.map(() => '---:').join('|')}|---|---:|`);
      const order = ALL_METHODS.filter((m) => rows.some((b) => b.method === m));
      for (const m of order) {
        const b = rows.find((x) => x.method === m)!;
        const cells = cps.map((n) => fmt(median(regrets(b, n, p.optimum))));
        const fin = regrets(b, budget, p.optimum);
        const name = m === r.oursMethod ? `**${m}** (ours)` : m;
        L.push(
          `| ${name} | ${cells.join(' | ')} | [${fmt(quantile(fin, 0.25))}, ${fmt(quantile(fin, 0.75))}] | ${median(b.cpu).toFixed(2)} |`,
        );
      }
      L.push('');
    }
  }

  if (r.latency.length) {
    L.push('## Suggest latency (ms per suggest)');
    L.push('');
    const trialsList = [...new Set(r.latency.map((c) => c.trials))].sort((a, b) => a - b);
    const paramsList = [...new Set(r.latency.map((c) => c.params))].sort((a, b) => a - b);
    const methods = [...new Set(r.latency.map((c) => c.method))];
    L.push(
      `Wall p50 / p99 and CPU p50 over ${args.reps} suggests per cell, each at exactly n completed trials of d uniform params (ours: a fresh sampler given n − 1 trials suggests once untimed, the result is appended, the next suggest is timed; Optuna: a study holding n trials, each timed \`ask\` told FAIL so the next sees n again).`,
    );
    L.push('');
    L.push(
      'Latency cells give the registry run_cap = n + 1, so `bayes` is GP up to 299 trials and 12 numeric dims and TPE beyond. Under load, trust the CPU column: wall time includes time the process waited for a core.',
    );
    L.push('');
    L.push(`| method | d | ${trialsList.map((n) => `n=${n} p50 / p99 (CPU p50)`).join(' | ')} |`);
    L.push(`|---|---:|${trialsList.map(() => '---:').join('|')}|`);
    for (const m of methods) {
      for (const d of paramsList) {
        const cells = trialsList.map((n) => {
          const s = latencyStats(r.latency, m, n, d);
          return s ? `${fmtMs(s.p50)} / ${fmtMs(s.p99)} (${fmtMs(s.cpu50)})` : '—';
        });
        L.push(`| ${m} | ${d} | ${cells.join(' | ')} |`);
      }
    }
    L.push('');
  }

  if (args.regret) {
    L.push('## Estimated full run');
    L.push('');
    const est = estimateFull(r);
    const wall = Math.max(est.ours, est.optuna / args.jobs) + est.latency;
    L.push(
      `From this run's CPU time per run, a full run (20 seeds × ${budget} trials of every method and problem here, \`bayes\` reusing its twin after seed 0; latency 3 × 3 cells × 50 reps) needs ${(est.ours / 60).toFixed(1)} CPU-min for ours (in-process), ${(est.optuna / 60).toFixed(1)} CPU-min for Optuna (child processes, ${args.jobs} at a time beside ours) and ${(est.latency / 60).toFixed(1)} CPU-min of latency cells: about ${(wall / 60).toFixed(0)} min of wall time on 2 idle cores, several times that on a loaded machine. This run itself took ${(r.wallSeconds / 60).toFixed(1)} min wall for ${(r.cpuSeconds / 60).toFixed(1)} CPU-min.`,
    );
    L.push('');
  }

  L.push('## How it is run');
  L.push('');
  L.push(
    "- Ours: `createSampler(method, { seed, space, runCap: budget })` once per run, then `suggest({ space, index: i, history, rng: createRng(seed).child('sampler', i) })` with every trial so far, each appended as completed — what the runner does (bench/samplers/ours.ts). When `bayes` maps to a method also in the run, its first seed is run and compared trial for trial, and the other seeds reuse that method's runs (the samplers are deterministic).",
  );
  L.push(
    '- Optuna: one study per seed via ask/tell with define-by-run `suggest_float/int/categorical` on the same domains (bench/samplers/optuna_bench.py); Random, TPE (independent), TPE `multivariate=True`, CMA-ES (categoricals fall back to its independent random sampler), QMC (Sobol, `scramble=True` so seeds differ). Defaults otherwise.',
  );
  L.push(
    '- The domains go to Python as JSON built from each Knobs Space (bench/samplers/problems.ts → problems.py), and the objectives are compared on probe points before the run.',
  );
  L.push('');
  return L.join('\n');
}

/** CPU seconds a 20-seed run of the same methods and problems would take, ours and Optuna's. */
/**
 * CPU seconds a full run (20 seeds, 3 × 3 latency grid with 50 reps) of the same methods and
 * problems would take: ours, Optuna's regret batches, and the latency grid (both sides).
 */
function estimateFull(r: Report): { ours: number; optuna: number; latency: number } {
  let ours = 0;
  let optuna = 0;
  for (const b of r.batches) {
    const mean = b.cpu.reduce((x, y) => x + y, 0) / Math.max(1, b.cpu.length);
    if (b.method.startsWith('optuna-'))
      optuna += mean * 20 + 1; // + interpreter start per batch
    else if (reusedFrom(r, b)) ours += b.cpu[0];
    else ours += mean * 20;
  }
  // each of our cells costs a warm-up suggest and a timed one per rep; Optuna's one ask per rep
  const dimsFactor = 3 / Math.max(1, new Set(r.latency.map((c) => c.params)).size);
  let latency = 0;
  for (const c of r.latency) latency += median(c.cpuMs) * (c.method.startsWith('optuna-') ? 1 : 2) * 50 * dimsFactor;
  return { ours, optuna, latency: latency / 1000 };
}

/** The method whose runs a `bayes` batch reused (identical trials on every seed), if any. */
function reusedFrom(r: Report, b: Batch): string | undefined {
  if (b.method !== 'bayes') return undefined;
  const twin = r.batches.find(
    (x) =>
      x !== b &&
      x.problem === b.problem &&
      !x.method.startsWith('optuna-') &&
      x.values.length === b.values.length &&
      x.values.every((v, k) => v.length === b.values[k].length && v.every((y, i) => y === b.values[k][i])),
  );
  return twin?.method;
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const t0 = Date.now();
  const loadStart = os.loadavg()[0];
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    // Re-render a report from a previous run's raw data (out/bench/samplers-raw.json).
    const raw = JSON.parse(fs.readFileSync(args.render, 'utf8')) as Omit<Report, 'problems'> & { problems: string[] };
    const md = renderReport({ ...raw, problems: raw.problems.map(problemByName) });
    process.stdout.write(`${md}\n`);
    if (args.out) fs.writeFileSync(args.out, `${md}\n`);
    return;
  }
  const problems = args.problems.map(problemByName);
  const ourMethods = args.methods.filter((m) => !m.startsWith('optuna-')) as Method[];
  const optunaMethods = args.methods.filter((m) => m.startsWith('optuna-'));
  const latencyMethods = ([] as string[]).concat(
    ourMethods.filter((m) => m === 'tpe' || m === 'gp' || m === 'bayes'),
    optunaMethods.includes('optuna-tpe') ? ['optuna-tpe'] : [],
  );
  const needPython = optunaMethods.length > 0;
  const oursMethod = ourMethods.includes(OURS)
    ? OURS
    : ((['gp', 'tpe', 'sobol', 'random'] as Method[]).find((m) => ourMethods.includes(m)) ?? OURS);

  // Notices per method and problem (what `bayes` chose, or a stand-in), printed at the start.
  const notices: Record<string, string> = {};
  for (const m of ourMethods) {
    for (const p of problems) {
      const n = createSampler(m, samplerOptions(0, p.space, args.budget)).notice;
      if (n) {
        notices[`${m} on ${p.name}`] = n;
        log(`[knobs] ${m} on ${p.name}: ${n}`);
      }
    }
  }

  let pyVersions: { python: string; optuna: string } | undefined;
  let cross: { points: number; maxRel: number } | undefined;
  if (needPython) {
    pyVersions = JSON.parse(await python(args, [path.join(SCRIPT_DIR, 'optuna_bench.py'), 'versions'])) as {
      python: string;
      optuna: string;
    };
    log(`[bench] Python ${pyVersions.python}, Optuna ${pyVersions.optuna}`);
    cross = await crossCheck(args, problems);
    log(`[bench] objectives agree on ${cross.points} probe points (max relative difference ${cross.maxRel.toExponential(1)})`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-bench-'));
  const batches: Batch[] = [];
  const latency: LatencyCell[] = [];

  if (args.regret) {
    log(`[bench] ${problems.length} problems × ${args.methods.length} methods × ${args.seeds.length} seeds × ${args.budget} trials`);
    // Optuna batches run in child processes while ours run here.
    const optunaDone = pool(
      problems.flatMap((p) =>
        optunaMethods.map((m) => async () => {
          const res = await pythonJob<{ values: number[][]; seconds: number[]; cpu: number[] }>(
            args,
            tmp,
            'run',
            { domain: problemDomain(p), sampler: m, seeds: args.seeds, budget: args.budget },
            `${p.name}.${m}`,
          );
          batches.push({ method: m, problem: p.name, values: res.values, seconds: res.seconds, cpu: res.cpu });
        }),
      ),
      args.jobs,
    );
    let failed: unknown;
    optunaDone.catch((e) => (failed = e));
    const ordered = OUR_METHODS.filter((m) => ourMethods.includes(m));
    for (const p of problems) {
      for (const m of ordered) {
        const b: Batch = { method: m, problem: p.name, values: [], seconds: [], cpu: [] };
        // `bayes` is gp or tpe: when that method's runs are already here, check that the first
        // seed gives the same trials (samplers are deterministic) and reuse the rest.
        const alias = m === 'bayes' ? /bayes → (gp|tpe)\b/.exec(notices[`bayes on ${p.name}`] ?? '')?.[1] : undefined;
        const same = alias ? batches.find((x) => x.method === alias && x.problem === p.name) : undefined;
        for (const [k, seed] of args.seeds.entries()) {
          if (same && k > 0 && same.values[0].every((v, i) => v === b.values[0][i])) {
            b.values.push(same.values[k]);
            b.seconds.push(same.seconds[k]);
            b.cpu.push(same.cpu[k]);
            if (k === 1)
              log(`[knobs] bayes ${p.name}: seed ${args.seeds[0]} matches ${alias} trial for trial; reusing ${alias}'s other seeds`);
            continue;
          }
          const s0 = performance.now();
          const res = runOurs({ method: m, space: p.space, objective: p.objective, seed, budget: args.budget });
          b.seconds.push((performance.now() - s0) / 1000);
          b.cpu.push(res.cpuSeconds);
          b.values.push(res.values);
          log(
            `[knobs] ${m} ${p.name} seed ${seed} (${k + 1}/${args.seeds.length}) best ${Math.min(...res.values).toPrecision(6)} in ${b.seconds[b.seconds.length - 1].toFixed(1)}s (cpu ${res.cpuSeconds.toFixed(1)}s)`,
          );
          await yieldToEvents();
          if (failed) throw failed;
        }
        batches.push(b);
      }
    }
    log('[bench] ours done; waiting for Optuna');
    await optunaDone;
  }

  if (args.latency && latencyMethods.length) {
    const trialsList = [10, 100, 1000];
    const paramsList = args.quick ? [2, 16] : [2, 6, 16];
    for (const m of latencyMethods.filter((x) => !x.startsWith('optuna-'))) {
      for (const d of paramsList) {
        for (const n of trialsList) {
          const { ms, cpuMs } = measureLatency({ method: m as Method, trials: n, params: d, reps: args.reps, seed: 1 });
          latency.push({ method: m, trials: n, params: d, ms, cpuMs });
          log(
            `[knobs] latency ${m} n=${n} d=${d}: p50 ${fmtMs(quantile(ms, 0.5))} ms, p99 ${fmtMs(quantile(ms, 0.99))} ms (cpu p50 ${fmtMs(quantile(cpuMs, 0.5))} ms)`,
          );
          await yieldToEvents();
        }
      }
    }
    if (latencyMethods.includes('optuna-tpe')) {
      const cells = paramsList.flatMap((d) => trialsList.map((n) => ({ trials: n, params: d })));
      const res = await pythonJob<{ cells: { trials: number; params: number; ms: number[]; cpuMs: number[] }[] }>(
        args,
        tmp,
        'latency',
        { sampler: 'optuna-tpe', cells, reps: args.reps, seed: 1 },
        'latency',
      );
      for (const c of res.cells) latency.push({ method: 'optuna-tpe', trials: c.trials, params: c.params, ms: c.ms, cpuMs: c.cpuMs });
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const report: Report = {
    args,
    machine: machine(pyVersions, loadStart),
    problems,
    batches,
    latency,
    notices,
    crossCheck: cross,
    wallSeconds: (Date.now() - t0) / 1000,
    cpuSeconds: (() => {
      const c = process.cpuUsage();
      return (
        (c.user + c.system) / 1e6 +
        batches.filter((b) => b.method.startsWith('optuna-')).reduce((s, b) => s + b.cpu.reduce((x, y) => x + y, 0), 0)
      );
    })(),
    oursMethod,
  };
  const md = renderReport(report);
  process.stdout.write(`${md}\n`);
  if (args.out) {
    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    fs.writeFileSync(args.out, `${md}\n`);
    const defaultOut = path.join(ROOT, 'bench', 'results', 'samplers.md');
    const raw = args.out === defaultOut ? path.join(ROOT, 'out', 'bench', 'samplers-raw.json') : `${args.out}.raw.json`;
    fs.mkdirSync(path.dirname(raw), { recursive: true });
    fs.writeFileSync(raw, JSON.stringify({ ...report, problems: problems.map((p) => p.name) }));
    log(
      `[bench] wrote ${path.relative(ROOT, args.out)} (raw data: ${path.relative(ROOT, raw)}) in ${(report.wallSeconds / 60).toFixed(1)} min`,
    );
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench:samplers failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
