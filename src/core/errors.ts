/** The one error type of Knobs. Core never shows UI: callers turn it into a message. */
export type KnobsErrorCode =
  | 'E_SWEEP_PARSE' // sweep file is not valid YAML/JSON or fails the schema
  | 'E_SWEEP_IO' // sweep file cannot be read
  | 'E_GRID' // a grid cannot be enumerated
  | 'E_JOURNAL' // journal unreadable / not writable
  | 'E_LOCKED' // another runner holds the sweep
  | 'E_NO_SWEEP' // no sweep folder found
  | 'E_SPACE_CHANGED' // resume refused: search space changed
  | 'E_USAGE' // bad CLI usage
  | 'E_SPAWN' // trial could not be started
  | 'E_DISK' // disk full or read-only
  | 'E_PROMOTE' // promote found no definition of a trial's parameters to write into
  | 'E_INTERNAL';

export interface ErrorLocation {
  file?: string;
  /** 1-based */
  line?: number;
  /** 1-based */
  col?: number;
}

export class KnobsError extends Error {
  readonly code: KnobsErrorCode;
  readonly location?: ErrorLocation;
  /** What would be valid / how to fix it. */
  readonly hint?: string;
  /** Further errors of the same kind (a sweep file may have several). */
  readonly details: readonly string[];

  constructor(
    code: KnobsErrorCode,
    message: string,
    opts: { location?: ErrorLocation; hint?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KnobsError';
    this.code = code;
    this.location = opts.location;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }

  /** "sweep.yaml:3:7: message (fix: hint)" */
  format(): string {
    const loc = this.location;
    const where = loc?.file ? `${loc.file}${loc.line ? `:${loc.line}${loc.col ? `:${loc.col}` : ''}` : ''}: ` : '';
    const lines = [`${where}${this.message}${this.hint ? `\n  fix: ${this.hint}` : ''}`];
    for (const d of this.details) lines.push(d);
    return lines.join('\n');
  }
}

export function isKnobsError(e: unknown): e is KnobsError {
  return e instanceof KnobsError;
}
