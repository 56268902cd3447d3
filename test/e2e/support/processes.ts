/** Process helpers for the e2e suite: polling, process groups, and tagged-process cleanup. */
import * as fs from 'node:fs';
import * as net from 'node:net';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws with `what` (and the last value seen) on timeout. */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 250;
  const t0 = Date.now();
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() - t0 > timeoutMs) {
      const detail = lastErr ? `; last error: ${(lastErr as Error).message ?? lastErr}` : `; last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process that exited but was not reaped yet counts as gone. */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return isAlive(pid);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** SIGTERM to the group led by `pgid`, then SIGKILL to whatever is left after `graceMs`. */
export async function killGroup(pgid: number, graceMs = 3000): Promise<void> {
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const t0 = Date.now();
  while (Date.now() - t0 < graceMs) {
    if (!signalGroup(0 as unknown as NodeJS.Signals)) return;
    await sleep(100);
  }
  signalGroup('SIGKILL');
}

/**
 * Pids of processes whose environment holds `KNOBS_E2E_TAG=<tag>`: everything the test's
 * code-server started, including the Knobs runner (detached by design, in its own session)
 * and its trials. Only processes this test run started carry the tag.
 */
export function taggedPids(tag: string): number[] {
  const needle = Buffer.from(`KNOBS_E2E_TAG=${tag}\0`);
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = +name;
    if (pid === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`);
      if (env.indexOf(needle) >= 0) out.push(pid);
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

/** Ends every tagged process by pid: SIGTERM, then SIGKILL after `graceMs`. Returns how many there were. */
export async function killTagged(tag: string, graceMs = 3000): Promise<number> {
  const pids = taggedPids(tag);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const t0 = Date.now();
  while (Date.now() - t0 < graceMs && pids.some(isRunning)) await sleep(100);
  for (const pid of pids.filter(isRunning)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return pids.length;
}
