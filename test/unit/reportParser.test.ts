import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { createRng } from '../../src/core/random/rng';
import { parseMetricNumber, type Report, ReportParser } from '../../src/core/runner/reportParser';
import { REPORT_TAG } from '../../src/core/runner/reportProtocol';

const parser = (opts: Partial<ConstructorParameters<typeof ReportParser>[0]> = {}) =>
  new ReportParser({ metricName: 'val_loss', metrics: ['acc', 'train/loss'], ...opts });

function same(got: Report | null, want: Report | null, msg?: string) {
  // deepEqual treats NaN as equal to NaN (Object.is), which is what we want.
  assert.deepEqual(got, want, msg);
}

test('helper lines: every numeric metric, step from the helper, NaN/Infinity strings', () => {
  const p = parser();
  same(p.parse(`${REPORT_TAG}{"step": 7, "metrics": {"val_loss": 0.25, "val_acc": 0.91, "note": "x", "flag": true}}`), {
    step: 7,
    values: { val_loss: 0.25, val_acc: 0.91 },
  });
  same(p.parse(`${REPORT_TAG}{"metrics": {"loss": "NaN", "a": "Infinity", "b": "-Infinity"}}`), {
    step: 2,
    values: { loss: NaN, a: Infinity, b: -Infinity },
  });
  same(p.parse(`${REPORT_TAG}{"metrics": {"epoch": 4, "loss": 1}}`), { step: 4, values: { epoch: 4, loss: 1 } }, 'epoch among the metrics');
  same(p.parse(`${REPORT_TAG}{"metrics": {"s": {"loss": 2}}}`), { step: 4, values: { 's.loss': 2 } }, 'nested names dotted');
  same(p.parse(`progress 50%${REPORT_TAG}{"metrics": {"loss": 3}}`), { step: 5, values: { loss: 3 } }, 'tag after unterminated output');
  same(p.parse(`${REPORT_TAG}{"metrics": {}}`), null, 'no metrics');
  same(p.parse(`${REPORT_TAG}{"metrics": {"val_loss": 0.2`), null, 'torn JSON');
  same(p.parse(`${REPORT_TAG}not json at all val_loss: 0.3`), null, 'a tagged line is never read as free text');
  assert.equal(p.reports, 5);
});

test('JSON-object lines: every numeric key, bools ignored, Python NaN accepted, epoch/step as step', () => {
  const p = parser();
  same(p.parse('{"epoch": 3, "val_loss": 0.2, "done": false, "name": "x"}'), { step: 3, values: { epoch: 3, val_loss: 0.2 } });
  same(p.parse('  {"loss": 1.5, "lr": 1e-05}  '), { step: 2, values: { loss: 1.5, lr: 1e-5 } });
  same(p.parse('{"loss": NaN, "gn": Infinity, "m": -Infinity, "step": 10}'), {
    step: 10,
    values: { loss: NaN, gn: Infinity, m: -Infinity, step: 10 },
  });
  same(p.parse('{"train": {"loss": 0.5}, "_step": 12}'), { step: 12, values: { 'train.loss': 0.5, _step: 12 } });
  same(
    p.parse('{"global_step": 100, "epoch": 2, "x": 1}'),
    { step: 100, values: { global_step: 100, epoch: 2, x: 1 } },
    'global_step over epoch',
  );
  same(p.parse('{"status": "ok"}'), null, 'no numbers');
  same(p.parse('{"val_loss": 0.2'), { step: 6, values: { val_loss: 0.2 } }, 'torn JSON still read as free text ("name": value)');
  same(p.parse('{"acc" 0.2'), null, 'malformed, nothing recognised');
  same(p.parse('{not json} val_loss: 0.4'), { step: 7, values: { val_loss: 0.4 } }, 'malformed JSON falls back to free text');
});

test('free text: name: value / name=value for the configured names only, at word boundaries', () => {
  const p = parser();
  same(p.parse('epoch 3 | val_loss: 0.23 | acc: 0.91'), { step: 3, values: { val_loss: 0.23, acc: 0.91 } });
  same(p.parse('val_loss=-1e-3 acc = 3 other: 5'), { step: 2, values: { val_loss: -0.001, acc: 3 } });
  same(p.parse('xval_loss_avg: 0.5 val_loss_x=1 myacc: 2 acc2: 3'), null, 'no match inside other words');
  same(
    p.parse('train/loss: 0.7, val_loss: .5'),
    { step: 3, values: { 'train/loss': 0.7, val_loss: 0.5 } },
    'names with / and leading-dot numbers',
  );
  same(p.parse("{'val_loss': 0.3, 'acc': 0.8, 'epoch': 9}"), { step: 9, values: { val_loss: 0.3, acc: 0.8 } }, 'a printed Python dict');
  same(p.parse('val_loss: tensor(0.1234) acc: np.float64(0.5)'), { step: 5, values: { val_loss: 0.1234, acc: 0.5 } });
  same(p.parse('Epoch 12/50 - val_loss: 0.25'), { step: 12, values: { val_loss: 0.25 } }, 'Keras-style Epoch n/N');
  same(p.parse('step=40 epoch=2 val_loss=0.1'), { step: 40, values: { val_loss: 0.1 } }, 'step over epoch');
  same(p.parse('val_loss: 0.9\r val_loss: 0.8\r val_loss: 0.7'), { step: 8, values: { val_loss: 0.7 } }, 'last value in a line wins');
  same(p.parse('val_loss: abc acc: 0.5x'), null, 'not numbers');
  same(p.parse('the val_loss is low'), null);
  same(p.parse('version val_loss=1.2.3'), null, 'a version string is not a number');
  same(p.parse('Epoch 4. val_loss: 0.5.'), { step: 4, values: { val_loss: 0.5 } }, 'sentence full stops are fine');
  same(p.parse('epoch 3'), null, 'a step alone is not a report');
});

test('NaN and Inf in free text', () => {
  const p = parser();
  same(p.parse('val_loss: nan acc: inf'), { step: 1, values: { val_loss: NaN, acc: Infinity } });
  same(p.parse('val_loss=-inf acc=NaN'), { step: 2, values: { val_loss: -Infinity, acc: NaN } });
  same(p.parse('val_loss: Infinity acc: -Infinity'), { step: 3, values: { val_loss: Infinity, acc: -Infinity } });
  same(p.parse('val_loss: nano'), null);
});

test('the step counts reports; explicit steps do not reset the count', () => {
  const p = parser();
  const steps = ['val_loss: 1', 'noise', 'val_loss: 2', '{"epoch": 10, "val_loss": 3}', 'val_loss: 4', ''].map(
    (l) => p.parse(l)?.step ?? null,
  );
  assert.deepEqual(steps, [1, null, 2, 10, 4, null]);
  assert.equal(p.reports, 4);
});

test('metric_regex: named groups, single unnamed group, Python syntax, applied with free text', () => {
  const named = parser({ metricRegex: String.raw`loss (?<train_loss>\S+) / (?<val_loss>\S+)` });
  same(named.parse('it 5: loss 0.5 / 0.25'), { step: 1, values: { train_loss: 0.5, val_loss: 0.25 } });
  same(named.parse('loss nan / x'), { step: 2, values: { train_loss: NaN } }, 'unparsable groups skipped');
  same(named.parse('acc: 0.5 loss 1 / 2'), { step: 3, values: { acc: 0.5, train_loss: 1, val_loss: 2 } }, 'merged with free text');
  same(named.parse('val_loss: 9 loss 1 / 2'), { step: 4, values: { val_loss: 2, train_loss: 1 } }, 'regex overrides free text');

  const single = parser({ metricRegex: String.raw`VALIDATION\s+([-\d.e]+)` });
  same(single.parse('VALIDATION 0.125 done'), { step: 1, values: { val_loss: 0.125 } });
  same(single.parse('nothing'), null);

  const py = parser({ metricRegex: String.raw`(?i)ep (?P<epoch>\d+) score=(?P<val_loss>[\d.]+)` });
  same(py.parse('EP 7 SCORE=0.5'), { step: 7, values: { epoch: 7, val_loss: 0.5 } }, '(?P<name>) and (?i), epoch group gives the step');

  const multi = parser({ metricRegex: String.raw`v=(?<val_loss>[\d.]+)` });
  same(multi.parse('v=1 v=2 v=3'), { step: 1, values: { val_loss: 3 } }, 'last match wins');
});

test('metric_regex: invalid patterns fail at construction with a hint', () => {
  for (const bad of ['(unclosed', String.raw`(\d+) (\d+)`, String.raw`loss \d+`]) {
    assert.throws(
      () => parser({ metricRegex: bad }),
      (e: unknown) => e instanceof KnobsError && e.code === 'E_SWEEP_PARSE' && e.message.includes('metric_regex') && !!e.hint,
      bad,
    );
  }
});

test('garbage, huge and malformed lines never throw', () => {
  const p = parser({ metricRegex: String.raw`(?<acc>\d+)%` });
  const rng = createRng(99);
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = rng.int(200);
    for (let j = 0; j < len; j++) s += String.fromCharCode(rng.int(0x3000));
    if (i % 3 === 0) s = `{${s}`;
    if (i % 5 === 0) s = REPORT_TAG + s;
    if (i % 7 === 0) s = `${s} val_loss: ${s}`;
    p.parse(s);
  }
  const huge = `val_loss: 0.5 ${'x'.repeat(1024 * 1024)} acc=2`;
  same(new ReportParser({ metricName: 'val_loss', metrics: ['acc'] }).parse(huge), { step: 1, values: { val_loss: 0.5, acc: 2 } });
  same(new ReportParser({ metricName: 'val_loss' }).parse('{'.repeat(100000)), null);
  // Pathological runs that would make a backtracking pattern quadratic (speed is bench work; these check the answers).
  same(new ReportParser({ metricName: 'val_loss' }).parse(`val_loss: ${'1'.repeat(200000)}x`), null);
  same(new ReportParser({ metricName: 'val_loss' }).parse(`val_loss: 1 epoch${' '.repeat(200000)}x`), { step: 1, values: { val_loss: 1 } });
  same(new ReportParser({ metricName: 'val_loss' }).parse(`val_loss:${' '.repeat(200000)}`), null);
  same(
    new ReportParser({ metricName: 'val_loss' }).parse('\ufffd\u0000\u001b[31mval_loss: 0.1\u001b[0m'),
    { step: 1, values: { val_loss: 0.1 } },
    'ANSI colours around the value',
  );
  same(new ReportParser({ metricName: 'a.b' }).parse('a.b: 1 aXb: 2'), { step: 1, values: { 'a.b': 1 } }, 'names are literal, not regex');
});

test('parseMetricNumber', () => {
  const cases: [string, number | undefined][] = [
    ['0.23', 0.23],
    [' -1e-3 ', -0.001],
    ['+3', 3],
    ['1.', 1],
    ['.5', 0.5],
    ['NaN', NaN],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['', undefined],
    ['0x10', undefined],
    ['1e', undefined],
    ['abc', undefined],
  ];
  for (const [t, want] of cases) assert.deepEqual(parseMetricNumber(t), want, t);
});

test('throughput (printed, not asserted)', () => {
  const p = new ReportParser({ metricName: 'val_loss', metrics: ['train_loss', 'acc'] });
  const lines = [
    'epoch 3 | val_loss: 0.23 | acc: 0.91',
    'Downloading shard 3 of 12 ...',
    '{"epoch": 3, "val_loss": 0.2, "acc": 0.9}',
    `${REPORT_TAG}{"step": 3, "metrics": {"val_loss": 0.25, "acc": 0.91}}`,
    '  batch 120/500 train_loss=0.4123 lr=0.001',
    '',
  ];
  const n = 120_000;
  let found = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (p.parse(lines[i % lines.length])) found++;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`reportParser: ${Math.round(n / secs).toLocaleString('en')} lines/s`);
  assert.equal(found, (n / lines.length) * 4);
});

test('helper lines: the metrics text journaled as printed (valuesJson) reads back as the same values', async () => {
  const { JournalWriter } = await import('../../src/core/journal/writer');
  const { readJournal } = await import('../../src/core/journal/reader');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const rng = createRng(7);
  const names = [
    'loss',
    'val_acc',
    'x',
    'a b',
    'ünï',
    'constructor',
    'toString',
    'epoch',
    'step',
    'metrics',
    'br}ace',
    'qu"ote',
    'back\\slash',
    '__proto__',
  ];
  const numberTexts = [
    '0',
    '-0',
    '1',
    '1.0',
    '0.1',
    '-2.5e-3',
    '1E+5',
    '12345678901234567890',
    '5e-324',
    '1.7976931348623157e308',
    '1e999',
    '"NaN"',
    '"Infinity"',
    '"-Infinity"',
  ];
  const spaces = ['', ' ', '  ', '\t'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rng.next() * xs.length)];
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const sp = () => pick(spaces);
    const n = 1 + Math.floor(rng.next() * 4);
    const used = new Set<string>();
    const pairs: string[] = [];
    for (let k = 0; k < n; k++) {
      const name = pick(names);
      if (used.has(name)) continue;
      used.add(name);
      pairs.push(`${sp()}${JSON.stringify(name)}${sp()}:${sp()}${pick(numberTexts)}${sp()}`);
    }
    const metrics = `"metrics"${sp()}:${sp()}{${pairs.join(',')}}`;
    const step = `"step"${sp()}:${sp()}${pick(['3', '0', '-1', '2.5', '1e2', '"7"'])}`;
    const body = rng.next() < 0.3 ? metrics : rng.next() < 0.5 ? `${step},${sp()}${metrics}` : `${metrics},${sp()}${step}`;
    lines.push(`${pick(['', 'noise '])}${REPORT_TAG}${sp()}{${sp()}${body}${sp()}}${sp()}`);
  }
  // the reference: JSON.parse of the payload, read as the documented rules say
  const reference = (line: string): { step?: number; values: Record<string, number> } | null => {
    const obj = JSON.parse(line.slice(line.indexOf(REPORT_TAG) + REPORT_TAG.length));
    const values: Record<string, number> = {};
    const num = (v: unknown) =>
      typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : undefined;
    for (const [k, v] of Object.entries(obj.metrics as object)) if (num(v) !== undefined) values[k] = num(v)!;
    if (Object.keys(values).length === 0) return null;
    const s = num(obj.step);
    const fromValues = ['step', '_step', 'global_step', 'epoch'].map((k) => values[k]).find((v) => v !== undefined && Number.isFinite(v));
    return { step: s !== undefined && Number.isFinite(s) ? s : fromValues, values };
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-fastpath-')), 'journal.jsonl');
  const w = JournalWriter.open(file, { workerId: 'w' });
  const p = new ReportParser({ metricName: 'loss' });
  const expected: Report[] = [];
  let fast = 0;
  for (const line of lines) {
    const got = p.parse(line);
    const want = reference(line);
    if (want && want.step === undefined) want.step = p.reports; // counted step
    same(got, want as Report | null, line);
    if (!got) continue;
    const printed = p.valuesJson;
    if (printed !== undefined) fast++;
    expected.push(got);
    const values: Record<string, number | string> = {};
    let finite = true;
    for (const k in got.values) if (!Number.isFinite(got.values[k])) finite = false;
    // as the runner does: the parser's object when every value is finite, else a copy with strings
    const journaled = finite
      ? got.values
      : Object.fromEntries(Object.entries(got.values).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
    Object.assign(values, journaled);
    w.append(
      { op: 'metric', trial: 1, attempt: 1, step: got.step, values: journaled as Record<string, number> },
      finite ? printed : undefined,
    );
  }
  w.close();
  const ops = readJournal(file).ops;
  assert.equal(ops.length, expected.length);
  assert.ok(expected.length > 300, `most lines are reports (${expected.length})`);
  assert.ok(fast > 100 && fast < expected.length, `most were journaled as printed, not all (${fast} of ${expected.length})`);
  ops.forEach((op, i) => {
    assert.equal(op.op, 'metric');
    if (op.op !== 'metric') return;
    // JSON has no -0 (JSON.stringify writes 0): compare zeros as equal
    const z = (x: number) => (x === 0 ? 0 : x);
    const zs = (r: Report) => ({ step: z(r.step), values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, z(v)])) });
    const decoded = Object.fromEntries(Object.entries(op.values).map(([k, v]) => [k, typeof v === 'number' ? v : Number(v)]));
    same(zs({ step: op.step, values: decoded }), zs(expected[i]), `journal line ${i + 1}`);
  });
});
