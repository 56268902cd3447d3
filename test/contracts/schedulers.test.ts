/** Runs the scheduler contract for every scheduler (through the registry, as a sweep file would). */
import { createScheduler } from '../../src/core/schedulers/registry';
import { schedulerContract } from './scheduler.contract';

const at =
  (...steps: number[]) =>
  (step: number) =>
    steps.includes(step);

schedulerContract('fifo (none)', (goal) => createScheduler(undefined, { goal }), { neverStops: true, trials: 6 });
// bands 2, 6, 18: judged against the others' values at reports 2, 6, 18
schedulerContract(
  'hyperband (min_iter 2, eta 3, strict)',
  (goal) => createScheduler({ type: 'hyperband', min_iter: 2, eta: 3, strict: true }, { goal }),
  { rungStep: at(2, 6, 18), nanStops: false },
);
// bands [2, 6] (20/3, 20/9 floored)
schedulerContract(
  'hyperband (max_iter 20, s 2, eta 3, not strict)',
  (goal) => createScheduler({ type: 'hyperband', max_iter: 20, s: 2, eta: 3, strict: false }, { goal }),
  { rungStep: at(2, 6), nanStops: false },
);
schedulerContract(
  'asha (grace 1, rf 3, max_t 20)',
  (goal) => createScheduler({ type: 'asha', max_t: 20, grace_period: 1, reduction_factor: 3, brackets: 1 }, { goal }),
  { rungStep: at(1, 3, 9) },
);
schedulerContract(
  'asha (2 brackets)',
  (goal) => createScheduler({ type: 'asha', max_t: 20, grace_period: 1, reduction_factor: 3, brackets: 2 }, { goal }),
  { rungStep: at(1, 3, 9) },
);
schedulerContract('median (min_steps 2, 3 startup trials)', (goal) =>
  createScheduler({ type: 'median', min_steps: 2, startup_trials: 3 }, { goal }),
);
schedulerContract(
  'patience (3, min_delta 0.001)',
  (goal) => createScheduler({ type: 'patience', patience: 3, min_delta: 0.001 }, { goal }),
  { comparesTrials: false },
);
