/**
 * A throwaway single-node Slurm cluster for the tests (the recipe of ../shared/SLURM.md):
 * munged, slurmctld and slurmd started directly as root (no systemd), the config, state, spool,
 * logs and job-completion file under a temp folder (found by the daemons and the client tools
 * through SLURM_CONF, so /etc/slurm is never touched), and 2 fake `gres/gpu` backed by symlinks
 * to /dev/null so that GPU requests can be scheduled.
 *
 * One cluster per machine at a time: a lock folder in the OS temp dir (with the owner's pid; a
 * dead owner's lock is taken over) serialises test files that each want one, including other
 * checkouts' test runs. A test file brings its cluster up once (`startCluster`) and shares it
 * between its tests; `stop()` cancels every job, then ends slurmd, slurmctld and (if we started
 * it) munged by the PIDs recorded, and removes the temp folder.
 *
 * When the cluster cannot start, `startCluster` returns `{ ok: false, reason }` and the tests fail
 * with that reason (`gate`). The one exception is a machine where it cannot exist (not root, Slurm
 * not installed: `slurmAbsent`, with `absent: true`): there the tests are skipped with the reason,
 * unless KNOBS_REQUIRE_ALL=1 (CI, whose setup installs Slurm), which makes that a failure too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const requireAll = process.env.KNOBS_REQUIRE_ALL === '1';

export interface Cluster {
  ok: true;
  /** The temp folder holding config, state and logs. */
  dir: string;
  confPath: string;
  partition: string;
  /** Environment for Slurm commands (and executors): process.env + SLURM_CONF. */
  env: NodeJS.ProcessEnv;
  /** Daemons started, by name → pid. */
  pids: Record<string, number>;
  /** The last lines of the daemons' logs (for failure messages). */
  logs(): string;
  stop(): void;
}

export type ClusterResult = Cluster | { ok: false; reason: string; absent?: boolean };

const LOCK = path.join(os.tmpdir(), 'knobs-slurm-cluster.lock');

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? process.env, input: opts.input, timeout: opts.timeout ?? 30_000 });
  return { code: r.status, out: r.stdout ?? '', err: (r.stderr ?? '') + (r.error ? String(r.error.message) : '') };
}

function which(cmd: string): string | undefined {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A zombie counts as gone (PID 1 may reap late). */
function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function waitUntil(pred: () => boolean, ms: number, stepMs = 100): boolean {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    sleep(stepMs);
  }
  return pred();
}

/** Takes the machine-wide cluster lock, waiting for another holder (up to `waitMs`). */
function takeLock(waitMs: number): string | undefined {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return `cannot create the lock ${LOCK}: ${(e as Error).message}`;
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      /* being written */
    }
    const age = (() => {
      try {
        return Date.now() - fs.statSync(LOCK).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || (Number.isNaN(owner) && age > 10_000)) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > end) return `another Slurm test cluster (pid ${owner}) held ${LOCK} for longer than ${waitMs / 1000} s`;
    sleep(250);
  }
}

function releaseLock(): void {
  try {
    if (Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8')) === process.pid) fs.rmSync(LOCK, { recursive: true, force: true });
  } catch {
    /* gone */
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function mungeWorks(): boolean {
  const enc = run('munge', ['-n'], { timeout: 5000 });
  if (enc.code !== 0) return false;
  return run('unmunge', [], { input: enc.out, timeout: 5000 }).code === 0;
}

/** Starts munged unless one already answers; returns its pid when we started it. */
function startMunge(): { pid?: number; error?: string } {
  if (mungeWorks()) return {};
  const munged = which('munged');
  if (!munged) return { error: 'munged is not installed (run `node scripts/setupSlurm.mjs` as root)' };
  fs.mkdirSync('/run/munge', { recursive: true, mode: 0o755 });
  const ids = run('id', ['-u', 'munge']);
  const gid = run('id', ['-g', 'munge']);
  if (ids.code !== 0) return { error: 'there is no `munge` user (is the munge package installed?)' };
  const uid = Number(ids.out.trim());
  const g = Number(gid.out.trim());
  fs.chownSync('/run/munge', uid, g);
  fs.chmodSync('/run/munge', 0o755);
  const key = '/etc/munge/munge.key';
  if (!fs.existsSync(key)) {
    const mk = run(which('mungekey') ?? 'mungekey', ['--create']);
    if (mk.code !== 0) return { error: `mungekey --create failed: ${mk.err.trim()}` };
  }
  fs.chownSync(key, uid, g);
  fs.chmodSync(key, 0o400);
  const r = run('runuser', ['-u', 'munge', '--', munged]);
  if (r.code !== 0) return { error: `munged did not start: ${(r.err || r.out).trim()}` };
  if (!waitUntil(mungeWorks, 5000)) return { error: '`munge -n | unmunge` fails after starting munged' };
  const pid = readPid('/run/munge/munged.pid');
  return { pid };
}

export interface ClusterOptions {
  /** Fake GPUs on the node (default 2). */
  gpus?: number;
  /** How long to wait for another test file's cluster to go away (default 10 min). */
  lockWaitMs?: number;
}

/** Why this machine cannot run the test cluster at all (not root, Slurm not installed), or undefined. */
export function slurmAbsent(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'the Slurm test cluster needs root (it starts munged, slurmctld and slurmd)';
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo', 'sacct', 'scontrol', 'srun'].filter(
    (c) => !which(c),
  );
  if (missing.length) return `Slurm is not installed (missing ${missing.join(', ')}): run \`node scripts/setupSlurm.mjs\` as root`;
  return undefined;
}

/** Why the Slurm tests are skipped here: Slurm cannot exist on this machine and KNOBS_REQUIRE_ALL is unset. */
export function slurmSkip(): string | undefined {
  const absent = requireAll ? undefined : slurmAbsent();
  return absent && `Slurm test cluster unavailable: ${absent}`;
}

/** Brings up the cluster (synchronously apart from port picking); never throws. */
export async function startCluster(opts: ClusterOptions = {}): Promise<ClusterResult> {
  const absent = slurmAbsent();
  if (absent) return { ok: false, reason: absent, absent: true };
  const lockErr = takeLock(opts.lockWaitMs ?? 600_000);
  if (lockErr) return { ok: false, reason: lockErr };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-slurm-'));
  const pids: Record<string, number> = {};
  const confPath = path.join(dir, 'slurm.conf');
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: confPath };
  const logs = () => ['slurmctld', 'slurmd'].map((n) => `--- ${n}.log\n${tail(path.join(dir, `${n}.log`))}`).join('\n');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (pids.slurmctld && running(pids.slurmctld))
      run('scancel', ['--full', '--signal=KILL', '-u', os.userInfo().username], { env, timeout: 10_000 });
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      const pid = pids[name];
      if (!pid) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      const pid = pids[name];
      if (!pid) continue;
      if (!waitUntil(() => !running(pid), 5000)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        waitUntil(() => !running(pid), 2000);
      }
    }
    // job leftovers (slurmstepd of killed jobs) carry our temp dir in their config path
    fs.rmSync(dir, { recursive: true, force: true });
    releaseLock();
  };
  const fail = (reason: string): ClusterResult => {
    const detail = logs();
    stop();
    return { ok: false, reason: `${reason}${detail.trim() ? `\n${detail}` : ''}` };
  };
  try {
    const munge = startMunge();
    if (munge.error) return fail(munge.error);
    if (munge.pid) pids.munged = munge.pid;

    const nodeLine = run('slurmd', ['-C'], { env });
    const m = /^NodeName=(\S+)(.*)$/m.exec(nodeLine.out);
    if (!m) return fail(`\`slurmd -C\` did not print a node line: ${(nodeLine.err || nodeLine.out).trim()}`);
    const node = m[1];
    const nodeAttrs = m[2].trim();
    const gpus = opts.gpus ?? 2;
    const fakedev = path.join(dir, 'fakedev');
    fs.mkdirSync(fakedev);
    for (let i = 0; i < gpus; i++) fs.symlinkSync('/dev/null', path.join(fakedev, `nvidia${i}`));
    for (const d of ['state', 'spool']) fs.mkdirSync(path.join(dir, d));
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = [
      'ClusterName=knobstest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      'SlurmctldDebug=info',
      'SlurmdDebug=info',
      'MpiDefault=none',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'DefMemPerCPU=1024',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=batch_sched_delay=0',
      'MinJobAge=3600',
      'KillWait=5',
      'ReturnToService=2',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${dir}/jobcomp.txt`,
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      gpus > 0 ? 'GresTypes=gpu' : '',
      `NodeName=${node} NodeAddr=127.0.0.1 ${nodeAttrs.replace(/\s*UpTime=\S+/, '')}${gpus > 0 ? ` Gres=gpu:${gpus}` : ''} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].filter((l, i, a) => l !== '' || i === a.length - 1);
    fs.writeFileSync(confPath, conf.join('\n'));
    fs.writeFileSync(
      path.join(dir, 'gres.conf'),
      gpus > 0 ? `AutoDetect=off\nName=gpu File=${fakedev}/nvidia[0-${gpus - 1}]\n` : 'AutoDetect=off\n',
    );

    const ctld = run('slurmctld', ['-i'], { env });
    if (ctld.code !== 0) return fail(`slurmctld did not start (exit ${ctld.code}): ${(ctld.err || ctld.out).trim()}`);
    if (!waitUntil(() => readPid(path.join(dir, 'slurmctld.pid')) !== undefined, 5000)) return fail('slurmctld wrote no pid file');
    pids.slurmctld = readPid(path.join(dir, 'slurmctld.pid'))!;
    const d = run('slurmd', [], { env });
    if (d.code !== 0) return fail(`slurmd did not start (exit ${d.code}): ${(d.err || d.out).trim()}`);
    if (!waitUntil(() => readPid(path.join(dir, 'slurmd.pid')) !== undefined, 5000)) return fail('slurmd wrote no pid file');
    pids.slurmd = readPid(path.join(dir, 'slurmd.pid'))!;
    let last = '';
    const idle = waitUntil(
      () => {
        const s = run('sinfo', ['-h', '-N', '-o', '%t'], { env, timeout: 5000 });
        last = (s.out + s.err).trim();
        return /^idle/m.test(s.out);
      },
      30_000,
      200,
    );
    if (!idle) return fail(`the node never became idle (sinfo: ${last || 'no answer'})`);
    return { ok: true, dir, confPath, partition: 'debug', env, pids, logs, stop };
  } catch (e) {
    return fail(`cannot start the Slurm test cluster: ${(e as Error).message}`);
  }
}

/**
 * The gate for a Slurm test: a cluster that did not start is a failure with the reason; on a
 * machine without Slurm (or root) the test is skipped with it, unless KNOBS_REQUIRE_ALL=1.
 */
export function gate(t: { skip(message?: string): void }, c: ClusterResult): c is Cluster {
  if (c.ok) return true;
  const skip = c.absent ? slurmSkip() : undefined;
  if (skip) {
    t.skip(skip);
    return false;
  }
  throw new Error(clusterFailure(c));
}

/** The failure message of a cluster that did not start (for tests and harnesses that need one). */
export function clusterFailure(c: ClusterResult): string {
  if (c.ok) return '';
  return c.absent
    ? `Slurm test cluster unavailable (KNOBS_REQUIRE_ALL=1 makes this a failure): ${c.reason}`
    : `Slurm test cluster did not start: ${c.reason}`;
}

/** squeue's view of one job ('' when Slurm no longer lists it). */
export function jobState(c: Cluster, jobId: string): string {
  try {
    return execFileSync('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%T'], {
      env: c.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}
