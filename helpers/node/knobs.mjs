// Knobs trial helper for Node (ESM, zero dependencies).
//
// A training script reports metrics to the Knobs runner with one tagged line per report on stdout:
//
//   @@knobs {"step": 3, "metrics": {"val_loss": 0.25, "val_acc": 0.91}}
//
// Usage:
//   import * as knobs from '<repo>/helpers/node/knobs.mjs'; // the runner sets KNOBS_HELPERS_NODE
//   const p = knobs.params();                // {} outside a sweep
//   knobs.report({ step: epoch, val_loss, val_acc });
//   if (knobs.shouldStop()) { save(knobs.checkpointDir()); process.exit(143); }
//
// Lines are written with a synchronous write to fd 1, so they are not lost when the script
// calls process.exit() right after reporting (process.stdout is asynchronous on pipes).
import { mkdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const REPORT_TAG = '@@knobs ';

const ENV = {
  trialId: 'KNOBS_TRIAL_ID',
  attempt: 'KNOBS_ATTEMPT',
  trialDir: 'KNOBS_TRIAL_DIR',
  params: 'KNOBS_PARAMS',
  resumeFrom: 'KNOBS_RESUME_FROM',
  checkpointDir: 'KNOBS_CHECKPOINT_DIR',
};

function env(name) {
  const v = process.env[name];
  return v ? v : null;
}

/** True when this process is a Knobs trial. */
export function inSweep() {
  return env(ENV.trialId) !== null;
}

/** The trial id as a number, or null outside a sweep. */
export function trialId() {
  const v = env(ENV.trialId);
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) ? n : null;
}

/** The attempt number (1 first, 2+ after a resume or retry), or null outside a sweep. */
export function attempt() {
  const v = env(ENV.attempt);
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) ? n : null;
}

const NON_FINITE = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * JSON.parse that also reads the bare tokens NaN, Infinity and -Infinity, which Python's json
 * writes (and KNOBS_PARAMS uses for `.nan`/`.inf` values): each token outside a string becomes
 * a marker string that the reviver turns back into the number.
 */
function parseJsonNonFinite(text) {
  const marker = `\u0000knobs-non-finite-${Math.random().toString(36).slice(2)}:`;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(marker + token);
      i += token.length;
    } else out += text[i++];
  }
  return JSON.parse(out, (_k, v) => (typeof v === 'string' && v.startsWith(marker) ? NON_FINITE[v.slice(marker.length)] : v));
}

/** The trial's parameters (a fresh object) from KNOBS_PARAMS; {} outside a sweep. */
export function params() {
  const raw = env(ENV.params);
  if (raw === null) return {};
  let value;
  try {
    value = parseJsonNonFinite(raw);
  } catch (e) {
    throw new Error(`KNOBS_PARAMS is not valid JSON (${e.message}): ${raw.slice(0, 200)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`KNOBS_PARAMS must be a JSON object, got ${raw.slice(0, 200)}`);
  }
  return value;
}

/** This trial's folder (KNOBS_TRIAL_DIR), or null outside a sweep. */
export function trialDir() {
  return env(ENV.trialDir);
}

/** Folder for checkpoints (KNOBS_CHECKPOINT_DIR, else <trial dir>/checkpoints), created if missing; null outside a sweep. */
export function checkpointDir() {
  let dir = env(ENV.checkpointDir);
  if (dir === null) {
    const t = trialDir();
    if (t === null) return null;
    dir = join(t, 'checkpoints');
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The checkpoint folder of an earlier attempt of this trial (KNOBS_RESUME_FROM), or null. */
export function resumeFrom() {
  return env(ENV.resumeFrom);
}

let stopRequested = false;
let handlerInstalled = false;

/**
 * True once the runner has asked this trial to stop (SIGTERM). The first call installs a SIGTERM
 * listener that only sets a flag (so the script can save a checkpoint and exit by itself);
 * until then SIGTERM ends the process as usual. The runner sends SIGKILL after a grace period.
 */
export function shouldStop() {
  if (!handlerInstalled) {
    handlerInstalled = true;
    process.on('SIGTERM', () => {
      stopRequested = true;
    });
  }
  return stopRequested;
}

function encodeNumber(name, value) {
  let v = value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && typeof v.valueOf === 'function') v = v.valueOf();
  if (typeof v !== 'number') {
    throw new TypeError(
      `knobs.report: metric "${name}" must be a number, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
    );
  }
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** The tagged line (without newline) for a report. */
export function formatReport(step, metrics) {
  const encoded = {};
  for (const [name, value] of Object.entries(metrics ?? {})) {
    if (!name) throw new TypeError('knobs.report: metric names must be non-empty strings');
    encoded[name] = encodeNumber(name, value);
  }
  const payload = {};
  if (step !== undefined && step !== null) {
    const s = encodeNumber('step', step);
    if (typeof s !== 'number') throw new RangeError(`knobs.report: step must be finite, got ${s}`);
    payload.step = s;
  }
  payload.metrics = encoded;
  return REPORT_TAG + JSON.stringify(payload);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function writeAllSync(text) {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e && e.code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, 2); // the reader is behind: wait 2 ms and retry
        continue;
      }
      if (e && e.code === 'EPIPE') return; // nobody is reading any more
      throw e;
    }
  }
}

/**
 * Report metrics for a step: `report({ step: 3, val_loss: 0.25 })`. One tagged line on stdout,
 * written synchronously. NaN and infinities are sent as "NaN", "Infinity", "-Infinity".
 * Without `step` the runner counts reports (1, 2, 3, ...).
 */
export function report(metrics = {}) {
  const { step, ...rest } = metrics;
  const line = formatReport(step, rest);
  writeAllSync(`${line}\n`);
  return line;
}

// --- learning-rate range test ------------------------------------------------------------------
// `knobs lr-find` runs the script once with KNOBS_LR_FIND=1 and an exponential ramp
// (KNOBS_LR_MIN, KNOBS_LR_MAX, KNOBS_LR_STEPS). Train `steps` optimizer steps with
// lr = lrAt(step) and report the loss each step:
//
//   const ramp = knobs.lrFinder();          // null unless run by `knobs lr-find`
//   if (ramp) for (let step = 0; step < ramp.steps; step++) {
//     optimizer.learningRate = knobs.lrAt(step);
//     const loss = trainStep();
//     knobs.report({ step, loss, lr: knobs.lrAt(step) });
//   }

/** The lr range test's ramp { minLr, maxLr, steps } when this run is one, else null. */
export function lrFinder() {
  if (env('KNOBS_LR_FIND') === null) return null;
  const minLr = Number(process.env.KNOBS_LR_MIN);
  const maxLr = Number(process.env.KNOBS_LR_MAX);
  const steps = Number(process.env.KNOBS_LR_STEPS);
  if (!(minLr > 0 && maxLr > minLr && Number.isInteger(steps) && steps >= 2)) {
    throw new Error(
      `the lr ramp needs 0 < KNOBS_LR_MIN < KNOBS_LR_MAX and an integer KNOBS_LR_STEPS >= 2, got ${process.env.KNOBS_LR_MIN}, ${process.env.KNOBS_LR_MAX}, ${process.env.KNOBS_LR_STEPS}`,
    );
  }
  return { minLr, maxLr, steps };
}

/** The ramp's lr at a 0-based step: min * (max/min) ** (step / (steps - 1)), clamped. */
export function lrAt(step, ramp = lrFinder()) {
  if (!ramp) throw new Error('knobs.lrAt: not an lr range test run (KNOBS_LR_FIND is not set)');
  const n = Math.max(1, ramp.steps - 1);
  const s = Math.min(n, Math.max(0, step));
  return ramp.minLr * (ramp.maxLr / ramp.minLr) ** (s / n);
}

export default {
  params,
  report,
  trialDir,
  checkpointDir,
  resumeFrom,
  shouldStop,
  inSweep,
  trialId,
  attempt,
  formatReport,
  lrFinder,
  lrAt,
  REPORT_TAG,
};
