#!/usr/bin/env node
// `npm run build`: type-check + compile every TypeScript project (tests run from out/), then bundle.
//   tsconfig.json          core, cli, protocol, extension, tests   (no DOM)
//   tsconfig.webview.json  the dashboard app and its tests          (DOM), when present
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const root = new URL('..', import.meta.url).pathname;
for (const project of ['tsconfig.json', 'tsconfig.webview.json']) {
  if (!existsSync(root + project)) continue;
  const r = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const b = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit', cwd: root });
process.exit(b.status ?? 1);
