/** Classifies a failed trial from its exit and stderr: OOM is a kind of its own (never retried). */
import type { FailureKind } from '../journal/ops';
import type { ExitInfo } from './executor';

const OOM_PATTERNS: RegExp[] = [
  /torch\.(cuda\.)?OutOfMemoryError/,
  /CUDA out of memory/i,
  /CUDA error: out of memory/i,
  /cudaErrorMemoryAllocation/,
  /CUBLAS_STATUS_ALLOC_FAILED/,
  /ResourceExhaustedError/, // TensorFlow
  /OOM when allocating tensor/, // TensorFlow
  /RESOURCE_EXHAUSTED: Out of memory/i, // JAX/XLA
  /failed to allocate .* on device/i,
  /^MemoryError\b/m, // Python host OOM
];

export function isOom(stderr: string): boolean {
  return OOM_PATTERNS.some((re) => re.test(stderr));
}

export function classifyFailure(info: ExitInfo): FailureKind {
  if (info.spawnError) return 'spawn';
  if (info.stoppedBy?.timeout) return 'timeout';
  if (isOom(info.stderrTail)) return 'oom';
  // the kernel's OOM killer: SIGKILL nobody asked for
  return 'crash';
}

/** The last non-empty line of stderr, for one-line messages. */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? lines[lines.length - 1].slice(0, 200) : '';
}
