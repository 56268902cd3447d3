/**
 * `computeImportanceInWorker`: importance off the calling thread (the extension host must stay
 * responsive with 100k trials). Spawns one worker per call from `importanceWorker.js`, found next
 * to this module (out/ in tests, dist/ in the bundles) unless `workerPath` says where.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { KnobsError } from '../errors';
import type { Goal, Space } from '../space/types';
import type { ImportanceOptions, ImportanceReport, ImportanceTrial } from './importance';

export interface ImportanceJob {
  id: number;
  trials: ImportanceTrial[];
  space: Space;
  goal: Goal;
  options?: ImportanceOptions;
}

export type ImportanceReply =
  | { id: number; report: ImportanceReport; error?: undefined }
  | { id: number; error: string; report?: undefined };

export interface InWorkerOptions extends ImportanceOptions {
  /** The worker script; default importanceWorker.js beside this file. */
  workerPath?: string;
  signal?: AbortSignal;
}

/** The path of the bundled/compiled worker script. */
export function defaultImportanceWorkerPath(): string {
  return path.join(__dirname, 'importanceWorker.js');
}

/** Only what the worker needs (structured clone copies it): params, value, status. */
function slim(trials: readonly ImportanceTrial[]): ImportanceTrial[] {
  return trials.map((t) => ({ params: t.params, value: t.value, status: t.status }));
}

export function computeImportanceInWorker(
  trials: readonly ImportanceTrial[],
  space: Space,
  goal: Goal,
  opts: InWorkerOptions = {},
): Promise<ImportanceReport> {
  const { workerPath = defaultImportanceWorkerPath(), signal, ...options } = opts;
  if (!fs.existsSync(workerPath)) {
    return Promise.reject(
      new KnobsError('E_INTERNAL', `the importance worker script is missing: ${workerPath}`, {
        hint: 'rebuild (npm run build): esbuild bundles src/core/analysis/importanceWorker.ts to dist/importanceWorker.js',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath);
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new KnobsError('E_USAGE', 'importance computation cancelled')));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (r: ImportanceReply) =>
      finish(() => (r.error !== undefined ? reject(new KnobsError('E_INTERNAL', `importance failed: ${r.error}`)) : resolve(r.report!))),
    );
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new KnobsError('E_INTERNAL', `the importance worker exited (code ${code}) without an answer`))),
    );
    const job: ImportanceJob = { id: 1, trials: slim(trials), space, goal, options };
    worker.postMessage(job);
  });
}
