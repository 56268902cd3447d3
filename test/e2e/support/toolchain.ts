/**
 * The e2e toolchain (Node 24, code-server 4.139.1, chromium) as scripts/e2eEnv.mjs sees it,
 * and the gate every e2e test goes through: when something is missing, the test FAILS with
 * the reason under KNOBS_REQUIRE_ALL=1 (CI), and is skipped with the reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Repo root, from out/test/e2e/support/*.js. */
export const ROOT = path.resolve(__dirname, '../../../..');
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
/** Python with torch, for the trials the extension's runner starts. */
export const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';

export interface Toolchain {
  ok: boolean;
  problems: string[];
  node24: string;
  node24BinDir: string;
  codeServerEntry: string;
  codeServerVersion: string | null;
  chromium: string;
  chromiumVersion: string | null;
}

let cached: Toolchain | undefined;

export function toolchain(): Toolchain {
  if (cached) return cached;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'e2eEnv.mjs'), '--json'], { encoding: 'utf8', timeout: 120_000 });
  try {
    cached = JSON.parse(r.stdout) as Toolchain;
  } catch {
    cached = {
      ok: false,
      problems: [`scripts/e2eEnv.mjs did not answer (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim()}`],
      node24: '',
      node24BinDir: '',
      codeServerEntry: '',
      codeServerVersion: null,
      chromium: '',
      chromiumVersion: null,
    };
  }
  return cached;
}

export const requireAll = process.env.KNOBS_REQUIRE_ALL === '1';

/**
 * `false` when the e2e suite can run; otherwise the reason, for `test(name, { skip: gate() })`.
 * Under KNOBS_REQUIRE_ALL=1 it never skips: call `assertToolchain()` first thing in the test.
 */
export function skipReason(): string | false {
  const tc = toolchain();
  if (tc.ok || requireAll) return false;
  return `e2e toolchain missing (run \`node scripts/setup.mjs\`): ${tc.problems.join('; ')}`;
}

export function assertToolchain(): Toolchain {
  const tc = toolchain();
  if (!tc.ok)
    throw new Error(
      `e2e toolchain missing (KNOBS_REQUIRE_ALL=1 makes this a failure; run \`node scripts/setup.mjs\`): ${tc.problems.join('; ')}`,
    );
  return tc;
}
