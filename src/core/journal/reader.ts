/**
 * Reads journal lines. `readJournal` reads a whole file; `JournalTail` reads incrementally from a
 * byte offset (for the CLI status, the extension and the dashboard), keeping a partial last line
 * until it is complete. A torn last line (no trailing newline, or invalid JSON at the very end)
 * is not an op; invalid lines in the middle are reported as `bad` and skipped.
 */
import * as fs from 'node:fs';
import type { Op } from './ops';

export interface ReadResult {
  ops: Op[];
  /** Bytes up to the end of the last complete, valid line. */
  validBytes: number;
  /** 1-based line numbers of corrupt lines that were skipped (not at the end). */
  bad: number[];
}

export function parseJournalText(buf: Buffer): ReadResult {
  const ops: Op[] = [];
  const bad: number[] = [];
  let start = 0;
  let line = 0;
  let validBytes = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) break; // torn tail: ignored
    line++;
    const text = buf.toString('utf8', start, nl);
    const op = parseOpLine(text);
    if (op) ops.push(op);
    else if (text.trim() !== '') bad.push(line);
    start = nl + 1;
    validBytes = start;
  }
  // a corrupt *last* complete line is treated as torn too (crash while the OS flushed a partial page)
  if (bad.length && bad[bad.length - 1] === line) {
    bad.pop();
    validBytes = lastLineStart(buf, validBytes);
  }
  return { ops, validBytes, bad };
}

function lastLineStart(buf: Buffer, end: number): number {
  const prev = buf.lastIndexOf(10, end - 2);
  return prev === -1 ? 0 : prev + 1;
}

export function parseOpLine(text: string): Op | null {
  if (text?.[0] !== '{') return null;
  try {
    const o = JSON.parse(text);
    if (o && typeof o === 'object' && typeof o.op === 'string' && typeof o.seq === 'number') return o as Op;
  } catch {
    /* corrupt */
  }
  return null;
}

export function readJournal(path: string): ReadResult {
  return parseJournalText(fs.readFileSync(path));
}

/** Incremental reader: call `read()` whenever the file may have grown. */
export class JournalTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  constructor(readonly path: string) {}

  /** New complete ops since the last call ([] if none or the file is missing). */
  read(): Op[] {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch {
      return [];
    }
    const out: Op[] = [];
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        // a new writer truncated the torn line we were holding: drop it and continue from there
        this.offset = this.offset - this.partial.length <= size ? this.offset - this.partial.length : 0;
        this.partial = Buffer.alloc(0);
      }
      while (this.offset < size) {
        const len = Math.min(size - this.offset, 1 << 20);
        const chunk = Buffer.alloc(len);
        const n = fs.readSync(fd, chunk, 0, len, this.offset);
        if (n <= 0) break;
        this.offset += n;
        let buf = this.partial.length ? Buffer.concat([this.partial, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        for (;;) {
          const nl = buf.indexOf(10, start);
          if (nl === -1) break;
          const op = parseOpLine(buf.toString('utf8', start, nl));
          if (op) out.push(op);
          start = nl + 1;
        }
        this.partial = Buffer.from(buf.subarray(start));
        buf = Buffer.alloc(0);
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }
}
