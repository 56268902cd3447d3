/**
 * The terminal view of a running sweep. On a TTY: a progress bar and a live table redrawn in
 * place (at most every 250 ms). Otherwise: one line per event (started/completed/failed...).
 * With --json: one JSON object per journal op on stdout (NDJSON), then a summary object.
 */

import { formatDuration } from '../core/format/duration';
import { formatNumber, MISSING } from '../core/format/number';
import type { Op } from '../core/journal/ops';
import { bestTrial, countTrials, type EvaluationState, type SweepState } from '../core/journal/reducer';
import { formatParams } from '../core/space/config';
import { shownParams, style, table, trialHeaders, trialRows } from './format';

export interface LiveViewOptions {
  out: NodeJS.WriteStream;
  json: boolean;
  runCap?: number;
  maxConcurrent: number;
}

export class LiveView {
  private lastLines = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private state: SweepState | undefined;
  private readonly tty: boolean;
  private readonly startedAt = Date.now();

  constructor(private readonly o: LiveViewOptions) {
    this.tty = !!o.out.isTTY && !o.json;
    if (this.tty) this.timer = setInterval(() => this.render(), 250);
  }

  /** --json: lines not yet written (one write per event-loop turn or 64 KiB, not one per op). */
  private jsonPending: string[] = [];
  private jsonBytes = 0;
  private jsonFlushQueued = false;

  /** `line`: the op's journal line (with its "\n"), echoed as is under --json. */
  onOp(op: Op, state: SweepState, line?: string): void {
    this.state = state;
    if (this.o.json) {
      const text = line ?? `${JSON.stringify(op)}\n`;
      this.jsonPending.push(text);
      this.jsonBytes += text.length;
      if (this.jsonBytes >= 1 << 16) this.flush();
      else if (!this.jsonFlushQueued) {
        this.jsonFlushQueued = true;
        setImmediate(() => this.flush());
      }
      return;
    }
    if (this.tty) {
      this.dirty = true;
      return;
    }
    const event = eventLine(op, state);
    if (event) this.o.out.write(`${event}\n`);
  }

  notice(message: string): void {
    if (this.o.json) return;
    this.clear();
    process.stderr.write(`knobs: ${message}\n`);
  }

  private clear(): void {
    if (this.tty && this.lastLines > 0) {
      this.o.out.write(`\x1b[${this.lastLines}A\x1b[0J`);
      this.lastLines = 0;
    }
  }

  render(force = false): void {
    if (!this.tty || !this.state || (!this.dirty && !force)) {
      if (this.tty && this.state) this.redraw(); // elapsed time still moves
      return;
    }
    this.dirty = false;
    this.redraw();
  }

  private redraw(): void {
    const s = this.state!;
    const st = style(this.o.out);
    const cols = this.o.out.columns || 100;
    const c = countTrials(s);
    const cap = this.o.runCap;
    const done = c.finished;
    const frac = cap ? Math.min(1, done / cap) : 0;
    const barW = Math.max(10, Math.min(30, cols - 70));
    const filled = Math.round(frac * barW);
    const bar = cap ? `[${'█'.repeat(filled)}${'░'.repeat(barW - filled)}] ${done}/${cap}` : `${done} finished`;
    const elapsed = Date.now() - (s.created?.t ?? this.startedAt);
    const eta =
      cap && done > 0 && done < cap ? ` · eta ${formatDuration(((Date.now() - this.startedAt) / Math.max(1, done)) * (cap - done))}` : '';
    const best = bestTrial(s);
    const metric = s.created?.metric.name ?? 'value';
    const lines = [
      `${st.bold('knobs')} ${s.created?.sweepId ?? ''} · ${s.created?.method ?? ''} · seed ${s.created?.seed ?? MISSING}`,
      `${bar} · ${st.cyan(`${c.running} running`)} · ${c.failed ? st.red(`${c.failed} failed`) : '0 failed'} · elapsed ${formatDuration(elapsed)}${eta}`,
      best
        ? `best: trial ${best.id} ${metric}=${st.green(formatNumber(best.value))}  ${formatParams(shownParams(s, best.params), cols - 30)}`
        : `best: ${MISSING}`,
    ];
    if (s.paused) lines.push(st.red(`paused: ${s.paused.reason}`));
    for (const line of gpuLines(s)) lines.push(st.dim(line));
    const recent = s.trials.filter((t) => t.status === 'running' || t.status === 'pending');
    const finished = s.trials.filter((t) => t.status !== 'running' && t.status !== 'pending');
    const rows = [...finished.slice(-Math.max(3, 12 - recent.length)), ...recent];
    lines.push('', table(trialHeaders(s), trialRows(s, rows, st, 60), { maxWidth: cols - 1, align: ['r', 'l', 'l', 'r', 'r', 'r', 'l'] }));
    const text = lines.join('\n');
    this.clear();
    this.o.out.write(`${text}\n`);
    this.lastLines = text.split('\n').length;
  }

  /** Stops redrawing; leaves the last frame on screen. */
  /** Writes the --json lines held back so far. */
  flush(): void {
    this.jsonFlushQueued = false;
    if (!this.jsonPending.length) return;
    const text = this.jsonPending.length === 1 ? this.jsonPending[0] : this.jsonPending.join('');
    this.jsonPending = [];
    this.jsonBytes = 0;
    this.o.out.write(text);
  }

  close(): void {
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) {
      this.render(true);
      this.clear();
    }
  }
}

export function eventLine(op: Op, s: SweepState): string | undefined {
  const metric = s.created?.metric.name ?? 'value';
  switch (op.op) {
    case 'trial_started': {
      const t = s.byId.get(op.trial);
      return `trial ${op.trial} started${op.attempt > 1 ? ` (attempt ${op.attempt})` : ''}: ${t ? formatParams(shownParams(s, t.params), 200) : ''}`;
    }
    case 'trial_completed': {
      const t = s.byId.get(op.trial);
      return `trial ${op.trial} completed: ${metric}=${formatNumber(t?.value)}`;
    }
    case 'trial_failed':
      return `trial ${op.trial} failed (${op.kind}, ${op.signal ? `signal ${op.signal}` : `exit ${op.exitCode}`})${op.willRetry ? ', will retry' : ''}`;
    case 'trial_stopped':
      return `trial ${op.trial} ${op.by === 'pruned' ? 'pruned' : 'stopped'}: ${op.reason}`;
    case 'trial_interrupted':
      return `trial ${op.trial} interrupted: ${op.reason}`;
    case 'launch_paused':
      return `launching paused: ${op.reason}`;
    case 'sweep_finished':
      return `sweep finished (${op.reason})`;
    case 'evaluate_started':
      return `evaluate: trial ${op.trial} on held-out test data`;
    case 'evaluate_result':
      return s.evaluation ? `evaluate: trial ${op.trial}: ${evaluationText(s.evaluation)}` : undefined;
    default:
      return undefined;
  }
}

/** "test_acc=0.97 test_loss=0.1", or why the evaluation failed. */
export function evaluationText(e: EvaluationState): string {
  const names = Object.keys(e.metrics).sort();
  const values = names.map((k) => `${k}=${formatNumber(e.metrics[k])}`).join(' ');
  if (e.status === 'running') return 'running';
  if (e.status === 'failed') return `failed: ${e.error ?? `exit code ${e.exitCode}`}${values ? ` (${values})` : ''}`;
  return values || 'no metrics';
}

/** One line per GPU from the latest sample: trials, memory, utilisation. */
export function gpuLines(s: SweepState): string[] {
  if (!s.gpus) return [];
  return s.gpus.gpus.map(
    (g) =>
      `GPU ${g.index} ${g.name} · ${g.trials.length ? `trial${g.trials.length > 1 ? 's' : ''} ${g.trials.join(', ')}` : 'idle'} · ${(g.memoryUsedMiB / 1024).toFixed(1)}/${(g.memoryTotalMiB / 1024).toFixed(0)} GiB · ${g.utilization}% busy`,
  );
}
