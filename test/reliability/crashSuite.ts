/**
 * Runner-crash fault injection: SIGKILL the runner at seeded random moments of a small real
 * sweep, resume, and check the invariants:
 *  - every op that was in the journal before the crash is still there, unchanged (what the
 *    journal acknowledged is never lost);
 *  - no trial is left RUNNING; no duplicate trial ids or sequence numbers;
 *  - no orphan trial processes (every recorded process group is gone);
 *  - the final set of configs equals an uninterrupted run with the same seed.
 * Used by `npm run reliability` (50 crashes) and by npm test (a slice of 5).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJournalText } from '../../src/core/journal/reader';
import { createRng } from '../../src/core/random/rng';
import { groupAlive, onlySweep, ops, runCli, startCli, state, sweepDirs, sweepFolder, waitExit, waitFor } from '../support/cli';

export interface CrashReport {
  crashes: number;
  lost: number;
  zombies: number;
  duplicates: number;
  running: number;
  configMismatches: number;
  failures: string[];
}

const sweepYaml = (method: string) => `program: slow_report.py
method: ${method}
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 5}
  interval: {value: 0.06}
run_cap: 6
max_concurrent: 2
seed: 2024
`;

export async function crashSuite(opts: { crashes: number; seed: number; log?: (s: string) => void }): Promise<CrashReport> {
  const rng = createRng(opts.seed);
  const report: CrashReport = { crashes: 0, lost: 0, zombies: 0, duplicates: 0, running: 0, configMismatches: 0, failures: [] };
  const reference: Record<string, [number, unknown][]> = {};
  for (const method of ['random', 'sobol']) {
    const ref = sweepFolder(sweepYaml(method), ['slow_report.py']);
    const r = runCli(['run', 'sweep.yaml'], { cwd: ref.dir });
    if (r.code !== 0) throw new Error(`reference run failed: ${r.stderr}`);
    reference[method] = state(onlySweep(ref.dir)).trials.map((t) => [t.id, t.params.x]);
  }
  for (let i = 0; i < opts.crashes; i++) {
    const method = i % 2 === 0 ? 'random' : 'sobol';
    const { dir } = sweepFolder(sweepYaml(method), ['slow_report.py']);
    const child = startCli(['run', 'sweep.yaml'], { cwd: dir });
    const sweep = await waitFor('the sweep folder', () => sweepDirs(dir)[0], 20_000);
    // crash somewhere between the first op and (most likely) before the end
    const delay = 50 + Math.floor(rng.next() * 2200);
    await new Promise((r) => setTimeout(r, delay));
    const before = fs.existsSync(path.join(sweep, 'journal.jsonl'))
      ? parseJournalText(fs.readFileSync(path.join(sweep, 'journal.jsonl'))).ops
      : [];
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      /* it already finished */
    }
    await waitExit(child, 20_000);
    report.crashes++;
    const r = runCli(['resume'], { cwd: dir, timeoutMs: 60_000 });
    const fail = (why: string) => report.failures.push(`crash ${i + 1} (${method}, after ${delay} ms): ${why}`);
    if (r.code !== 0) fail(`resume exited ${r.code}: ${r.stderr.slice(-300)}`);
    const after = ops(sweep);
    const bySeq = new Map(after.map((o) => [o.seq, JSON.stringify(o)]));
    for (const o of before) {
      if (bySeq.get(o.seq) !== JSON.stringify(o)) {
        report.lost++;
        fail(`op seq ${o.seq} (${o.op}) changed or vanished`);
      }
    }
    const seqs = after.map((o) => o.seq);
    const asked = after.filter((o) => o.op === 'trial_asked').map((o) => (o.op === 'trial_asked' ? o.trial : 0));
    const dups = seqs.length - new Set(seqs).size + (asked.length - new Set(asked).size);
    if (dups) {
      report.duplicates += dups;
      fail(`${dups} duplicate seq/trial ids`);
    }
    const s = state(sweep);
    const stillRunning = s.trials.filter((t) => t.status === 'running' || t.status === 'pending').length;
    if (stillRunning) {
      report.running += stillRunning;
      fail(`${stillRunning} trial(s) left running/pending`);
    }
    const pgids = after.flatMap((o) => (o.op === 'trial_started' ? [o.pgid] : []));
    const alive = await aliveAfter(pgids, 3000);
    if (alive.length) {
      report.zombies += alive.length;
      fail(`process groups still alive: ${alive.join(', ')}`);
    }
    const got = s.trials.map((t) => [t.id, t.params.x]);
    if (JSON.stringify(got) !== JSON.stringify(reference[method])) {
      report.configMismatches++;
      fail(`configs differ from the uninterrupted run`);
    }
    opts.log?.(
      `crash ${i + 1}/${opts.crashes}: ${method}, killed after ${delay} ms with ${before.length} ops, resumed with ${after.length}`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

async function aliveAfter(pgids: number[], ms: number): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const alive = pgids.filter((g) => groupAlive(g));
    if (!alive.length || Date.now() > end) return alive;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function formatCrashReport(r: CrashReport): string {
  return `${r.crashes} crashes, ${r.lost} lost, ${r.zombies} zombies, ${r.duplicates} duplicates, ${r.running} left running, ${r.configMismatches} config mismatches`;
}
