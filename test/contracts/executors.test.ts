/**
 * Runs the executor contract for the local process executor and the simulated one. The Slurm
 * executor runs it in test/integration/slurm.test.ts, on the single-node cluster that file starts
 * for all its tests.
 */

import type { LaunchSpec } from '../../src/core/runner/executor';
import { groupAlive, LocalExecutor } from '../../src/core/runner/localExecutor';
import { curveFromValues, type SimCurve, SimulatedExecutor } from '../../src/core/runner/simulatedExecutor';
import { executorContract, pythonTrials } from './executor.contract';

executorContract('local (python3 processes)', {
  make: () => new LocalExecutor({ graceMs: 2000 }),
  ...pythonTrials('/usr/bin/python3'),
  stillRunning: (h) => groupAlive(h.pgid),
});

const curves = new Map<string, SimCurve>();
const register = (b: LaunchSpec, c: SimCurve): LaunchSpec => {
  curves.set(b.stdoutPath, c);
  return { ...b, argv: ['simulated'] };
};
const many = (n: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1));

executorContract('simulated (fake clock)', {
  make: () => new SimulatedExecutor({ curveFor: (spec) => curves.get(spec.stdoutPath), startupMs: 1000, epochMs: 100 }),
  reports: (b, values, o = {}) =>
    register(b, curveFromValues('loss', values, { exitCode: o.exitCode, stderr: o.stderr ? [o.stderr] : undefined })),
  forever: (b) => register(b, curveFromValues('loss', many(100_000))),
  ignoresTerm: (b) => register(b, curveFromValues('loss', many(100_000), { ignoreSigterm: true })),
  missing: (b) => register(b, { points: [], spawnError: 'spawn /nonexistent/knobs-no-such-program ENOENT' }),
});
