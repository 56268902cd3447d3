/**
 * Starting the detached runner from the extension host: the bundled CLI (`dist/cli.js`) runs
 * under the host's own Node (`process.execPath` with ELECTRON_RUN_AS_NODE=1) as
 * `cli.js run <file> --detach --json` (or `resume <sweepDir> ...`). Never a shell, never npx.
 * The CLI starts the runner in its own process group and returns at once, printing
 * {"sweep","dir","pid","log"}; the runner outlives a window reload. No vscode import.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../core/errors';
import { sweepPaths } from '../../core/sweep/paths';

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface LaunchBase {
  /** The extension's install folder (holds dist/cli.js). */
  extensionPath: string;
  /** Node-compatible executable (the extension host's process.execPath). */
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** Interpreter for `${interpreter}` (--python). */
  python?: string;
  /** Extra CLI flags (e.g. --run-cap 4). */
  extraArgs?: string[];
}

export function cliPath(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'cli.js');
}

function baseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, ELECTRON_RUN_AS_NODE: '1' };
  // the runner and the trials must not inherit the extension host's debugger or IPC hooks
  delete out.NODE_OPTIONS;
  delete out.VSCODE_IPC_HOOK_CLI;
  delete out.ELECTRON_NO_ATTACH_CONSOLE;
  return out;
}

/**
 * The folder the CLI starts in for a sweep file: the workspace folder holding it (as a terminal
 * there would), else the file's own folder. The CLI then applies the working-folder rule
 * (core/sweep/workdir.ts): `program` there, else beside the sweep file.
 */
export function startFolder(file: string, workspaceFolder?: string): string {
  return workspaceFolder ? path.resolve(workspaceFolder) : path.dirname(path.resolve(file));
}

/** `cli.js run <file> --detach --json [--python P]`, cwd = startFolder(file, workspaceFolder). */
export function runSpec(o: LaunchBase & { file: string; workspaceFolder?: string }): LaunchSpec {
  const file = path.resolve(o.file);
  const args = [cliPath(o.extensionPath), 'run', file, '--detach', '--json'];
  if (o.python) args.push('--python', o.python);
  if (o.extraArgs) args.push(...o.extraArgs);
  return { command: o.execPath, args, cwd: startFolder(file, o.workspaceFolder), env: baseEnv(o.env) };
}

/**
 * `cli.js resume <sweepDir> --detach --json [--python P]`, cwd = the folder that holds `.knobs`
 * (the resumed trials run in the working folder journalled at the start, wherever resume starts).
 */
export function resumeSpec(o: LaunchBase & { sweepDir: string }): LaunchSpec {
  const dir = sweepPaths(o.sweepDir).dir;
  const args = [cliPath(o.extensionPath), 'resume', dir, '--detach', '--json'];
  if (o.python) args.push('--python', o.python);
  if (o.extraArgs) args.push(...o.extraArgs);
  return { command: o.execPath, args, cwd: path.dirname(path.dirname(path.dirname(dir))), env: baseEnv(o.env) };
}

export interface DetachResult {
  sweep: string;
  dir: string;
  pid: number;
  log: string;
  resumed?: boolean;
}

/** The JSON line `--detach --json` prints; throws when there is none. */
export function parseDetachOutput(stdout: string): DetachResult {
  for (const line of stdout.split('\n').reverse()) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const o = JSON.parse(t) as Partial<DetachResult>;
      if (typeof o.sweep === 'string' && typeof o.dir === 'string' && typeof o.pid === 'number') {
        return {
          sweep: o.sweep,
          dir: o.dir,
          pid: o.pid,
          log: typeof o.log === 'string' ? o.log : path.join(o.dir, 'runner.log'),
          resumed: !!o.resumed,
        };
      }
    } catch {
      /* not the line we want */
    }
  }
  throw new KnobsError('E_INTERNAL', `the runner did not report a sweep (output: ${JSON.stringify(stdout.slice(0, 200))})`, {
    hint: 'see the Knobs output channel for the CLI’s messages',
  });
}

/** Turns the CLI's "knobs: error: file:line:col: msg\n  fix: hint" into a KnobsError. */
export function cliError(code: number | null, stderr: string, what: string): KnobsError {
  const text = stderr.trim();
  const m = /knobs: (?:error|internal error): ([\s\S]*)/.exec(text);
  const body = (m ? m[1] : text) || `exit code ${code}`;
  const [first, ...rest] = body.split('\n');
  const fix = rest.find((l) => l.trim().startsWith('fix:'));
  return new KnobsError('E_SPAWN', `${what} failed: ${first}`, {
    hint: fix ? fix.trim().slice(4).trim() : 'see the Knobs output channel',
    details: rest.filter((l) => l !== fix),
  });
}

/**
 * Runs a launch spec to completion (the CLI returns as soon as the runner is detached) and
 * returns the parsed result. `log` hears every stderr line.
 */
export function launch(spec: LaunchSpec, what: string, log?: (line: string) => void, timeoutMs = 60_000): Promise<DetachResult> {
  if (!fs.existsSync(spec.cwd)) {
    return Promise.reject(
      new KnobsError('E_SPAWN', `${what}: the folder ${spec.cwd} does not exist`, {
        hint: 'the sweep file was moved or deleted; open it again',
      }),
    );
  }
  const cli = spec.args[0];
  if (cli?.endsWith('cli.js') && !fs.existsSync(cli)) {
    return Promise.reject(
      new KnobsError('E_SPAWN', `${what}: the Knobs CLI bundle ${cli} is missing`, {
        hint: 'reinstall the extension (or run `npm run build` in a development checkout)',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new KnobsError('E_SPAWN', `${what} did not return within ${timeoutMs / 1000}s`, { hint: 'see the Knobs output channel' }));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (log) for (const l of d.split('\n')) if (l.trim()) log(l);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new KnobsError('E_SPAWN', `could not start ${spec.command}: ${e.message}`, {
          hint: 'the extension’s Node runtime could not be started',
          cause: e,
        }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(cliError(code, err, what));
      try {
        resolve(parseDetachOutput(out));
      } catch (e) {
        reject(e);
      }
    });
  });
}
