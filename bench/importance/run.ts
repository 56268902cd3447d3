/**
 * bench:importance — importance on 10k trials × 16 params (target: < 1 s, issue 8; optuna PR
 * #5212 measured fANOVA at 92 s and PED-ANOVA at 0.1 s on that size). Both methods, in-thread and
 * through the worker (which adds the structured-clone copy and the worker start).
 *   node out/bench/importance/run.js [--trials 10000] [--params 16] [--reps 5]
 */
import * as path from 'node:path';
import { type ImportanceTrial, importanceReport } from '../../src/core/analysis/importance';
import { computeImportanceInWorker } from '../../src/core/analysis/importanceClient';
import { createRng } from '../../src/core/random/rng';
import type { FlatParams, ParamSpec, Space } from '../../src/core/space/types';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const nTrials = arg('trials', 10_000);
  const nParams = arg('params', 16);
  const reps = arg('reps', 5);
  const params: ParamSpec[] = [];
  for (let j = 0; j < nParams; j++) {
    if (j % 4 === 3) params.push({ kind: 'categorical', name: `c${j}`, path: [`c${j}`], values: ['a', 'b', 'c', 'd'] });
    else if (j % 4 === 1)
      params.push({
        kind: 'numeric',
        name: `lr${j}`,
        path: [`lr${j}`],
        distribution: 'log_uniform_values',
        min: 1e-5,
        max: 1e-1,
        integer: false,
      });
    else params.push({ kind: 'numeric', name: `x${j}`, path: [`x${j}`], distribution: 'uniform', min: 0, max: 1, integer: false });
  }
  const space: Space = { params };
  const rng = createRng(42);
  const trials: ImportanceTrial[] = [];
  for (let i = 0; i < nTrials; i++) {
    const p: FlatParams = {};
    let y = 0;
    params.forEach((s, j) => {
      const u = rng.next();
      if (s.kind === 'categorical') {
        const k = Math.floor(u * 4);
        p[s.name] = s.values[k];
        y += (k === 2 ? 1 : 0) / (j + 1);
      } else if (s.kind === 'numeric' && s.distribution === 'log_uniform_values') {
        p[s.name] = Math.exp(Math.log(1e-5) + u * (Math.log(1e-1) - Math.log(1e-5)));
        y += ((u - 0.6) ** 2 * 4) / (j + 1);
      } else {
        p[s.name] = u;
        y += u / (j + 1);
      }
    });
    trials.push({ params: p, value: y + 0.05 * rng.normal(), status: 'completed' });
  }
  const time = async (label: string, fn: () => unknown | Promise<unknown>) => {
    const ms: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      await fn();
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(34)} median ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms  (min ${ms[0].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)})  ${ms[Math.floor(ms.length / 2)] < 1000 ? 'OK < 1 s' : 'OVER 1 s'}`,
    );
  };
  console.log(`importance: ${nTrials} trials × ${nParams} params, ${reps} reps, node ${process.version}`);
  await time('fanova (in thread)', () => importanceReport(trials, space, 'minimize'));
  await time('ped-anova (in thread)', () => importanceReport(trials, space, 'minimize', { method: 'ped-anova' }));
  const workerPath = path.join(__dirname, '../../src/core/analysis/importanceWorker.js');
  await time('fanova (worker, incl. start+copy)', () => computeImportanceInWorker(trials, space, 'minimize', { workerPath }));
  const top = importanceReport(trials, space, 'minimize').params.slice(0, 5);
  console.log('top 5:', top.map((p) => `${p.name}=${p.importance.toFixed(3)}`).join(' '));
}

void main();
