#!/usr/bin/env node
// Runs the compiled tests (out/test/**) with Node's built-in runner.
// Usage: node scripts/test.mjs [unit|integration|e2e|contracts ...] [--only-file substring]
// KNOBS_REQUIRE_ALL=1 (set by .ci/run) makes any skipped test a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
// --only-file SUBSTR (repeatable) keeps the test files whose path contains SUBSTR
const only = [];
const groups = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only-file') {
    if (!args[i + 1]) {
      console.error('--only-file needs a substring of a test file path');
      process.exit(2);
    }
    only.push(args[++i]);
  } else if (args[i].startsWith('--')) {
    console.error(
      `unknown option ${args[i]} (usage: node scripts/test.mjs [unit|contracts|webview|integration|e2e ...] [--only-file substring])`,
    );
    process.exit(2);
  } else groups.push(args[i]);
}
const suites = groups.length ? groups : ['unit', 'contracts', 'webview', 'integration', 'e2e'];

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const unknown = suites.filter((s) => !existsSync(join(root, 'out', 'test', s)));
if (unknown.length) {
  console.error(`no test group ${unknown.join(', ')} under out/test (did the build run?)`);
  process.exit(2);
}
const files = suites
  .flatMap((s) => walk(join(root, 'out', 'test', s), []))
  .filter((f) => only.length === 0 || only.some((o) => relative(root, f).includes(o)));
if (files.length === 0) {
  console.error(`no test files found for ${suites.join(', ')} (did the build run?)`);
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative(root, f)).join(' ')}`);
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
  cwd: root,
  env: process.env,
  maxBuffer: 256 * 1024 * 1024,
});
const out = r.stdout.toString();
process.stdout.write(out);
let code = r.status ?? 1;
const skipped = /^ℹ skipped (\d+)/m.exec(out);
const todo = /^ℹ todo (\d+)/m.exec(out);
if (process.env.KNOBS_REQUIRE_ALL === '1' && ((skipped && +skipped[1] > 0) || (todo && +todo[1] > 0))) {
  console.error(`KNOBS_REQUIRE_ALL=1: ${skipped?.[1] ?? 0} skipped and ${todo?.[1] ?? 0} todo tests count as failures`);
  code = code || 1;
}
process.exit(code);
