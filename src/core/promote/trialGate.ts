/**
 * Which trials Promote may write into code. A failed trial's config crashed the script and a
 * running one has no final value: both are refused. A stopped, pruned or interrupted trial ended
 * early, so its value is from an unfinished run: Promote asks first (the extension's modal, the
 * CLI's `--yes`). "Promote Best" picks the best completed trial.
 *
 *   promoteGate(sweep, trial, metric)  → undefined (go ahead), or the question to confirm;
 *                                         throws E_PROMOTE for failed, running and pending trials
 *   promotableBest(state)              → the best completed trial
 */
import { KnobsError } from '../errors';
import { better, type SweepState, type TrialRecord } from '../journal/reducer';
import { formatValue } from '../space/config';

/** The last line of a failed trial's stderr, if it kept one. */
function lastStderrLine(t: TrialRecord): string | undefined {
  const tail = t.attempts[t.attempts.length - 1]?.stderrTail;
  return tail?.trim().split('\n').pop()?.trim() || undefined;
}

export function promoteGate(sweep: string, trial: TrialRecord, metric: string): string | undefined {
  const other = 'promote a completed trial instead (`knobs promote` and Promote Best Config pick the best one)';
  switch (trial.status) {
    case 'completed':
      return undefined;
    case 'failed': {
      const line = lastStderrLine(trial);
      throw new KnobsError(
        'E_PROMOTE',
        `trial ${trial.id} of ${sweep} failed (${trial.reason ?? 'crashed'}${line ? `: ${line}` : ''}); a config that crashed the script is not promoted`,
        {
          hint: `${other}, or fix the failure and rerun the trial`,
        },
      );
    }
    case 'running':
    case 'pending':
      throw new KnobsError(
        'E_PROMOTE',
        `trial ${trial.id} of ${sweep} is still ${trial.status === 'running' ? 'running' : 'waiting to start'}; its config is promoted once it has completed`,
        {
          hint: `wait for it to complete, or ${other}`,
        },
      );
    default: {
      const value = trial.value === undefined ? `no ${metric}` : `${metric} ${formatValue(trial.value)}`;
      const why = `${value}${trial.reason ? `; ${trial.reason}` : ''}`;
      return `Trial ${trial.id} was ${trial.status} before it finished (${why}): its value is from an unfinished run. Promote it anyway?`;
    }
  }
}

/** The best completed trial (a running or stopped one may lead, but is no result yet). */
export function promotableBest(s: SweepState): TrialRecord | undefined {
  const goal = s.created?.metric.goal ?? 'minimize';
  let best: TrialRecord | undefined;
  for (const t of s.trials) {
    if (t.status !== 'completed' || t.value === undefined || Number.isNaN(t.value)) continue;
    if (!best || better(t.value, best.value!, goal)) best = t;
  }
  return best;
}
