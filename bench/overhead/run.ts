/**
 * `npm run bench:overhead [-- flags]`: what the engine adds around trials, measured with the real
 * CLI (dist/cli.js, `knobs run --json`) on throw-away sweeps in a temp folder. Writes
 * bench/results/overhead.md and prints it; progress goes to stderr.
 *
 *   --quick        200 × true, 48 × sleep 1, 200k report lines (about a minute)
 *   --out PATH     markdown report (default bench/results/overhead.md; `-` for none)
 *   --repeat N     alternate the bare loop and knobs N times for the `true` case (default 3; medians)
 *   --cli PATH     the CLI bundle to measure (default dist/cli.js; e.g. an older build, for a before/after)
 *
 * 1. 1,000 trials of `true` (`command: ["true"]`, no program) at max_concurrent 2, against a bare
 *    Node loop that spawns `true` 1,000 times, 2 at a time, with its own process group (as the
 *    runner does), in the same invocation: added ms per trial = (knobs wall − bare wall) / trials.
 *    The knobs wall includes the CLI's own start-up and sweep creation; `elapsedMs` from the
 *    summary (the runner's own clock) is shown beside it. The two alternate --repeat times
 *    (default 3) and the medians are reported, since one pair is noisy on a shared machine.
 * 2. 200 trials of `sleep 1` at max_concurrent 8: wall against the ideal 200/8 × 1 s = 25 s, beside
 *    the same bare Node loop running them 8 at a time (what the machine allows right now).
 * 3. Ingest: one trial printing 1,000,000 `@@knobs {...}` report lines, in the helpers' exact
 *    format, written 4,096 lines per write(2) so that the producer is not the bottleneck (the trial
 *    env sets PYTHONUNBUFFERED=1, so a plain `sys.stdout.write` per line would be one syscall per
 *    line); lines/s = lines / (trial_completed.t − trial_started.t in the journal), and the metric
 *    ops counted in the journal (nothing dropped ⇔ count = lines). The producer alone, writing to
 *    /dev/null and through a pipe into `cat >/dev/null`, is measured in the same run, and so is the
 *    old per-line producer (one write per line, as `knobs.report` does) alone, for reference.
 * CPU (user+sys of the whole process tree, from bash's `times`) is reported beside each wall
 * time, because the machine may be shared: CPU seconds are less sensitive to other load.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const cliArg = process.argv.indexOf('--cli');
const CLI = cliArg >= 0 ? path.resolve(process.argv[cliArg + 1]) : path.join(ROOT, 'dist', 'cli.js');

interface Timed {
  wallMs: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs argv under bash and reads the children's CPU from `times`. */
function timed(argv: string[], cwd: string): Timed {
  const script = '"$@" > "$KNOBS_BENCH_OUT"; rc=$?; times >&2; exit $rc';
  const outFile = path.join(cwd, `.out-${process.hrtime.bigint()}`);
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', script, 'bench', ...argv], {
    cwd,
    env: { ...process.env, KNOBS_BENCH_OUT: outFile },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - t0;
  const lines = r.stderr.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
  const stdout = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
  fs.rmSync(outFile, { force: true });
  return { wallMs, cpuMs, stdout, stderr: lines.slice(0, -2).join('\n'), status: r.status };
}

interface Summary {
  elapsedMs: number;
  dir: string;
  counts: Record<string, number>;
}

function runSweep(dir: string, yaml: string): Timed & { summary: Summary } {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'sweep.yaml'), yaml);
  const t = timed(['node', CLI, 'run', 'sweep.yaml', '--json'], dir);
  if (t.status !== 0) throw new Error(`knobs run failed (${t.status}) in ${dir}: ${t.stderr.slice(-2000)}`);
  const last = t.stdout.trim().split('\n').pop() ?? '{}';
  return { ...t, summary: JSON.parse(last) as Summary };
}

const BARE = `
const { spawn } = require('node:child_process');
const n = Number(process.argv[1]); const conc = Number(process.argv[2]); const argv = process.argv.slice(3);
let started = 0, done = 0;
const next = () => {
  if (started >= n) return;
  started++;
  const c = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  c.stdout.resume(); c.stderr.resume();
  c.on('close', () => { done++; if (done === n) process.exit(0); next(); });
};
for (let i = 0; i < conc; i++) next();
`;

/** Buffered producer: 4,096 report lines per write(2); the same text as json.dumps in knobs.report. */
const GEN = `import os, sys
n = int(sys.argv[1])
i = 1
while i <= n:
    j = min(n, i + 4095)
    data = memoryview(''.join(['@@knobs {"step": %d, "metrics": {"loss": %r}}\\n' % (k, 1.0 / k) for k in range(i, j + 1)]).encode())
    while len(data):
        data = data[os.write(1, data):]
    i = j + 1
`;

/** The producer of the first bench (session 1): one write per line once PYTHONUNBUFFERED=1. */
const GEN_PER_LINE = `import sys
n = int(sys.argv[1])
w = sys.stdout.write
for i in range(1, n + 1):
    w('@@knobs {"step": %d, "metrics": {"loss": %r}}\\n' % (i, 1.0 / i))
`;

const values = (n: number): string => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
const ms = (x: number): string => `${Math.round(x)} ms`;
const median = (xs: number[]): number => {
  const ys = [...xs].sort((a, b) => a - b);
  return ys.length % 2 ? ys[(ys.length - 1) / 2] : (ys[ys.length / 2 - 1] + ys[ys.length / 2]) / 2;
};
const s = (x: number): string => `${(x / 1000).toFixed(2)} s`;

function main(): void {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const oi = argv.indexOf('--out');
  const outArg = oi >= 0 ? argv[oi + 1] : path.join(ROOT, 'bench', 'results', 'overhead.md');
  const out = outArg === '-' ? null : outArg;
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const nTrue = quick ? 200 : 1000;
  const ri = argv.indexOf('--repeat');
  const repeat = ri >= 0 ? Math.max(1, Number(argv[ri + 1]) || 1) : 3;
  const nSleep = quick ? 48 : 200;
  const nLines = quick ? 200_000 : 1_000_000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-bench-overhead-'));
  const loadBefore = os.loadavg();
  const t0 = Date.now();
  const rows: string[] = [];
  try {
    // 1. true: bare and knobs alternate `repeat` times; the medians are reported (less noise on a shared machine)
    const bares: Timed[] = [];
    const knobsRuns: (Timed & { summary: Summary })[] = [];
    for (let r = 0; r < repeat; r++) {
      process.stderr.write(`bare loop: ${nTrue} × true, 2 at a time (${r + 1}/${repeat})\n`);
      const b = timed(['node', '-e', BARE, String(nTrue), '2', 'true'], work);
      bares.push(b);
      process.stderr.write(`  ${s(b.wallMs)} wall, ${s(b.cpuMs)} CPU\nknobs: ${nTrue} × true, max_concurrent 2 (${r + 1}/${repeat})\n`);
      const k = runSweep(
        path.join(work, `true-${r}`),
        `name: overhead-true\ncommand: ["true"]\nmethod: grid\nparameters:\n  i: {values: ${values(nTrue)}}\nmax_concurrent: 2\n`,
      );
      knobsRuns.push(k);
      process.stderr.write(
        `  ${s(k.wallMs)} wall (runner ${s(k.summary.elapsedMs)}), ${s(k.cpuMs)} CPU, completed ${k.summary.counts.completed}\n`,
      );
    }
    const bare = { wallMs: median(bares.map((b) => b.wallMs)), cpuMs: median(bares.map((b) => b.cpuMs)) };
    const kt = {
      wallMs: median(knobsRuns.map((k) => k.wallMs)),
      cpuMs: median(knobsRuns.map((k) => k.cpuMs)),
      elapsedMs: median(knobsRuns.map((k) => k.summary.elapsedMs)),
      completed: Math.min(...knobsRuns.map((k) => k.summary.counts.completed)),
    };
    const cliStart = timed(['node', CLI, '--help'], work);
    const addWall = (kt.wallMs - bare.wallMs) / nTrue;
    const addRunner = (kt.elapsedMs - bare.wallMs) / nTrue;
    const addCpu = (kt.cpuMs - bare.cpuMs) / nTrue;
    const perPair = knobsRuns.map((k, i) => ((k.wallMs - bares[i].wallMs) / nTrue).toFixed(2)).join(', ');
    rows.push(
      `## ${nTrue} trials of \`true\`, max_concurrent 2 (median of ${repeat} alternating runs)`,
      '',
      '| | wall | per trial | CPU (tree) | CPU per trial |',
      '|---|---|---|---|---|',
      `| bare Node spawn loop (2 at a time) | ${s(bare.wallMs)} | ${(bare.wallMs / nTrue).toFixed(2)} ms | ${s(bare.cpuMs)} | ${(bare.cpuMs / nTrue).toFixed(2)} ms |`,
      `| \`knobs run\` (whole CLI process) | ${s(kt.wallMs)} | ${(kt.wallMs / nTrue).toFixed(2)} ms | ${s(kt.cpuMs)} | ${(kt.cpuMs / nTrue).toFixed(2)} ms |`,
      `| \`knobs run\`, runner's own elapsedMs | ${s(kt.elapsedMs)} | ${(kt.elapsedMs / nTrue).toFixed(2)} ms | | |`,
      '',
      `**Engine added per trial: ${addWall.toFixed(2)} ms (wall, whole CLI), ${addRunner.toFixed(2)} ms (runner elapsed), ${addCpu.toFixed(2)} ms CPU** — target ≤ 20 ms (ray#11004: 227 ms). ` +
        `Per run pair (knobs − bare, whole CLI): ${perPair} ms. Completed ${kt.completed}/${nTrue}. CLI start-up alone (\`knobs --help\`): ${ms(cliStart.wallMs)}.`,
      '',
    );

    // 2. sleep 1
    process.stderr.write(`bare loop: ${nSleep} × sleep 1, 8 at a time\n`);
    const bareSleep = timed(['node', '-e', BARE, String(nSleep), '8', 'sleep', '1'], work);
    process.stderr.write(`  ${s(bareSleep.wallMs)} wall\nknobs: ${nSleep} × sleep 1, max_concurrent 8\n`);
    const ks = runSweep(
      path.join(work, 'sleep'),
      `name: overhead-sleep\ncommand: ["sleep", "1"]\nmethod: grid\nparameters:\n  i: {values: ${values(nSleep)}}\nmax_concurrent: 8\n`,
    );
    const ideal = (nSleep / 8) * 1000;
    process.stderr.write(`  ${s(ks.wallMs)} wall (runner ${s(ks.summary.elapsedMs)}), ideal ${s(ideal)}\n`);
    rows.push(
      `## ${nSleep} trials of \`sleep 1\`, max_concurrent 8`,
      '',
      `| | wall | vs ideal ${s(ideal)} |`,
      '|---|---|---|',
      `| bare Node spawn loop (8 at a time): the machine's floor now | ${s(bareSleep.wallMs)} | ${(bareSleep.wallMs / ideal).toFixed(3)}× |`,
      `| \`knobs run\` (whole CLI process) | ${s(ks.wallMs)} | ${(ks.wallMs / ideal).toFixed(3)}× |`,
      `| runner's own elapsedMs | ${s(ks.summary.elapsedMs)} | ${(ks.summary.elapsedMs / ideal).toFixed(3)}× |`,
      '',
      `Target ≤ 1.05× (Ray Tune's own scalability figure: 1.14×). Completed ${ks.summary.counts.completed}/${nSleep}; CPU of the tree ${s(ks.cpuMs)}. ` +
        `Engine's share (runner elapsed − bare loop): ${((ks.summary.elapsedMs - bareSleep.wallMs) / 1000).toFixed(2)} s, ${(((ks.summary.elapsedMs - bareSleep.wallMs) / nSleep) * 8).toFixed(1)} ms per trial per slot.`,
      '',
    );

    // 3. ingest
    const idir = path.join(work, 'ingest');
    fs.mkdirSync(idir, { recursive: true });
    fs.writeFileSync(path.join(idir, 'gen.py'), GEN);
    fs.writeFileSync(path.join(idir, 'gen_per_line.py'), GEN_PER_LINE);
    // as in a trial: PYTHONUNBUFFERED=1 (trialEnv sets it)
    const py = (script: string, sink: string) => `PYTHONUNBUFFERED=1 /usr/bin/python3 ${script} ${nLines} ${sink}`;
    process.stderr.write(`producer alone: python gen.py ${nLines} >/dev/null\n`);
    const alone = timed(['bash', '-c', py('gen.py', '> /dev/null')], idir);
    const floor = timed(['bash', '-c', py('gen.py', '| cat > /dev/null')], idir);
    const perLine = timed(['bash', '-c', py('gen_per_line.py', '> /dev/null')], idir);
    process.stderr.write(
      `  ${s(alone.wallMs)} wall alone, ${s(floor.wallMs)} through a pipe; per-line producer ${s(perLine.wallMs)}\nknobs: one trial printing ${nLines} report lines\n`,
    );
    const ki = runSweep(
      idir,
      `name: overhead-ingest\ncommand: ["/usr/bin/python3", "gen.py", "${nLines}"]\nmethod: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  i: {values: [1]}\nmax_concurrent: 1\n`,
    );
    const journal = path.join(ki.summary.dir, 'journal.jsonl');
    let metricOps = 0;
    let started = NaN;
    let ended = NaN;
    let lastStep = 0;
    for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
      if (!line) continue;
      if (line.startsWith('{"op":"metric"')) {
        metricOps++;
        continue;
      }
      const op = JSON.parse(line) as { op: string; t: number };
      if (op.op === 'trial_started') started = op.t;
      if (op.op === 'trial_completed') ended = op.t;
    }
    const last = fs
      .readFileSync(journal, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"op":"metric"'))
      .pop();
    if (last) lastStep = (JSON.parse(last) as { step: number }).step;
    const trialMs = ended - started;
    const rate = nLines / (trialMs / 1000);
    const cpuRate = nLines / ((ki.cpuMs - floor.cpuMs) / 1000);
    process.stderr.write(
      `  trial ${s(trialMs)} → ${Math.round(rate)} lines/s; metric ops ${metricOps}; CLI ${s(ki.wallMs)} wall, ${s(ki.cpuMs)} CPU\n`,
    );
    rows.push(
      `## Metric ingest: one trial printing ${nLines.toLocaleString('en')} report lines`,
      '',
      '| | wall | lines/s | CPU (tree) |',
      '|---|---|---|---|',
      `| producer alone: \`python3 gen.py >/dev/null\` (4,096 lines per write) | ${s(alone.wallMs)} | ${Math.round(nLines / (alone.wallMs / 1000)).toLocaleString('en')} | ${s(alone.cpuMs)} |`,
      `| floor: \`python3 gen.py | cat >/dev/null\` | ${s(floor.wallMs)} | ${Math.round(nLines / (floor.wallMs / 1000)).toLocaleString('en')} | ${s(floor.cpuMs)} |`,
      `| reference, not used: one write per line (\`sys.stdout.write\`, unbuffered) \`>/dev/null\` | ${s(perLine.wallMs)} | ${Math.round(nLines / (perLine.wallMs / 1000)).toLocaleString('en')} | ${s(perLine.cpuMs)} |`,
      `| knobs: trial_started → trial_completed | ${s(trialMs)} | **${Math.round(rate).toLocaleString('en')}** | |`,
      `| knobs: whole CLI process | ${s(ki.wallMs)} | ${Math.round(nLines / (ki.wallMs / 1000)).toLocaleString('en')} | ${s(ki.cpuMs)} |`,
      '',
      `Metric ops in the journal: **${metricOps.toLocaleString('en')} of ${nLines.toLocaleString('en')}** (${metricOps === nLines ? 'nothing dropped' : 'LINES DROPPED'}; last step ${lastStep}). ` +
        `Engine CPU per line (tree CPU minus the floor's): ${(((ki.cpuMs - floor.cpuMs) / nLines) * 1000).toFixed(1)} µs → ${Math.round(cpuRate).toLocaleString('en')} lines per CPU-second. Target ≥ 100,000 lines/s and nothing dropped.`,
      '',
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const la = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' / ');
  const text = [
    '# Engine overhead benchmark (bench:overhead)',
    '',
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${os.cpus().length} cores (nproc), ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${os.tmpdir()} for the sweeps. ` +
      `Load average before ${la(loadBefore)}, after ${la(os.loadavg())}: the 2 cores were shared with other work, so wall times are inflated; CPU times are shown beside them. Whole bench: ${Math.round((Date.now() - t0) / 1000)} s.`,
    '',
    `Command: \`npm run bench:overhead${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (the real CLI, ${path.relative(ROOT, CLI) || CLI}, \`knobs run sweep.yaml --json\`).`,
    '',
    ...rows,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (out) {
    const notes = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('<!-- notes -->')[1] : undefined;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${text}\n<!-- notes -->${notes ?? '\n'}`);
  }
}

main();
