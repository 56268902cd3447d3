/**
 * Splits a byte stream (a trial's stdout) into lines, in bounded memory.
 * - Lines end at "\n"; a "\r" just before it is dropped. A lone "\r" (progress bars) stays in
 *   the line: the report parser takes the last value of each name in a line, which is what a
 *   terminal would show last.
 * - Bytes are decoded as UTF-8 per line, with U+FFFD for invalid sequences, so binary garbage
 *   survives. "\n" never occurs inside a UTF-8 sequence, so chunk boundaries cannot split a
 *   character across lines.
 * - A line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes (cut back to a
 *   character boundary), is marked `truncated`, and the rest up to the next "\n" is dropped.
 */

export interface SplitLine {
  text: string;
  /** The line was longer than the cap; `text` is its beginning. */
  truncated: boolean;
}

export interface LineSplitterOptions {
  /** Default 1 MiB. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

export class LineSplitter {
  private readonly max: number;
  /** Pieces of the current line (total `pendingBytes` ≤ max). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The current line went over the cap; skip until "\n". */
  private overflow = false;

  constructor(opts: LineSplitterOptions = {}) {
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`maxLineBytes is ${max} but must be an integer ≥ 1`);
    this.max = max;
  }

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Buffer | Uint8Array | string): SplitLine[] {
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: SplitLine[] = [];
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1) {
        this.append(buf.subarray(start));
        break;
      }
      if (this.pendingBytes === 0 && !this.overflow && nl - start <= this.max) {
        // the whole line is in this chunk (the usual case): decode it in place, no copy
        const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
        lines.push({ text: decoder.decode(buf.subarray(start, end)), truncated: false });
      } else {
        this.append(buf.subarray(start, nl));
        lines.push(this.take());
      }
      start = nl + 1;
    }
    return lines;
  }

  /** The unterminated tail as a last line, or null if there is none. Resets the splitter. */
  flush(): SplitLine | null {
    if (this.pendingBytes === 0 && !this.overflow) return null;
    return this.take();
  }

  /** Bytes held for the current unfinished line (never more than the cap). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow) return;
    const room = this.max - this.pendingBytes;
    if (piece.length <= room) {
      // Copy: the caller may reuse its chunk buffer.
      this.pending.push(Buffer.from(piece));
      this.pendingBytes += piece.length;
      return;
    }
    // A "\r" right after the cap would be the "\r\n" terminator; it does not overflow the line.
    if (piece.length === room + 1 && piece[room] === 0x0d) {
      this.pending.push(Buffer.from(piece));
      this.pendingBytes += piece.length;
      return;
    }
    if (room > 0) this.pending.push(Buffer.from(piece.subarray(0, room)));
    this.pendingBytes += Math.max(room, 0);
    this.overflow = true;
  }

  private take(): SplitLine {
    let bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const truncated = this.overflow;
    if (!truncated && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (truncated) bytes = bytes.subarray(0, utf8Boundary(bytes, Math.min(bytes.length, this.max)));
    this.pending = [];
    this.pendingBytes = 0;
    this.overflow = false;
    return { text: decoder.decode(bytes), truncated };
  }
}

/** The largest end ≤ `end` that does not cut a UTF-8 sequence in two. */
function utf8Boundary(bytes: Uint8Array, end: number): number {
  let i = end;
  // Step back over continuation bytes (10xxxxxx), at most 3.
  let back = 0;
  while (i > 0 && back < 3 && (bytes[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return end;
  const lead = bytes[i - 1];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  // The sequence starting at i-1 is complete if it has its `need` bytes before `end`.
  if (need > 1 && end - (i - 1) < need) return i - 1;
  return end;
}
