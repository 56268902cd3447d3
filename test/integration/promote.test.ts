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
import { closeAllDocuments, dialogs, resetDialogs, settings } from '../support/vscodeStub';

const FIXTURES = path.join(ROOT, 'test/fixtures/promote');
const MAIN_PY = 'print("training")\n';

interface TrialSpec {
  params: Record<string, unknown>;
  /** val_loss reported (none: the trial failed before reporting). */
  value?: number;
  /** How it ended (default: completed, or failed without a value). */
  status?: 'failed' | 'running' | 'stopped' | 'pruned';
}

/**
 * A folder holding `files` (fixture names, or name → text), a sweep file whose program is
 * `program`, and a sweep under .knobs whose trials are `trials` (trial 1 first). The sweep file is
 * `sweepFile` (a fixture) when given; else its recorded space searches every parameter of the
 * trials (each a choice of two values).
 */
function promoteSweep(
  program: string,
  files: (string | [string, string])[],
  trials: TrialSpec[],
  sweepFile?: string,
): { folder: string; sweepDir: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-promote-'));
  for (const f of files) {
    if (typeof f === 'string') fs.copyFileSync(path.join(FIXTURES, f), path.join(folder, f));
    else fs.writeFileSync(path.join(folder, f[0]), f[1]);
  }
  const file = path.join(folder, 'sweep.yaml');
  const text = sweepFile
    ? fs.readFileSync(path.join(FIXTURES, sweepFile), 'utf8')
    : `program: ${program}\nmethod: random\nmetric:\n  name: val_loss\n  goal: minimize\nparameters:\n  lr:\n    min: 0.0001\n    max: 0.1\n`;
  fs.writeFileSync(file, text);
  const { spec } = parseSweep(text, { file });
  assert.ok(spec, 'the test sweep file parses');
  if (!sweepFile) {
    const values = new Map<string, unknown>();
    for (const t of trials) for (const [k, v] of Object.entries(t.params)) if (!values.has(k)) values.set(k, v);
    spec.space = {
      params: [...values].map(([name, v]) => ({
        kind: 'categorical' as const,
        name,
        path: name.split('.'),
        values: [v as never, 'other'],
      })),
    };
  }
  const paths = createSweep({ spec, knobsDir: path.join(folder, '.knobs'), seed: 1, workdir: { dir: folder, from: 'started' } });
  const w = JournalWriter.open(paths.journal, { workerId: 'test' });
  trials.forEach((t, i) => {
    const trial = i + 1;
    w.append({ op: 'trial_asked', trial, params: t.params as never, source: 'random', index: i });
    w.append({ op: 'trial_started', trial, attempt: 1, pid: 1, pgid: 1, argv: ['python', program] });
    if (t.value !== undefined) w.append({ op: 'metric', trial, attempt: 1, step: 1, values: { val_loss: t.value } });
    const status = t.status ?? (t.value === undefined ? 'failed' : 'completed');
    if (status === 'failed') {
      w.append({
        op: 'trial_failed',
        trial,
        attempt: 1,
        kind: 'exit',
        exitCode: 2,
        signal: null,
        stderrTail: 'usage: main.py [-h]\nmain.py: error: unrecognized arguments: --batch_size=64\n',
        willRetry: false,
      } as never);
    } else if (status === 'completed') {
      w.append({ op: 'trial_completed', trial, attempt: 1, exitCode: 0 });
    } else if (status !== 'running') {
      w.append({
        op: 'trial_stopped',
        trial,
        attempt: 1,
        by: status === 'pruned' ? 'pruned' : 'user',
        reason: status === 'pruned' ? 'pruned by hyperband' : 'stopped by the user',
      });
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

/**
 * Promote trial `trial` of the sweep through the extension's adapter: preview off (applied at
 * once) unless `preview`; its dialogs answer with `buttons`, its quick pick with `pick` (default:
 * the pre-ticked items). Undefined: the user cancelled.
 */
async function promoteInExtension(
  sweepDir: string,
  trial: number,
  o: { preview?: boolean; fullPrecision?: boolean; buttons?: string[]; pick?: typeof dialogs.pick } = {},
) {
  closeAllDocuments();
  resetDialogs();
  dialogs.buttons.push(...(o.buttons ?? []));
  dialogs.pick = o.pick;
  settings['knobs.promote.showPreview'] = !!o.preview;
  settings['knobs.promote.fullPrecision'] = !!o.fullPrecision;
  const sweep = openSweep(sweepDir);
  const entry: SweepEntry = {
    dir: sweep.paths.dir,
    id: sweep.paths.id,
    paths: sweep.paths,
    state: sweep.state,
    runner: sweep.runner,
    version: 0,
  };
  const log = { info() {}, warn() {}, error() {}, show() {} };
  return promoteTrial(entry, sweep.state.byId.get(trial)!, log);
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
    assert.equal(ext?.applied, true);
    const viaExtension = snapshot(folder);

    assert.deepEqual(viaExtension, cli, 'the extension and the CLI wrote the same files');
    const changed = Object.keys(before).filter((n) => before[n] !== cli[n]);
    assert.deepEqual(changed, ext!.files.map((f) => path.basename(f)).sort(), 'the files the extension reports are the ones changed');
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
  // the default and the help string's "(default=X)" that held it
  assert.match(
    dry.stdout,
    new RegExp(
      '^- {8}default=3e-4, {2}# learning rate\\n- {8}help="learning rate \\(default=3e-4\\)",\\n\\+ {8' +
        '}default=1\\.2e-3, {2}# learning rate\\n\\+ {8}help="learning rate \\(default=1\\.2e-3\\)",\\n',
      'm',
    ),
  );
  assert.match(
    dry.stderr,
    new RegExp(
      [
        /^knobs: Dry run: trial 1 \(lr=0\.0012, batch_size=128, dropout=0\.25, optimizer=sgd, l1=1\) /.source,
        /would be promoted into train_argparse\.py; nothing was written\. /.source,
        /Already set: momentum\. No definition found for: warmup, use_bn/.source,
      ].join(''),
    ),
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
    /knobs: error: no trial of \S+ has completed with val_loss yet\n {2}fix: run the sweep first \(`knobs resume`\), or pick a trial with --trial N/,
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
      `knobs: error: ${path.join(bare.folder, 'main.py').replace(/[.]/g, '\\.')}: no definition of lr, dropout found in main\\.py; ` +
        'nothing to promote\n {2}fix: give each a default where the script reads it ' +
        '\\(e\\.g\\. `parser\\.add_argument\\("--lr", default=\\.\\.\\.\\)`',
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
  assert.match(
    help.stdout,
    /^usage: knobs promote \[sweep\] \[--trial N\] \[--params A,B \| --all\] \[--include-budget\] \[--full-precision\] \[--yes\] \[--dry-run\]\n/,
  );
  for (const flag of ['--dir DIR', '--trial N', '--params A,B', '--all', '--include-budget', '--full-precision', '--yes', '--dry-run'])
    assert.match(help.stdout, new RegExp(`^ {2}${flag} `, 'm'));
});

// ---- a safe Promote, on the argparse block of pytorch/examples' mnist/main.py (mnist_main.py) ----

const MNIST = 'mnist_main.py';
/** The config a sweep's sampler gives (full precision), with the sweep's constants. */
const MNIST_BEST = {
  lr: 3.3139081963348613,
  'batch-size': 32,
  dropout: 0.15000000000000002,
  optimizer: 'sgd',
  epochs: 5,
  gamma: 0.7,
  seed: 42,
};
const MNIST_OTHER = { lr: 0.5, 'batch-size': 128, dropout: 0.4, optimizer: 'adadelta', epochs: 5, gamma: 0.7, seed: 42 };

function mnistSweep(trials: TrialSpec[]) {
  return promoteSweep(MNIST, [MNIST], trials, 'mnist_sweep.yaml');
}

const mnistText = (folder: string) => fs.readFileSync(path.join(folder, MNIST), 'utf8');

const SAFE_TITLE =
  'promote writes only what the sweep searched, rounded, without budget parameters, ' +
  'and the help strings’ "(default: X)": CLI and extension alike (golden)';

test(SAFE_TITLE, async () => {
  const { folder, sweepDir } = mnistSweep([
    { params: MNIST_BEST, value: 0.04 },
    { params: MNIST_OTHER, value: 0.3 },
  ]);
  const before = snapshot(folder);
  const r = runCli(['promote'], { cwd: folder });
  assert.equal(r.code, 0, r.stderr);
  const golden = fs.readFileSync(path.join(FIXTURES, 'mnist_main.promoted.py'), 'utf8');
  assert.equal(mnistText(folder), golden);
  assert.match(
    r.stderr,
    new RegExp(
      '^knobs: Promoted trial 1 \\(lr=3\\.314, batch-size=32, dropout=0\\.15, optimizer=sgd\\) into m' +
        'nist_main\\.py\\. Left out: epochs \\(budget\\), seed \\(not searched\\); --include-budget \\/ --' +
        'all writes them\\.\\n$',
    ),
  );

  // the extension with the preview off: the default choice, applied at once
  restore(folder, before);
  const ext = await promoteInExtension(sweepDir, 1);
  assert.equal(ext?.applied, true);
  assert.equal(mnistText(folder), golden, 'the extension wrote what the CLI wrote');
  assert.deepEqual(ext!.leftOut, [
    { name: 'epochs', why: 'budget' },
    { name: 'seed', why: 'not searched' },
  ]);
  assert.deepEqual(ext!.written, { lr: 3.314, 'batch-size': 32, dropout: 0.15, optimizer: 'sgd' });

  // with the preview on: a checkbox per changing parameter, the default choice pre-ticked; Enter and "Promote" write the same
  restore(folder, before);
  const previewed = await promoteInExtension(sweepDir, 1, { preview: true });
  assert.equal(previewed?.applied, false, 'the diff dialog was dismissed: cancelled');
  assert.equal(mnistText(folder), before[MNIST], 'nothing written before the confirmation');
  assert.deepEqual(
    dialogs.quickPicks[0].map((i) => [i.label, i.description, i.picked]),
    [
      ['lr', '1.0 → 3.314', true],
      ['batch-size', '64 → 32', true],
      ['dropout', '0.25 → 0.15', true],
      ['optimizer', "'adadelta' → 'sgd'", true],
      ['epochs', '14 → 5', false],
      ['seed', '1 → 42', false],
    ],
  );
  assert.match(dialogs.quickPicks[0][4].detail ?? '', /budget/);
  assert.match(dialogs.quickPicks[0][5].detail ?? '', /not searched/);
  assert.match(dialogs.messages[0], /^Promote trial 1 of \S+ into mnist_main\.py\?$/);
  const confirmed = await promoteTrialConfirmed(sweepDir);
  assert.equal(confirmed?.applied, true);
  assert.equal(mnistText(folder), golden);
});

/** The extension with the preview on, the diff confirmed with "Promote". */
function promoteTrialConfirmed(sweepDir: string, trial = 1, pick?: typeof dialogs.pick) {
  return promoteInExtension(sweepDir, trial, { preview: true, buttons: ['Promote'], pick });
}

test('promote --all --include-budget writes constants and budgets too, as ticking every checkbox does', async () => {
  const { folder, sweepDir } = mnistSweep([{ params: MNIST_BEST, value: 0.04 }]);
  const before = snapshot(folder);
  const r = runCli(['promote', '--all', '--include-budget'], { cwd: folder });
  assert.equal(r.code, 0, r.stderr);
  const cli = mnistText(folder);
  assert.match(cli, /'--epochs', type=int, default=5, metavar='N',\n {24}help='number of epochs to train \(default: 5\)'/);
  assert.match(cli, /'--seed', type=int, default=42, metavar='S',\n {24}help='random seed \(default: 42\)'/);
  assert.match(cli, /default=0\.7, metavar='M'/, 'gamma held the value already');
  assert.match(
    r.stderr,
    /Promoted trial 1 \(lr=3\.314, batch-size=32, dropout=0\.15, optimizer=sgd, epochs=5, seed=42\) into mnist_main\.py\. Already set: gamma\.\n$/,
  );

  restore(folder, before);
  const ext = await promoteTrialConfirmed(sweepDir, 1, (items) => items);
  assert.equal(ext?.applied, true);
  assert.equal(mnistText(folder), cli);

  // --include-budget alone: epochs, not seed
  restore(folder, before);
  const budget = runCli(['promote', '--include-budget'], { cwd: folder });
  assert.equal(budget.code, 0, budget.stderr);
  assert.match(mnistText(folder), /default=5, metavar='N'/);
  assert.match(mnistText(folder), /'--seed', type=int, default=1,/);
  assert.match(budget.stderr, /Left out: seed \(not searched\); --all writes it\.\n$/);

  // unticking in the pick leaves a parameter out, and says so
  restore(folder, before);
  const unticked = await promoteTrialConfirmed(sweepDir, 1, (items) => items.filter((i) => i.picked && i.label !== 'lr'));
  assert.equal(unticked?.applied, true);
  assert.match(mnistText(folder), /default=1\.0, metavar='LR',\n {24}help='learning rate \(default: 1\.0\)'/);
  assert.deepEqual(
    unticked!.leftOut.map((l) => `${l.name}:${l.why}`),
    ['lr:not picked', 'epochs:budget', 'seed:not searched'],
  );
});

test('promote --params a,b writes those only (a budget one too, when named); unknown names and --params with --all are refused', () => {
  const { folder } = mnistSweep([{ params: MNIST_BEST, value: 0.04 }]);
  const before = snapshot(folder);
  const r = runCli(['promote', '--params', 'lr,epochs'], { cwd: folder });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /Promoted trial 1 \(lr=3\.314, epochs=5\) into mnist_main\.py\. Left out: batch-size, dropout, optimizer, seed \(not picked\); --params writes them\./,
  );
  assert.match(mnistText(folder), /'--batch-size', type=int, default=64,/);

  restore(folder, before);
  const bad = runCli(['promote', '--params', 'lr,batch_size'], { cwd: folder });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    new RegExp(
      'knobs: error: trial 1 of \\S+ has no parameter batch_size\\n {2}fix: name some of its parame' +
        'ters: --params lr,batch-size,dropout,optimizer,epochs,gamma,seed\\n',
    ),
  );
  const both = runCli(['promote', '--params', 'lr', '--all'], { cwd: folder });
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /knobs: error: --params and --all both choose the parameters\n {2}fix: give one of them/);
  const empty = runCli(['promote', '--params', ','], { cwd: folder });
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /knobs: error: --params is empty\n {2}fix: name parameters: --params lr,dropout/);
  assert.deepEqual(snapshot(folder), before, 'a refused promote writes nothing');
});

test('promote --full-precision (and the setting knobs.promote.fullPrecision) writes the values as the trial ran them', async () => {
  const { folder, sweepDir } = mnistSweep([{ params: MNIST_BEST, value: 0.04 }]);
  const before = snapshot(folder);
  const r = runCli(['promote', '--full-precision'], { cwd: folder });
  assert.equal(r.code, 0, r.stderr);
  const cli = mnistText(folder);
  assert.match(cli, /default=3\.3139081963348613, metavar='LR',\n {24}help='learning rate \(default: 3\.3139081963348613\)'/);
  assert.match(cli, /'--dropout', type=float, default=0\.15000000000000002,/);
  restore(folder, before);
  const ext = await promoteInExtension(sweepDir, 1, { fullPrecision: true });
  assert.equal(ext?.applied, true);
  assert.equal(mnistText(folder), cli);
});

test('promote refuses failed and running trials, CLI and extension, naming the crash and a fix', async () => {
  const { folder, sweepDir } = mnistSweep([
    { params: MNIST_OTHER, value: 0.3 },
    { params: MNIST_BEST, status: 'failed' },
    { params: MNIST_BEST, value: 0.1, status: 'running' },
  ]);
  const before = snapshot(folder);
  const failed = runCli(['promote', '--trial', '2'], { cwd: folder });
  assert.equal(failed.code, 1, failed.stderr);
  const failedMsg = new RegExp(
    'trial 2 of \\S+ failed \\(crashed \\(exit code 2\\): main\\.py: error: unrecognized arguments: ' +
      '--batch_size=64\\); a config that crashed the script is not promoted',
  );
  assert.match(
    failed.stderr,
    new RegExp(
      `knobs: error: ${failedMsg.source}\\n {2}fix: promote a completed trial instead ` +
        '\\(`knobs promote` and Promote Best Config pick the best one\\), or fix the failure and rerun the trial',
    ),
  );
  await assert.rejects(promoteInExtension(sweepDir, 2), failedMsg);

  const running = runCli(['promote', '--trial', '3', '--yes'], { cwd: folder });
  assert.equal(running.code, 1, running.stderr);
  const runningMsg = /trial 3 of \S+ is still running; its config is promoted once it has completed/;
  assert.match(
    running.stderr,
    new RegExp(`knobs: error: ${runningMsg.source}\\n {2}fix: wait for it to complete, or promote a completed trial instead`),
  );
  await assert.rejects(promoteInExtension(sweepDir, 3), runningMsg);
  assert.deepEqual(snapshot(folder), before);

  // the best trial to promote is the best completed one (the running trial 3 leads)
  const best = runCli(['promote', '--dry-run'], { cwd: folder });
  assert.equal(best.code, 0, best.stderr);
  assert.match(best.stderr, /^knobs: Dry run: trial 1 \(/);
});

test('promote asks before writing a stopped or pruned trial: the CLI wants --yes, the extension a modal', async () => {
  const { folder, sweepDir } = mnistSweep([
    { params: MNIST_BEST, value: 0.2, status: 'stopped' },
    { params: MNIST_OTHER, value: 0.5, status: 'pruned' },
  ]);
  const before = snapshot(folder);
  const none = runCli(['promote'], { cwd: folder });
  assert.equal(none.code, 2, none.stderr);
  assert.match(
    none.stderr,
    new RegExp(
      'knobs: error: no trial of \\S+ has completed with val_loss yet \\(trial 1, stopped, leads\\)\\' +
        'n {2}fix: wait for a trial to complete, or pick one with --trial N \\(a stopped or pruned o' +
        'ne needs --yes\\)',
    ),
  );
  const ask = runCli(['promote', '--trial', '1'], { cwd: folder });
  assert.equal(ask.code, 2, ask.stderr);
  assert.match(
    ask.stderr,
    new RegExp(
      'knobs: error: trial 1 of (\\S+) was stopped before it finished; its value is from an unfini' +
        'shed run\\n {2}fix: add --yes to promote it anyway \\(`knobs promote \\1 --trial 1 --yes`\\), ' +
        'or promote a completed trial',
    ),
  );
  assert.deepEqual(snapshot(folder), before);
  const yes = runCli(['promote', '--trial', '1', '--yes'], { cwd: folder });
  assert.equal(yes.code, 0, yes.stderr);
  const written = mnistText(folder);
  assert.equal(written, fs.readFileSync(path.join(FIXTURES, 'mnist_main.promoted.py'), 'utf8'));

  restore(folder, before);
  const dismissed = await promoteInExtension(sweepDir, 1);
  assert.equal(dismissed, undefined, 'the modal was dismissed: nothing promoted');
  assert.match(
    dialogs.messages[0],
    /^Trial 1 was stopped before it finished \(val_loss 0\.2; stopped by the user\): its value is from an unfinished run\. Promote it anyway\?$/,
  );
  assert.deepEqual(snapshot(folder), before);
  const pruned = await promoteInExtension(sweepDir, 2, { buttons: ['Promote Anyway'] });
  assert.equal(pruned?.applied, true);
  assert.match(dialogs.messages[0], /^Trial 2 was pruned before it finished \(val_loss 0\.5; pruned by hyperband\)/);
  assert.match(mnistText(folder), /default=0\.5, metavar='LR'/);
});
