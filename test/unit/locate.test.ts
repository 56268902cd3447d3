/**
 * Code-lens locators: where each hyperparameter is defined in Python, JS/TS, YAML and JSON, with
 * strings and comments ignored, multi-line calls, name normalisation and site priority.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tokenizeJs } from '../../src/core/promote/javascript';
import { langOf } from '../../src/core/promote/lang';
import { locateParams, matchLevel, normalizeName } from '../../src/core/promote/locate';
import { tokenizePython } from '../../src/core/promote/python';
import type { ParamSite } from '../../src/core/promote/sites';

const root = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(root, 'test/fixtures/promote', name), 'utf8');

/** name → [kind, valueText] of each site, in the returned order. */
function summary(sites: ParamSite[]): [string, string, string][] {
  return sites.map((s) => [s.name, s.kind, s.valueText]);
}

/** The 0-based line and column of the first occurrence of `needle` in text. */
function posOf(text: string, needle: string): { line: number; col: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, col: before[before.length - 1].length };
}

test('langOf maps file extensions', () => {
  assert.equal(langOf('train.py'), 'python');
  assert.equal(langOf('/a/b/train.mjs'), 'javascript');
  assert.equal(langOf('x.cjs'), 'javascript');
  assert.equal(langOf('train.ts'), 'typescript');
  assert.equal(langOf('C:\\w\\model.TSX'), 'typescript');
  assert.equal(langOf('config.yml'), 'yaml');
  assert.equal(langOf('sweep.yaml'), 'yaml');
  assert.equal(langOf('conf.json'), 'json');
  assert.equal(langOf('settings.jsonc'), 'json');
  assert.equal(langOf('README.md'), undefined);
  assert.equal(langOf('Makefile'), undefined);
});

test('names normalise: case, camelCase, dashes', () => {
  assert.equal(normalizeName('LR'), 'lr');
  assert.equal(normalizeName('batchSize'), 'batch_size');
  assert.equal(normalizeName('BATCH_SIZE'), 'batch_size');
  assert.equal(normalizeName('--batch-size'), 'batch_size');
  assert.equal(matchLevel('optimizer.lr', ['optimizer', 'lr']), 0);
  assert.equal(matchLevel('optimizer.lr', ['optimizer_lr']), 1);
  assert.equal(matchLevel('lr', ['optimizer', 'lr']), 2);
  assert.equal(matchLevel('optimizer.lr', ['lr']), -1);
  assert.equal(matchLevel('lr', ['lr_decay']), -1);
});

test('python argparse: multi-line calls, --batch-size, dest=, comments and strings ignored', () => {
  const text = fixture('train_argparse.py');
  const all = locateParams(text, 'python');
  assert.deepEqual(summary(all), [
    ['HELP', 'assign', '"set lr = 5 for a fast run"'],
    ['argv', 'function-default', 'None'],
    ['lr', 'argparse', '3e-4'],
    ['batch_size', 'argparse', '64'],
    ['dropout', 'argparse', '0.1'],
    ['optimizer', 'argparse', "'adam'"],
    ['l1', 'argparse', '0.0'],
    ['epochs', 'argparse', '10'],
    ['momentum', 'argparse', '0.9'],
  ]);
  // the lens goes on the line of the call, not of `default=`
  const lr = all[2];
  assert.deepEqual({ line: lr.line, col: lr.col }, posOf(text, 'parser.add_argument(\n'));
  assert.equal(text.slice(lr.valueStart, lr.valueEnd), '3e-4');
  assert.deepEqual(summary(locateParams(text, 'python', ['lr', 'batch_size', 'use_bn', 'nope'])), [
    ['lr', 'argparse', '3e-4'],
    ['batch_size', 'argparse', '64'],
  ]);
});

test('python: dict literals, dict(), assignments, class attributes and function defaults', () => {
  const text = fixture('config_dict.py');
  const s = locateParams(text, 'python', [
    'lr',
    'batch_size',
    'optimizer.lr',
    'optimizer.betas',
    'hidden',
    'warmup',
    'scheduler',
    'eps',
    'momentum',
    'local',
    'note',
  ]);
  assert.deepEqual(summary(s), [
    ['lr', 'dict', '1e-3'],
    ['lr', 'function-default', '0.1'],
    ['lr', 'assign', '3e-4'],
    // (optimizer.lr is not offered for `lr`: the requested `optimizer.lr` owns it)
    ['batch_size', 'assign', '32'],
    ['optimizer.lr', 'dict', '0.01'],
    ['optimizer.betas', 'dict', '(0.9, 0.999)'],
    ['hidden', 'dict', '128'],
    ['warmup', 'function-default', '100'],
    ['scheduler', 'function-default', 'None'],
    ['eps', 'assign', '1e-8'],
    ['momentum', 'assign', '0.9'],
    ['note', 'dict', '"lr = 5 inside a string"'],
  ]);
  assert.deepEqual(posOf(text, "'lr': 1e-3"), { line: s[0].line, col: s[0].col });
  // asked alone, `lr` also finds optimizer.lr, after every full match
  assert.deepEqual(summary(locateParams(text, 'python', ['lr'])).at(-1), ['lr', 'dict', '0.01']);
  assert.deepEqual(posOf(text, 'LR = 3e-4'), { line: s[2].line, col: s[2].col });
});

test('python: expressions and names are not literal defaults; nothing inside functions but defaults', () => {
  const text = [
    'import argparse',
    'BASE = 2',
    'LR = BASE * 1e-3',
    'EPOCHS = 10 if True else 5',
    'p = argparse.ArgumentParser()',
    'p.add_argument("--lr", default=LR)',
    'p.add_argument("--wd", default=-1e-4)',
    'p.add_argument("--seed")',
    'p.set_defaults(momentum=0.9)',
    'def f():',
    '    dropout = 0.5',
    '    cfg = {"hidden": 64}',
    '    return cfg',
    'if __name__ == "__main__":',
    '    threads = 4',
    '',
  ].join('\n');
  assert.deepEqual(summary(locateParams(text, 'python')), [
    ['BASE', 'assign', '2'],
    ['wd', 'argparse', '-1e-4'],
    ['momentum', 'argparse', '0.9'],
    ['hidden', 'dict', '64'],
    ['threads', 'assign', '4'],
  ]);
});

test('python: triple-quoted strings, f-strings and line continuations', () => {
  const text = 'DOC = """\nlr = 5\n"""\nmsg = f"{lr}"\nx = \\\n  0.5\ns = """a\n" lr = 3 "\n"""\nlr = 0.02\n';
  assert.deepEqual(summary(locateParams(text, 'python', ['lr', 'x', 'msg'])), [
    ['lr', 'assign', '0.02'],
    ['x', 'assign', '0.5'],
  ]);
});

test('python click options, including --x/--no-x switches and explicit names', () => {
  const text = fixture('cli_click.py');
  assert.deepEqual(summary(locateParams(text, 'python')), [
    ['lr', 'click', '0.001'],
    ['batch_size', 'click', '32'],
    ['hidden', 'click', '64'],
    ['amp', 'click', 'False'],
  ]);
});

test('typescript: object literal keys, top-level const/let, defaults; comments, templates and regexes ignored', () => {
  const text = fixture('train.ts');
  const s = locateParams(text, 'typescript');
  assert.deepEqual(summary(s), [
    ['LEARNING_RATE', 'assign', '3e-4'],
    // one group per normalised name, placed where it first appears, best site first
    ['batch_size', 'object', '64'],
    ['batchSize', 'assign', '32'],
    ['epochs', 'assign', '10'],
    ['lr', 'object', '1e-3'],
    ['optimizer.name', 'object', "'adam'"],
    ['optimizer.lr', 'object', '0.01'],
    ['hidden', 'object', '[128, 64]'],
    ['useBn', 'object', 'true'],
    ['dropout', 'function-default', '0.1'],
    ['warmup', 'function-default', '100'],
    ['label', 'function-default', '"base"'],
  ]);
  // batch_size: the object key first, then the camelCase assignment
  assert.deepEqual(summary(locateParams(text, 'typescript', ['batch_size'])), [
    ['batch_size', 'object', '64'],
    ['batch_size', 'assign', '32'],
  ]);
  const lr = s.find((x) => x.name === 'LEARNING_RATE')!;
  assert.deepEqual({ line: lr.line, col: lr.col }, posOf(text, 'LEARNING_RATE = 3e-4'));
});

test('javascript: an OPTIONS table with {default} entries, yargs, commander and parseArgs', () => {
  assert.deepEqual(summary(locateParams(fixture('train.mjs'), 'javascript')), [
    ['lr', 'object', '0.003'],
    ['hidden', 'object', '64'],
    ['dropout', 'object', '0.2'],
    ['weight_decay', 'object', '1e-4'],
    ['activation', 'object', '"relu"'],
  ]);
  const cli = [
    "const argv = yargs(process.argv).option('lr', { type: 'number', default: 0.01 }).argv;",
    "program.option('--batch-size <n>', 'minibatch size', 32);",
    "const { values } = parseArgs({ options: { dropout: { type: 'string', default: '0.1' } } });",
    'const fn = (momentum = 0.9) => momentum;',
    'const x = 1 / 2; const y = /lr: 5/.test(s);',
  ].join('\n');
  assert.deepEqual(summary(locateParams(cli, 'javascript', ['lr', 'batch_size', 'dropout', 'momentum'])), [
    ['lr', 'argparse', '0.01'],
    ['batch_size', 'argparse', '32'],
    ['dropout', 'object', "'0.1'"],
    ['momentum', 'function-default', '0.9'],
  ]);
});

test('javascript: blocks are not object literals; expressions are not literals', () => {
  const text = 'if (ok) { lr: 5 }\nconst a = { lr: base * 2, dropout: -0.5, fn() { return 1 } };\nlet b = foo(1);\n';
  assert.deepEqual(summary(locateParams(text, 'javascript')), [['dropout', 'object', '-0.5']]);
});

test('yaml: nested keys, flow lists, {value} wrappers; comments and strings ignored', () => {
  const text = fixture('config.yaml');
  const s = locateParams(text, 'yaml');
  assert.deepEqual(summary(s), [
    ['lr', 'yaml', '0.001'],
    ['batch_size', 'yaml', '32'],
    ['optimizer.name', 'yaml', 'adam'],
    ['optimizer.lr', 'yaml', '3e-4'],
    ['optimizer.betas', 'yaml', '[0.9, 0.999]'],
    ['model.hidden', 'yaml', '128'],
    ['model.activation', 'yaml', "'relu'"],
    ['model.use_bn', 'yaml', 'true'],
    ['notes', 'yaml', '"lr: 5 inside a string"'],
    ['dropout', 'yaml', '0.1'], // its `desc` is not a parameter
  ]);
  assert.deepEqual(posOf(text, 'lr: 3e-4'), { line: s[3].line, col: s[3].col });
  // a plain name finds the top-level key first, the nested one after
  assert.deepEqual(summary(locateParams(text, 'yaml', ['lr'])), [
    ['lr', 'yaml', '0.001'],
    ['lr', 'yaml', '3e-4'],
  ]);
});

test('json (with comments): nested keys and arrays', () => {
  const text = fixture('config.json');
  assert.deepEqual(summary(locateParams(text, 'json')), [
    ['lr', 'json', '0.001'],
    ['batch_size', 'json', '32'],
    ['optimizer.name', 'json', '"adam"'],
    ['optimizer.lr', 'json', '3e-4'],
    ['optimizer.momentum', 'json', '0.9'],
    ['epochs', 'json', '10.0'],
    ['tags', 'json', '["a", "b"]'],
    ['note', 'json', '"\\"lr\\": 5"'],
  ]);
});

test('broken input does not throw', () => {
  for (const lang of ['python', 'javascript', 'typescript', 'yaml', 'json'] as const) {
    for (const text of ['', '(((', '{"lr": ', 'lr = ', '"unterminated', "x = '''", '}}}]]', 'a: [1, 2\nb: {', '/* open']) {
      assert.ok(Array.isArray(locateParams(text, lang, ['lr'])), `${lang}: ${JSON.stringify(text)}`);
    }
  }
});

test('tokenizers keep every token inside the text and skip comments', () => {
  const py = tokenizePython('x = 1  # lr = 2\ny = "a # b"\n');
  assert.deepEqual(
    py.filter((t) => t.t !== 'nl' && t.t !== 'eof').map((t) => t.s),
    ['x', '=', '1', 'y', '=', '"a # b"'],
  );
  const js = tokenizeJs('a = `x${ {b: "}"} }y` // c\n/* d */ e');
  assert.deepEqual(
    js.filter((t) => t.t !== 'eof').map((t) => t.s),
    ['a', '=', '`x${ {b: "}"} }y`', 'e'],
  );
});

test('a {default}/{value} wrapper hides its sibling metadata keys', () => {
  const js = "const OPTIONS = { lr: { type: 'float', default: 0.003, help: 'x' }, tag: { help: 'y', choices: ['a'] } };";
  assert.deepEqual(summary(locateParams(js, 'javascript')), [
    ['lr', 'object', '0.003'],
    ['tag.help', 'object', "'y'"],
    ['tag.choices', 'object', "['a']"],
  ]);
  const json = '{"lr": {"desc": "learning rate", "value": 0.01}, "x": {"desc": "d"}}';
  assert.deepEqual(summary(locateParams(json, 'json')), [
    ['lr', 'json', '0.01'],
    ['x.desc', 'json', '"d"'],
  ]);
});

test('a last-key match never takes a site that another requested name owns', () => {
  const text = 'optimizer:\n  lr: 0.1\nscheduler:\n  lr: 0.5\n';
  assert.deepEqual(summary(locateParams(text, 'yaml', ['lr'])), [
    ['lr', 'yaml', '0.1'],
    ['lr', 'yaml', '0.5'],
  ]);
  assert.deepEqual(summary(locateParams(text, 'yaml', ['lr', 'optimizer.lr'])), [
    ['lr', 'yaml', '0.5'],
    ['optimizer.lr', 'yaml', '0.1'],
  ]);
  assert.deepEqual(summary(locateParams(text, 'yaml', ['lr', 'optimizer.lr', 'scheduler.lr'])), [
    ['optimizer.lr', 'yaml', '0.1'],
    ['scheduler.lr', 'yaml', '0.5'],
  ]);
});

test('a map with a numeric sibling of `value`/`default` is a config, not a wrapper', () => {
  const yaml = 'model:\n  value: 3\n  lr: 0.1\nopt:\n  desc: x\n  value: 0.5\n';
  assert.deepEqual(summary(locateParams(yaml, 'yaml')), [
    ['model', 'yaml', '3'],
    ['model.lr', 'yaml', '0.1'],
    ['opt', 'yaml', '0.5'],
  ]);
  const js = 'const o = { lr: { default: 0.003, min: 0, max: -1 } };';
  assert.deepEqual(summary(locateParams(js, 'javascript')), [
    ['lr', 'object', '0.003'],
    ['lr.min', 'object', '0'],
    ['lr.max', 'object', '-1'],
  ]);
  const json = '{"m": {"value": 1, "k": 2}}';
  assert.deepEqual(summary(locateParams(json, 'json')), [
    ['m', 'json', '1'],
    ['m.k', 'json', '2'],
  ]);
});
