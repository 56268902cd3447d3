/**
 * Pure helpers of the Slurm executor: sbatch options from the sweep's executor block, the
 * GPU request (`--gres`), and parsers for what squeue, sacct and scontrol print. No I/O here.
 */
import { KnobsError } from '../../errors';
import type { ExecutorSpec } from '../../space/types';

/** Job states after which nothing more happens (squeue -t all, sacct, scontrol). */
export const FINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
]);

export interface QueueEntry {
  state: string;
  /** squeue's %r: why a pending job waits (Resources, Priority, QOSMaxJobsPerUserLimit…). */
  reason: string;
}

/** Parses `squeue -h -o '%i|%T|%r'`. */
export function parseSqueue(text: string): Map<string, QueueEntry> {
  const out = new Map<string, QueueEntry>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split('|');
    if (parts.length < 3 || !parts[0]) continue;
    out.set(parts[0], { state: parts[1].trim().toUpperCase(), reason: parts.slice(2).join('|').trim() });
  }
  return out;
}

export interface FinalRecord {
  state: string;
  /** The batch script's exit code. */
  exitCode: number | null;
  /** The signal that ended it (Slurm's "code:signal"). */
  signal: number | null;
}

/** "3:0" → {code 3, signal 0}. */
function parseExitPair(s: string | undefined): { exitCode: number | null; signal: number | null } {
  const m = /^(\d+):(\d+)$/.exec((s ?? '').trim());
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : { exitCode: null, signal: null };
}

/** Normalises "CANCELLED by 0" → "CANCELLED". */
function normState(s: string): string {
  return s.trim().split(/\s+/)[0].replace(/\+$/, '').toUpperCase();
}

/** Parses `sacct -c -n -P -j ID -o jobid,state,exitcode` (jobcomp/filetxt) or plain sacct. */
export function parseSacct(text: string, jobId: string): FinalRecord | undefined {
  let found: FinalRecord | undefined;
  for (const line of text.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    if (id !== jobId || !state) continue;
    found = { state: normState(state), ...parseExitPair(exit) }; // the last record wins (requeues)
  }
  return found;
}

/** Parses `scontrol show job -o ID` (one line of Key=Value pairs). */
export function parseScontrol(text: string): FinalRecord | undefined {
  const state = /\bJobState=(\S+)/.exec(text);
  if (!state) return undefined;
  return { state: normState(state[1]), ...parseExitPair(/\bExitCode=(\S+)/.exec(text)?.[1]) };
}

/** Counts per gres name in a node's or partition's Gres string ("gpu:a100:4(S:0-1),shard:32"). */
export function parseGresCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of text.split(/,(?![^(]*\))/)) {
    const clean = item.replace(/\(.*\)$/, '').trim();
    if (!clean || clean === '(null)') continue;
    const parts = clean.split(':');
    const name = parts[0];
    const n = Number(parts[parts.length - 1]);
    const count = parts.length >= 2 && Number.isFinite(n) ? n : 1;
    out[name] = (out[name] ?? 0) + count;
  }
  return out;
}

/**
 * The gres a trial asks for: an explicit `executor.gres` wins; a whole `gpus_per_trial` N ≥ 1
 * gives `gpu:N`; a fraction f < 1 gives `shard:k` (k = f × shards per GPU, at least 1) where the
 * site configures shards, else `mps:k` where it configures MPS, else a clear error.
 * `siteGres` (the Gres strings of the partition's nodes) is asked for only when a fraction needs it.
 */
export function gresFor(opts: { gres?: string; gpusPerTrial: number; siteGres?: () => string[] }): string | undefined {
  if (opts.gres) return opts.gres;
  const g = opts.gpusPerTrial;
  if (!(g > 0)) return undefined;
  if (Number.isInteger(g)) return `gpu:${g}`;
  if (g > 1) {
    throw new KnobsError(
      'E_SPAWN',
      `gpus_per_trial is ${g}, which Slurm cannot allocate: it takes whole GPUs, or a fraction below 1 as shards/MPS`,
      {
        hint: `use a whole number (e.g. ${Math.ceil(g)}) or set \`executor.gres\` yourself`,
      },
    );
  }
  const nodes = opts.siteGres?.() ?? [];
  for (const kind of ['shard', 'mps']) {
    let perGpu = 0;
    for (const n of nodes) {
      const c = parseGresCounts(n);
      if (c[kind] && c.gpu) perGpu = Math.max(perGpu, c[kind] / c.gpu);
      else if (c[kind]) perGpu = Math.max(perGpu, c[kind]);
    }
    if (perGpu > 0) return `${kind}:${Math.max(1, Math.round(g * perGpu))}`;
  }
  throw new KnobsError(
    'E_SPAWN',
    `gpus_per_trial is ${g}, a fraction of a GPU, but this Slurm site configures no gres/shard or gres/mps${nodes.length ? ` (nodes offer: ${[...new Set(nodes)].join('; ')})` : ''}`,
    {
      hint: 'use a whole gpus_per_trial (1 GPU per trial), or ask the admins for GRES sharding (gres/shard), or set `executor.gres` explicitly',
    },
  );
}

/** The sweep file's executor block as sbatch options (partition, time, account, qos, extra_args, gres). */
export function sbatchOptions(ex: ExecutorSpec, gres: string | undefined): string[] {
  const out: string[] = [];
  const str = (k: string): string | undefined => (typeof ex[k] === 'string' && (ex[k] as string).length ? (ex[k] as string) : undefined);
  if (str('partition')) out.push(`--partition=${str('partition')}`);
  if (str('time')) out.push(`--time=${str('time')}`);
  if (str('account')) out.push(`--account=${str('account')}`);
  if (str('qos')) out.push(`--qos=${str('qos')}`);
  if (gres) out.push(`--gres=${gres}`);
  if (Array.isArray(ex.extra_args)) for (const a of ex.extra_args) if (typeof a === 'string') out.push(a);
  return out;
}

/**
 * A failed Slurm command as a KnobsError that quotes Slurm's own message and says how to fix it.
 * `what` says what we tried ("submitting trial 3").
 */
export function slurmError(
  what: string,
  cmd: string,
  r: { code: number | null; stderr: string; stdout?: string; errno?: string },
  ex?: ExecutorSpec,
): KnobsError {
  if (r.errno === 'ENOENT') {
    return new KnobsError('E_SPAWN', `${what}: \`${cmd}\` was not found on PATH, so Knobs cannot talk to Slurm`, {
      hint: `run Knobs on a Slurm login node (where \`${cmd}\` works), or add the Slurm client tools to PATH; without Slurm, use \`executor: {type: local}\``,
    });
  }
  const said = (r.stderr || r.stdout || '').trim().split('\n').filter(Boolean).slice(-4).join('\n') || `exit ${r.code}`;
  let hint = `run the same \`${cmd}\` by hand to see what Slurm expects`;
  if (/Unable to contact slurm controller|Connection refused|connect failure|Socket timed out|Zero Bytes were transmitted/i.test(said)) {
    hint =
      'the Slurm controller is unreachable: check `scontrol ping` and SLURM_CONF, or wait until the cluster is back (Knobs keeps the sweep resumable)';
  } else if (/invalid partition|partition/i.test(said)) {
    hint = `\`executor.partition\`${ex?.partition ? ` is "${String(ex.partition)}" and` : ''} must name a partition you may use: \`sinfo -s\` lists them`;
  } else if (/Requested node configuration is not available|Invalid generic resource|gres/i.test(said)) {
    hint = 'no node offers what the trial asks for: check `executor.gres` / `gpus_per_trial` against `sinfo -o "%P %G"`';
  } else if (/account|association/i.test(said)) {
    hint = '`executor.account` must be an account you belong to: `sacctmgr show assoc user=$USER` lists them';
  } else if (/qos/i.test(said)) {
    hint = '`executor.qos` must be a QOS your account may use: `sacctmgr show assoc user=$USER format=qos`';
  } else if (/time limit|time_limit|Invalid time/i.test(said)) {
    hint = '`executor.time` must be a Slurm time ("30:00", "4:00:00", "1-00:00:00") within the partition\'s limit';
  }
  return new KnobsError('E_SPAWN', `${what}: Slurm refused: ${said}`, { hint });
}

/** Signal numbers on Linux, for exit statuses above 128 and Slurm's "code:signal". */
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
};
export function signalName(n: number): string | null {
  return SIGNALS[n] ?? (n > 0 ? `SIG${n}` : null);
}
