/**
 * The control channel: `control.jsonl`, appended by anyone (CLI, extension), read only by the
 * runner, which alone writes the journal. Each line: {"id", "cmd", "trial"?, "t"}.
 * The runner reads from the size the file had when it started, so commands never replay.
 * This module owns the format, sending, reading, and what each command means to a run
 * (`applyControl`): stop the sweep, stop one trial, resume launching. It never stops a process
 * itself: the run's `ControlTarget` (the loop and the trial lifecycle) does.
 */

import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { fileSize } from '../fileSize';
import type { OpInput } from '../journal/ops';
import type { SweepState, TrialRecord } from '../journal/reducer';

export type ControlCommand = { id: string; cmd: 'stop'; trial?: number; t: number } | { id: string; cmd: 'resume_launching'; t: number };

export function sendControl(controlPath: string, cmd: { cmd: 'stop'; trial?: number } | { cmd: 'resume_launching' }): ControlCommand {
  const full = { id: randomUUID(), ...cmd, t: Date.now() } as ControlCommand;
  const fd = fs.openSync(controlPath, 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(full)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return full;
}

export class ControlReader {
  private offset: number;
  private partial = '';
  constructor(
    private readonly controlPath: string,
    fromStart = false,
  ) {
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

/** What control commands act on: the runner provides it. */
export interface ControlTarget {
  readonly state: SweepState;
  /** The run has ended: commands are ignored. */
  readonly done: boolean;
  append(input: OpInput): void;
  /** Launching resumes after a pause: the failure streak starts again. */
  resumeLaunching(): void;
  /** Stops the whole sweep (its trials end as stopped). */
  stopSweep(): void;
  /** Stops one trial: a running one is signalled, one waiting to run is dropped. */
  stopTrial(trial: TrialRecord): void;
}

/** Reads the new commands and applies each; an unreadable file is read again at the next poll. */
export function pollControl(reader: ControlReader, target: ControlTarget): void {
  if (target.done) return;
  let cmds: ControlCommand[];
  try {
    cmds = reader.read();
  } catch {
    return;
  }
  for (const c of cmds) applyControl(c, target);
}

/** Applies one command, journaling stop_requested; a command already handled (in the journal) is ignored. */
export function applyControl(c: ControlCommand, target: ControlTarget): void {
  if (target.state.handledCmds.has(c.id) || target.done) return;
  if (c.cmd === 'resume_launching') {
    if (target.state.paused) target.append({ op: 'launch_resumed' });
    target.resumeLaunching();
    return;
  }
  if (c.trial === undefined) {
    target.append({ op: 'stop_requested', cmd: c.id });
    target.stopSweep();
    return;
  }
  const t = target.state.byId.get(c.trial);
  if (!t) return;
  target.append({ op: 'stop_requested', trial: c.trial, cmd: c.id });
  target.stopTrial(t);
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
