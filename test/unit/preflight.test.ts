/**
 * Pre-flight (core/preflight): a script's flags and printed metrics read statically, checked
 * against the sweep file, each finding a Diagnostic at the sweep file's line:col. The fixture
 * scripts reproduce what broke on pytorch/examples' mnist/main.py (hyphenated flags, a loss
 * printed as `Test set: Average loss: 0.04`, store_true switches, a budget) and click.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { preflightDiagnostics } from '../../src/core/preflight/check';
import { proposeMetric } from '../../src/core/preflight/metricProposal';
import { scriptMetrics } from '../../src/core/preflight/scriptMetrics';
import { preflightSweep } from '../../src/core/preflight/sweep';
import { ReportParser } from '../../src/core/runner/reportParser';
import { parseSweep } from '../../src/core/space/parse';
import type { Diagnostic, SweepSpec } from '../../src/core/space/types';

const SCRIPTS = path.resolve(__dirname, '../../../test/fixtures/scripts');
const mnist = { name: 'main.py', text: fs.readFileSync(path.join(SCRIPTS, 'mnist_style.py'), 'utf8') };
const click = { name: 'cli.py', text: fs.readFileSync(path.join(SCRIPTS, 'click_style.py'), 'utf8') };

function spec(yaml: string, file = '/tmp/sweep.yaml'): SweepSpec {
  const r = parseSweep(yaml, { file });
  assert.ok(r.spec, JSON.stringify(r.diagnostics));
  return r.spec;
}

const sweep = (params: string, metric = 'loss', extra = '') =>
  spec(`program: main.py\nmethod: random\nrun_cap: 2\nmetric:\n  name: ${metric}\n  goal: minimize\n${extra}parameters:\n${params}`);
const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.loc?.line}:${d.loc?.col}`);

test('scriptMetrics: the train loop `Loss:` and the test `Test set: Average loss:` of mnist/main.py, with their phases', () => {
  const m = scriptMetrics(mnist.text);
  assert.deepEqual(
    m.uses.map((u) => [u.name, u.phase, u.label, u.via]),
    [
      ['Loss', 'train', 'Loss', 'text'],
      ['loss', 'val', 'Test set: Average loss', 'text'],
      ['Accuracy', 'val', 'Accuracy', 'text'],
    ],
  );
  // `Epoch: {}` is a step counter and the help texts' `(default: 64)` are not prints
  assert.ok(!m.uses.some((u) => /epoch|default/i.test(u.name)));
});

test('scriptMetrics: f-strings, % and .format, print(label, value), helper/wandb/json keys, and what cannot be read', () => {
  const text = [
    'import json, knobs, wandb, logging',
    'def validate(model):',
    '    print(f"{val_loss=:.4f}")',
    '    logging.info("acc=%.3f" % acc)',
    '    print("f1:", f1)',
    'def fit():',
    '    knobs.report(step=3, train_loss=0.2)',
    '    wandb.log({"val/acc": 0.9, "epoch": 2})',
    '    print(json.dumps({"ppl": 3.2}))',
    '    wandb.log(metrics)',
    '    self.log("val_mse", mse)',
    '    p.add_argument("--x", help="x: {x}")',
  ].join('\n');
  const m = scriptMetrics(text);
  assert.deepEqual(
    m.uses.map((u) => [u.name, u.line, u.via, u.phase]),
    [
      ['val_loss', 3, 'text', 'val'],
      ['acc', 4, 'text', 'val'],
      ['f1', 5, 'text', 'val'],
      ['train_loss', 7, 'key', 'train'],
      ['val/acc', 8, 'key', 'val'],
      ['ppl', 9, 'key', undefined],
      ['val_mse', 11, 'key', 'val'],
    ],
  );
  assert.deepEqual(m.opaque, [10]);
});

test('proposeMetric: one name in two prints → a metric_regex for the test one, named test_loss, that reads only that print', () => {
  const p = proposeMetric(scriptMetrics(mnist.text));
  assert.ok(p?.regex);
  assert.equal(p.name, 'test_loss');
  assert.equal(p.plain, 'loss'); // free text is case-sensitive: `loss` alone reads only the test print
  assert.match(p.note, /lines 43, 57/);
  const parser = new ReportParser({ metricName: p.name, metricRegex: p.regex });
  assert.equal(parser.parse('Train Epoch: 1 [0/600 (0%)]\tLoss: 0.693147'), null);
  assert.deepEqual(parser.parse('Test set: Average loss: 0.0412, Accuracy: 195/200 (98%)')?.values, { test_loss: 0.0412 });
  // one print of a name: that name, no regex; a reported key beats nothing
  assert.deepEqual(proposeMetric(scriptMetrics(click.text)), {
    name: 'val_acc',
    plain: 'val_acc',
    from: scriptMetrics(click.text).uses[0],
    note: 'the script prints `val_acc` (line 16)',
  });
  assert.equal(proposeMetric(scriptMetrics('print("hello")')), undefined);
});

test('unknown-flag: argparse dest names (batch_size) are an error with a quick fix to the flag as written', () => {
  const s = sweep('  batch_size:\n    values: [32, 64]\n  lr: {min: 0.1, max: 1}\n  test_batch_size: {value: 1000}\n  nope: {value: 1}\n');
  const ds = preflightDiagnostics(s, mnist);
  assert.deepEqual(codes(ds), ['unknown-flag@8:3', 'unknown-flag@11:3', 'unknown-flag@12:3']);
  assert.equal(ds[0].severity, 'error');
  assert.match(
    ds[0].message,
    /`batch_size` is passed as --batch_size=…, but main\.py has no --batch_size flag: argparse rejects it, so every trial would fail/,
  );
  assert.deepEqual(ds[0].fix, { title: "Rename to `batch-size` (main.py's flag)", replacement: 'batch-size' });
  assert.deepEqual(ds[0].loc, { line: 8, col: 3, endLine: 8, endCol: 13 });
  assert.equal(ds[1].fix?.replacement, 'test-batch-size');
  // no flag of that dest: no fix, the flags listed
  assert.equal(ds[2].fix, undefined);
  assert.match(ds[2].hint!, /--batch-size, --test-batch-size, --epochs, --lr/);
  // the right spellings and an abbreviation argparse resolves pass
  assert.deepEqual(
    preflightDiagnostics(
      sweep('  batch-size: {values: [32, 64]}\n  lr: {min: 0.1, max: 1}\n  epochs: {value: 2}\n  gam: {value: 0.5}\n'),
      mnist,
    ),
    [],
  );
});

test('unknown-flag is a warning when the script ignores unknown arguments (parse_known_args)', () => {
  const known = {
    name: 'known.py',
    text:
      'import argparse\np = argparse.ArgumentParser()\np.add_argument("--batch-size", type=int, default=3)\n' +
      'a, _ = p.parse_known_args()\nprint(f"loss: {1.0}")\n',
  };
  const ds = preflightDiagnostics(sweep('  batch_size: {value: 4}\n'), known);
  assert.deepEqual(codes(ds), ['unknown-flag@8:3']);
  assert.equal(ds[0].severity, 'warning');
  assert.match(ds[0].message, /known\.py ignores it \(parse_known_args\), so `batch_size` changes nothing/);
});

test('switch-value, ambiguous-flag and missing-required are errors; other ways of passing parameters are not checked', () => {
  const ds = preflightDiagnostics(sweep('  dry-run: {values: [true, false]}\n  log: {value: 1}\n'), mnist);
  assert.deepEqual(codes(ds), ['switch-value@8:3']); // `log` abbreviates --log-interval, which argparse accepts
  assert.match(
    ds[0].message,
    /--dry-run is a switch in main\.py \(it takes no value\), but `dry-run` is passed as --dry-run=True: argparse rejects it/,
  );
  assert.match(ds[0].hint!, /args_no_boolean_flags/);
  const amb = preflightDiagnostics(sweep('  s: {value: 1}\n'), mnist);
  assert.deepEqual(codes(amb), ['ambiguous-flag@8:3']);
  assert.match(amb[0].message, /`s` is passed as --s=…, which could be any of --seed, --save-model in main\.py: argparse rejects it/);
  // with ${args_no_boolean_flags} a true/false switch is passed as --dry-run or not at all
  const nb = sweep(
    '  dry-run: {values: [true, false]}\n',
    'loss',
    'command: ["${env}", "${interpreter}", "${program}", "${args_no_boolean_flags}"]\n',
  );
  assert.deepEqual(preflightDiagnostics(nb, mnist), []);
  // Hydra-style and JSON arguments are not flags
  for (const macro of ['${args_no_hyphens}', '${args_json}']) {
    assert.deepEqual(
      preflightDiagnostics(
        sweep('  batch_size: {value: 4}\n', 'loss', `command: ["${'${env}'}", "${'${interpreter}'}", "${'${program}'}", "${macro}"]\n`),
        mnist,
      ),
      [],
    );
  }
  // a script whose options cannot all be read is not checked
  const dynamic = { name: 'dyn.py', text: 'for k in ["lr"]:\n    p.add_argument(f"--{k}")\nprint(f"loss: {1}")\n' };
  assert.deepEqual(preflightDiagnostics(sweep('  batch_size: {value: 4}\n'), dynamic), []);
});

test('click: hyphenated options, explicit names, flag pairs and a required option', () => {
  const s = spec(
    'program: cli.py\nmethod: random\nrun_cap: 2\nmetric: {name: val_acc, goal: maximize}\nparameters:\n' +
      '  batch_size: {value: 4}\n  units: {value: 8}\n  amp: {values: [true, false]}\n  lr: {value: 0.1}\n',
  );
  const ds = preflightDiagnostics(s, click);
  assert.deepEqual(codes(ds), ['unknown-flag@6:3', 'switch-value@8:3', 'missing-required@5:1']);
  assert.match(ds[0].message, /click rejects it/);
  assert.equal(ds[0].fix?.replacement, 'batch-size');
  assert.match(ds[2].message, /cli\.py requires --data-dir, which the sweep never passes/);
  assert.match(ds[2].hint!, /add `data-dir: \{value: …\}`/);
});

test('metric-not-printed: a warning naming what the script prints, with a quick fix to a name that reads the right print', () => {
  const ds = preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'val_loss'), mnist);
  assert.deepEqual(codes(ds), ['metric-not-printed@5:9']);
  assert.equal(ds[0].severity, 'warning');
  assert.deepEqual(ds[0].loc, { line: 5, col: 9, endLine: 5, endCol: 17 });
  assert.match(
    ds[0].message,
    /the metric `val_loss` appears in none of main\.py's prints or logging calls: it prints `Loss`, `loss`, `Accuracy`; trials would finish with no value/,
  );
  assert.deepEqual(ds[0].fix, { title: 'Use `loss` (as main.py prints it)', replacement: 'loss' });
  assert.match(ds[0].hint!, /line 57 prints it \("Test set: Average loss"\)/);
  // printed (case matters), or read by a metric_regex: nothing to say
  assert.deepEqual(preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'loss'), mnist), []);
  assert.deepEqual(
    preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'test_loss', "metric_regex: 'Average loss: (?<test_loss>\\S+),'\n"), mnist),
    [],
  );
  const accuracy = preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'accuracy'), mnist);
  assert.match(accuracy[0].hint!, /names are case-sensitive: main\.py prints `Accuracy`/);
  assert.equal(accuracy[0].fix?.replacement, 'Accuracy');
  const silent = preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'loss'), { name: 's.py', text: 'print("hi")\n' });
  assert.match(silent[0].message, /it prints no `name: value` Knobs can read/);
});

test('preflightSweep: `program` not found under the working-folder rule is an error at its line:col; found, the script is read', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-preflight-'));
  fs.mkdirSync(path.join(root, 'configs'));
  const file = path.join(root, 'configs', 'sweep.yaml');
  const yaml =
    'method: random\nrun_cap: 2\nprogram: main.py\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  batch_size: {value: 4}\n';
  const missing = preflightSweep(spec(yaml, file), { started: root, workspace: root });
  assert.deepEqual(codes(missing.diagnostics), ['program-not-found@3:1']);
  assert.match(missing.diagnostics[0].message, /`program` "main\.py" is neither in .* nor in .*configs/);
  fs.copyFileSync(path.join(SCRIPTS, 'mnist_style.py'), path.join(root, 'main.py'));
  const found = preflightSweep(spec(yaml, file), { started: root, workspace: root });
  assert.equal(found.script, path.join(root, 'main.py'));
  assert.deepEqual(codes(found.diagnostics), ['unknown-flag@6:3', 'metric-not-printed@4:16']);
  // the editor's unsaved text wins over the file on disk
  const edited = preflightSweep(spec(yaml, file), {
    started: root,
    workspace: root,
    read: () => mnist.text.replace("'--batch-size'", "'--batch_size'"),
  });
  assert.deepEqual(codes(edited.diagnostics), ['metric-not-printed@4:16']);
});

test('`name value` prints with no colon (word_language_model): only a metric_regex reads them; validation before test', () => {
  const text = [
    'def train():',
    "    print('| epoch {:3d} | lr {:02.2f} | loss {:5.2f} | ppl {:8.2f}'.format(epoch, lr, cur_loss, ppl))",
    'def main():',
    "    print('| end of epoch {:3d} | time: {:5.2f}s | valid loss {:5.2f} | '",
    "          'valid ppl {:8.2f}'.format(epoch, t, val_loss, math.exp(val_loss)))",
    "    print('| End of training | test loss {:5.2f} | test ppl {:8.2f}'.format(test_loss, math.exp(test_loss)))",
  ].join('\n');
  const m = scriptMetrics(text);
  assert.deepEqual(
    m.uses.map((u) => [u.name, u.line, u.label, u.phase, u.spaced]),
    [
      ['loss', 2, 'loss', 'train', true],
      ['ppl', 2, 'ppl', 'train', true],
      ['loss', 4, 'valid loss', 'val', true],
      ['ppl', 4, 'valid ppl', 'val', true],
      ['loss', 6, 'test loss', 'val', true],
      ['ppl', 6, 'test ppl', 'val', true],
    ],
  );
  const p = proposeMetric(m)!;
  assert.equal(p.name, 'val_loss');
  assert.equal(p.plain, undefined);
  const parser = new ReportParser({ metricName: p.name, metricRegex: p.regex });
  assert.deepEqual(parser.parse('| end of epoch   1 | time: 12.00s | valid loss  5.23 | valid ppl   186.79')?.values, { val_loss: 5.23 });
  assert.equal(parser.parse('| epoch   1 | lr 20.00 | loss  6.10 | ppl   445.86'), null);
  // free text cannot read `loss 5.23`: `metric: loss` is not printed as Knobs reads it
  const ds = preflightDiagnostics(sweep('  lr: {min: 0.1, max: 1}\n', 'loss'), { name: 'main.py', text });
  assert.deepEqual(codes(ds), ['metric-not-printed@5:9']);
  assert.match(ds[0].hint!, /metric_regex: 'valid loss/);
});
