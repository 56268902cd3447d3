/** Error → one-line notification text and a full log text. Pure (no vscode). */
import { isKnobsError } from '../core/errors';

export function errorMessage(e: unknown): string {
  if (isKnobsError(e)) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorLog(e: unknown): string {
  if (isKnobsError(e)) return `${e.code}: ${e.format()}`;
  if (e instanceof Error) return e.stack ?? e.message;
  return String(e);
}
