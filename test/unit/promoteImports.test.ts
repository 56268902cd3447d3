/**
 * The promote core has no import cycle (type-only imports count: `literal.ts` and `locate.ts`
 * once imported each other), and the check can fail: a planted cycle is found and named.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const PROMOTE = path.join(ROOT, 'src/core/promote');

/** file → the files of the same folder it imports (`import … from './x'`, `export … from`, `import './x'`). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    const code = fs
      .readFileSync(path.join(dir, name), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const targets = [...code.matchAll(/^\s*(?:import\s*|(?:import|export)\b[^;]*?\bfrom\s*)['"](\.\/[^'"]+)['"]/gm)].map(
      (m) => `${path.basename(m[1])}.ts`,
    );
    graph.set(
      name,
      [...new Set(targets)].filter((t) => fs.existsSync(path.join(dir, t))),
    );
  }
  return graph;
}

/** One import cycle (`a.ts → b.ts → a.ts`), or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      const c = visit(t);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of graph.keys()) {
    const c = visit(f);
    if (c) return c;
  }
  return undefined;
}

test('src/core/promote has no import cycle', () => {
  const graph = importGraph(PROMOTE);
  for (const f of ['python.ts', 'javascript.ts', 'yaml.ts', 'json.ts', 'literal.ts', 'locate.ts', 'edits.ts', 'targets.ts', 'diff.ts'])
    assert.ok(graph.has(f), `${f} is in src/core/promote`);
  assert.deepEqual(
    graph.get('locate.ts')!.sort(),
    ['javascript.ts', 'json.ts', 'lang.ts', 'python.ts', 'sites.ts', 'yaml.ts'],
    'the graph is read',
  );
  assert.equal(findCycle(graph), undefined);
});

test('the cycle check fails on a planted cycle: literal.ts importing locate.ts again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-cycle-'));
  for (const n of fs.readdirSync(PROMOTE)) fs.copyFileSync(path.join(PROMOTE, n), path.join(dir, n));
  assert.equal(findCycle(importGraph(dir)), undefined, 'the copy has none');
  const literal = path.join(dir, 'literal.ts');
  fs.writeFileSync(
    literal,
    fs.readFileSync(literal, 'utf8').replace("import type { SourceLang } from './lang';", "import type { SourceLang } from './locate';"),
  );
  const cycle = findCycle(importGraph(dir));
  assert.ok(cycle, 'the planted cycle is found');
  assert.equal(cycle[0], cycle[cycle.length - 1]);
  assert.ok(cycle.includes('literal.ts') && cycle.includes('locate.ts'), cycle.join(' → '));
  // a longer one, through a side-effect import, and a commented-out import that is not one
  assert.deepEqual(
    findCycle(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', ['c.ts']],
        ['c.ts', ['a.ts']],
      ]),
    ),
    ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
  );
  fs.writeFileSync(path.join(dir, 'x.ts'), "import './y';\n");
  fs.writeFileSync(path.join(dir, 'y.ts'), "// import { x } from './x';\nexport * from './x';\n");
  const g = importGraph(dir);
  assert.deepEqual([g.get('x.ts'), g.get('y.ts')], [['y.ts'], ['x.ts']]);
});
