/**
 * Append-only journal writer with group commit.
 * - Every lifecycle op (everything but `metric` and `gpu_status`) is written to the file (one
 *   write(2), with any metric ops buffered before it, so the file order is the append order)
 *   before `append` returns: a runner that dies right after `append` (SIGKILL, a crash) loses
 *   nothing, since the kernel holds the bytes.
 * - The fsync that makes them survive an OS crash or a power cut is started at once, off the
 *   event loop (libuv's thread pool), and shared by every op written while it runs (group
 *   commit across concurrent trials): the runner goes on (spawns the next trial) while the disk
 *   flushes, instead of blocking ~1–5 ms per op. `acknowledgedSeq` is the highest seq whose
 *   fsync has returned; `settled()` waits for it to reach `lastSeq`.
 * - Metric ops are buffered in memory and written at least every 200 ms or 4,096 lines, and
 *   always before the next lifecycle op; their fsync is group-committed the same way.
 * - `commit()` writes and fsyncs synchronously (a barrier); `close()` does it last.
 * On open, a torn last line (a crash mid-write; never acknowledged) is truncated away.
 * A failed write throws E_DISK from `append`; a failed fsync is reported through `onError`,
 * and every later `append` throws it.
 */
import * as fs from 'node:fs';
import { KnobsError } from '../errors';
import { isLifecycle, type MetricOp, type Op, type OpInput } from './ops';
import { readJournal } from './reader';

export interface JournalWriterOptions {
  /** Identifies this writer (e.g. "runner-<pid>"). */
  workerId: string;
  /** Group-commit window for metric ops (ms). */
  flushIntervalMs?: number;
  /** Group-commit size for metric ops (lines). */
  flushLines?: number;
  /**
   * Injected for fault tests: replaces fs.writeSync/fsyncSync. The background fsync then calls
   * `fsync` from a setImmediate instead of the thread pool.
   */
  io?: { write(fd: number, data: string): void; fsync(fd: number): void };
  now?: () => number;
}

export class JournalWriter {
  private fd: number;
  private seq: number;
  /**
   * Lines not yet written, already UTF-8 encoded into one reused Buffer: no string per line
   * lives past its append (thousands of buffered strings were promoted and then collected).
   */
  private pending = Buffer.allocUnsafe(INITIAL_PENDING);
  private pendingLen = 0;
  private pendingLines = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Highest seq written to the file (not necessarily fsynced). */
  private writtenSeq: number;
  /** Highest seq whose fsync returned. */
  private committedSeq: number;
  /** An fsync is running in the background. */
  private syncing = false;
  /** Close the fd once the background fsync returns. */
  private closeAfterSync = false;
  private waiters: (() => void)[] = [];
  private closed = false;
  private failed: KnobsError | undefined;
  private readonly io: NonNullable<JournalWriterOptions['io']>;
  private readonly injectedIo: boolean;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private readonly flushLines: number;
  private readonly workerJson: string;
  /** JSON of metric names seen so far (names repeat on every report). */
  private readonly keyJson = new Map<string, string>();
  /** The line of the last op appended, with its "\n" (the CLI's --json echoes it as is). */
  lastLine = '';
  /** Called after a failed write or fsync: the runner stops cleanly. */
  onError: ((err: KnobsError) => void) | undefined;

  private constructor(
    readonly path: string,
    private readonly opts: JournalWriterOptions,
    fd: number,
    lastSeq: number,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
    this.writtenSeq = lastSeq;
    this.committedSeq = lastSeq;
    this.injectedIo = !!opts.io;
    this.io = opts.io ?? { write: (f, d) => fs.writeSync(f, d), fsync: (f) => fs.fsyncSync(f) };
    this.now = opts.now ?? Date.now;
    this.flushIntervalMs = opts.flushIntervalMs ?? 200;
    this.flushLines = opts.flushLines ?? 4096;
    this.workerJson = JSON.stringify(opts.workerId);
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
  /** The highest seq known to be on disk (its fsync returned). */
  get acknowledgedSeq(): number {
    return this.committedSeq;
  }

  /**
   * Stamps seq/w/t and appends. Lifecycle ops are written before it returns (their fsync runs
   * in the background). Throws KnobsError('E_DISK') if the disk refuses.
   * `valuesJson` (metric ops only): the text of the `values` object between its braces, as the
   * trial printed it (ReportParser.valuesJson); it must parse to the same values. It is copied
   * into the line instead of formatting each number again.
   */
  append<T extends OpInput>(input: T, valuesJson?: string): Op {
    if (this.failed) throw this.failed;
    if (this.closed) throw new KnobsError('E_JOURNAL', `journal ${this.path} is closed`);
    const seq = ++this.seq;
    const t = this.now();
    let op: Op;
    let line: string;
    if (input.op === 'metric') {
      const m = input as unknown as Omit<MetricOp, 'seq' | 'w' | 't'>;
      op = { op: 'metric', trial: m.trial, attempt: m.attempt, step: m.step, values: m.values, seq, w: this.opts.workerId, t };
      line = this.metricLine(m, seq, t, valuesJson);
    } else {
      op = { ...input, seq, w: this.opts.workerId, t } as unknown as Op;
      line = `${JSON.stringify(op)}\n`;
    }
    this.lastLine = line;
    this.enqueue(line);
    if (isLifecycle(op) || this.pendingLines >= this.flushLines) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.flush();
        } catch (_e) {
          // reported through onError; the next append rethrows
        }
      }, this.flushIntervalMs);
    }
    return op;
  }

  /**
   * The JSON line of a metric op, built without an intermediate object: the same text as
   * JSON.stringify({op, trial, attempt, step, values, seq, w, t}) (non-finite numbers are
   * null there too; the runner sends them as the strings "NaN", "Infinity", "-Infinity"),
   * except that values given as `valuesJson` keep their printed text.
   */
  private metricLine(m: Omit<MetricOp, 'seq' | 'w' | 't'>, seq: number, t: number, valuesJson: string | undefined): string {
    const values = valuesJson ?? this.valuesJson(m.values as Record<string, unknown>);
    return (
      '{"op":"metric","trial":' +
      jsonValue(m.trial) +
      ',"attempt":' +
      jsonValue(m.attempt) +
      ',"step":' +
      jsonValue(m.step) +
      ',"values":{' +
      values +
      '},"seq":' +
      seq +
      ',"w":' +
      this.workerJson +
      ',"t":' +
      jsonValue(t) +
      '}\n'
    );
  }

  private valuesJson(v: Record<string, unknown>): string {
    let values = '';
    for (const k in v) {
      const x = v[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      let kj = this.keyJson.get(k);
      if (kj === undefined) {
        kj = JSON.stringify(k);
        if (this.keyJson.size < 10_000) this.keyJson.set(k, kj);
      }
      values += `${(values ? ',' : '') + kj}:${jsonValue(x)}`;
    }
    return values;
  }

  private enqueue(line: string): void {
    const room = line.length * 3; // the most UTF-8 bytes a JS string of this length can need
    if (this.pendingLen + room > this.pending.length) {
      let size = this.pending.length * 2;
      while (size < this.pendingLen + room) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.pending.copy(grown, 0, 0, this.pendingLen);
      this.pending = grown;
    }
    this.pendingLen += this.pending.write(line, this.pendingLen, 'utf8');
    this.pendingLines++;
  }

  /** Hands the pending bytes to the kernel (one write, looped on short writes); throws E_DISK. */
  private writePending(): void {
    if (this.pendingLen === 0) return;
    try {
      if (this.injectedIo) this.io.write(this.fd, this.pending.toString('utf8', 0, this.pendingLen));
      else {
        for (let off = 0; off < this.pendingLen; ) {
          const n = fs.writeSync(this.fd, this.pending, off, this.pendingLen - off);
          if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'EIO' });
          off += n;
        }
      }
    } catch (e) {
      this.fail(e);
    }
    this.pendingLen = 0;
    this.pendingLines = 0;
    if (this.pending.length > MAX_KEPT_PENDING) this.pending = Buffer.allocUnsafe(INITIAL_PENDING);
    this.writtenSeq = this.seq;
  }

  /** Writes everything buffered (one write) and starts a background fsync. */
  private flush(): void {
    if (this.failed) throw this.failed;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pendingLen === 0) return;
    this.writePending();
    this.startSync();
  }

  /** One fsync at a time; ops written while it runs share the next one. */
  private startSync(): void {
    if (this.syncing || this.failed || this.closed) return;
    if (this.committedSeq >= this.writtenSeq) return;
    this.syncing = true;
    let target = this.writtenSeq;
    const fd = this.fd;
    const done = (e: unknown) => {
      this.syncing = false;
      if (this.closeAfterSync) {
        this.closeAfterSync = false;
        closeQuietly(fd);
      }
      if (e && !this.closed && !this.failed) {
        try {
          this.fail(e);
        } catch {
          /* reported through onError */
        }
      }
      if (!e) this.committedSeq = Math.max(this.committedSeq, target);
      if (!this.closed && !this.failed && this.committedSeq < this.writtenSeq) return this.startSync();
      this.wake();
    };
    if (this.injectedIo) {
      setImmediate(() => {
        if (this.closed) return done(null);
        target = this.writtenSeq; // everything written by now is covered
        try {
          this.io.fsync(fd);
          done(null);
        } catch (e) {
          done(e);
        }
      });
    } else {
      fs.fsync(fd, done);
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Resolves once everything appended so far is on disk (or the writer failed or closed);
   * buffered metric ops are written first.
   */
  settled(): Promise<void> {
    if (!this.failed && !this.closed && this.pendingLen) {
      try {
        this.flush();
      } catch {
        /* failed: resolves below */
      }
    }
    if (this.failed || this.closed || this.committedSeq >= this.seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes and fsyncs everything buffered, synchronously (a barrier). */
  commit(): void {
    if (this.failed) throw this.failed;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writePending();
    try {
      if (this.committedSeq < this.seq) this.io.fsync(this.fd);
    } catch (e) {
      this.fail(e);
    }
    this.committedSeq = this.seq;
    this.wake();
  }

  private fail(e: unknown): never {
    this.failed = diskError(this.path, e);
    this.onError?.(this.failed);
    throw this.failed;
  }

  close(): void {
    if (this.closed) return;
    try {
      if (!this.failed) this.commit();
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      if (this.syncing)
        this.closeAfterSync = true; // the background fsync still uses the fd
      else closeQuietly(this.fd);
      this.wake();
    }
  }
}

const INITIAL_PENDING = 64 * 1024;
const MAX_KEPT_PENDING = 4 * 1024 * 1024;

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** JSON.stringify of a value inside a metric op, without the call for plain finite numbers. */
function jsonValue(x: unknown): string {
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : 'null';
  return JSON.stringify(x) ?? 'null';
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
          : ((e as Error)?.message ?? String(e));
  return new KnobsError('E_DISK', `cannot write the journal ${path}: ${why}`, {
    hint: code === 'ENOSPC' ? 'free some disk space, then run `knobs resume`' : 'check the folder is writable, or move .knobs with --dir',
    cause: e,
  });
}
