// Bundles the CLI, the extension host and the dashboard webview into dist/.
//   dist/cli.js        the `knobs` CLI and the detached runner (node)
//   dist/importanceWorker.js  the worker_threads entry of computeImportanceInWorker (node; loaded
//                      from the folder of the bundle that calls it: cli.js, extension.js)
//   dist/extension.js  the VS Code extension host entry (cjs, `vscode` external)
//   dist/webview.js    the dashboard app (browser, iife) + dist/webview.css
//   dist/lrFind.js     the lr-finder panel (browser, iife; webview/src/lrfind/) + dist/lrFind.css

import { chmodSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'warning' };
const jobs = [
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['src/core/analysis/importanceWorker.ts'],
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: 'dist/importanceWorker.js',
  }),
];
if (existsSync('src/extension/extension.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: ['src/extension/extension.ts'],
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: 'dist/extension.js',
      external: ['vscode'],
      minify: true,
    }),
  );
}
if (existsSync('webview/src/main.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: ['webview/src/main.ts'],
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      outfile: 'dist/webview.js',
      minify: true,
    }),
  );
}
if (existsSync('webview/src/lrfind/main.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: ['webview/src/lrfind/main.ts'],
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      outfile: 'dist/lrFind.js',
      minify: true,
    }),
  );
}
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
