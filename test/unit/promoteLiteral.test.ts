/** formatLiteral / parseLiteral: values written in each language, keeping the old literal's style. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLiteral, literalEquals, parseLiteral } from '../../src/core/promote/literal';

test('numbers keep the exponent form of the old literal', () => {
  assert.equal(formatLiteral(0.0012, 'python', '3e-4'), '1.2e-3');
  assert.equal(formatLiteral(0.0012, 'javascript', '3e-4'), '1.2e-3');
  assert.equal(formatLiteral(0.0012, 'python', '3E-04'), '1.2E-03');
  assert.equal(formatLiteral(0.0012, 'python', '0.0003'), '0.0012');
  assert.equal(formatLiteral(0.0012, 'python'), '0.0012');
  // with no exponent to copy, Python gets what Python prints (repr)
  assert.equal(formatLiteral(1.5e-7, 'python'), '1.5e-07');
  assert.equal(formatLiteral(3.9507825565982875e-6, 'python', '0.0'), '3.9507825565982875e-06');
  assert.equal(formatLiteral(0.012242831679570815, 'python', '0.2'), '0.012242831679570815');
  assert.equal(formatLiteral(1.5e-7, 'javascript'), '1.5e-7');
  assert.equal(formatLiteral(-0.25, 'typescript', '-1e-1'), '-2.5e-1');
});

test('ints stay ints; floats keep a decimal point in Python, YAML and JSON', () => {
  assert.equal(formatLiteral(64, 'python', '32'), '64');
  assert.equal(formatLiteral(64, 'python'), '64');
  assert.equal(formatLiteral(64, 'python', '32.0'), '64.0');
  assert.equal(formatLiteral(1, 'python', '3e-4'), '1.0');
  assert.equal(formatLiteral(0, 'yaml', '0.5'), '0.0');
  assert.equal(formatLiteral(20, 'json', '10.0'), '20.0');
  assert.equal(formatLiteral(64, 'javascript', '32.0'), '64');
  assert.equal(formatLiteral(0.5, 'python', '1'), '0.5');
  assert.equal(formatLiteral(100000, 'python', '1e4'), '1e5');
});

test('YAML exponents get a dot so YAML 1.1 loaders read a float', () => {
  assert.equal(formatLiteral(0.0003, 'yaml', '1e-3'), '3.0e-4');
  assert.equal(formatLiteral(1e-7, 'yaml'), '1.0e-7');
  assert.equal(formatLiteral(0.0015, 'yaml', '3e-4'), '1.5e-3');
});

test('booleans, null and special numbers per language', () => {
  assert.equal(formatLiteral(true, 'python', 'False'), 'True');
  assert.equal(formatLiteral(false, 'javascript', 'true'), 'false');
  assert.equal(formatLiteral(false, 'yaml', 'True'), 'False');
  assert.equal(formatLiteral(true, 'yaml', 'FALSE'), 'TRUE');
  assert.equal(formatLiteral(null, 'python'), 'None');
  assert.equal(formatLiteral(null, 'json'), 'null');
  assert.equal(formatLiteral(null, 'yaml', '~'), '~');
  assert.equal(formatLiteral(Infinity, 'python'), "float('inf')");
  assert.equal(formatLiteral(-Infinity, 'yaml'), '-.inf');
  assert.equal(formatLiteral(NaN, 'javascript'), 'NaN');
  assert.throws(() => formatLiteral(NaN, 'json'), /JSON/);
});

test('strings keep their quote style and are escaped', () => {
  assert.equal(formatLiteral('sgd', 'python', "'adam'"), "'sgd'");
  assert.equal(formatLiteral('sgd', 'python', '"adam"'), '"sgd"');
  assert.equal(formatLiteral("it's", 'python', "'x'"), "'it\\'s'");
  assert.equal(formatLiteral('a\\b', 'python', "r'x'"), "r'a\\b'");
  assert.equal(formatLiteral('sgd', 'javascript', '`adam`'), '`sgd`');
  assert.equal(formatLiteral('${x}', 'typescript', '`adam`'), '`\\${x}`');
  assert.equal(formatLiteral('sgd', 'typescript'), "'sgd'");
  assert.equal(formatLiteral('a"b', 'json'), '"a\\"b"');
  assert.equal(formatLiteral('sgd', 'yaml', 'adam'), 'sgd');
  assert.equal(formatLiteral('sgd', 'yaml', "'adam'"), "'sgd'");
  assert.equal(formatLiteral("it's", 'yaml', "'x'"), "'it''s'");
  // YAML strings that would read as something else are quoted
  assert.equal(formatLiteral('yes', 'yaml'), '"yes"');
  assert.equal(formatLiteral('0.1', 'yaml'), '"0.1"');
  assert.equal(formatLiteral('a: b', 'yaml'), '"a: b"');
  assert.equal(formatLiteral('', 'yaml'), '""');
});

test('lists, tuples and maps', () => {
  assert.equal(formatLiteral([0.8, 0.99], 'python', '(0.9, 0.999)'), '(0.8, 0.99)');
  assert.equal(formatLiteral([1], 'python', '(2,)'), '(1,)');
  assert.equal(formatLiteral([64, 'a', true], 'python', '[1]'), "[64, 'a', True]");
  assert.equal(formatLiteral(['x'], 'json'), '["x"]');
  assert.equal(formatLiteral({ a: 1, 'b c': null }, 'javascript'), "{ a: 1, 'b c': null }");
  assert.equal(formatLiteral({ a: 1 }, 'python'), "{'a': 1}");
  assert.equal(formatLiteral({ a: [1, 2] }, 'yaml'), '{a: [1, 2]}');
  assert.throws(() => formatLiteral(() => 1, 'python'), /cannot write/);
});

test('parseLiteral reads literals back and refuses expressions', () => {
  assert.deepEqual(parseLiteral('3e-4', 'python'), { value: 3e-4 });
  assert.deepEqual(parseLiteral('-1_000', 'python'), { value: -1000 });
  assert.deepEqual(parseLiteral('0x10', 'javascript'), { value: 16 });
  assert.deepEqual(parseLiteral('\'a\' "b"', 'python'), { value: 'ab' });
  assert.deepEqual(parseLiteral('(1, [True, None])', 'python'), { value: [1, [true, null]] });
  assert.deepEqual(parseLiteral("{ a: 'x', 'b': [1] }", 'typescript'), { value: { a: 'x', b: [1] } });
  assert.deepEqual(parseLiteral('adam', 'yaml'), { value: 'adam' });
  assert.deepEqual(parseLiteral("'it''s'", 'yaml'), { value: "it's" });
  assert.deepEqual(parseLiteral('"\\u00e9\\n"', 'json'), { value: 'é\n' });
  assert.equal(parseLiteral('a * 2', 'python'), undefined);
  assert.equal(parseLiteral('foo', 'javascript'), undefined);
  assert.equal(parseLiteral('`${x}`', 'javascript'), undefined);
});

test('literalEquals compares values, not spellings', () => {
  assert.ok(literalEquals('3e-4', 0.0003, 'python'));
  assert.ok(literalEquals('64', 64, 'python'));
  assert.ok(literalEquals('64.0', 64, 'python'));
  assert.ok(literalEquals("'adam'", 'adam', 'python'));
  assert.ok(literalEquals('True', true, 'python'));
  assert.ok(literalEquals('None', null, 'python'));
  assert.ok(literalEquals('[0.9, 0.999]', [0.9, 0.999], 'yaml'));
  assert.ok(!literalEquals('0.1', 0.2, 'python'));
  assert.ok(!literalEquals('"1"', 1, 'javascript'));
  assert.ok(!literalEquals('true', 'true', 'yaml'));
});

test('formatted values read back as the same value (round trip)', () => {
  const values: unknown[] = [0, 1, -3, 0.1, 1e-9, 123456.789, 3e21, 'x y', 'q\'"', true, false, null, [1, 'a'], { k: [0.5] }];
  for (const lang of ['python', 'javascript', 'typescript', 'yaml', 'json'] as const) {
    for (const v of values) {
      for (const old of [undefined, '1e-3', '0.0', "'s'", '"s"']) {
        const t = formatLiteral(v, lang, old);
        assert.ok(literalEquals(t, v, lang), `${lang}: ${JSON.stringify(v)} (old ${old}) → ${t}`);
      }
    }
  }
});
