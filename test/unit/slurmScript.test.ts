/**
 * The Slurm batch script without a cluster: the generated script is run by bash with a fake
 * `srun` (it drops srun's options and execs the rest), so the quoting of hostile argv and
 * environment values is checked by the real shell; plus the pure helpers (gres, sbatch options,
 * squeue/sacct/scontrol parsing, error hints).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { KnobsError } from '../../src/core/errors';
import { batchScript, envDelta, shellQuote } from '../../src/core/runner/slurm/script';
import { slurmTrialFiles } from '../../src/core/runner/slurm/slurmExecutor';
import {
  gresFor,
  parseGresCounts,
  parseSacct,
  parseScontrol,
  parseSqueue,
  sbatchOptions,
  slurmError,
} from '../../src/core/runner/slurm/slurmText';

const PY = '/usr/bin/python3';
const DUMP =
  'import json, os, sys; print(json.dumps({"argv": sys.argv[1:], "env": {k: v for k, v in os.environ.items() if k.startswith("KNOBS_") or k.startswith("T_")}, "cwd": os.getcwd(), "gone": os.environ.get("GONE")}))';

const HOSTILE = [
  `it's`,
  `"double" and 'single'`,
  '$(touch /tmp/knobs-pwned) `touch /tmp/knobs-pwned` ${HOME} $HOME',
  'a,b,c=d,e',
  '{"lr": 0.1, "name": "x,y", "q": "it\'s"}',
  'line1\nline2\n',
  'tab\there; semi; && || | > < * ? [a] ~ # !',
  "\\ back\\slash \\'",
  'ünïcødé ✓ 🚀',
  '-n',
  '--',
  '',
  ' leading and trailing ',
];

function fakeSrunDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-fakesrun-'));
  fs.writeFileSync(path.join(dir, 'srun'), '#!/bin/sh\nwhile [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n', {
    mode: 0o755,
  });
  return dir;
}

function runScript(o: { argv: string[]; env: NodeJS.ProcessEnv; base?: NodeJS.ProcessEnv; cwd?: string }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "knobs-script-it's $x-"));
  const bin = fakeSrunDir();
  const base = o.base ?? { PATH: `${bin}:/usr/bin:/bin`, GONE: 'base value' };
  const env = { ...o.env, PATH: base.PATH };
  const script = batchScript({
    trialId: 3,
    attempt: 1,
    argv: o.argv,
    cwd: o.cwd ?? dir,
    env: envDelta(env, base),
    exitCodePath: path.join(dir, 'exit_code'),
    spawnErrorPath: path.join(dir, 'spawn_error'),
  });
  const file = path.join(dir, 'job.sh');
  fs.writeFileSync(file, script);
  const r = spawnSync('/bin/bash', [file], { env: { ...base, PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8', cwd: '/' });
  const exitFile = fs.existsSync(path.join(dir, 'exit_code')) ? fs.readFileSync(path.join(dir, 'exit_code'), 'utf8') : undefined;
  const spawnFile = fs.existsSync(path.join(dir, 'spawn_error')) ? fs.readFileSync(path.join(dir, 'spawn_error'), 'utf8') : undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(bin, { recursive: true, force: true });
  return { ...r, exitFile, spawnFile, dir };
}

test('hostile argv and KNOBS_* values reach the trial verbatim through the batch script', () => {
  fs.rmSync('/tmp/knobs-pwned', { force: true });
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', KNOBS_PARAMS: JSON.stringify({ lr: 0.1, name: `it's "x,y"`, cmd: '$(id)' }) };
  HOSTILE.forEach((v, i) => (env[`T_${i}`] = v));
  const r = runScript({ argv: [PY, '-c', DUMP, ...HOSTILE], env });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(got.argv, HOSTILE);
  HOSTILE.forEach((v, i) => assert.equal(got.env[`T_${i}`], v, `T_${i}`));
  assert.deepEqual(JSON.parse(got.env.KNOBS_PARAMS), { lr: 0.1, name: `it's "x,y"`, cmd: '$(id)' });
  assert.equal(got.gone, null, 'a variable the trial env dropped is unset');
  assert.match(got.cwd, /knobs-script-it's \$x-/, 'the script enters the (hostile) working folder');
  assert.equal(r.exitFile, '0\n');
  assert.equal(fs.existsSync('/tmp/knobs-pwned'), false, 'nothing was executed from a value');
});

test('property: any string survives shellQuote through bash', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')),
        { minLength: 1, maxLength: 6 },
      ),
      (words) => {
        const r = spawnSync('/bin/bash', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
        assert.equal(r.status, 0);
        assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
      },
    ),
    { numRuns: 150 },
  );
  assert.throws(() => shellQuote('a\0b'), /NUL/);
});

test('the exit code is written to the exit-code file and is the script status', () => {
  const r = runScript({ argv: [PY, '-c', 'import sys; sys.stderr.write("boom\\n"); sys.exit(7)'], env: { PATH: '/usr/bin:/bin' } });
  assert.equal(r.status, 7);
  assert.equal(r.exitFile, '7\n');
  assert.match(r.stderr, /boom/);
  assert.equal(r.spawnFile, undefined);
});

test('a missing program writes a spawn error and exit 127 without running srun', () => {
  const r = runScript({ argv: ['/nonexistent/knobs-no-such-program', '--x'], env: { PATH: '/usr/bin:/bin' } });
  assert.equal(r.status, 127);
  assert.equal(r.exitFile, '127\n');
  assert.match(r.spawnFile ?? '', /cannot start \/nonexistent\/knobs-no-such-program: not found or not executable on node /);
  assert.match(r.stderr, /knobs: cannot start/);
});

test('envDelta: the trial additions and all KNOBS_*, no Slurm-owned or non-identifier names; dropped ones unset', () => {
  const base = { PATH: '/bin', HOME: '/root', KNOBS_TRIAL_ID: '1', OLD: 'x', CUDA_VISIBLE_DEVICES: '0', 'BASH_FUNC_f%%': '() { :; }' };
  const trial = {
    PATH: '/bin',
    HOME: '/root',
    KNOBS_TRIAL_ID: '1',
    KNOBS_PARAMS: '{}',
    PYTHONPATH: '/h',
    CUDA_VISIBLE_DEVICES: '1',
    SLURM_JOB_ID: '9',
    'A-B': 'x',
    'BASH_FUNC_f%%': '() { :; }',
  };
  const d = envDelta(trial, base);
  assert.deepEqual(d.set, [
    ['KNOBS_PARAMS', '{}'],
    ['KNOBS_TRIAL_ID', '1'],
    ['PYTHONPATH', '/h'],
  ]);
  assert.deepEqual(d.unset, ['OLD']);
});

test('gres: explicit wins, whole GPUs → gpu:N, fractions → shard/mps where the site has them, else a clear error', () => {
  assert.equal(gresFor({ gpusPerTrial: 0 }), undefined);
  assert.equal(gresFor({ gpusPerTrial: 2 }), 'gpu:2');
  assert.equal(gresFor({ gres: 'gpu:a100:1', gpusPerTrial: 2 }), 'gpu:a100:1');
  assert.equal(gresFor({ gpusPerTrial: 0.25, siteGres: () => ['gpu:a100:4(S:0-1),shard:32'] }), 'shard:2');
  assert.equal(gresFor({ gpusPerTrial: 0.5, siteGres: () => ['gpu:2,mps:200'] }), 'mps:50');
  assert.throws(
    () => gresFor({ gpusPerTrial: 0.5, siteGres: () => ['gpu:2'] }),
    (e: unknown) => e instanceof KnobsError && /no gres\/shard or gres\/mps/.test(e.message) && /whole gpus_per_trial/.test(e.hint ?? ''),
  );
  assert.throws(() => gresFor({ gpusPerTrial: 1.5 }), /whole GPUs/);
  assert.deepEqual(parseGresCounts('gpu:tesla:2(S:0),gpu:a100:2,shard:8'), { gpu: 4, shard: 8 });
  assert.deepEqual(parseGresCounts('(null)'), {});
});

test('sbatch options from the executor block', () => {
  assert.deepEqual(
    sbatchOptions(
      { type: 'slurm', partition: 'gpu', time: '1:00:00', account: 'lab', qos: 'normal', extra_args: ['--mem=16G', '--exclusive'] },
      'gpu:1',
    ),
    ['--partition=gpu', '--time=1:00:00', '--account=lab', '--qos=normal', '--gres=gpu:1', '--mem=16G', '--exclusive'],
  );
  assert.deepEqual(sbatchOptions({ type: 'slurm' }, undefined), []);
});

test('parsers: squeue, sacct -c, scontrol', () => {
  const q = parseSqueue('12|PENDING|Resources\n13|RUNNING|None\n14|PENDING|QOSMaxJobsPerUserLimit\n\n');
  assert.deepEqual(q.get('12'), { state: 'PENDING', reason: 'Resources' });
  assert.deepEqual(q.get('14'), { state: 'PENDING', reason: 'QOSMaxJobsPerUserLimit' });
  assert.equal(q.get('13')?.state, 'RUNNING');
  assert.deepEqual(parseSacct('3|CANCELLED by 0|0:15\n4|COMPLETED|0:0\n', '3'), { state: 'CANCELLED', exitCode: 0, signal: 15 });
  assert.deepEqual(parseSacct('5|FAILED|3:0\n', '5'), { state: 'FAILED', exitCode: 3, signal: 0 });
  assert.equal(parseSacct('', '5'), undefined);
  assert.deepEqual(parseScontrol('JobId=3 JobName=x JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:1'), {
    state: 'TIMEOUT',
    exitCode: 0,
    signal: 1,
  });
  assert.equal(parseScontrol('slurm_load_jobs error: Invalid job id specified'), undefined);
});

test('Slurm errors quote Slurm and say how to fix it', () => {
  const part = slurmError(
    'submitting trial 1',
    'sbatch',
    {
      code: 1,
      stderr:
        'sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n',
    },
    { type: 'slurm', partition: 'nope' },
  );
  assert.match(part.message, /Invalid partition name specified/);
  assert.match(part.hint!, /executor\.partition.*"nope".*sinfo -s/);
  const missing = slurmError('submitting trial 1', 'sbatch', { code: null, stderr: '', errno: 'ENOENT' });
  assert.match(missing.message, /`sbatch` was not found on PATH/);
  assert.match(missing.hint!, /login node/);
  const down = slurmError('x', 'sbatch', {
    code: 1,
    stderr: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
  });
  assert.match(down.message, /Unable to contact slurm controller/);
  assert.match(down.hint!, /scontrol ping/);
  const gres = slurmError('x', 'sbatch', {
    code: 1,
    stderr: 'sbatch: error: Batch job submission failed: Requested node configuration is not available',
  });
  assert.match(gres.hint!, /gpus_per_trial/);
});

test('trial files: beside stdout.log, prefixed when launches share a folder', () => {
  assert.deepEqual(slurmTrialFiles({ stdoutPath: '/s/trials/0003/stdout.log' }), {
    script: '/s/trials/0003/job.sh',
    record: '/s/trials/0003/job.json',
    exitCode: '/s/trials/0003/exit_code',
    spawnError: '/s/trials/0003/spawn_error',
  });
  assert.equal(slurmTrialFiles({ stdoutPath: '/d/t7.out.log' }).exitCode, '/d/t7.exit_code');
});
