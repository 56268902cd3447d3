/**
 * Hostile sweep files: fast-check generates malformed input (mutated valid files, wrong types,
 * huge numbers, deep nesting, unicode, YAML anchor bombs, multi-megabyte files). Each must give a
 * clear error with a line (or a sane spec): no throw, no hang beyond 1 s, bounded memory.
 */
import fc from 'fast-check';
import { parseSweep } from '../../src/core/space/parse';

export interface FuzzReport {
  files: number;
  errors: number;
  ok: number;
  slowest: { ms: number; kind: string };
  overOneSecond: number;
  failures: string[];
  peakHeapMiB: number;
}

const VALID = `program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  batch_size:
    values: [32, 64]
run_cap: 10
`;

const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom('1e309', '-1e309', '.nan', '.inf', '999999999999999999999999999', '0x1F', '~', 'null', 'yes', 'NO', "''", '""'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('ünïcödé', '日本語', '🚀🔥', 'a\u0000b', '\u202eevil', '$(rm -rf ~)', '; reboot'),
);
const keys = fc.constantFrom(
  'program',
  'method',
  'metric',
  'parameters',
  'run_cap',
  'max_concurrent',
  'early_terminate',
  'name',
  'goal',
  'min',
  'max',
  'values',
  'distribution',
  'q',
  'seed',
  'points_to_evaluate',
  'metric_regex',
  'trial_timeout',
  'gpus_per_trial',
  'xyz',
  'métrique',
  '',
);

function yamlOf(v: unknown, depth = 0): string {
  const pad = '  '.repeat(depth);
  if (Array.isArray(v)) return v.length ? v.map((x) => `\n${pad}- ${yamlOf(x, depth + 1).trimStart()}`).join('') : '[]';
  if (v && typeof v === 'object') {
    const e = Object.entries(v as Record<string, unknown>);
    return e.length ? e.map(([k, x]) => `\n${pad}${JSON.stringify(k)}: ${yamlOf(x, depth + 1)}`).join('') : '{}';
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(keys, tie('node'), { maxKeys: 5 }),
  ),
})).node;

/** A mutated valid file: lines dropped/duplicated/re-indented, values swapped for hostile scalars. */
const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(20), fc.nat(5), scalar), { minLength: 1, maxLength: 6 })).map(([muts]) => {
  const lines = VALID.split('\n');
  for (const [i, op, v] of muts) {
    const j = i % lines.length;
    if (op === 0) lines.splice(j, 1);
    else if (op === 1) lines.splice(j, 0, lines[j]);
    else if (op === 2) lines[j] = ` ${lines[j]}`;
    else if (op === 3) lines[j] = lines[j].replace(/:.*$/, `: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
    else lines[j] = lines[j].replace(/^(\s*)\w+/, `$1${String(v).replace(/\s/g, '_') || 'x'}`);
  }
  return lines.join('\n');
});

function anchorBomb(levels: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\nmethod: random\nparameters: *a${levels - 1}\n`;
}

const special = fc.oneof(
  fc.integer({ min: 3, max: 12 }).map(anchorBomb),
  fc.integer({ min: 100, max: 20_000 }).map((n) => `parameters: ${'['.repeat(n)}${']'.repeat(n)}\n`),
  fc
    .integer({ min: 100, max: 3000 })
    .map((n) => `parameters:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(Math.min(i + 1, 200))}p${i}:`).join('\n')}\n`),
  fc
    .constantFrom(0.2, 1, 10)
    .map(
      (mb) =>
        `program: x.py\nmethod: random\nmetric: {name: loss}\nparameters:\n${Array.from({ length: Math.round(mb * 15_000) }, (_, i) => `  p${i}: {values: [${i}, ${i + 1}]}`).join('\n')}\n`,
    ),
  fc.constantFrom(
    `\uFEFF${VALID}`,
    VALID.replace(/\n/g, '\r\n'),
    `${VALID}\n---\nmethod: grid\n`,
    '\x00\x01\x02',
    `%YAML 1.2\n---\n${VALID}`,
    `!!binary ${'A'.repeat(1000)}`,
  ),
);

/** `hangMs`: what counts as a hang (a failure). Parses over 1 s are counted apart. */
export function fuzzSweepFiles(opts: { count: number; seed: number; hangMs: number }): FuzzReport {
  const gen = fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 4, arbitrary: tree.map((t) => yamlOf(t).trimStart()) },
    { weight: 1, arbitrary: special },
  );
  const samples = fc.sample(gen, { numRuns: opts.count, seed: opts.seed });
  const report: FuzzReport = { files: 0, errors: 0, ok: 0, slowest: { ms: 0, kind: '' }, overOneSecond: 0, failures: [], peakHeapMiB: 0 };
  for (const text of samples) {
    report.files++;
    const t0 = performance.now();
    let result: ReturnType<typeof parseSweep>;
    try {
      result = parseSweep(text, { file: '/tmp/fuzz.yaml' });
    } catch (e) {
      report.failures.push(`threw ${(e as Error).message} on ${JSON.stringify(text.slice(0, 120))}`);
      continue;
    }
    const ms = performance.now() - t0;
    if (ms > report.slowest.ms) report.slowest = { ms, kind: `${text.length} chars: ${JSON.stringify(text.slice(0, 40))}` };
    if (ms > opts.hangMs) report.failures.push(`took ${ms.toFixed(0)} ms on ${text.length} chars`);
    if (ms > 1000) report.overOneSecond++;
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (result.spec) report.ok++;
    else if (errors.length === 0) report.failures.push(`no spec and no error for ${JSON.stringify(text.slice(0, 120))}`);
    else {
      report.errors++;
      for (const d of errors) {
        if (!d.loc || !(d.loc.line >= 1) || !d.message)
          report.failures.push(`error without a line: ${d.message} for ${JSON.stringify(text.slice(0, 80))}`);
      }
    }
    report.peakHeapMiB = Math.max(report.peakHeapMiB, process.memoryUsage().heapUsed / 2 ** 20);
  }
  return report;
}

export function formatFuzzReport(r: FuzzReport): string {
  return `${r.files} hostile sweep files: ${r.errors} clear errors, ${r.ok} parsed, ${r.failures.length} failures, ${r.overOneSecond} over 1 s (slowest ${r.slowest.ms.toFixed(0)} ms), peak heap ${r.peakHeapMiB.toFixed(0)} MiB`;
}
