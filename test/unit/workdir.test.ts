/**
 * Where trials run (core/sweep/workdir.ts): the started folder, else the sweep file's folder, or
 * --cwd; the journalled folder on resume; `program` kept inside the workspace; sweeps found in
 * ./.knobs and in the .knobs folders below (older sweeps beside their sweep files).
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import type { SweepCreatedOp } from '../../src/core/journal/ops';
import { loadSweepFile } from '../../src/core/space/parse';
import { knobsDirsUnder, listSweeps, resolveSweep } from '../../src/core/sweep/paths';
import { chooseWorkdir, journalWorkdir, resumeWorkdir } from '../../src/core/sweep/workdir';

/** A temp repository: files given as {relative path: text}; returns its real path. */
function repo(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-workdir-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const SWEEP = (program: string, extra = '') =>
  `method: random\nmetric: {name: loss}\nprogram: ${program}\nparameters:\n  x: {min: 0.0, max: 1.0}\n${extra}`;

function created(cwd: string, cwdFrom?: SweepCreatedOp['provenance']['cwdFrom']): SweepCreatedOp {
  return {
    op: 'sweep_created',
    seq: 1,
    w: 'w',
    t: 1,
    sweepId: 'sw',
    text: '',
    spaceKey: '',
    seed: 1,
    metric: { name: 'loss', goal: 'minimize' },
    method: 'random',
    provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd, cwdFrom },
  };
}

function knobsError(fn: () => unknown, code: string, ...patterns: RegExp[]): KnobsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KnobsError, `expected a KnobsError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(caught.format(), p);
  return caught;
}

test('configs/sweep.yaml with program at the root, started at the root: trials run at the root (as W&B)', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py'), 'main.py': '' });
  const wd = chooseWorkdir({ spec: loadSweepFile(path.join(root, 'configs/sweep.yaml')), started: root });
  assert.deepEqual(wd, { dir: root, from: 'started' });
});

test('program only beside the sweep file: its folder, with a notice naming both folders', () => {
  const root = repo({ 'examples/x/sweep.yaml': SWEEP('train.py'), 'examples/x/train.py': '' });
  const wd = chooseWorkdir({ spec: loadSweepFile(path.join(root, 'examples/x/sweep.yaml')), started: root });
  assert.equal(wd.dir, path.join(root, 'examples/x'));
  assert.equal(wd.from, 'sweep-file');
  assert.ok(wd.notice?.includes(`is not in ${root}`), wd.notice);
  assert.ok(wd.notice?.includes(`trials run in ${path.join(root, 'examples/x')}`), wd.notice);
});

test('program in both folders: the started folder wins; started in the sweep file’s folder: that folder, no notice', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py'), 'main.py': '', 'configs/main.py': '' });
  const spec = loadSweepFile(path.join(root, 'configs/sweep.yaml'));
  assert.deepEqual(chooseWorkdir({ spec, started: root }), { dir: root, from: 'started' });
  assert.deepEqual(chooseWorkdir({ spec, started: path.join(root, 'configs') }), { dir: path.join(root, 'configs'), from: 'started' });
});

test('program in neither folder: an error at program’s line:col naming both folders and the fixes', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py') });
  const file = path.join(root, 'configs/sweep.yaml');
  const e = knobsError(
    () => chooseWorkdir({ spec: loadSweepFile(file), started: root }),
    'E_SPAWN',
    /sweep\.yaml:3:1: `program` "main\.py" is neither in /,
    /--cwd DIR/,
  );
  assert.ok(
    e.message.includes(`${root} (where knobs was started)`) &&
      e.message.includes(`${path.join(root, 'configs')} (the sweep file's folder)`),
    e.message,
  );
  knobsError(
    () => chooseWorkdir({ spec: loadSweepFile(file), started: path.join(root, 'configs') }),
    'E_SPAWN',
    new RegExp(`"main\\.py" is not in ${path.join(root, 'configs')}`),
  );
});

test('--cwd DIR wins over both, relative to the started folder; a missing folder or program there is an error', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py'), 'main.py': '', 'configs/main.py': '', 'other/main.py': '' });
  const spec = loadSweepFile(path.join(root, 'configs/sweep.yaml'));
  assert.deepEqual(chooseWorkdir({ spec, started: root, explicit: 'other' }), { dir: path.join(root, 'other'), from: 'flag' });
  knobsError(() => chooseWorkdir({ spec, started: root, explicit: 'nope' }), 'E_USAGE', /--cwd folder .*nope is not a folder/);
  fs.mkdirSync(path.join(root, 'empty'));
  knobsError(
    () => chooseWorkdir({ spec, started: root, explicit: 'empty' }),
    'E_SPAWN',
    /sweep\.yaml:3:1: `program` "main\.py" is not in the --cwd folder/,
    /fix: pass the folder that holds main\.py/,
  );
});

test('no program file to find: `command` without ${program}, no program, or an absolute one: the started folder', () => {
  const root = repo({
    'a/sweep.yaml':
      'method: random\nmetric: {name: loss}\ncommand: [python, train.py, "${args}"]\nparameters:\n  x: {min: 0.0, max: 1.0}\n',
    'b/sweep.yaml': SWEEP('gone.py', 'command: [python, -m, pkg.train, "${args}"]\n'),
    'c/sweep.yaml': SWEEP(''),
  });
  assert.deepEqual(chooseWorkdir({ spec: loadSweepFile(path.join(root, 'a/sweep.yaml')), started: root }), { dir: root, from: 'started' });
  assert.deepEqual(chooseWorkdir({ spec: loadSweepFile(path.join(root, 'b/sweep.yaml')), started: root }), { dir: root, from: 'started' });
  const abs = path.join(root, 'c', 'abs.py');
  fs.writeFileSync(abs, '');
  fs.writeFileSync(path.join(root, 'c/sweep.yaml'), SWEEP(abs));
  assert.deepEqual(chooseWorkdir({ spec: loadSweepFile(path.join(root, 'c/sweep.yaml')), started: path.join(root, 'a') }), {
    dir: path.join(root, 'a'),
    from: 'started',
  });
  fs.writeFileSync(path.join(root, 'c/sweep.yaml'), SWEEP(path.join(root, 'missing.py')));
  knobsError(
    () => chooseWorkdir({ spec: loadSweepFile(path.join(root, 'c/sweep.yaml')), started: root }),
    'E_SPAWN',
    /sweep\.yaml:3:1: `program` ".*missing\.py" does not exist/,
  );
});

test('the workspace check refuses escapes and symlinks out, and accepts configs/, root and sibling-folder layouts', () => {
  const outside = repo({ 'evil.py': '' });
  const root = repo({
    'configs/root.yaml': SWEEP('main.py'),
    'configs/sibling.yaml': SWEEP('src/train.py'),
    'configs/up.yaml': SWEEP('../src/train.py'),
    'configs/escape.yaml': SWEEP(`../../${path.basename(outside)}/evil.py`),
    'configs/link.yaml': SWEEP('link.py'),
    'main.py': '',
    'src/train.py': '',
  });
  const spec = (name: string) => loadSweepFile(path.join(root, 'configs', name));
  assert.equal(chooseWorkdir({ spec: spec('root.yaml'), started: root }).dir, root);
  assert.equal(chooseWorkdir({ spec: spec('sibling.yaml'), started: root }).dir, root, 'src/train.py from the root');
  assert.equal(
    chooseWorkdir({ spec: spec('up.yaml'), started: root }).dir,
    path.join(root, 'configs'),
    '../src/train.py beside the sweep file, inside the started folder',
  );
  knobsError(
    () => chooseWorkdir({ spec: spec('escape.yaml'), started: path.join(root, 'configs') }),
    'E_SWEEP_PARSE',
    /escape\.yaml:3:1: .*outside the workspace/,
    /--workspace DIR/,
  );
  fs.symlinkSync(path.join(outside, 'evil.py'), path.join(root, 'link.py'));
  knobsError(() => chooseWorkdir({ spec: spec('link.yaml'), started: root }), 'E_SWEEP_PARSE', /outside the workspace/);
  assert.equal(
    chooseWorkdir({ spec: spec('link.yaml'), started: root, workspace: path.dirname(outside) }).dir,
    root,
    '--workspace allows it',
  );
  // started in an unrelated folder that holds main.py: outside git, the sweep file's own folder is the workspace
  const elsewhere = repo({ 'main.py': '' });
  knobsError(() => chooseWorkdir({ spec: spec('root.yaml'), started: elsewhere }), 'E_SWEEP_PARSE', /outside the workspace/);
  // --cwd is the user's own choice; `program` must still stay inside it
  assert.equal(chooseWorkdir({ spec: spec('root.yaml'), started: root, explicit: elsewhere }).dir, elsewhere);
  fs.mkdirSync(path.join(elsewhere, 'deep'));
  knobsError(
    () => chooseWorkdir({ spec: spec('escape.yaml'), started: root, explicit: path.join(elsewhere, 'deep') }),
    'E_SWEEP_PARSE',
    /escape\.yaml:3:1: .*outside the workspace/,
  );
});

test('in a git work tree the workspace is the work tree, wherever knobs starts', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py'), 'main.py': '', 'pkg/sub/x': '' });
  execFileSync('git', ['init', '-q'], { cwd: root });
  const spec = loadSweepFile(path.join(root, 'configs/sweep.yaml'));
  fs.writeFileSync(path.join(root, 'pkg/main.py'), '');
  assert.equal(chooseWorkdir({ spec, started: path.join(root, 'pkg') }).dir, path.join(root, 'pkg'), 'a subfolder of the work tree');
  const elsewhere = repo({ 'main.py': '' });
  knobsError(() => chooseWorkdir({ spec, started: elsewhere }), 'E_SWEEP_PARSE', new RegExp(`outside the workspace ${root}`));
});

test('resume uses the journalled folder from anywhere; old journals mean the sweep file’s folder; --cwd overrides', () => {
  const root = repo({ 'configs/sweep.yaml': SWEEP('main.py'), 'main.py': '', 'other/main.py': '' });
  const spec = loadSweepFile(path.join(root, 'configs/sweep.yaml'));
  const elsewhere = repo({});
  assert.deepEqual(resumeWorkdir({ spec, started: elsewhere, created: created(root, 'started') }), { dir: root, from: 'started' });
  assert.deepEqual(
    journalWorkdir(created(path.join(root, 'configs'))),
    { dir: path.join(root, 'configs'), from: 'sweep-file' },
    'a journal without cwdFrom',
  );
  const bare = { ...created(''), file: path.join(root, 'configs', 'sweep.yaml'), provenance: undefined } as unknown as SweepCreatedOp;
  assert.deepEqual(journalWorkdir(bare), { dir: path.join(root, 'configs'), from: 'sweep-file' }, 'a hand-made journal without provenance');
  assert.deepEqual(resumeWorkdir({ spec, started: elsewhere, created: created(path.join(root, 'other'), 'flag') }), {
    dir: path.join(root, 'other'),
    from: 'flag',
  });
  assert.deepEqual(resumeWorkdir({ spec, started: root, explicit: 'other', created: created(root, 'started') }), {
    dir: path.join(root, 'other'),
    from: 'flag',
  });
  knobsError(
    () => resumeWorkdir({ spec, started: root, created: created(path.join(root, 'configs')) }),
    'E_SPAWN',
    /`program` "main\.py" is not in the working folder journalled for this sweep/,
  );
  knobsError(
    () => resumeWorkdir({ spec, started: root, created: created(path.join(root, 'gone'), 'started') }),
    'E_USAGE',
    /gone is not a folder/,
    /--cwd DIR/,
  );
});

test('sweeps are found in ./.knobs and in the .knobs folders below (not in hidden folders or node_modules, not too deep)', () => {
  const root = repo({});
  const mk = (rel: string, id: string) => {
    fs.mkdirSync(path.join(root, rel, '.knobs', 'sweeps', id), { recursive: true });
    fs.writeFileSync(path.join(root, rel, '.knobs', 'sweeps', id, 'journal.jsonl'), '');
  };
  mk('', '20260101-000000-new');
  mk('configs', '20250101-000000-old');
  mk('examples/x', '20250601-000000-ex');
  mk('node_modules/pkg', '20270101-000000-nm');
  mk('.hidden', '20270101-000000-hid');
  mk('a/b/c/d', '20270101-000000-deep');
  fs.mkdirSync(path.join(root, 'configs', 'empty', '.knobs'), { recursive: true });
  const dirs = knobsDirsUnder(root);
  assert.deepEqual(dirs, [path.join(root, '.knobs'), path.join(root, 'configs', '.knobs'), path.join(root, 'examples', 'x', '.knobs')]);
  const sweeps = listSweeps(dirs).map((d) => path.basename(d));
  assert.deepEqual(sweeps, ['20250101-000000-old', '20250601-000000-ex', '20260101-000000-new'], 'oldest first across folders');
  assert.equal(path.basename(resolveSweep(dirs)), '20260101-000000-new', 'the latest');
  assert.equal(resolveSweep(dirs, 'old'), path.join(root, 'configs', '.knobs', 'sweeps', '20250101-000000-old'));
  knobsError(() => resolveSweep(dirs, 'nope'), 'E_NO_SWEEP', /or the other 2 \.knobs folders below/);
  knobsError(() => resolveSweep(knobsDirsUnder(path.join(root, 'configs', 'empty'))), 'E_NO_SWEEP', /no sweeps under .*empty/);
});

test('a bare command name that PATH finds (a console script) runs from the started folder; one PATH lacks is an error', () => {
  const bin = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-workdir-bin-')));
  fs.writeFileSync(path.join(bin, 'knobs-test-console-script'), '#!/bin/sh\necho loss=1\n', { mode: 0o755 });
  const root = repo({ 'experiments/sweep.yml': SWEEP('knobs-test-console-script', 'command: ["${program}", "${args}"]\n') });
  const spec = loadSweepFile(path.join(root, 'experiments/sweep.yml'));
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved}`;
  try {
    assert.deepEqual(chooseWorkdir({ spec, started: root }), { dir: root, from: 'started' });
    assert.equal(resumeWorkdir({ spec, started: os.tmpdir(), created: created(root, 'started') }).dir, root);
  } finally {
    process.env.PATH = saved;
  }
  knobsError(() => chooseWorkdir({ spec, started: root }), 'E_SPAWN', /knobs-test-console-script/, /neither in/);
});
