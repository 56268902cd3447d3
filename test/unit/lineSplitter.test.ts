import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/core/random/rng';
import { LineSplitter, type SplitLine } from '../../src/core/runner/lineSplitter';

function feed(splitter: LineSplitter, chunks: (string | Buffer)[]): SplitLine[] {
  const out: SplitLine[] = [];
  for (const c of chunks) out.push(...splitter.push(c));
  const tail = splitter.flush();
  if (tail) out.push(tail);
  return out;
}
const texts = (lines: SplitLine[]) => lines.map((l) => l.text);

test('splits on \\n and \\r\\n, keeps empty lines, flushes the tail', () => {
  const s = new LineSplitter();
  assert.deepEqual(texts(s.push('a\nb\r\n\nc')), ['a', 'b', '']);
  assert.equal(s.bufferedBytes, 1);
  assert.deepEqual(s.flush(), { text: 'c', truncated: false });
  assert.equal(s.flush(), null, 'nothing left after a flush');
  assert.deepEqual(s.push(''), []);
});

test('every chunk boundary gives the same lines (incl. \\r\\n and multi-byte characters cut in two)', () => {
  const text = 'epoch 1 | loss: 0.5\r\nvalé 中文 😀 x\n\nlast\r\nno newline é';
  const bytes = Buffer.from(text, 'utf8');
  const want = ['epoch 1 | loss: 0.5', 'valé 中文 😀 x', '', 'last', 'no newline é'];
  for (let i = 0; i <= bytes.length; i++) {
    for (const j of [i, Math.min(bytes.length, i + 1), Math.min(bytes.length, i + 3)]) {
      const lines = feed(new LineSplitter(), [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
      assert.deepEqual(texts(lines), want, `cut at ${i},${j}`);
      assert.ok(lines.every((l) => !l.truncated));
    }
  }
  // One byte at a time.
  assert.deepEqual(
    texts(
      feed(
        new LineSplitter(),
        [...bytes].map((b) => Buffer.from([b])),
      ),
    ),
    want,
  );
});

test('a lone \\r stays inside the line (progress bars)', () => {
  assert.deepEqual(texts(feed(new LineSplitter(), ['10% loss=0.9\r50% loss=0.5\r100% loss=0.2\n'])), [
    '10% loss=0.9\r50% loss=0.5\r100% loss=0.2',
  ]);
});

test('lines over the cap are cut, marked truncated, and memory stays bounded', () => {
  const s = new LineSplitter({ maxLineBytes: 10 });
  const out: SplitLine[] = [];
  out.push(...s.push('short\n0123456789'));
  out.push(...s.push('ABCDEF'));
  assert.ok(s.bufferedBytes <= 10);
  for (let i = 0; i < 1000; i++) out.push(...s.push('x'.repeat(1000)));
  assert.ok(s.bufferedBytes <= 10, `holds ${s.bufferedBytes} bytes`);
  out.push(...s.push('tail\nafter\n'));
  assert.deepEqual(out, [
    { text: 'short', truncated: false },
    { text: '0123456789', truncated: true },
    { text: 'after', truncated: false },
  ]);
});

test('exactly the cap is not truncated, also with \\r\\n; truncation never splits a character', () => {
  assert.deepEqual(feed(new LineSplitter({ maxLineBytes: 4 }), ['abcd\r', '\nabcd\n']), [
    { text: 'abcd', truncated: false },
    { text: 'abcd', truncated: false },
  ]);
  assert.deepEqual(feed(new LineSplitter({ maxLineBytes: 4 }), ['abcd\rx\n']), [{ text: 'abcd', truncated: true }]);
  // "a€b": € is 3 bytes (e2 82 ac); a cap of 3 would cut it → keep "a" only.
  assert.deepEqual(feed(new LineSplitter({ maxLineBytes: 3 }), ['a€b\n']), [{ text: 'a', truncated: true }]);
  assert.deepEqual(feed(new LineSplitter({ maxLineBytes: 4 }), ['a€b\n']), [{ text: 'a€', truncated: true }]);
  // A truncated unterminated tail still comes out on flush.
  assert.deepEqual(feed(new LineSplitter({ maxLineBytes: 2 }), ['abc']), [{ text: 'ab', truncated: true }]);
});

test('the default cap is 1 MiB', () => {
  const s = new LineSplitter();
  const big = 'y'.repeat(1024 * 1024 + 5);
  const [line] = s.push(`${big}\n`);
  assert.equal(line.truncated, true);
  assert.equal(line.text.length, 1024 * 1024);
  assert.throws(() => new LineSplitter({ maxLineBytes: 0 }), /maxLineBytes is 0/);
});

test('binary garbage survives as U+FFFD and never throws; chunk buffers may be reused', () => {
  const rng = createRng(7);
  const s = new LineSplitter({ maxLineBytes: 64 });
  const reused = Buffer.alloc(97);
  let lines = 0;
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < reused.length; i++) reused[i] = rng.int(256);
    lines += s.push(reused).length;
  }
  assert.ok(lines > 0);
  const out = feed(new LineSplitter(), [Buffer.from([0x66, 0xff, 0xfe, 0x0a, 0xc3])]);
  assert.deepEqual(texts(out), ['f\ufffd\ufffd', '\ufffd']);
  // Data held across pushes is copied, so reusing the chunk buffer does not corrupt it.
  const s2 = new LineSplitter();
  const chunk = Buffer.from('abc');
  s2.push(chunk);
  chunk.write('XYZ');
  assert.deepEqual(texts(s2.push('\n')), ['abc']);
});
