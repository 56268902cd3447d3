/**
 * Places trials on GPUs. Counts in whole milli-GPUs so that 8 GPUs × 0.15 gives exactly 48 slots
 * (6 per GPU), never 53 (ray#5902).
 * - 0 < gpus_per_trial ≤ 1: a fraction of ONE GPU (never spanning two); each new trial goes to
 *   the GPU with the fewest trials among those it fits on (ties: lowest index), so trials spread
 *   evenly instead of piling onto cuda:0 (ray#26184).
 * - gpus_per_trial ≥ 1 (whole): that many otherwise idle GPUs, lowest index first.
 * - gpu_memory_per_trial: a GPU is admitted only if nvidia-smi's free memory, minus what our
 *   other trials on it were promised and have not yet taken, covers it.
 */
import { KnobsError } from '../errors';
import type { GpuInfo } from './gpu';

export const MILLI = 1000;

export interface AllocatorOptions {
  gpusPerTrial: number;
  memoryPerTrialMiB?: number;
}

interface GpuSlot {
  gpu: GpuInfo;
  usedMilli: number;
  trials: Set<number>;
}

export class GpuAllocator {
  private readonly slots: GpuSlot[];
  private readonly perMilli: number;
  private readonly whole: number;
  private readonly placed = new Map<number, number[]>();

  constructor(
    gpus: GpuInfo[],
    private readonly opts: AllocatorOptions,
  ) {
    const g = opts.gpusPerTrial;
    if (!(g > 0)) throw new KnobsError('E_USAGE', `gpus_per_trial is ${g}; the allocator needs > 0`);
    if (g > 1 && !Number.isInteger(g)) {
      throw new KnobsError('E_SWEEP_PARSE', `gpus_per_trial is ${g} but must be a fraction ≤ 1 or a whole number`, {
        hint: `use ${Math.ceil(g)} or a fraction such as 0.5`,
      });
    }
    this.perMilli = g <= 1 ? Math.max(1, Math.round(g * MILLI)) : MILLI;
    this.whole = g > 1 ? g : 0;
    this.slots = gpus.map((gpu) => ({ gpu, usedMilli: 0, trials: new Set() }));
    if (this.whole > this.slots.length) {
      throw new KnobsError(
        'E_SWEEP_PARSE',
        `gpus_per_trial is ${g} but only ${this.slots.length} GPU${this.slots.length === 1 ? ' is' : 's are'} visible`,
        {
          hint: `lower gpus_per_trial to ≤ ${this.slots.length}, or make more GPUs visible (CUDA_VISIBLE_DEVICES, gpus:)`,
        },
      );
    }
  }

  /** How many trials can run at once (ignoring memory). */
  capacity(): number {
    if (this.whole) return Math.floor(this.slots.length / this.whole);
    return this.slots.reduce((n) => n + Math.floor(MILLI / this.perMilli), 0);
  }

  /** GPU indices for the trial, or null when it does not fit now. `live` refreshes memory. */
  allocate(trial: number, live?: GpuInfo[]): number[] | null {
    if (this.placed.has(trial)) return this.placed.get(trial)!;
    if (live) for (const s of this.slots) s.gpu = live.find((g) => g.index === s.gpu.index) ?? s.gpu;
    const fits = (s: GpuSlot, need: number) => s.usedMilli + need <= MILLI && this.memoryFits(s);
    let chosen: GpuSlot[];
    if (this.whole) {
      const free = this.slots.filter((s) => s.usedMilli === 0 && this.memoryFits(s));
      if (free.length < this.whole) return null;
      chosen = free.slice(0, this.whole);
    } else {
      const candidates = this.slots.filter((s) => fits(s, this.perMilli));
      if (!candidates.length) return null;
      candidates.sort((a, b) => a.trials.size - b.trials.size || a.usedMilli - b.usedMilli || a.gpu.index - b.gpu.index);
      chosen = [candidates[0]];
    }
    const need = this.whole ? MILLI : this.perMilli;
    for (const s of chosen) {
      s.usedMilli += need;
      s.trials.add(trial);
    }
    const ids = chosen.map((s) => s.gpu.index);
    this.placed.set(trial, ids);
    return ids;
  }

  /** Moves a placement made under a provisional key (before the trial id was known). */
  rekey(from: number, to: number): void {
    const ids = this.placed.get(from);
    if (!ids) return;
    this.placed.delete(from);
    this.placed.set(to, ids);
    for (const s of this.slots) if (s.trials.delete(from)) s.trials.add(to);
  }

  release(trial: number): void {
    const ids = this.placed.get(trial);
    if (!ids) return;
    const need = this.whole ? MILLI : this.perMilli;
    for (const s of this.slots) {
      if (s.trials.delete(trial)) s.usedMilli -= need;
    }
    this.placed.delete(trial);
  }

  /** Trials per GPU index (for views). */
  usage(): { index: number; trials: number[]; usedMilli: number }[] {
    return this.slots.map((s) => ({ index: s.gpu.index, trials: [...s.trials].sort((a, b) => a - b), usedMilli: s.usedMilli }));
  }

  private memoryFits(s: GpuSlot): boolean {
    const need = this.opts.memoryPerTrialMiB;
    if (!need) return true;
    const free = s.gpu.memoryTotalMiB - s.gpu.memoryUsedMiB;
    // our trials on this GPU may not have allocated their memory yet: count what we promised
    const promised = s.trials.size * need;
    return free >= need && promised + need <= s.gpu.memoryTotalMiB;
  }
}
