#!/usr/bin/env node
// `npm run demo`: a real sweep of the bundled tfjs example (12 trials, 2 at a time).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(join(root, 'dist', 'cli.js')) || process.env.KNOBS_REBUILD === '1') {
  const b = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const sweep = join(root, 'examples', 'tfjs-digits', 'sweep.yaml');
console.log(`knobs demo: node dist/cli.js run ${sweep} ${process.argv.slice(2).join(' ')}`);
const t0 = Date.now();
const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'run', sweep, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
console.log(`knobs demo: wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
