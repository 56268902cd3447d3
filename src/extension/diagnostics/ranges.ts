/**
 * Sweep-file diagnostics → 0-based ranges (pure). The parser's SourceLoc is 1-based with an
 * exclusive end; a loc without an end covers the word at that position (or one character).
 */
import type { Diagnostic as SweepDiagnostic } from '../../core/space/types';

export interface Range0 {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export function diagnosticRange(d: SweepDiagnostic, lines: readonly string[]): Range0 {
  const loc = d.loc ?? { line: 1, col: 1 };
  const startLine = clamp(loc.line - 1, 0, Math.max(0, lines.length - 1));
  const lineText = lines[startLine] ?? '';
  const startCol = clamp(loc.col - 1, 0, lineText.length);
  if (loc.endLine !== undefined && loc.endCol !== undefined) {
    const endLine = clamp(loc.endLine - 1, startLine, Math.max(0, lines.length - 1));
    const endCol = clamp(loc.endCol - 1, 0, (lines[endLine] ?? '').length);
    if (endLine > startLine || endCol > startCol) return { startLine, startCol, endLine, endCol };
  }
  const m = /^[^\s:,\]}]+/.exec(lineText.slice(startCol));
  const len = m ? m[0].length : Math.min(1, lineText.length - startCol);
  return { startLine, startCol, endLine: startLine, endCol: startCol + Math.max(len, 0) };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

/** Message shown in the Problems view: message plus the hint. */
export function diagnosticMessage(d: SweepDiagnostic): string {
  return d.hint ? `${d.message} (${d.hint})` : d.message;
}
