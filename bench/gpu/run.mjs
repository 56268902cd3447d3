#!/usr/bin/env node
// GPU packing benchmark (needs a real NVIDIA GPU + nvidia-smi + torch with CUDA):
//   KNOBS_PYTHON=/path/to/python node bench/gpu/run.mjs [--per 1,2,4,8] [--trials 6] [--epochs 40]
// Runs the PyTorch digits example (small CNN, --device auto) as a Knobs sweep at 1, 2, 4 and 8
// trials per GPU (gpus_per_trial 1, 0.5, 0.25, 0.125) and records trials/hour, GPU busy time
// (nvidia-smi utilization.gpu: the share of time a kernel ran, not SM occupancy), the idle gap
// between a trial ending and the next one starting, and peak memory. Writes bench/results/gpu.md.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(new URL('.', import.meta.url).pathname, '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const perGpu = arg('per', '1,2,4,8').split(',').map(Number);
const trialsPerSlot = Number(arg('trials', '6'));
const epochs = Number(arg('epochs', '40'));
const python = process.env.KNOBS_PYTHON || 'python3';

function smi() {
  const out = execFileSync(
    'nvidia-smi',
    ['--query-gpu=index,name,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'],
    { encoding: 'utf8' },
  );
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const [index, name, util, used, total] = l.split(',').map((s) => s.trim());
      return { index: +index, name, util: +util, used: +used, total: +total };
    });
}

const gpus = smi();
const nGpu = gpus.length;
console.error(`${nGpu} GPU(s): ${gpus.map((g) => g.name).join(', ')} · python ${python}`);
const rows = [];
for (const k of perGpu) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `knobs-gpu-${k}-`));
  const runCap = trialsPerSlot * k * nGpu;
  fs.writeFileSync(
    path.join(dir, 'sweep.yaml'),
    `program: ${path.join(root, 'examples/pytorch-digits/train.py')}
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0003, max: 0.01}
  dropout: {min: 0.0, max: 0.3}
  batch_size: {values: [64, 128]}
  hidden: {value: 256}
  arch: {value: cnn}
  device: {value: auto}
  epochs: {value: ${epochs}}
run_cap: ${runCap}
max_concurrent: ${k * nGpu}
gpus_per_trial: ${1 / k}
seed: 1
`,
  );
  const samples = [];
  const timer = setInterval(() => {
    try {
      samples.push({ t: Date.now(), gpus: smi() });
    } catch {
      /* a missed sample */
    }
  }, 500);
  const t0 = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'run', 'sweep.yaml'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, KNOBS_PYTHON: python },
    });
    child.on('exit', resolve);
  });
  const wall = (Date.now() - t0) / 1000;
  clearInterval(timer);
  const sweep = path.join(dir, '.knobs/sweeps', fs.readdirSync(path.join(dir, '.knobs/sweeps'))[0]);
  const ops = fs
    .readFileSync(path.join(sweep, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const completed = ops.filter((o) => o.op === 'trial_completed').length;
  const starts = ops
    .filter((o) => o.op === 'trial_started')
    .map((o) => o.t)
    .sort((a, b) => a - b);
  const ends = ops
    .filter((o) => ['trial_completed', 'trial_failed', 'trial_stopped'].includes(o.op))
    .map((o) => o.t)
    .sort((a, b) => a - b);
  const gaps = starts
    .slice(k * nGpu)
    .map((s) => s - Math.max(...ends.filter((e) => e <= s), -Infinity))
    .filter(Number.isFinite);
  const first = starts[0] ?? t0;
  const last = ends[ends.length - 1] ?? Date.now();
  const inRun = samples.filter((s) => s.t >= first && s.t <= last);
  const busy = inRun.length ? inRun.reduce((a, s) => a + s.gpus.reduce((b, g) => b + g.util, 0) / nGpu, 0) / inRun.length : NaN;
  const peakMem = Math.max(0, ...samples.flatMap((s) => s.gpus.map((g) => g.used)));
  const row = {
    perGpu: k,
    code,
    trials: completed,
    wall,
    perHour: (completed / ((last - first) / 1000)) * 3600,
    busy,
    gapMean: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : NaN,
    gapMax: gaps.length ? Math.max(...gaps) / 1000 : NaN,
    peakMem,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
const base = rows.find((r) => r.perGpu === 1)?.perHour;
const lines = [
  `# GPU packing benchmark`,
  ``,
  `${new Date().toISOString()} · ${nGpu} × ${gpus[0]?.name} · ${os.cpus().length} CPU cores · PyTorch digits example, small CNN, ${epochs} epochs per trial`,
  `Command: \`KNOBS_PYTHON=${python} node bench/gpu/run.mjs --per ${perGpu.join(',')} --trials ${trialsPerSlot} --epochs ${epochs}\``,
  ``,
  `| trials per GPU | trials | trials/hour | × one per GPU | GPU busy (utilization.gpu) | idle gap mean / max (s) | peak memory (MiB) |`,
  `|---|---|---|---|---|---|---|`,
  ...rows.map(
    (r) =>
      `| ${r.perGpu} | ${r.trials} | ${r.perHour.toFixed(0)} | ${base ? (r.perHour / base).toFixed(2) : '-'} | ${r.busy.toFixed(1)}% | ${r.gapMean.toFixed(2)} / ${r.gapMax.toFixed(2)} | ${r.peakMem} |`,
  ),
  ``,
  `Targets: ≥ 90% busy, ≤ 0.5 s idle between trials, ≥ 2× the trials/hour of one trial per GPU.`,
];
fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench/results/gpu.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
