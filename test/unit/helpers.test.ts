/**
 * The trial side of the protocol, run as real processes: helpers/python/knobs.py,
 * helpers/node/knobs.mjs, the W&B shim, and the test scripts in test/fixtures/scripts.
 * Python is $KNOBS_PYTHON or /usr/bin/python3 (it must import numpy and torch).
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

/** out/test/unit/x.js -> repo root */
const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';
const PY_HELPERS = path.join(ROOT, 'helpers', 'python');
const PY_SHIM = path.join(ROOT, 'helpers', 'python', 'shim');
const NODE_HELPER = path.join(ROOT, 'helpers', 'node', 'knobs.mjs');

interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Added to a clean environment (no KNOBS_*, PYTHONPATH or NODE_PATH from the parent). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Called with each stdout chunk (e.g. to signal the process once it is ready). */
  onStdout?: (chunk: string, child: ChildProcess) => void;
  detached?: boolean;
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('KNOBS_') && k !== 'KNOBS_PYTHON') continue;
    if (k === 'PYTHONPATH' || k === 'NODE_PATH') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function runProc(cmd: string, args: string[], opts: RunOptions = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: opts.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 60000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
      opts.onStdout?.(c, child);
    });
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function runPython(code: string, opts: RunOptions = {}): Promise<ProcResult> {
  return runProc(PYTHON, ['-c', code], { ...opts, env: { PYTHONPATH: PY_HELPERS, PYTHONUNBUFFERED: '1', ...opts.env } });
}

function runNode(code: string, opts: RunOptions = {}): Promise<ProcResult> {
  return runProc(process.execPath, ['--input-type=module', '-e', code], opts);
}

/** The JSON payloads of the `@@knobs ` lines in a process's stdout. */
function reports(stdout: string): { step?: number; metrics: Record<string, number | string> }[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('@@knobs '))
    .map((l) => JSON.parse(l.slice('@@knobs '.length)));
}

function tagLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('@@knobs '));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(pred: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return pred();
}

// ---------------------------------------------------------------------------------------------
// Python helper (helpers/python/knobs.py)

describe('python helper knobs.py', () => {
  it('writes exact tagged lines, flushed, with NaN/Infinity as strings', async () => {
    const r = await runPython(
      [
        'import knobs',
        'knobs.report(step=1, loss=0.5, acc=1)',
        'knobs.report(loss=float("nan"), up=float("inf"), down=float("-inf"))',
        'knobs.report(step=2.0, ok=True)',
        'print("free text")',
        'knobs.report(step=3)',
      ].join('\n'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [
      '@@knobs {"step": 1, "metrics": {"loss": 0.5, "acc": 1}}',
      '@@knobs {"metrics": {"loss": "NaN", "up": "Infinity", "down": "-Infinity"}}',
      '@@knobs {"step": 2, "metrics": {"ok": 1}}',
      'free text',
      '@@knobs {"step": 3, "metrics": {}}',
      '',
    ]);
  });

  it('accepts numpy and torch scalars through float()', async () => {
    const r = await runPython(
      [
        'import knobs, numpy as np, torch',
        'knobs.report(step=np.int64(4), a=np.float32(0.25), b=np.int64(7), c=torch.tensor(0.5), d=torch.tensor(3), e=np.float64("nan"))',
      ].join('\n'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tagLines(r.stdout), ['@@knobs {"step": 4, "metrics": {"a": 0.25, "b": 7, "c": 0.5, "d": 3, "e": "NaN"}}']);
  });

  it('refuses a metric that is not a number, naming it', async () => {
    const r = await runPython('import knobs\nknobs.report(step=1, loss="low")');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /TypeError: knobs.report: metric 'loss' must be a number/);
    assert.equal(tagLines(r.stdout).length, 0);
  });

  it('params(), trial_dir(), checkpoint_dir(), resume_from(), in_sweep() read the KNOBS_* env', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-helper-'));
    const code = [
      'import json, knobs',
      'print(json.dumps({"params": knobs.params(), "trial_dir": knobs.trial_dir(), "ckpt": knobs.checkpoint_dir(),',
      '  "resume": knobs.resume_from(), "in": knobs.in_sweep(), "id": knobs.trial_id(), "attempt": knobs.attempt()}))',
    ].join('\n');
    const inside = await runPython(code, {
      env: {
        KNOBS_TRIAL_ID: '7',
        KNOBS_ATTEMPT: '2',
        KNOBS_TRIAL_DIR: dir,
        KNOBS_PARAMS: '{"lr": 0.001, "opt": {"name": "adam"}, "flag": true}',
        KNOBS_CHECKPOINT_DIR: path.join(dir, 'ckpt', 'a'),
        KNOBS_RESUME_FROM: path.join(dir, 'old'),
      },
    });
    assert.equal(inside.code, 0, inside.stderr);
    assert.deepEqual(JSON.parse(inside.stdout), {
      params: { lr: 0.001, opt: { name: 'adam' }, flag: true },
      trial_dir: dir,
      ckpt: path.join(dir, 'ckpt', 'a'),
      resume: path.join(dir, 'old'),
      in: true,
      id: 7,
      attempt: 2,
    });
    assert.ok(fs.statSync(path.join(dir, 'ckpt', 'a')).isDirectory(), 'checkpoint_dir() creates the folder');

    // without KNOBS_CHECKPOINT_DIR the checkpoint folder is <trial dir>/checkpoints
    const fallback = await runPython('import knobs; print(knobs.checkpoint_dir())', { env: { KNOBS_TRIAL_ID: '1', KNOBS_TRIAL_DIR: dir } });
    assert.equal(fallback.stdout.trim(), path.join(dir, 'checkpoints'));
    assert.ok(fs.existsSync(path.join(dir, 'checkpoints')));

    const outside = await runPython(code);
    assert.equal(outside.code, 0, outside.stderr);
    assert.deepEqual(JSON.parse(outside.stdout), {
      params: {},
      trial_dir: null,
      ckpt: null,
      resume: null,
      in: false,
      id: null,
      attempt: null,
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('params() says what is wrong with a bad KNOBS_PARAMS', async () => {
    const r = await runPython('import knobs; knobs.params()', { env: { KNOBS_PARAMS: '[1, 2]' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /KNOBS_PARAMS must be a JSON object/);
  });

  it('should_stop() turns SIGTERM into a flag so the script can save and exit', async () => {
    const code = [
      'import knobs, sys, time',
      'assert knobs.should_stop() is False',
      'print("ready", flush=True)',
      'for i in range(1000):',
      '    if knobs.should_stop():',
      '        knobs.report(step=i, saved=1)',
      '        sys.exit(0)',
      '    time.sleep(0.01)',
      'sys.exit(5)',
    ].join('\n');
    const r = await runPython(code, { onStdout: (c, child) => c.includes('ready') && child.kill('SIGTERM') });
    assert.equal(r.signal, null, 'the process was not killed by SIGTERM');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(reports(r.stdout).length, 1);
    assert.deepEqual(reports(r.stdout)[0].metrics, { saved: 1 });
  });

  it('without should_stop() SIGTERM still ends the script', async () => {
    const r = await runPython('import knobs, time\nprint("ready", flush=True)\ntime.sleep(30)', {
      onStdout: (c, child) => c.includes('ready') && child.kill('SIGTERM'),
    });
    assert.equal(r.signal, 'SIGTERM');
  });
});

// ---------------------------------------------------------------------------------------------
// Node helper (helpers/node/knobs.mjs)

const importNodeHelper = `import * as knobs from ${JSON.stringify(pathToFileURL(NODE_HELPER).href)};\n`;

describe('node helper knobs.mjs', () => {
  it('writes exact tagged lines with NaN/Infinity as strings', async () => {
    const r = await runNode(
      importNodeHelper +
        [
          'knobs.report({ step: 1, loss: 0.5, acc: 1 });',
          'knobs.report({ loss: NaN, up: Infinity, down: -Infinity });',
          'console.log("free text");',
          'knobs.report({ step: 2, ok: true, big: 10n });',
        ].join('\n'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [
      '@@knobs {"step":1,"metrics":{"loss":0.5,"acc":1}}',
      '@@knobs {"metrics":{"loss":"NaN","up":"Infinity","down":"-Infinity"}}',
      'free text',
      '@@knobs {"step":2,"metrics":{"ok":1,"big":10}}',
      '',
    ]);
  });

  it('refuses a metric that is not a number', async () => {
    const r = await runNode(`${importNodeHelper}knobs.report({ step: 1, loss: "low" });`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metric "loss" must be a number/);
  });

  it('loses no report when the script calls process.exit() while the reader is slow', async () => {
    const script = path.join(os.tmpdir(), `knobs-exit-${process.pid}.mjs`);
    fs.writeFileSync(
      script,
      `${importNodeHelper}for (let i = 1; i <= 30000; i++) knobs.report({ step: i, loss: 1 / i });\nprocess.exit(0);\n`,
    );
    // `sleep` before reading lets the pipe fill up: plain process.stdout.write would drop lines here
    const r = await runProc('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(script)} | (sleep 0.5; wc -l)`]);
    fs.rmSync(script, { force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '30000');
  });

  it('params(), trialDir(), checkpointDir(), resumeFrom(), inSweep() read the KNOBS_* env', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-helper-'));
    const code =
      importNodeHelper +
      'console.log(JSON.stringify({ params: knobs.params(), trialDir: knobs.trialDir(), ckpt: knobs.checkpointDir(), resume: knobs.resumeFrom(), inSweep: knobs.inSweep(), id: knobs.trialId() }));';
    const inside = await runNode(code, {
      env: {
        KNOBS_TRIAL_ID: '3',
        KNOBS_TRIAL_DIR: dir,
        KNOBS_PARAMS: '{"lr":0.01,"layers":[1,2]}',
        KNOBS_RESUME_FROM: path.join(dir, 'prev'),
      },
    });
    assert.equal(inside.code, 0, inside.stderr);
    assert.deepEqual(JSON.parse(inside.stdout), {
      params: { lr: 0.01, layers: [1, 2] },
      trialDir: dir,
      ckpt: path.join(dir, 'checkpoints'),
      resume: path.join(dir, 'prev'),
      inSweep: true,
      id: 3,
    });
    assert.ok(fs.statSync(path.join(dir, 'checkpoints')).isDirectory());
    const outside = await runNode(code);
    assert.deepEqual(JSON.parse(outside.stdout), { params: {}, trialDir: null, ckpt: null, resume: null, inSweep: false, id: null });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shouldStop() turns SIGTERM into a flag', async () => {
    const code =
      importNodeHelper +
      [
        'if (knobs.shouldStop() !== false) process.exit(4);',
        'console.log("ready");',
        'const t = setInterval(() => { if (knobs.shouldStop()) { knobs.report({ step: 9, saved: 1 }); clearInterval(t); } }, 10);',
        'setTimeout(() => process.exit(5), 20000).unref();',
      ].join('\n');
    const r = await runNode(code, { onStdout: (c, child) => c.includes('ready') && child.kill('SIGTERM') });
    assert.equal(r.signal, null);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reports(r.stdout), [{ step: 9, metrics: { saved: 1 } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// W&B shim (helpers/python/shim/wandb)

function runShim(code: string, env: Record<string, string> = {}, withHelpers = true): Promise<ProcResult> {
  return runProc(PYTHON, ['-c', code], {
    env: { PYTHONPATH: withHelpers ? `${PY_SHIM}${path.delimiter}${PY_HELPERS}` : PY_SHIM, PYTHONUNBUFFERED: '1', ...env },
  });
}

describe('W&B shim', () => {
  const sweepParams = JSON.stringify({ lr: 0.1, opt: { momentum: 0.9 }, layers: 2 });

  it('fills wandb.config from the sweep; init(config=) and update() do not override sweep values', async () => {
    const code = [
      'import json, argparse, wandb',
      'assert wandb.run is None',
      'ns = argparse.Namespace(lr=1.0, epochs=3, layers=9)',
      'run = wandb.init(project="p", entity="e", config=ns, tags=["a"])',
      'assert wandb.run is run and run.config is wandb.config',
      'c = wandb.config',
      'out = {"lr": c.lr, "item": c["lr"], "epochs": c.epochs, "layers": c.layers, "opt": c.opt}',
      'c.update({"lr": 5.0, "batch": 32})',
      'c.epochs = 4',
      'out["after_update"] = dict(c)',
      'c.update({"lr": 0.2}, allow_val_change=True)',
      'c.setdefaults({"lr": 9, "new": 1})',
      'out["after_allow"] = c.lr',
      'out["new"] = c.new',
      'try:',
      '    c.missing',
      'except AttributeError as e:',
      '    out["missing"] = str(e)',
      'print(json.dumps(out))',
    ].join('\n');
    const r = await runShim(code, { KNOBS_PARAMS: sweepParams, KNOBS_TRIAL_ID: '5' });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.lr, 0.1);
    assert.equal(out.item, 0.1);
    assert.equal(out.epochs, 3, 'init(config=) fills keys the sweep did not set');
    assert.equal(out.layers, 2, 'the sweep value wins over init(config=)');
    assert.deepEqual(out.opt, { momentum: 0.9 });
    assert.deepEqual(out.after_update, { lr: 0.1, opt: { momentum: 0.9 }, layers: 2, epochs: 4, batch: 32 });
    assert.equal(out.after_allow, 0.2);
    assert.equal(out.new, 1);
    assert.match(out.missing, /no key 'missing'/);
    assert.match(r.stderr, /Config item 'lr' was locked by the sweep/);
  });

  it('log() reports numeric values (flattened with "/") with W&B step semantics; summary reports too', async () => {
    const code = [
      'import wandb, numpy as np',
      'run = wandb.init()',
      'wandb.define_metric("val/loss", summary="min")',
      'wandb.log({"loss": np.float32(0.5), "val": {"loss": 0.25, "acc": 1}, "name": "x", "img": wandb.Image(None), "flag": True, "vec": np.ones(3)})',
      'wandb.log({"loss": 0.4}, commit=False)',
      'wandb.log({"acc": float("nan")})',
      'wandb.log({"loss": 0.3}, step=10)',
      'wandb.log({"loss": 9.9}, step=4)',
      'run.summary["best"] = 0.1',
      'assert run.summary["loss"] == 0.3 and run.summary.best == 0.1',
      'wandb.finish()',
      'assert wandb.run is None',
    ].join('\n');
    const r = await runShim(code, { KNOBS_PARAMS: sweepParams });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tagLines(r.stdout), [
      '@@knobs {"step": 1, "metrics": {"loss": 0.5, "val/loss": 0.25, "val/acc": 1}}',
      '@@knobs {"step": 2, "metrics": {"loss": 0.4}}',
      '@@knobs {"step": 2, "metrics": {"acc": "NaN"}}',
      '@@knobs {"step": 10, "metrics": {"loss": 0.3}}',
      '@@knobs {"step": 10, "metrics": {"best": 0.1}}',
    ]);
    assert.match(r.stderr, /less than the current step 10/);
  });

  it('works with only the shim on PYTHONPATH (finds knobs.py next to it)', async () => {
    const r = await runShim(
      'import wandb\nwandb.init()\nprint(wandb.config.lr)\nwandb.log({"a": 1})',
      { KNOBS_PARAMS: sweepParams },
      false,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), ['0.1', '@@knobs {"step": 1, "metrics": {"a": 1}}', '']);
  });

  for (const call of ['wandb.sweep({"method": "random"}, project="p")', 'wandb.agent("abc", function=lambda: None, count=3)']) {
    it(`refuses the in-process pattern: ${call.split('(')[0]}`, async () => {
      const r = await runShim(`import wandb\n${call}`);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Knobs runs sweeps from a sweep file: put this config in sweep\.yaml and run `knobs run sweep\.yaml`/);
    });
  }

  it('runs the unchanged W&B fixture script, reporting val_loss each epoch', async () => {
    const params = {
      learning_rate: 0.05,
      momentum: 0.5,
      batch_size: 16,
      weight_decay: 0.001,
      init_scale: 0.2,
      noise: 1,
      optimizer: 'nesterov',
      schedule: { warmup: 2, decay: 0.8 },
      epochs: 6,
    };
    const r = await runProc(PYTHON, ['train.py', '--learning_rate=0.05'], {
      cwd: path.join(ROOT, 'test', 'fixtures', 'wandb'),
      env: { PYTHONPATH: `${PY_SHIM}${path.delimiter}${PY_HELPERS}`, KNOBS_PARAMS: JSON.stringify(params), KNOBS_TRIAL_ID: '1' },
    });
    assert.equal(r.code, 0, r.stderr);
    const reps = reports(r.stdout);
    assert.equal(reps.length, 7, r.stdout);
    assert.deepEqual(
      reps.slice(0, 6).map((x) => x.step),
      [1, 2, 3, 4, 5, 6],
    );
    const vals = reps.slice(0, 6).map((x) => x.metrics.val_loss as number);
    assert.ok(vals.every((v) => typeof v === 'number' && v >= 0));
    assert.ok(vals[5] < vals[0], `training lowers val_loss: ${vals.join(', ')}`);
    assert.equal(reps[6].metrics.best_val_loss, Math.min(...vals));
    // lr follows the sweep's learning_rate and schedule (warmup 2, decay 0.8): epoch 0 -> 0.05/3
    assert.ok(Math.abs((reps[0].metrics.lr as number) - 0.05 / 3) < 1e-12);
  });
});

// ---------------------------------------------------------------------------------------------
// Test scripts in test/fixtures/scripts (used by the engine's integration tests)

const SCRIPTS = path.join(ROOT, 'test', 'fixtures', 'scripts');

describe('fixture scripts', () => {
  it('report_py.py and report_node.mjs report the same losses', async () => {
    const env = { PYTHONPATH: PY_HELPERS, KNOBS_HELPERS_NODE: NODE_HELPER };
    const py = await runProc(PYTHON, [path.join(SCRIPTS, 'report_py.py'), '--x=0.5', '--y', '0.1', '--steps=3'], { env });
    const js = await runProc(process.execPath, [path.join(SCRIPTS, 'report_node.mjs'), '--x=0.5', '--y', '0.1', '--steps=3'], { env: {} });
    assert.equal(py.code, 0, py.stderr);
    assert.equal(js.code, 0, js.stderr);
    const expected = [1, 2, 3].map((s) => ({ step: s, metrics: { loss: 0.2 ** 2 + 0.2 ** 2 + 1 / s } }));
    for (const r of [py, js]) {
      const got = reports(r.stdout);
      assert.equal(got.length, 3);
      got.forEach((g, i) => {
        assert.equal(g.step, expected[i].step);
        assert.ok(Math.abs((g.metrics.loss as number) - expected[i].metrics.loss) < 1e-12);
      });
    }
  });

  it('freetext.py and regex.py print untagged metrics', async () => {
    const ft = await runProc(PYTHON, [path.join(SCRIPTS, 'freetext.py'), '--x=0.3', '--epochs=2']);
    assert.equal(ft.code, 0, ft.stderr);
    assert.ok(ft.stdout.includes('epoch 2 | val_loss: 0.5000 | acc: 0.7500'), ft.stdout);
    assert.equal(tagLines(ft.stdout).length, 0);
    const rx = await runProc(PYTHON, [path.join(SCRIPTS, 'regex.py'), '--x=0.3', '--iters=2']);
    assert.deepEqual(rx.stdout.split('\n'), ['[it 1] score<1.0000>', '[it 2] score<0.5000>', '']);
    assert.ok(/\[it (?<step>\d+)\] score<(?<score>[-0-9.eE]+)>/.test(rx.stdout));
  });

  it('crash.py exits 3 with a stderr message; nan.py reports non-finite values and exits 0', async () => {
    const crash = await runProc(PYTHON, [path.join(SCRIPTS, 'crash.py')], { env: { PYTHONPATH: PY_HELPERS } });
    assert.equal(crash.code, 3);
    assert.match(crash.stderr, /RuntimeError: boom/);
    const nan = await runProc(PYTHON, [path.join(SCRIPTS, 'nan.py')], { env: { PYTHONPATH: PY_HELPERS } });
    assert.equal(nan.code, 0, nan.stderr);
    assert.deepEqual(
      reports(nan.stdout).map((r) => r.metrics.loss),
      ['NaN', 'Infinity', 0.5, 0.25],
    );
  });

  it('args_echo.py writes its argv and KNOBS_* env to echo.json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-echo-'));
    const r = await runProc(PYTHON, [path.join(SCRIPTS, 'args_echo.py'), '--x=0.25', '--flag=True'], {
      env: { PYTHONPATH: PY_HELPERS, KNOBS_TRIAL_ID: '2', KNOBS_TRIAL_DIR: dir, KNOBS_PARAMS: '{"x": 0.25, "flag": true}' },
    });
    assert.equal(r.code, 0, r.stderr);
    const echo = JSON.parse(fs.readFileSync(path.join(dir, 'echo.json'), 'utf8'));
    assert.deepEqual(echo.argv, ['--x=0.25', '--flag=True']);
    assert.equal(echo.env.KNOBS_TRIAL_ID, '2');
    assert.deepEqual(echo.params, { x: 0.25, flag: true });
    assert.deepEqual(reports(r.stdout), [{ step: 1, metrics: { loss: 0.25 } }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hang.py: killing its process group also kills the child it spawned', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-hang-'));
    let pgid = 0;
    const done = runProc(PYTHON, [path.join(SCRIPTS, 'hang.py')], {
      env: { PYTHONPATH: PY_HELPERS, KNOBS_TRIAL_ID: '1', KNOBS_TRIAL_DIR: dir },
      detached: true, // its own process group, as the runner starts trials
      onStdout: (c, child) => {
        if (c.includes('hanging')) {
          pgid = child.pid!;
          process.kill(-pgid, 'SIGTERM');
        }
      },
    });
    const r = await done;
    assert.equal(r.signal, 'SIGTERM');
    const pids = JSON.parse(fs.readFileSync(path.join(dir, 'pids.json'), 'utf8'));
    assert.equal(pids.pgid, pgid);
    assert.ok(await waitFor(() => !isAlive(pids.child)), 'the child died with the group');
    assert.deepEqual(reports(r.stdout), [{ step: 1, metrics: { loss: 0.5 } }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ignore_term.py survives SIGTERM and needs SIGKILL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-term-'));
    const r = await runProc(PYTHON, [path.join(SCRIPTS, 'ignore_term.py')], {
      env: { PYTHONPATH: PY_HELPERS, KNOBS_TRIAL_DIR: dir },
      onStdout: (c, child) => {
        if (c.includes('ignoring SIGTERM')) {
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 500);
        }
      },
    });
    // had SIGTERM ended it, the exit signal would be SIGTERM
    assert.equal(r.signal, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('slow_report.py reports every interval and exits 143 after SIGTERM', async () => {
    const r = await runProc(PYTHON, [path.join(SCRIPTS, 'slow_report.py'), '--x=1', '--interval=0.05', '--steps=200'], {
      env: { PYTHONPATH: PY_HELPERS },
      onStdout: (c, child) => c.includes('"step": 3,') && child.kill('SIGTERM'),
    });
    assert.equal(r.code, 143, r.stderr);
    const reps = reports(r.stdout);
    assert.ok(reps.length >= 3 && reps.length < 200);
    assert.equal(reps[1].metrics.loss, 1.5);
    assert.match(r.stdout, /stop requested at step \d+/);
  });
});

// ---------------------------------------------------------------------------------------------
// The two real examples, one short run each

describe('examples', () => {
  const torchDir = path.join(ROOT, 'examples', 'pytorch-digits');
  const tfjsDir = path.join(ROOT, 'examples', 'tfjs-digits');

  it('pytorch-digits/train.py runs one epoch standalone and prints val_loss as free text', async () => {
    const r = await runProc(PYTHON, ['train.py', '--epochs=1', '--hidden=32'], { cwd: torchDir, timeoutMs: 120000 });
    assert.equal(r.code, 0, r.stderr);
    const m = /^epoch 1 \| train_loss: ([\d.e-]+) \| val_loss: ([\d.e-]+) \| val_acc: ([\d.e-]+)$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[2]) > 0 && Number(m[2]) < 3, `val_loss ${m[2]}`);
    assert.ok(Number(m[3]) > 0.3, `one epoch already beats chance: val_acc ${m[3]}`);
    assert.equal(tagLines(r.stdout).length, 0);
  });

  it('pytorch-digits/train.py exits 2 on a bad argument and says what is valid', async () => {
    const r = await runProc(PYTHON, ['train.py', '--dropout=1.5'], { cwd: torchDir, timeoutMs: 120000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dropout is 1.5 but must be in \[0, 1\)/);
  });

  it('pytorch-digits/train.py reports through knobs.py and resumes from its checkpoint with the same numbers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-torch-'));
    const args = ['train.py', '--epochs=3', '--hidden=32', '--lr=0.01', '--l1=1e-05'];
    const env = (name: string, extra: Record<string, string> = {}) => ({
      PYTHONPATH: PY_HELPERS,
      KNOBS_TRIAL_ID: '1',
      KNOBS_TRIAL_DIR: path.join(dir, name),
      KNOBS_CHECKPOINT_DIR: path.join(dir, name, 'checkpoints'),
      ...extra,
    });
    const full = await runProc(PYTHON, args, { cwd: torchDir, env: env('full'), timeoutMs: 120000 });
    assert.equal(full.code, 0, full.stderr);
    const fullReps = reports(full.stdout);
    assert.deepEqual(
      fullReps.map((x) => x.step),
      [1, 2, 3],
    );
    assert.deepEqual(Object.keys(fullReps[0].metrics).sort(), ['train_loss', 'val_acc', 'val_loss']);
    assert.ok(fs.existsSync(path.join(dir, 'full', 'checkpoints', 'last.pt')));

    const first = await runProc(PYTHON, ['train.py', '--epochs=2', ...args.slice(2)], { cwd: torchDir, env: env('a1'), timeoutMs: 120000 });
    assert.equal(first.code, 0, first.stderr);
    const resumed = await runProc(PYTHON, args, {
      cwd: torchDir,
      env: env('a2', { KNOBS_ATTEMPT: '2', KNOBS_RESUME_FROM: path.join(dir, 'a1', 'checkpoints') }),
      timeoutMs: 120000,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resumed from .* at epoch 3/);
    const resumedReps = reports(resumed.stdout);
    assert.deepEqual(
      resumedReps.map((x) => x.step),
      [3],
    );
    assert.ok(Math.abs((resumedReps[0].metrics.val_loss as number) - (fullReps[2].metrics.val_loss as number)) < 1e-6);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tfjs-digits/train.mjs trains one epoch on the wasm backend and reports val_loss and val_acc', async () => {
    const r = await runProc(process.execPath, ['train.mjs', '--epochs=1', '--hidden', '32'], {
      cwd: tfjsDir,
      env: { KNOBS_HELPERS_NODE: NODE_HELPER, KNOBS_TRIAL_ID: '1' },
      timeoutMs: 120000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend: (wasm|tensorflow \(tfjs-node-gpu\))$/m);
    const reps = reports(r.stdout);
    assert.equal(reps.length, 1, r.stdout);
    assert.equal(reps[0].step, 1);
    const { val_loss, val_acc } = reps[0].metrics as Record<string, number>;
    assert.ok(val_loss > 0 && val_loss < 3, `val_loss ${val_loss}`);
    assert.ok(val_acc > 0.3 && val_acc <= 1, `val_acc ${val_acc}`);
  });

  it('tfjs-digits/train.mjs falls back to free text without the helper and rejects bad args', async () => {
    const free = await runProc(process.execPath, ['train.mjs', '--epochs=1', '--hidden=16', '--batch_size', '64'], {
      cwd: tfjsDir,
      env: { KNOBS_HELPERS_NODE: path.join(os.tmpdir(), 'no-such-helper.mjs') },
      timeoutMs: 120000,
    });
    assert.equal(free.code, 0, free.stderr);
    assert.match(free.stdout, /^epoch 1 \| train_loss: [\d.e-]+ \| val_loss: [\d.e-]+ \| val_acc: [\d.e-]+$/m);
    assert.match(free.stderr, /cannot load the Knobs helper/);
    const bad = await runProc(process.execPath, ['train.mjs', '--hidden=2.5'], { cwd: tfjsDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--hidden is 2.5 but must be an integer/);
    const unknown = await runProc(process.execPath, ['train.mjs', '--lerning_rate=1'], { cwd: tfjsDir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --lerning_rate/);
  });
});
