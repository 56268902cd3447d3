/** Steps and probes shared by the e2e tests. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { countTrials } from '../../../src/core/journal/reducer';
import { isRunning, taggedPids, waitFor } from './processes';
import { theSweep } from './sweep';
import type { Workbench } from './workbench';

/** Logs a step with the time since the test started (the whole e2e should stay under ~3 min). */
export function stepper(name: string): (msg: string) => void {
  const t0 = Date.now();
  return (msg: string) => console.log(`[e2e ${name} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

/** A process's command line ('' once it is gone). */
export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * "Knobs: Stop Sweep" from the palette: the runner exits, no trial is left running in the
 * journal, and no runner or trial process of this session (`tag`) is left. Returns the counts.
 */
export async function stopSweepAndCheck(
  wb: Workbench,
  workspace: string,
  runnerPid: number,
  tag: string,
): Promise<ReturnType<typeof countTrials>> {
  await wb.runCommand('Knobs: Stop Sweep');
  await waitFor('the runner to exit after Stop Sweep', () => !isRunning(runnerPid), { timeoutMs: 30_000 });
  const c = countTrials(theSweep(workspace)!.state);
  assert.equal(c.running, 0, 'no trial is running after Stop Sweep');
  assert.deepEqual(
    taggedPids(tag).filter((p) => /python|_runner/.test(cmdline(p))),
    [],
    'no runner or trial process is left',
  );
  return c;
}
