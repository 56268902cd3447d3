/**
 * Synthetic sweeps (pure, seeded) for the tests, the UI bench and the standalone page: a space of
 * log/linear/int/categorical params, trials in every state, and learning curves.
 */
import type { MetricPoints, SweepMeta, TrialRow, TrialStatus } from '../../../src/protocol/messages';

/** Mulberry32: a small seeded PRNG (the webview needs no cryptographic randomness). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  trials: number;
  /** Points per learning curve (0: no series). */
  points: number;
  seed?: number;
  /** Fraction of trials still running (the last ones). */
  running?: number;
  now?: number;
  /** Also a `val_acc` series per trial (a second metric for the curves' chooser). */
  accSeries?: boolean;
}

export function syntheticMeta(o: { now?: number; trials?: number } = {}): SweepMeta {
  const now = o.now ?? 1_760_000_000_000;
  return {
    id: 'synthetic-sweep',
    dir: '/work/.knobs/sweeps/synthetic-sweep',
    method: 'sobol',
    seed: 1,
    metric: { name: 'val_loss', goal: 'minimize' },
    runCap: o.trials,
    state: 'running',
    createdAt: now - 3_723_000,
    updatedAt: now,
    axes: [
      { name: 'lr', kind: 'numeric', min: 1e-4, max: 1e-1, log: true },
      { name: 'dropout', kind: 'numeric', min: 0, max: 0.5 },
      { name: 'weight_decay', kind: 'numeric', min: 1e-6, max: 1e-2, log: true },
      { name: 'hidden', kind: 'numeric', min: 16, max: 256, integer: true },
      { name: 'batch_size', kind: 'categorical', values: [32, 64, 128] },
      { name: 'optimizer', kind: 'categorical', values: ['adam', 'sgd', 'adamw'] },
      { name: 'epochs', kind: 'constant', values: [20] },
    ],
  };
}

/** The loss a config reaches after `step` of `total` steps (a smooth bowl around lr=3e-3, dropout=0.2). */
function lossAt(p: { lr: number; dropout: number; hidden: number; opt: number }, frac: number, noise: number): number {
  const base =
    0.08 + 0.25 * (Math.log10(p.lr) + 2.5) ** 2 + 0.6 * (p.dropout - 0.2) ** 2 + 0.05 * Math.abs(Math.log2(p.hidden / 128)) + 0.03 * p.opt;
  return base + (1.2 - base) * Math.exp(-4 * frac) + noise;
}

/** The accuracy that goes with a loss (for the second metric). */
const acc = (loss: number) => Math.max(0, 1 - loss / 1.3);

export function syntheticSweep(o: SyntheticOptions): { meta: SweepMeta; trials: TrialRow[]; series: MetricPoints[] } {
  const rnd = prng(o.seed ?? 7);
  const now = o.now ?? 1_760_000_000_000;
  const meta = syntheticMeta({ now, trials: o.trials });
  const trials: TrialRow[] = [];
  const series: MetricPoints[] = [];
  const runningFrom = Math.floor(o.trials * (1 - (o.running ?? 0.05)));
  const opts = ['adam', 'sgd', 'adamw'];
  for (let k = 0; k < o.trials; k++) {
    const id = k + 1;
    const lr = 10 ** (-4 + 3 * rnd());
    const dropout = 0.5 * rnd();
    const wd = 10 ** (-6 + 4 * rnd());
    const hidden = 16 + Math.floor(241 * rnd());
    const batch = [32, 64, 128][Math.floor(rnd() * 3)];
    const oi = Math.floor(rnd() * 3);
    const r = rnd();
    const status = (
      k >= runningFrom ? 'running' : r < 0.04 ? 'failed' : r < 0.12 ? 'pruned' : r < 0.14 ? 'stopped' : 'completed'
    ) as TrialStatus;
    const frac = status === 'running' ? 0.3 + 0.5 * rnd() : status === 'pruned' ? 0.25 : status === 'failed' ? 0.1 : 1;
    const cfg = { lr, dropout, hidden, opt: oi };
    const n = Math.max(1, Math.round(o.points * frac));
    const steps: number[] = [];
    const values: number[] = [];
    const times: number[] = [];
    const started = meta.createdAt + k * 1000;
    let v = NaN;
    if (o.points > 0) {
      for (let s = 1; s <= n; s++) {
        v = lossAt(cfg, s / o.points, 0.01 * (rnd() - 0.5));
        steps.push(s);
        values.push(v);
        times.push(started + s * 400);
      }
      series.push({ trial: id, attempt: 1, name: meta.metric.name, steps, values, times });
      if (o.accSeries) series.push({ trial: id, attempt: 1, name: 'val_acc', steps, values: values.map(acc), times });
    } else v = lossAt(cfg, frac, 0.01 * (rnd() - 0.5));
    if (status === 'failed' && rnd() < 0.5) v = NaN;
    const value = Number.isFinite(v) ? v : null;
    trials.push({
      id,
      status,
      attempt: 1,
      params: { lr, dropout, weight_decay: wd, hidden, batch_size: batch, optimizer: opts[oi], epochs: 20 },
      value,
      best: value,
      last: { val_loss: value, val_acc: value === null ? null : acc(value) },
      step: o.points > 0 ? n : status === 'running' ? 3 : 20,
      reason:
        status === 'failed' ? 'exit code 1' : status === 'pruned' ? 'asha: rung 1' : status === 'stopped' ? 'stopped by user' : undefined,
      startedAt: status === 'pending' ? undefined : started,
      endedAt: status === 'running' || status === 'pending' ? undefined : started + 2000 + Math.floor(rnd() * 8000),
    });
  }
  return { meta, trials, series };
}
