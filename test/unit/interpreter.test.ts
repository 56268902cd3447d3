import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { findOnPath, resolveInterpreter } from '../../src/core/runner/interpreter';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-interp-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A folder with fake executables (and, optionally, non-executable files). */
function binDir(name: string, exes: string[], plain: string[] = []): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const e of exes) fs.writeFileSync(path.join(dir, e), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  for (const p of plain) fs.writeFileSync(path.join(dir, p), 'not executable\n', { mode: 0o644 });
  return dir;
}

const both = binDir('both', ['python', 'python3', 'node']);
const only3 = binDir('only3', ['python3']);
const noexec = binDir('noexec', [], ['python', 'node']);
const empty = binDir('empty', []);
fs.mkdirSync(path.join(root, 'dironly', 'python'), { recursive: true });
const dirOnly = path.join(root, 'dironly');
const runtime = { execPath: '/opt/node/bin/node' };

test('findOnPath walks PATH in order, needs an executable regular file', () => {
  assert.equal(findOnPath('python', { PATH: [empty, only3, both].join(path.delimiter) }), path.join(both, 'python'));
  assert.equal(findOnPath('python3', { PATH: [only3, both].join(path.delimiter) }), path.join(only3, 'python3'));
  assert.equal(
    findOnPath('python', { PATH: [noexec, dirOnly].join(path.delimiter) }),
    undefined,
    'non-executable file and directory are skipped',
  );
  assert.equal(findOnPath('python', {}), undefined, 'no PATH');
  assert.equal(findOnPath('python', { PATH: '' }), undefined);
  assert.equal(findOnPath(path.join(both, 'node'), { PATH: '' }), path.join(both, 'node'), 'a path is checked as is');
  assert.equal(findOnPath(path.join(noexec, 'node'), { PATH: '' }), undefined);
});

test('findOnPath on Windows: case-insensitive Path and PATHEXT', () => {
  const win = binDir('win', [], ['python.EXE', 'node.CMD']);
  const env = { Path: `${win};C:\\nowhere`, PATHEXT: '.COM;.EXE;.CMD' };
  // Windows has no execute bit: a plain file counts. Paths are joined with win32 rules.
  const found = findOnPath('python', env, { platform: 'win32' });
  assert.ok(found?.endsWith('python.EXE'), String(found));
  assert.ok(findOnPath('node', env, { platform: 'win32' })?.endsWith('node.CMD'));
  assert.equal(findOnPath('ruby', env, { platform: 'win32' }), undefined);
});

test('resolveInterpreter precedence table', () => {
  const p = (...dirs: string[]) => dirs.join(path.delimiter);
  const table: { name: string; program?: string; override?: string; env: NodeJS.ProcessEnv; electron?: string; want: string }[] = [
    {
      name: 'override wins over everything',
      program: 'train.py',
      override: '/venv/bin/python',
      env: { KNOBS_PYTHON: '/x/python', PATH: both },
      want: '/venv/bin/python',
    },
    { name: 'override wins for .mjs too', program: 'train.mjs', override: 'bun', env: { PATH: both }, want: 'bun' },
    { name: 'blank override ignored', program: 'train.py', override: '  ', env: { PATH: both }, want: 'python' },
    { name: 'KNOBS_PYTHON for .py', program: 'train.py', env: { KNOBS_PYTHON: '/usr/bin/python3', PATH: both }, want: '/usr/bin/python3' },
    { name: 'KNOBS_PYTHON not for .js', program: 'train.js', env: { KNOBS_PYTHON: '/usr/bin/python3', PATH: both }, want: 'node' },
    { name: '.py → python when on PATH', program: 'train.py', env: { PATH: p(only3, both) }, want: 'python' },
    { name: '.py → python3 when python is missing', program: 'src/train.py', env: { PATH: p(only3, noexec) }, want: 'python3' },
    { name: '.py → python when neither exists (W&B)', program: 'train.py', env: { PATH: empty }, want: 'python' },
    { name: '.PY extension case-insensitive', program: 'TRAIN.PY', env: { PATH: only3 }, want: 'python3' },
    { name: '.mjs → node on PATH', program: 'train.mjs', env: { PATH: both }, want: 'node' },
    { name: '.cjs → node on PATH', program: 'train.cjs', env: { PATH: both }, want: 'node' },
    { name: '.js → this node when none on PATH', program: 'train.js', env: { PATH: empty }, want: '/opt/node/bin/node' },
    { name: 'other extension → python (W&B)', program: 'run.sh', env: { PATH: only3 }, want: 'python3' },
    { name: 'no program → python', env: { PATH: both }, want: 'python' },
    { name: 'KNOBS_PYTHON for programs run by python', program: 'train', env: { KNOBS_PYTHON: '/opt/py', PATH: both }, want: '/opt/py' },
  ];
  for (const row of table) {
    const got = resolveInterpreter({
      program: row.program,
      override: row.override,
      env: row.env,
      platform: 'linux',
      runtime: { ...runtime, electron: row.electron },
    });
    assert.equal(got, row.want, row.name);
  }
});

test('resolveInterpreter: a .js program inside Electron with no node on PATH is a clear error', () => {
  assert.throws(
    () =>
      resolveInterpreter({
        program: 'train.js',
        env: { PATH: empty },
        platform: 'linux',
        runtime: { execPath: '/Applications/Code', electron: '29.0.0' },
      }),
    (e: unknown) => e instanceof KnobsError && e.code === 'E_SPAWN' && e.message.includes('train.js') && !!e.hint?.includes('interpreter:'),
  );
});

test('resolveInterpreter defaults to the real process runtime', () => {
  // This test process is a real node, not Electron.
  assert.equal(resolveInterpreter({ program: 'x.mjs', env: { PATH: empty } }), process.execPath);
});
