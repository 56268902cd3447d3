/** Test support: temp sweep folders, running the real CLI bundle, reading journals. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Op } from '../../src/core/journal/ops';
import { readJournal } from '../../src/core/journal/reader';
import { replay, type SweepState } from '../../src/core/journal/reducer';

/** Repo root from out/test/support/cli.js. */
export const ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const SCRIPTS = path.join(ROOT, 'test', 'fixtures', 'scripts');
/** Python with torch (tests default to Debian's). */
export const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, KNOBS_PYTHON: PYTHON, NO_COLOR: '1', ...extra };
}

/** A temp folder holding sweep.yaml and copies of the named fixture scripts. */
export function sweepFolder(yaml: string, scripts: string[] = [], name = 'sweep.yaml'): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-test-'));
  for (const s of scripts) fs.copyFileSync(path.join(SCRIPTS, s), path.join(dir, s));
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return { dir, file };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? testEnv(),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Starts the CLI without waiting (its own process group, so tests can kill -9 it). */
export function startCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? testEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out });
}

export function waitExit(child: ChildProcess, timeoutMs = 120_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const t = setTimeout(() => reject(new Error(`process ${child.pid} did not exit in ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

export function sweepDirs(folder: string): string[] {
  const root = path.join(folder, '.knobs', 'sweeps');
  if (!fs.existsSync(root)) return [];
  // a sweep folder counts once its journal exists (the folder is made a moment before)
  return fs
    .readdirSync(root)
    .sort()
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(path.join(d, 'journal.jsonl')));
}

export function onlySweep(folder: string): string {
  const dirs = sweepDirs(folder);
  if (dirs.length !== 1) throw new Error(`expected one sweep under ${folder}, found ${dirs.length}`);
  return dirs[0];
}

export function ops(sweepDir: string): Op[] {
  return readJournal(path.join(sweepDir, 'journal.jsonl')).ops;
}

export function state(sweepDir: string): SweepState {
  return replay(ops(sweepDir));
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * True while any non-zombie process of the group exists (read from /proc: a killed orphan
 * stays a zombie until PID 1 reaps it, which in containers can take a while).
 */
export function groupAlive(pgid: number): boolean {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces/parens: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid && rest[0] !== 'Z') return true;
  }
  return false;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers; check /proc state
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
