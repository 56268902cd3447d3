/**
 * The tagged stdout line that the zero-dependency helpers write
 * (helpers/python/knobs.py, helpers/node/knobs.mjs):
 *
 *   @@knobs {"step": 3, "metrics": {"val_loss": 0.25, "val_acc": 0.91}}
 *
 * `step` is optional (the parser counts reports when it is missing). Non-finite values are
 * written as the strings "NaN", "Infinity", "-Infinity". One line per report, flushed.
 */
export const REPORT_TAG = '@@knobs ';

/** Environment variables a trial process receives. */
export const TRIAL_ENV = {
  trialId: 'KNOBS_TRIAL_ID',
  attempt: 'KNOBS_ATTEMPT',
  sweepDir: 'KNOBS_SWEEP_DIR',
  trialDir: 'KNOBS_TRIAL_DIR',
  params: 'KNOBS_PARAMS',
  resumeFrom: 'KNOBS_RESUME_FROM',
  checkpointDir: 'KNOBS_CHECKPOINT_DIR',
  gpuIds: 'KNOBS_GPU_IDS',
} as const;
