/**
 * `knobs promote` (the real CLI bundle, in its own process) and the extension's Promote (its
 * WorkspaceEdit adapter, under a stand-in vscode module) on the SAME fixture files
 * (test/fixtures/promote) write the same text: the golden `*.promoted.*` files. The printed
 * unified diff applies with `git apply`; `--dry-run` writes nothing; `--trial N`; the program is
 * found through the journalled working folder from any folder; each refusal names the file and
 * a fix.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { JournalWriter } from '../../src/core/journal/writer';
import { parseSweep } from '../../src/core/space/parse';
import { createSweep } from '../../src/core/sweep/create';
import { openSweep } from '../../src/core/sweep/open';
import { promoteTrial } from '../../src/extension/promote/promote';
import type { SweepEntry } from '../../src/extension/sweeps/store';
import { ROOT, runCli } from '../support/cli';
import { GOLDEN } from '../support/promoteGolden';
import { closeAllDocuments, settings } from '../support/vscodeStub';

const FIXTURES = path.join(ROOT, 'test/fixtures/promote');
const MAIN_PY = 'print("training")\n';

interface TrialSpec {
  params: Record<string, unknown>;
  /** val_loss reported (none: the trial failed before reporting). */
  value?: number;
}

/**
 * A folder holding `files` (fixture names, or name → text), a sweep file whose program is
 * `program`, and a sweep under .knobs whose trials are `trials` (trial 1 first).
 */
function promoteSweep(program: string, files: (string | [string, string])[], trials: TrialSpec[]): { folder: string; sweepDir: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-promote-'));
  for (const f of files) {
    if (typeof f === 'string') fs.copyFileSync(path.join(FIXTURES, f), path.join(folder, f));
    else fs.writeFileSync(path.join(folder, f[0]), f[1]);
  }
  const file = path.join(folder, 'sweep.yaml');
  const text = `program: ${program}\nmethod: random\nmetric:\n  name: val_loss\n  goal: minimize\nparameters:\n  lr:\n    min: 0.0001\n    max: 0.1\n`;
  fs.writeFileSync(file, text);
  const { spec } = parseSweep(text, { file });
  assert.ok(spec, 'the test sweep file parses');
  const paths = createSweep({ spec, knobsDir: path.join(folder, '.knobs'), seed: 1, workdir: { dir: folder, from: 'started' } });
  const w = JournalWriter.open(paths.journal, { workerId: 'test' });
  trials.forEach((t, i) => {
    const trial = i + 1;
    w.append({ op: 'trial_asked', trial, params: t.params as never, source: 'random', index: i });
    w.append({ op: 'trial_started', trial, attempt: 1, pid: 1, pgid: 1, argv: ['python', program] });
    if (t.value === undefined) {
      w.append({
        op: 'trial_failed',
        trial,
        attempt: 1,
        kind: 'exit',
        exitCode: 1,
        signal: null,
        stderrTail: 'boom',
        willRetry: false,
      } as never);
    } else {
      w.append({ op: 'metric', trial, attempt: 1, step: 1, values: { val_loss: t.value } });
      w.append({ op: 'trial_completed', trial, attempt: 1, exitCode: 0 });
    }
  });
  w.close();
  return { folder, sweepDir: paths.dir };
}

/** Every file of the folder (not .knobs/) → its text. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of fs.readdirSync(folder).sort()) {
    const p = path.join(folder, n);
    if (fs.statSync(p).isFile()) out[n] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

function restore(folder: string, files: Record<string, string>): void {
  for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(folder, n), t);
}

/** Promote trial `trial` of the sweep through the extension's adapter (preview off: applied at once). */
async function promoteInExtension(sweepDir: string, trial: number) {
  closeAllDocuments();
  settings['knobs.promote.showPreview'] = false;
  const o = openSweep(sweepDir);
  const entry: SweepEntry = { dir: o.paths.dir, id: o.paths.id, paths: o.paths, state: o.state, runner: o.runner, version: 0 };
  const log = { info() {}, warn() {}, error() {}, show() {} };
  return promoteTrial(entry, o.state.byId.get(trial)!, log);
}

interface Layout {
  name: string;
  program: string;
  files: (string | [string, string])[];
  params: Record<string, unknown>;
  /** file in the folder → golden fixture it must equal after promote. */
  golden: Record<string, string>;
}

const byFile = new Map(GOLDEN.map((g) => [g.file, g]));
const LAYOUTS: Layout[] = [
  // each script is the program
  ...['train_argparse.py', 'config_dict.py', 'cli_click.py', 'train.ts', 'train.mjs'].map((f) => ({
    name: f,
    program: f,
    files: [f],
    params: byFile.get(f)!.params,
    golden: { [f]: byFile.get(f)!.promoted },
  })),
  // config files beside a program that defines nothing
  ...['config.yaml', 'config.json'].map((f) => ({
    name: `main.py + ${f}`,
    program: 'main.py',
    files: [['main.py', MAIN_PY] as [string, string], f],
    params: byFile.get(f)!.params,
    golden: { [f]: byFile.get(f)!.promoted, 'main.py': '' },
  })),
  // the program first, then the config file for the names it lacks
  {
    name: 'train_argparse.py + config.yaml',
    program: 'train_argparse.py',
    files: ['train_argparse.py', 'config.yaml'],
    params: { ...byFile.get('config.yaml')!.params, ...byFile.get('train_argparse.py')!.params },
    golden: {},
  },
];

for (const l of LAYOUTS) {
  test(`knobs promote and the extension write the same text: ${l.name}`, async () => {
    const { folder, sweepDir } = promoteSweep(l.program, l.files, [
      { params: l.params, value: 0.1 },
      { params: { lr: 0.5 }, value: 0.9 },
    ]);
    const before = snapshot(folder);

    const r = runCli(['promote'], { cwd: folder });
    assert.equal(r.code, 0, r.stderr);
    const cli = snapshot(folder);
    assert.match(r.stderr, /Promoted trial 1 \(/);

    restore(folder, before);
    const ext = await promoteInExtension(sweepDir, 1);
    assert.equal(ext.applied, true);
    const viaExtension = snapshot(folder);

    assert.deepEqual(viaExtension, cli, 'the extension and the CLI wrote the same files');
    const changed = Object.keys(before).filter((n) => before[n] !== cli[n]);
    assert.deepEqual(changed, ext.files.map((f) => path.basename(f)).sort(), 'the files the extension reports are the ones changed');
    assert.ok(changed.length > 0);
    for (const [file, golden] of Object.entries(l.golden)) {
      assert.equal(cli[file], golden ? fs.readFileSync(path.join(FIXTURES, golden), 'utf8') : before[file], `${file} after promote`);
    }

    // the printed diff is a patch: applied to the original files it gives the promoted ones
    restore(folder, before);
    const apply = spawnSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: folder, input: r.stdout, encoding: 'utf8' });
    assert.equal(apply.status, 0, `git apply: ${apply.stderr}\n${r.stdout}`);
    assert.deepEqual(snapshot(folder), cli);
  });
}

test('knobs promote --dry-run prints the diff and writes nothing; the same run without it writes that diff', () => {
  const g = byFile.get('train_argparse.py')!;
  const { folder } = promoteSweep(g.file, [g.file], [{ params: g.params, value: 0.1 }]);
  const before = snapshot(folder);
  const dry = runCli(['promote', '--dry-run'], { cwd: folder });
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(snapshot(folder), before, '--dry-run left every file as it was');
  assert.match(dry.stdout, /^--- a\/train_argparse\.py\n\+\+\+ b\/train_argparse\.py\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@\n/);
  assert.match(dry.stdout, /^- {8}default=3e-4, {2}# learning rate\n\+ {8}default=1\.2e-3, {2}# learning rate\n/m);
  assert.match(
    dry.stderr,
    /^knobs: Dry run: trial 1 \(lr=0\.0012, batch_size=128, dropout=0\.25, optimizer=sgd, l1=1\) would be promoted into train_argparse\.py; nothing was written\. Already set: epochs, momentum\. No definition found for: warmup, use_bn/,
  );
  const wet = runCli(['promote'], { cwd: folder });
  assert.equal(wet.code, 0, wet.stderr);
  assert.equal(wet.stdout, dry.stdout, 'the dry run printed the diff that the real run wrote');
  assert.equal(fs.readFileSync(path.join(folder, g.file), 'utf8'), fs.readFileSync(path.join(FIXTURES, g.promoted), 'utf8'));
  // promoting again changes nothing, and says so
  const again = runCli(['promote'], { cwd: folder });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /Nothing to change for trial 1\. Already set: lr, batch_size/);
});

test('knobs promote --trial N writes trial N’s config; from another folder it finds the program through the journalled working folder', () => {
  const { folder } = promoteSweep(
    'train_argparse.py',
    ['train_argparse.py'],
    [
      { params: { lr: 0.0012 }, value: 0.1 },
      { params: { lr: 0.25, dropout: 0.5 }, value: 0.9 },
    ],
  );
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-elsewhere-'));
  const r = runCli(['promote', '--dir', folder, '--trial', '2'], { cwd: elsewhere });
  assert.equal(r.code, 0, r.stderr);
  const file = path.join(folder, 'train_argparse.py');
  assert.ok(r.stdout.startsWith(`--- ${file}\n+++ ${file}\n`), r.stdout);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /"--lr",\n {8}type=float,\n {8}default=2\.5e-1,/);
  assert.match(text, /dest='dropout', type=float, default=0\.5\)/);
  assert.match(r.stderr, /Promoted trial 2 \(lr=0\.25, dropout=0\.5\) into train_argparse\.py\./);
  assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing was written where it was started');
});

test('knobs promote refuses with the file and a fix: no trial reported, trial N not found, no definition found, program gone', () => {
  const failed = promoteSweep('train_argparse.py', ['train_argparse.py'], [{ params: { lr: 0.1 } }]);
  const none = runCli(['promote'], { cwd: failed.folder });
  assert.equal(none.code, 2, none.stderr);
  assert.match(
    none.stderr,
    /knobs: error: no trial of \S+ has reported val_loss yet\n {2}fix: run the sweep first \(`knobs resume`\), or pick a trial with --trial N/,
  );

  const missing = runCli(['promote', '--trial', '7'], { cwd: failed.folder });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /has no trial 7\n {2}fix: its trials are 1\.\.1/);

  const bare = promoteSweep('main.py', [['main.py', MAIN_PY]], [{ params: { lr: 0.1, dropout: 0.2 }, value: 0.3 }]);
  const before = snapshot(bare.folder);
  const nothing = runCli(['promote'], { cwd: bare.folder });
  assert.equal(nothing.code, 1, nothing.stderr);
  assert.match(
    nothing.stderr,
    new RegExp(
      `knobs: error: ${path.join(bare.folder, 'main.py').replace(/[.]/g, '\\.')}: no definition of lr, dropout found in main\\.py; nothing to promote\n {2}fix: give each a default where the script reads it \\(e\\.g\\. \`parser\\.add_argument\\("--lr", default=\\.\\.\\.\\)\``,
    ),
  );
  assert.deepEqual(snapshot(bare.folder), before);

  fs.rmSync(path.join(bare.folder, 'main.py'));
  const gone = runCli(['promote'], { cwd: bare.folder });
  assert.equal(gone.code, 1, gone.stderr);
  assert.match(
    gone.stderr,
    /main\.py: the program of sweep \S+ \(\S+main\.py\) was not found\n {2}fix: promote writes into the training script named by `program:`/,
  );
});

test('knobs --help lists promote; knobs promote --help names its options', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-help-'));
  assert.match(
    runCli(['--help'], { cwd }).stdout,
    /^ {2}promote {5}Write the best trial’s config \(or trial N’s\) into the script’s defaults; prints the diff\.$/m,
  );
  const help = runCli(['promote', '--help'], { cwd });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: knobs promote \[sweep\] \[--trial N\] \[--dry-run\]\n/);
  for (const flag of ['--dir DIR', '--trial N', '--dry-run']) assert.match(help.stdout, new RegExp(`^ {2}${flag} `, 'm'));
});
