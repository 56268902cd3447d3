/**
 * Append-only journal writer with group commit.
 * - Lifecycle ops (everything but `metric`) are written and fsynced before `append` returns.
 * - Metric ops are buffered and committed (write + fsync) at least every 200 ms or 4,096 lines,
 *   and always before the next lifecycle op, so the file order is the append order.
 * "Acknowledged" means the fsync returned: `onCommit` reports the highest committed seq.
 * On open, a torn last line (a crash mid-write; never acknowledged) is truncated away.
 */
import * as fs from 'node:fs';
import { KnobsError } from '../errors';
import { isLifecycle, type Op, type OpInput } from './ops';
import { readJournal } from './reader';

export interface JournalWriterOptions {
  /** Identifies this writer (e.g. "runner-<pid>"). */
  workerId: string;
  /** Group-commit window for metric ops (ms). */
  flushIntervalMs?: number;
  /** Group-commit size for metric ops (lines). */
  flushLines?: number;
  /** Injected for fault tests: replaces fs.writeSync/fsyncSync. */
  io?: { write(fd: number, data: string): void; fsync(fd: number): void };
  now?: () => number;
}

export class JournalWriter {
  private fd: number;
  private seq: number;
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private committedSeq: number;
  private closed = false;
  private failed: KnobsError | undefined;
  private readonly io: NonNullable<JournalWriterOptions['io']>;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private readonly flushLines: number;
  /** Called after a failed write: the runner stops cleanly. */
  onError: ((err: KnobsError) => void) | undefined;

  private constructor(readonly path: string, private readonly opts: JournalWriterOptions, fd: number, lastSeq: number) {
    this.fd = fd;
    this.seq = lastSeq;
    this.committedSeq = lastSeq;
    this.io = opts.io ?? { write: (f, d) => fs.writeSync(f, d), fsync: (f) => fs.fsyncSync(f) };
    this.now = opts.now ?? Date.now;
    this.flushIntervalMs = opts.flushIntervalMs ?? 200;
    this.flushLines = opts.flushLines ?? 4096;
  }

  /** Opens (creating if needed) a journal for appending; repairs a torn last line. */
  static open(path: string, opts: JournalWriterOptions): JournalWriter {
    let lastSeq = 0;
    if (fs.existsSync(path) && fs.statSync(path).isFile()) {
      const { ops, validBytes } = readJournal(path);
      const size = fs.statSync(path).size;
      if (validBytes < size) {
        try {
          fs.truncateSync(path, validBytes);
        } catch (e) {
          throw diskError(path, e);
        }
      }
      lastSeq = ops.length ? ops[ops.length - 1].seq : 0;
    }
    let fd: number;
    try {
      fd = fs.openSync(path, 'a');
    } catch (e) {
      throw diskError(path, e);
    }
    return new JournalWriter(path, opts, fd, lastSeq);
  }

  get lastSeq(): number {
    return this.seq;
  }
  get acknowledgedSeq(): number {
    return this.committedSeq;
  }

  /** Stamps seq/w/t and appends. Throws KnobsError('E_DISK') if the disk refuses. */
  append<T extends OpInput>(input: T): Op {
    if (this.failed) throw this.failed;
    if (this.closed) throw new KnobsError('E_JOURNAL', `journal ${this.path} is closed`);
    const op = { ...input, seq: ++this.seq, w: this.opts.workerId, t: this.now() } as unknown as Op;
    this.buffer.push(JSON.stringify(op) + '\n');
    if (isLifecycle(op) || this.buffer.length >= this.flushLines) {
      this.commit();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.commit();
        } catch (e) {
          // reported through onError; the next append rethrows
        }
      }, this.flushIntervalMs);
    }
    return op;
  }

  /** Writes and fsyncs everything buffered. */
  commit(): void {
    if (this.failed) throw this.failed;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const data = this.buffer.join('');
    const lines = this.buffer.length;
    try {
      this.io.write(this.fd, data);
      this.io.fsync(this.fd);
    } catch (e) {
      this.failed = diskError(this.path, e);
      this.onError?.(this.failed);
      throw this.failed;
    }
    this.buffer = [];
    this.committedSeq = this.seq;
    void lines;
  }

  close(): void {
    if (this.closed) return;
    try {
      if (!this.failed) this.commit();
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
  }
}

export function diskError(path: string, e: unknown): KnobsError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (e as Error)?.message ?? String(e);
  return new KnobsError('E_DISK', `cannot write the journal ${path}: ${why}`, {
    hint: code === 'ENOSPC' ? 'free some disk space, then run `knobs resume`' : 'check the folder is writable, or move .knobs with --dir',
    cause: e,
  });
}
