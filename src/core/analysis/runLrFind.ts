/**
 * Runs one lr range test: spawns the script (argv array, no shell, its own process group, via
 * the LocalExecutor), reads its tagged report lines with the ReportParser, follows the smoothed
 * loss live and stops the group (SIGTERM, then SIGKILL after `graceMs`) once it passes
 * `divergeFactor` × its best, when `signal` aborts, or at `timeoutMs`.
 * Each report with a finite `lr` and a `loss` value is one point; a report without `lr` takes
 * the ramp's lr at its step (helpers report steps 0-based).
 */
import * as os from 'node:os';
import { KnobsError } from '../errors';
import { LocalExecutor } from '../runner/localExecutor';
import { ReportParser } from '../runner/reportParser';
import {
  type AnalyseLrFindOptions,
  analyseLrFind,
  LR_FIND_DEFAULTS,
  type LrFindAnalysis,
  type LrPoint,
  type LrRamp,
  lrAt,
} from './lrFinder';

export interface RunLrFindOptions extends AnalyseLrFindOptions {
  argv: string[];
  cwd: string;
  /** The environment from planLrFind (KNOBS_LR_* and the helper paths). */
  env: NodeJS.ProcessEnv;
  /** The ramp (for reports without `lr`); read from env KNOBS_LR_* when omitted. */
  ramp?: LrRamp;
  lossMetric?: string;
  lrMetric?: string;
  /** Where the script's stdout/stderr are appended (default: discarded). */
  stdoutPath?: string;
  stderrPath?: string;
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace when we stop it (default 3 s). */
  graceMs?: number;
  /** Stop the run once the smoothed loss diverges (default true). */
  stopOnDivergence?: boolean;
  signal?: AbortSignal;
  onPoint?(point: LrPoint, index: number): void;
  onLine?(stream: 'stdout' | 'stderr', line: string): void;
}

export interface LrFindRunResult {
  points: LrPoint[];
  analysis: LrFindAnalysis;
  exitCode: number | null;
  exitSignal: string | null;
  /** Why we stopped the process, if we did. */
  stoppedBy?: 'diverged' | 'aborted' | 'timeout';
  pid: number;
  stderrTail: string;
}

function rampFromEnv(env: NodeJS.ProcessEnv): LrRamp | undefined {
  const minLr = Number(env.KNOBS_LR_MIN);
  const maxLr = Number(env.KNOBS_LR_MAX);
  const steps = Number(env.KNOBS_LR_STEPS);
  return minLr > 0 && maxLr > minLr && steps >= 2 ? { minLr, maxLr, steps } : undefined;
}

export function runLrFind(o: RunLrFindOptions): Promise<LrFindRunResult> {
  const lossName = o.lossMetric ?? LR_FIND_DEFAULTS.lossMetric;
  const lrName = o.lrMetric ?? LR_FIND_DEFAULTS.lrMetric;
  const ramp = o.ramp ?? rampFromEnv(o.env);
  const beta = o.beta ?? LR_FIND_DEFAULTS.beta;
  const factor = o.divergeFactor ?? LR_FIND_DEFAULTS.divergeFactor;
  const parser = new ReportParser({ metricName: lossName, metrics: [lrName] });
  const points: LrPoint[] = [];
  const executor = new LocalExecutor({ graceMs: o.graceMs ?? 3000 });
  let avg = 0;
  let best = Infinity;
  let stoppedBy: LrFindRunResult['stoppedBy'];

  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(new KnobsError('E_USAGE', 'the lr range test was cancelled before it started'));
      return;
    }
    const stop = (why: NonNullable<LrFindRunResult['stoppedBy']>) => {
      if (stoppedBy) return;
      stoppedBy = why;
      handle.stop(
        why === 'diverged'
          ? 'lr range test: the loss diverged'
          : why === 'timeout'
            ? 'lr range test: timed out'
            : 'lr range test: cancelled',
      );
    };
    const onAbort = () => stop('aborted');
    let timer: NodeJS.Timeout | undefined;
    const handle = executor.start(
      {
        trialId: 0,
        attempt: 1,
        argv: o.argv,
        cwd: o.cwd,
        env: o.env,
        stdoutPath: o.stdoutPath ?? os.devNull,
        stderrPath: o.stderrPath ?? os.devNull,
      },
      {
        onLine(stream, line) {
          o.onLine?.(stream, line);
          if (stream !== 'stdout' || stoppedBy) return;
          const r = parser.parse(line);
          if (!r || !(lossName in r.values)) return;
          const loss = r.values[lossName];
          let lr = r.values[lrName];
          if (!(lr > 0 && Number.isFinite(lr))) lr = ramp ? lrAt(ramp, r.step) : NaN;
          if (!(lr > 0 && Number.isFinite(lr))) return;
          const point = { lr, loss };
          points.push(point);
          o.onPoint?.(point, points.length - 1);
          if (o.stopOnDivergence === false) return;
          const i = points.length - 1;
          if (!Number.isFinite(loss)) return stop('diverged');
          avg = beta * avg + (1 - beta) * loss;
          const s = avg / (1 - beta ** (i + 1));
          if (i > 0 && s > factor * best) return stop('diverged');
          if (s < best) best = s;
        },
        onExit(info) {
          if (timer) clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          if (info.spawnError) {
            reject(
              new KnobsError('E_SPAWN', `the lr range test could not start \`${o.argv[0]}\`: ${info.spawnError}`, {
                hint: 'check the interpreter and the script path',
              }),
            );
            return;
          }
          resolve({
            points,
            analysis: analyseLrFind(points, o),
            exitCode: info.code,
            exitSignal: info.signal,
            stoppedBy,
            pid: handle.pid,
            stderrTail: info.stderrTail,
          });
        },
      },
    );
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.timeoutMs && o.timeoutMs > 0) timer = setTimeout(() => stop('timeout'), o.timeoutMs);
  });
}
