/**
 * One runner per sweep: `runner.lock` is created with O_EXCL and holds {pid, host, startedAt}.
 * Its mtime is the runner's heartbeat (touched every few seconds). A lock whose process is gone
 * (same host, pid not alive) is stale and is taken over, so a crash never blocks a resume.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { KnobsError } from '../errors';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
}

export interface RunnerLock {
  info: LockInfo;
  /** Touch the heartbeat. */
  beat(): void;
  release(): void;
}

export const HEARTBEAT_MS = 2000;

export function readLock(lockPath: string): (LockInfo & { heartbeatAt: number }) | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
    const heartbeatAt = fs.statSync(lockPath).mtimeMs;
    if (typeof info.pid !== 'number') return undefined;
    return { ...info, heartbeatAt };
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is a runner alive for this lock? Remote hosts are trusted while their heartbeat is fresh. */
export function lockIsLive(info: LockInfo & { heartbeatAt: number }, now = Date.now()): boolean {
  if (info.host === os.hostname()) return pidAlive(info.pid);
  return now - info.heartbeatAt < HEARTBEAT_MS * 10;
}

export function acquireLock(lockPath: string, sweepId: string): RunnerLock {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: Date.now() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, JSON.stringify(info));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      return {
        info,
        beat() {
          if (released) return;
          const now = new Date();
          try {
            fs.utimesSync(lockPath, now, now);
          } catch {
            /* best effort */
          }
        },
        release() {
          if (released) return;
          released = true;
          try {
            const cur = readLock(lockPath);
            if (cur && cur.pid === info.pid && cur.host === info.host) fs.unlinkSync(lockPath);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KnobsError('E_DISK', `cannot create the runner lock ${lockPath}: ${(e as Error).message}`, {
          hint: 'check the sweep folder is writable',
        });
      }
      const cur = readLock(lockPath);
      if (cur && lockIsLive(cur)) {
        const ago = Math.round((Date.now() - cur.heartbeatAt) / 1000);
        throw new KnobsError(
          'E_LOCKED',
          `sweep ${sweepId} is already being run by pid ${cur.pid} on ${cur.host} (last heartbeat ${ago} s ago)`,
          {
            hint: `watch it with \`knobs status ${sweepId}\`, or stop it with \`knobs stop ${sweepId}\``,
          },
        );
      }
      // stale (crashed runner) or unreadable: take it over
      try {
        fs.unlinkSync(lockPath);
      } catch {
        /* raced with another taker */
      }
    }
  }
  throw new KnobsError('E_LOCKED', `could not take the runner lock ${lockPath}`, { hint: 'another runner is starting; try again' });
}
