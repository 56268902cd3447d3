/**
 * Finds the bundled zero-dependency helpers (helpers/python/knobs.py, helpers/node/knobs.mjs),
 * whether we run from dist/ (bundle), out/src/... (tests) or inside the installed extension.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface HelperPaths {
  root: string;
  python: string;
  pythonShim: string;
  node: string;
  nodeModule: string;
}

let cached: HelperPaths | undefined;

export function helperPaths(): HelperPaths {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'helpers');
    if (fs.existsSync(path.join(candidate, 'python', 'knobs.py'))) {
      cached = {
        root: candidate,
        python: path.join(candidate, 'python'),
        pythonShim: path.join(candidate, 'python', 'shim'),
        node: path.join(candidate, 'node'),
        nodeModule: path.join(candidate, 'node', 'knobs.mjs'),
      };
      return cached;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`Knobs helpers not found above ${__dirname} (expected helpers/python/knobs.py)`);
}
