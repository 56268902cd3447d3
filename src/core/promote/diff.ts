/**
 * A unified diff of two texts (what `diff -u` and `git diff` print), so a user outside VS Code
 * sees what promote writes, and can pipe it to `git apply`:
 *
 *   --- a/train.py
 *   +++ b/train.py
 *   @@ -12,7 +12,7 @@
 *    context
 *   -old line
 *   +new line
 *
 * Lines are compared with their line break, so a missing final newline is a change and is shown
 * as `\ No newline at end of file`. The edit script is Myers' shortest one.
 */

export interface UnifiedDiffOptions {
  /** Name of the old text (`a/train.py`). */
  from: string;
  /** Name of the new text (`b/train.py`). */
  to: string;
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

type Line = { kind: ' ' | '-' | '+'; text: string };

/** The text's lines, each with its line break (the last may have none). */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Myers' O((N+M)·D) shortest edit script of a → b, as kept/removed/added lines. */
function diffLines(a: readonly string[], b: readonly string[]): Line[] {
  // common head and tail need no search
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const n = A.length;
  const m = B.length;
  const off = n + m + 1;
  const v = new Int32Array(2 * off + 1);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  // walk the trace back from (n, m)
  const middle: Line[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const pv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && pv[off + k - 1] < pv[off + k + 1]) ? k + 1 : k - 1;
    const px = pv[off + prevK];
    const py = px - prevK;
    while (x > px && y > py) {
      x--;
      y--;
      middle.push({ kind: ' ', text: A[x] });
    }
    if (prevK === k + 1) middle.push({ kind: '+', text: B[--y] });
    else middle.push({ kind: '-', text: A[--x] });
  }
  while (x > 0) middle.push({ kind: ' ', text: A[--x] });
  middle.reverse();
  return [
    ...a.slice(0, head).map((text): Line => ({ kind: ' ', text })),
    ...middle,
    ...a.slice(a.length - tail).map((text): Line => ({ kind: ' ', text })),
  ];
}

/** `start,count` of a hunk side; an empty side names the line before it, as diff does. */
function range(start: number, count: number): string {
  if (count === 1) return String(start + 1);
  return `${count === 0 ? start : start + 1},${count}`;
}

/** The unified diff of `oldText` → `newText`; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, o: UnifiedDiffOptions): string {
  if (oldText === newText) return '';
  const context = o.context ?? 3;
  const lines = diffLines(splitLines(oldText), splitLines(newText));
  const out = [`--- ${o.from}\n`, `+++ ${o.to}\n`];
  const changed = lines.map((l, i) => (l.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    // a hunk: changes closer than 2·context lines share one
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] <= 2 * context + 1) j++;
    const from = Math.max(0, changed[i] - context);
    const to = Math.min(lines.length, changed[j] + context + 1);
    let oldStart = 0;
    let newStart = 0;
    for (let k = 0; k < from; k++) {
      if (lines[k].kind !== '+') oldStart++;
      if (lines[k].kind !== '-') newStart++;
    }
    const hunk = lines.slice(from, to);
    const oldCount = hunk.filter((l) => l.kind !== '+').length;
    const newCount = hunk.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`);
    for (const l of hunk) out.push(l.text.endsWith('\n') ? `${l.kind}${l.text}` : `${l.kind}${l.text}\n\\ No newline at end of file\n`);
    i = j + 1;
  }
  return out.join('');
}
