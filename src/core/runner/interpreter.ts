/**
 * What `${interpreter}` expands to. W&B always uses `python`. Knobs:
 *   1. an explicit override (sweep key `interpreter`, or the setting), as given;
 *   2. for .js/.mjs/.cjs programs (Knobs' own extension): `node` when it is on PATH, else this
 *      process's node binary (process.execPath) unless we run inside Electron (VS Code);
 *   3. otherwise Python: $KNOBS_PYTHON when set, else `python` when on PATH, else `python3`
 *      when on PATH, else `python` (W&B's choice; spawning then reports it missing).
 * KNOBS_PYTHON applies to every program that would run under Python (.py, or no extension),
 * not only to .py files.
 * PATH is searched with fs (no shell). Names are returned as names ("python"), as W&B does, so
 * that the spawned process resolves them against the trial's PATH.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';

export interface FindOnPathOptions {
  platform?: NodeJS.Platform;
}

/** Reads an env var; on Windows names are case-insensitive (Path vs PATH). */
function getEnv(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (env[name] !== undefined) return env[name];
  if (platform !== 'win32') return undefined;
  const upper = name.toUpperCase();
  const key = Object.keys(env).find((k) => k.toUpperCase() === upper);
  return key === undefined ? undefined : env[key];
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of executable `name` on env's PATH, or undefined. A name containing a path
 * separator is checked as it is. On Windows, PATHEXT extensions are tried.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, opts: FindOnPathOptions = {}): string | undefined {
  const platform = opts.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exts =
    platform === 'win32'
      ? ['', ...(getEnv(env, 'PATHEXT', platform) ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e.length > 0)]
      : [''];
  const candidatesFor = (base: string) => exts.map((e) => base + e);
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return candidatesFor(p.resolve(name)).find((c) => isExecutableFile(c, platform));
  }
  const dirs = (getEnv(env, 'PATH', platform) ?? '').split(p.delimiter).filter((d) => d.length > 0);
  for (const dir of dirs) {
    for (const c of candidatesFor(joinDir(dir, name, platform))) {
      if (isExecutableFile(c, platform)) return c;
    }
  }
  return undefined;
}

/** dir + name; on Windows keeps the separator style the PATH entry uses. */
function joinDir(dir: string, name: string, platform: NodeJS.Platform): string {
  if (platform !== 'win32') return path.posix.join(dir, name);
  const sep = dir.includes('\\') || !dir.includes('/') ? '\\' : '/';
  return dir.endsWith('\\') || dir.endsWith('/') ? dir + name : dir + sep + name;
}

export interface ResolveInterpreterOptions {
  program?: string;
  /** Explicit interpreter (sweep key `interpreter` or the setting); wins when non-empty. */
  override?: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** This process's node, for .js programs when `node` is not on PATH. Defaults to process's. */
  runtime?: { execPath: string; electron?: string };
}

const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** The interpreter for `${interpreter}`; see the file comment for the order. */
export function resolveInterpreter(opts: ResolveInterpreterOptions): string {
  if (opts.override !== undefined && opts.override.trim() !== '') return opts.override;
  const platform = opts.platform ?? process.platform;
  const ext = opts.program ? path.extname(opts.program).toLowerCase() : '';
  if (JS_EXTENSIONS.has(ext)) {
    if (findOnPath('node', opts.env, { platform })) return 'node';
    const runtime = opts.runtime ?? { execPath: process.execPath, electron: process.versions.electron };
    if (!runtime.electron) return runtime.execPath;
    throw new KnobsError('E_SPAWN', `\`${opts.program}\` is a JavaScript program but no \`node\` was found on PATH`, {
      hint: 'install Node.js and put it on PATH, or set `interpreter: /path/to/node` in the sweep file',
    });
  }
  const fromEnv = opts.env.KNOBS_PYTHON;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  if (findOnPath('python', opts.env, { platform })) return 'python';
  if (findOnPath('python3', opts.env, { platform })) return 'python3';
  return 'python';
}
