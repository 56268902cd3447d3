/**
 * Learning curves of our own for W&B's `extensive_*` hyperband tests, which read W&B's
 * tests/data/hyper-data.yaml (116 runs of 100 values of a metric to maximize, "tight-bound, many
 * runs with early maximum values"). That file is not ours to copy: these curves are generated from
 * a seed to the same shape (close together, many peaking early and then falling back), and W&B's
 * answers on them are in fixtures/hyperband.json. Values are rounded to 6 decimals so that JSON
 * carries them to Python and back bit for bit.
 */
import { createRng } from '../../../src/core/random/rng';

export function hyperbandCurves(seed: number, runs: number, length: number): number[][] {
  const root = createRng(seed);
  return Array.from({ length: runs }, (_, i) => {
    const rng = root.child(i);
    const ceiling = 0.55 + 0.3 * rng.next();
    const rate = 0.02 + 0.1 * rng.next();
    const peakAt = 5 + rng.int(60);
    const decay = 0.003 * rng.next();
    return Array.from({ length }, (_, t) => {
      const v = ceiling * (1 - Math.exp(-rate * (t + 1))) - decay * Math.max(0, t - peakAt) + 0.015 * rng.normal();
      return Number(v.toFixed(6));
    });
  });
}
