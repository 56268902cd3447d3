/** Builds the extension's .vsix offline with @vscode/vsce, once per test process. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './toolchain';

let built: { file: string; bytes: number; dir?: string } | undefined;

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${(r.stdout ?? '').slice(-2000)}\n${(r.stderr ?? '').slice(-4000)}`);
  }
}

const BUNDLES = ['dist/extension.js', 'dist/cli.js', 'dist/webview.js'];
const SOURCES = ['src', 'webview/src', 'package.json', 'esbuild.mjs'];

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

/** The bundles exist and are newer than every source file (as right after `npm run build`). */
function bundlesFresh(): boolean {
  const oldest = Math.min(...BUNDLES.map((b) => fs.statSync(path.join(ROOT, b), { throwIfNoEntry: false })?.mtimeMs ?? 0));
  return oldest > 0 && SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= oldest);
}

/**
 * Bundles dist/ again when a source is newer than a bundle (esbuild only: the test itself was compiled by `npm run build`, so the
 * type-check already passed) and packages `<tmp>/knobs.vsix` with `vsce package --no-dependencies`.
 */
export function buildVsix(): { file: string; bytes: number } {
  if (built && fs.existsSync(built.file)) return built;
  const given = process.env.KNOBS_E2E_VSIX; // a .vsix built elsewhere (debugging the harness)
  if (given) return (built = { file: path.resolve(given), bytes: fs.statSync(given).size });
  if (!bundlesFresh()) run(process.execPath, ['esbuild.mjs'], 'bundling (node esbuild.mjs)');
  for (const f of ['dist/extension.js', 'dist/cli.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing after \`node esbuild.mjs\`: the extension cannot be packaged`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-e2e-vsix-'));
  const file = path.join(dir, 'knobs.vsix');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', file], 'vsce package');
  built = { file, bytes: fs.statSync(file).size, dir };
  return built;
}

/** Removes the temp folder of the .vsix this process built (not one given by KNOBS_E2E_VSIX). */
export function removeVsix(): void {
  if (built?.dir) fs.rmSync(built.dir, { recursive: true, force: true });
  built = undefined;
}
