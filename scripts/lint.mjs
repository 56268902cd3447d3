#!/usr/bin/env node
// `npm run lint` (and the first step of `npm test`): Biome's formatter and linter in check mode
// (biome.jsonc: 140-column formatting, the recommended rules), then the hard line limit: no line
// of code, tests, benchmarks or scripts over 160 characters (what the formatter cannot wrap:
// strings, comments, URLs). `npm run format` rewrites what Biome can fix.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const MAX = 160;
const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const biome = require.resolve('@biomejs/biome/bin/biome');
const r = spawnSync(process.execPath, [biome, 'ci', '--max-diagnostics=50', '.'], { stdio: 'inherit', cwd: root });
let failed = r.status !== 0;

const files = spawnSync(
  'git',
  ['ls-files', '-co', '--exclude-standard', 'src', 'webview/src', 'test', 'bench', 'scripts', 'helpers/node', 'bin', 'esbuild.mjs'],
  { cwd: root, encoding: 'utf8' },
)
  .stdout.split('\n')
  .filter((f) => /\.(ts|mjs|js|css)$/.test(f) && !f.startsWith('test/fixtures/'));
const long = [];
for (const f of files) {
  let text;
  try {
    text = readFileSync(root + f, 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX) long.push(`${f}:${i + 1}: ${line.length} characters (the limit is ${MAX}; split the string or comment)`);
  });
}
if (long.length) {
  console.error(long.join('\n'));
  console.error(`lint: ${long.length} line${long.length === 1 ? '' : 's'} over ${MAX} characters`);
  failed = true;
}
if (failed) process.exit(1);
console.log(`lint: biome clean, ${files.length} files within ${MAX} characters a line`);
