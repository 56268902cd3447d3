/**
 * The "Knobs" output channel and the one wrapper every command goes through: an error becomes a
 * notification plus a line in the channel.
 */
import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './commandIds';
import { errorLog, errorMessage } from './errorText';

export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  show(): void;
}

export function createLog(): Log & vscode.Disposable {
  const ch = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  return {
    info: (m) => ch.info(m),
    warn: (m) => ch.warn(m),
    error: (m) => ch.error(m),
    show: () => ch.show(true),
    dispose: () => ch.dispose(),
  };
}

/** Reports an error: output channel (full) + notification (short, with "Show Logs"). */
export function reportError(log: Log, what: string, e: unknown): void {
  log.error(`${what}: ${errorLog(e)}`);
  void vscode.window.showErrorMessage(`Knobs: ${what}: ${errorMessage(e)}`, 'Show Logs').then((pick) => {
    if (pick) log.show();
  });
}

/** Wraps a command handler: errors (sync or async) are reported, never thrown into VS Code. */
export function guarded<A extends unknown[]>(log: Log, what: string, fn: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      reportError(log, what, e);
    }
  };
}
