/**
 * Starting the detached runner the way the extension does: dist/cli.js under process.execPath with
 * ELECTRON_RUN_AS_NODE=1, `run <file> --detach --json`, no shell. The runner outlives the CLI
 * process, the store follows its journal, stop goes through the control channel, resume re-attaches.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { sendControl } from '../../src/core/sweep/control';
import { pidAlive } from '../../src/core/sweep/lock';
import { cliError, cliPath, launch, parseDetachOutput, resumeSpec, runSpec, startFolder } from '../../src/extension/runner/launch';
import { SweepStore } from '../../src/extension/sweeps/store';

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';

test('run and resume specs: execPath + dist/cli.js, --detach --json, cwd of the workspace folder (else the sweep file’s), no shell env leaks', () => {
  const env = { PATH: '/bin', NODE_OPTIONS: '--inspect', HOME: '/h' };
  const r = runSpec({ extensionPath: '/ext', execPath: '/vscode/code', env, file: '/w/ex/sweep.yaml', python: '/venv/bin/python' });
  assert.equal(r.command, '/vscode/code');
  assert.deepEqual(r.args, ['/ext/dist/cli.js', 'run', '/w/ex/sweep.yaml', '--detach', '--json', '--python', '/venv/bin/python']);
  assert.equal(r.cwd, '/w/ex');
  assert.equal(r.env.ELECTRON_RUN_AS_NODE, '1');
  assert.equal(r.env.NODE_OPTIONS, undefined, 'the host’s debugger flags do not reach the runner');
  assert.equal(r.env.HOME, '/h');
  assert.equal(env.NODE_OPTIONS, '--inspect', 'the caller’s env is not mutated');
  assert.equal(
    runSpec({ extensionPath: '/ext', execPath: 'n', env, file: '/w/configs/sweep.yaml', workspaceFolder: '/w' }).cwd,
    '/w',
    'the code lens starts the CLI in the workspace folder',
  );
  assert.equal(startFolder('/w/configs/sweep.yaml', '/w'), '/w');
  assert.equal(startFolder('/elsewhere/sweep.yaml'), '/elsewhere', 'a file outside every workspace folder: its own folder');
  const s = resumeSpec({ extensionPath: '/ext', execPath: '/vscode/code', env, sweepDir: '/w/ex/.knobs/sweeps/abc' });
  assert.deepEqual(s.args, ['/ext/dist/cli.js', 'resume', '/w/ex/.knobs/sweeps/abc', '--detach', '--json']);
  assert.equal(s.cwd, '/w/ex', 'the folder holding .knobs (trials run in the journalled folder)');
  assert.equal(cliPath('/ext'), '/ext/dist/cli.js');
});

test('detach output and CLI errors are parsed', () => {
  const r = parseDetachOutput('noise\n{"sweep":"s1","dir":"/d/s1","pid":42,"log":"/d/s1/runner.log","resumed":false}\n');
  assert.deepEqual(r, { sweep: 's1', dir: '/d/s1', pid: 42, log: '/d/s1/runner.log', resumed: false });
  assert.throws(() => parseDetachOutput('nothing'), KnobsError);
  const e = cliError(1, 'knobs: error: sweep.yaml:4:1: unknown key `paramters`\n  fix: did you mean `parameters`?\n', 'knobs run');
  assert.equal(e.message, 'knobs run failed: sweep.yaml:4:1: unknown key `paramters`');
  assert.equal(e.hint, 'did you mean `parameters`?');
});

async function until<T>(fn: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the real CLI bundle starts a detached runner; the store follows it; stop and resume work', { timeout: 60_000 }, async () => {
  assert.ok(fs.existsSync(cliPath(ROOT)), 'dist/cli.js is built (npm run build)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-ext-launch-'));
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'scripts', 'slow_report.py'), path.join(dir, 'slow_report.py'));
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(
    file,
    'program: slow_report.py\nmethod: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {values: [0.1, 0.2, 0.3]}\n  steps: {value: 200}\n  interval: {value: 0.05}\nrun_cap: 3\n',
  );
  const env = { ...process.env };
  const logs: string[] = [];
  const r = await launch(runSpec({ extensionPath: ROOT, execPath: process.execPath, env, file, python: PYTHON }), 'knobs run', (l) =>
    logs.push(l),
  );
  assert.equal(path.dirname(path.dirname(path.dirname(r.dir))), dir, '.knobs beside the sweep file');
  assert.ok(r.pid > 0 && pidAlive(r.pid), 'the runner lives on after the CLI returned');
  const store = new SweepStore({ debounceMs: 0 });
  try {
    const e = store.add(path.join(r.dir, 'journal.jsonl'));
    await until(
      () => (store.flush(r.dir), e.state.trials.some((t) => t.status === 'running' && t.reports > 0)),
      20_000,
      'a running trial with reports',
    );
    assert.equal(e.runner.kind, 'running');
    assert.equal(e.state.created?.file, file);
    const trial = e.state.trials.find((t) => t.status === 'running')!;
    sendControl(e.paths.control, { cmd: 'stop', trial: trial.id });
    await until(() => (store.flush(r.dir), e.state.byId.get(trial.id)!.status === 'stopped'), 20_000, 'the trial to stop');
    sendControl(e.paths.control, { cmd: 'stop' });
    await until(() => (store.flush(r.dir), store.refreshRunners(), e.runner.kind === 'stopped'), 20_000, 'the runner to stop');
    assert.ok(e.state.runner?.stoppedAt, 'runner_stopped recorded');

    // resume re-attaches to the same sweep folder
    const rr = await launch(
      resumeSpec({ extensionPath: ROOT, execPath: process.execPath, env, sweepDir: r.dir, python: PYTHON }),
      'knobs resume',
    );
    assert.equal(rr.dir, r.dir);
    assert.equal(rr.resumed, true);
    await until(() => (store.flush(r.dir), store.refreshRunners(), e.runner.kind === 'running'), 20_000, 'the resumed runner');
    sendControl(e.paths.control, { cmd: 'stop' });
    await until(() => (store.flush(r.dir), store.refreshRunners(), e.runner.kind === 'stopped'), 20_000, 'the resumed runner to stop');
  } finally {
    store.dispose();
    for (const pid of [r.pid]) if (pidAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
});

test('a missing folder or CLI bundle is reported as such, before spawning', async () => {
  await assert.rejects(
    launch(runSpec({ extensionPath: ROOT, execPath: process.execPath, env: process.env, file: '/no/such/dir/sweep.yaml' }), 'knobs run'),
    /knobs run: the folder \/no\/such\/dir does not exist/,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-ext-launch-nocli-'));
  await assert.rejects(
    launch(
      runSpec({ extensionPath: '/no/ext', execPath: process.execPath, env: process.env, file: path.join(dir, 'sweep.yaml') }),
      'knobs run',
    ),
    /the Knobs CLI bundle \/no\/ext\/dist\/cli\.js is missing/,
  );
});

test('a sweep file with errors makes launch fail with the CLI’s located message', { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-ext-launch-bad-'));
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(file, 'program: x.py\nmethod: random\nmetric: {name: loss}\nparamters:\n  x: {min: 0, max: 1}\n');
  await assert.rejects(
    launch(runSpec({ extensionPath: ROOT, execPath: process.execPath, env: process.env, file }), 'knobs run'),
    (e: unknown) => {
      assert.ok(e instanceof KnobsError);
      assert.match(e.message, /^knobs run failed: .*sweep\.yaml:4:1: unknown key `paramters`/);
      return true;
    },
  );
  assert.ok(
    !fs.existsSync(path.join(dir, '.knobs', 'sweeps')) || fs.readdirSync(path.join(dir, '.knobs', 'sweeps')).length === 0,
    'no sweep created',
  );
});

test('the Run code lens’s launch for configs/sweep.yaml with main.py at the workspace root: trials and .knobs/ at the root', {
  timeout: 60_000,
}, async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-ext-launch-configs-')));
  fs.mkdirSync(path.join(root, 'configs'));
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'scripts', 'args_echo.py'), path.join(root, 'main.py'));
  const file = path.join(root, 'configs', 'sweep.yaml');
  fs.writeFileSync(file, 'program: main.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [0.5]}\n');
  // what commands/launchSweep.ts's runFile builds from vscode.workspace.getWorkspaceFolder(uri)
  const spec = runSpec({
    extensionPath: ROOT,
    execPath: process.execPath,
    env: { ...process.env },
    file,
    workspaceFolder: root,
    python: PYTHON,
  });
  assert.equal(spec.cwd, root);
  const r = await launch(spec, 'knobs run');
  assert.equal(path.dirname(path.dirname(path.dirname(r.dir))), root, '.knobs at the workspace root');
  const store = new SweepStore({ debounceMs: 0 });
  try {
    const e = store.add(path.join(r.dir, 'journal.jsonl'));
    await until(() => (store.flush(r.dir), e.state.finished), 30_000, 'the sweep to finish');
    assert.equal(e.state.trials[0]?.status, 'completed');
    const echo = JSON.parse(fs.readFileSync(path.join(r.dir, 'trials', '0001', 'echo.json'), 'utf8'));
    assert.equal(echo.cwd, root, 'the trial ran at the workspace root');
  } finally {
    store.dispose();
    if (pidAlive(r.pid)) process.kill(-r.pid, 'SIGKILL');
  }
});
