/**
 * worker_threads entry for importance (bundled as dist/importanceWorker.js; compiled to
 * out/src/core/analysis/importanceWorker.js for tests). Receives one ImportanceJob per message
 * and answers { id, report } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { importanceReport } from './importance';
import type { ImportanceJob, ImportanceReply } from './importanceClient';

parentPort?.on('message', (job: ImportanceJob) => {
  let reply: ImportanceReply;
  try {
    reply = { id: job.id, report: importanceReport(job.trials, job.space, job.goal, job.options ?? {}) };
  } catch (e) {
    reply = { id: job.id, error: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
