/**
 * The batch script of a Slurm trial. Slurm batch scripts are shell by nature, so every value that
 * reaches the script (argv, the KNOBS_* environment, paths) is single-quoted with `shellQuote`:
 * inside single quotes bash interprets nothing, and a quote in the value becomes `'\''`.
 *
 * The script
 *   - exports the trial's environment itself (the KNOBS_* variables carry JSON, which
 *     `sbatch --export=KEY=value` would split at commas) and unsets what the trial must not see;
 *   - checks that the program exists on the node (else it writes a spawn error, exit 127);
 *   - runs the argv under `srun`, so `scancel --signal=TERM` (sent to job steps) reaches it;
 *   - writes srun's exit status into the exit-code file (write + rename), so the final state
 *     survives after Slurm forgets the job (MinJobAge), then exits with it.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes one word for bash: the result is read back as exactly `value`. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new RangeError('a NUL byte cannot be passed to a program');
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Variables that Slurm (not Knobs) sets for the job, which the script never exports. */
const SLURM_OWNED = /^(SLURM_|SBATCH_|SRUN_|SALLOC_)|^(CUDA_VISIBLE_DEVICES|GPU_DEVICE_ORDINAL|ROCR_VISIBLE_DEVICES)$/;

/**
 * What the script exports and unsets: every variable of the trial's environment that the
 * submitting environment lacks or holds with another value (KNOBS_*, PYTHONPATH, NODE_PATH, …),
 * and every KNOBS_* variable whatever the base holds; variables of the base that the trial's
 * environment dropped are unset. Names that are not shell identifiers are skipped (bash could
 * not export them), and so are those Slurm sets for the job (CUDA_VISIBLE_DEVICES, SLURM_*).
 */
export function envDelta(trial: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv): { set: [string, string][]; unset: string[] } {
  const set: [string, string][] = [];
  const unset: string[] = [];
  for (const [k, v] of Object.entries(trial)) {
    if (v === undefined || !NAME.test(k) || SLURM_OWNED.test(k)) continue;
    if (base[k] !== v || k.startsWith('KNOBS_')) set.push([k, v]);
  }
  for (const k of Object.keys(base)) {
    if (trial[k] === undefined && NAME.test(k) && !SLURM_OWNED.test(k)) unset.push(k);
  }
  set.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  unset.sort();
  return { set, unset };
}

export interface BatchScriptOptions {
  trialId: number;
  attempt: number;
  argv: string[];
  cwd: string;
  env: { set: [string, string][]; unset: string[] };
  /** Where the exit status is written. */
  exitCodePath: string;
  /** Where a "cannot start" message is written. */
  spawnErrorPath: string;
  /** Extra srun options (default none). */
  srunArgs?: string[];
}

export function batchScript(o: BatchScriptOptions): string {
  if (o.argv.length === 0) throw new RangeError('argv is empty');
  const q = shellQuote;
  const lines = [
    '#!/bin/bash',
    `# Knobs trial ${o.trialId}, attempt ${o.attempt}: written by the Slurm executor and submitted with sbatch.`,
    '# The trial runs under srun so that `scancel --signal=TERM` reaches it; its exit status goes to',
    "# the exit-code file below, which outlives Slurm's memory of the job.",
    ...o.env.set.map(([k, v]) => `export ${k}=${q(v)}`),
    ...(o.env.unset.length ? [`unset ${o.env.unset.join(' ')}`] : []),
    `knobs_exit_file=${q(o.exitCodePath)}`,
    `knobs_spawn_file=${q(o.spawnErrorPath)}`,
    'knobs_exit() {',
    '  printf \'%s\\n\' "$1" > "$knobs_exit_file.tmp.${SLURM_JOB_ID:-0}" && mv -f -- "$knobs_exit_file.tmp.${SLURM_JOB_ID:-0}" "$knobs_exit_file"',
    '  exit "$1"',
    '}',
    'knobs_cannot_start() {',
    '  printf \'knobs: %s\\n\' "$1" >&2',
    '  printf \'%s\\n\' "$1" > "$knobs_spawn_file"',
    '  knobs_exit 127',
    '}',
    `cd -- ${q(o.cwd)} || knobs_cannot_start ${q(`cannot enter the working folder ${o.cwd}`)}" on node $(hostname)"`,
    `command -v -- ${q(o.argv[0])} >/dev/null 2>&1 || knobs_cannot_start ${q(`cannot start ${o.argv[0]}: not found or not executable`)}" on node $(hostname)"`,
    `srun ${(o.srunArgs ?? []).map(q).join(' ')}${o.srunArgs?.length ? ' ' : ''}-- ${o.argv.map(q).join(' ')}`,
    'knobs_exit "$?"',
    '',
  ];
  return lines.join('\n');
}
