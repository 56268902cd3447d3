/**
 * GPU detection through nvidia-smi:
 *   nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits
 * Respects an outer CUDA_VISIBLE_DEVICES (indices or UUIDs) and a `gpus:` restriction. With no
 * nvidia-smi, or no GPU, it returns none and a note saying why (trials then run on CPU).
 */
import { execFileSync } from 'node:child_process';
import { findOnPath } from './interpreter';

export interface GpuInfo {
  /** nvidia-smi's (physical) index: what CUDA_VISIBLE_DEVICES of a trial names. */
  index: number;
  uuid: string;
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  /** % of time a kernel ran over the last sample period. */
  utilization: number;
}

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'];

/** Parses nvidia-smi's CSV; lines that do not parse are skipped ("[N/A]" values read as 0). */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const out: GpuInfo[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 6) continue;
    const index = Number(f[0]);
    if (!Number.isInteger(index) || index < 0) continue;
    const num = (s: string) => (Number.isFinite(Number(s)) ? Number(s) : 0);
    out.push({
      index,
      uuid: f[1],
      name: f.slice(2, f.length - 3).join(', '),
      memoryTotalMiB: num(f[f.length - 3]),
      memoryUsedMiB: num(f[f.length - 2]),
      utilization: num(f[f.length - 1]),
    });
  }
  return out;
}

/** Applies an outer CUDA_VISIBLE_DEVICES ("0,2", "GPU-uuid,…", "" = none, "-1" = none). */
export function applyVisibleDevices(gpus: GpuInfo[], visible: string | undefined): GpuInfo[] {
  if (visible === undefined) return gpus;
  const ids = visible
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: GpuInfo[] = [];
  for (const id of ids) {
    if (/^-?\d+$/.test(id)) {
      if (Number(id) < 0) break; // CUDA stops at the first invalid id
      const g = gpus.find((x) => x.index === Number(id));
      if (!g) break;
      out.push(g);
    } else {
      const g = gpus.find((x) => x.uuid === id || x.uuid.startsWith(id));
      if (!g) break;
      out.push(g);
    }
  }
  return out;
}

export interface DetectResult {
  gpus: GpuInfo[];
  /** Why there are none, or what was restricted; said once by the runner. */
  note?: string;
}

export function queryNvidiaSmi(env: NodeJS.ProcessEnv): { csv?: string; error?: string } {
  const exe = findOnPath('nvidia-smi', env);
  if (!exe) return { error: 'nvidia-smi not found on PATH' };
  try {
    const csv = execFileSync(exe, NVIDIA_SMI_ARGS, { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { csv };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { error: `nvidia-smi failed: ${(err.stderr || err.message).trim().split('\n')[0]}` };
  }
}

export function detectGpus(opts: { env: NodeJS.ProcessEnv; restrict?: number[] }): DetectResult {
  const q = queryNvidiaSmi(opts.env);
  if (q.error) return { gpus: [], note: `no GPU found (${q.error}); trials run on CPU` };
  let gpus = parseNvidiaSmi(q.csv!);
  if (gpus.length === 0) return { gpus: [], note: 'nvidia-smi lists no GPU; trials run on CPU' };
  const all = gpus.length;
  gpus = applyVisibleDevices(gpus, opts.env.CUDA_VISIBLE_DEVICES);
  const notes: string[] = [];
  if (gpus.length < all) notes.push(`CUDA_VISIBLE_DEVICES=${opts.env.CUDA_VISIBLE_DEVICES} leaves ${gpus.length} of ${all} GPUs`);
  if (opts.restrict) {
    const before = gpus.length;
    gpus = gpus.filter((g) => opts.restrict!.includes(g.index));
    if (gpus.length < before) notes.push(`gpus: [${opts.restrict.join(', ')}] leaves ${gpus.length}`);
  }
  if (gpus.length === 0) return { gpus, note: `no usable GPU (${notes.join('; ')}); trials run on CPU` };
  return { gpus, note: notes.length ? notes.join('; ') : undefined };
}
