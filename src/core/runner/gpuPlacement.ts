/**
 * GPU placement of a sweep's trials, on top of the GpuAllocator: detects the GPUs once, says what
 * it found, caps the trial slots at what fits, holds a placement for the next trial before its id
 * is known, and samples each GPU's live usage with the trials placed on it.
 * It never launches trials and never writes the journal: the sweep runner journals the notice and
 * the samples it returns, and hands each trial its GPUs (CUDA_VISIBLE_DEVICES).
 */
import { detectGpus, type GpuInfo, parseNvidiaSmi, queryNvidiaSmi } from './gpu';
import { GpuAllocator } from './gpuAllocator';

export interface GpuPlacementOptions {
  /** The sweep's gpus_per_trial (> 0). */
  gpusPerTrial: number;
  /** The sweep's gpu_memory_per_trial: live free memory is checked before each placement. */
  memoryPerTrialMiB?: number;
  /** The sweep file's `gpus:` restriction. */
  restrict?: number[];
  /** The environment nvidia-smi runs in (its CUDA_VISIBLE_DEVICES is respected). */
  env: NodeJS.ProcessEnv;
}

/** One GPU's live usage and the trials placed on it (a gpu_status sample). */
export interface GpuUsage {
  index: number;
  name: string;
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  utilization: number;
  trials: number[];
}

export interface DetectedPlacement {
  /** Undefined when no GPU was found: trials run on CPU. */
  placement?: GpuPlacement;
  /** What was found, to tell the user once. */
  notice: { level: 'info' | 'warning'; message: string };
}

/** Provisional allocator key while the next trial is asked. */
const PENDING = -1;

export class GpuPlacement {
  /** Detects the GPUs. Throws KnobsError when gpus_per_trial cannot be met (see GpuAllocator). */
  static detect(o: GpuPlacementOptions): DetectedPlacement {
    const found = detectGpus({ env: o.env, restrict: o.restrict });
    if (found.gpus.length === 0) return { notice: { level: 'warning', message: found.note ?? 'no GPU found; trials run on CPU' } };
    const placement = new GpuPlacement(
      new GpuAllocator(found.gpus, { gpusPerTrial: o.gpusPerTrial, memoryPerTrialMiB: o.memoryPerTrialMiB }),
      o,
    );
    const list = found.gpus.map((g) => `${g.index} (${g.name}, ${Math.round(g.memoryTotalMiB / 1024)} GiB)`).join(', ');
    const message = `GPUs ${list}; gpus_per_trial ${o.gpusPerTrial} → ${placement.allocator.capacity()} trial slot(s)${found.note ? `; ${found.note}` : ''}`;
    return { placement, notice: { level: 'info', message } };
  }

  private constructor(
    private readonly allocator: GpuAllocator,
    private readonly o: GpuPlacementOptions,
  ) {}

  /** How many trials may run at once: max_concurrent, capped by what fits on the GPUs. */
  slots(maxConcurrent: number): number {
    return Math.min(maxConcurrent, this.allocator.capacity());
  }

  /** Places the next trial before its id is known: its GPU indices, or null when nothing fits now. */
  reserve(): number[] | null {
    return this.allocator.allocate(PENDING, this.o.memoryPerTrialMiB ? this.live() : undefined);
  }

  /** The reserved placement now belongs to this trial. */
  assign(trialId: number): void {
    this.allocator.rekey(PENDING, trialId);
  }

  /** No trial came after all: the reserved placement is free again. */
  unreserve(): void {
    this.allocator.release(PENDING);
  }

  /** The trial ended: its GPUs are free again. */
  release(trialId: number): void {
    this.allocator.release(trialId);
  }

  /** Every GPU's live usage and trials; undefined when nvidia-smi answers nothing now. */
  sample(): GpuUsage[] | undefined {
    const live = this.live();
    if (!live) return undefined;
    return this.allocator.usage().map((u) => {
      const g = live.find((x) => x.index === u.index);
      return {
        index: u.index,
        name: g?.name ?? '?',
        memoryUsedMiB: g?.memoryUsedMiB ?? 0,
        memoryTotalMiB: g?.memoryTotalMiB ?? 0,
        utilization: g?.utilization ?? 0,
        trials: u.trials,
      };
    });
  }

  private live(): GpuInfo[] | undefined {
    const q = queryNvidiaSmi(this.o.env);
    return q.csv ? parseNvidiaSmi(q.csv) : undefined;
  }
}
