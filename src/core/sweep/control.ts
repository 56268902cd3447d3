/**
 * The control channel: `control.jsonl`, appended by anyone (CLI, extension), read only by the
 * runner, which alone writes the journal. Each line: {"id", "cmd", "trial"?, "t"}.
 * The runner reads from the size the file had when it started, so commands never replay.
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileSize } from '../fileSize';

export type ControlCommand =
  | { id: string; cmd: 'stop'; trial?: number; t: number }
  | { id: string; cmd: 'resume_launching'; t: number };

export function sendControl(controlPath: string, cmd: { cmd: 'stop'; trial?: number } | { cmd: 'resume_launching' }): ControlCommand {
  const full = { id: randomUUID(), ...cmd, t: Date.now() } as ControlCommand;
  const fd = fs.openSync(controlPath, 'a');
  try {
    fs.writeSync(fd, JSON.stringify(full) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return full;
}

export class ControlReader {
  private offset: number;
  private partial = '';
  constructor(private readonly controlPath: string, fromStart = false) {
    this.offset = fromStart ? 0 : fileSize(controlPath);
  }
  read(): ControlCommand[] {
    const size = fileSize(this.controlPath);
    if (size <= this.offset) return [];
    const fd = fs.openSync(this.controlPath, 'r');
    const buf = Buffer.alloc(size - this.offset);
    try {
      fs.readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      fs.closeSync(fd);
    }
    this.offset = size;
    const text = this.partial + buf.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    const out: ControlCommand[] = [];
    for (const line of lines) {
      const cmd = parseControl(line);
      if (cmd) out.push(cmd);
    }
    return out;
  }
}

/** Validates one control line; anything malformed is ignored. */
export function parseControl(line: string): ControlCommand | null {
  try {
    const o = JSON.parse(line);
    if (!o || typeof o !== 'object' || typeof o.id !== 'string') return null;
    if (o.cmd === 'stop' && (o.trial === undefined || (Number.isInteger(o.trial) && o.trial > 0))) return o;
    if (o.cmd === 'resume_launching') return o;
  } catch {
    /* ignore */
  }
  return null;
}

