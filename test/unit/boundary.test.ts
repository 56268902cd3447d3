/** The core must stay free of VS Code and DOM so the CLI and tests can use it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOBS_VERSION } from '../../src/core/version';

const ROOT = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const FORBIDDEN: [RegExp, string][] = [
  [/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, 'imports vscode'],
  [/\/\/\/\s*<reference\s+lib=["']dom["']/, 'references the DOM lib'],
  [/\b(window|document|HTMLElement|localStorage|navigator)\s*[.[(]/, 'uses a DOM global'],
  // DOM type names imported bare (even from another package) read as DOM types: alias them
  [/import\s+(type\s+)?\{[^}]*\b(Document|Node|Element|HTMLElement|Window|Event)\b(?!\s+as\s+(?!\2\b))[^}]*\}/, 'imports a DOM-named type bare (use a namespace or an alias)'],
  // ...or spelled anywhere in the code, qualified or not (`Yaml.Node`, `: Document`)
  [/(?<![\w$])(Document|Node|Element|HTMLElement|Window|Event|NodeList)(?![\w$])/, 'names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)'],
  [/\bMath\.random\s*\(/, 'uses Math.random (use the seeded Rng)'],
  [/from\s+['"](\.\.\/)+(cli|extension|webview)\//, 'imports a face (cli/extension/webview)'],
];

/** What a core source breaks: imports are checked on the code, globals on the code without strings. */
function violations(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const noStrings = code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
  return FORBIDDEN.filter(([re]) => re.test(/from|import|reference/.test(re.source) ? code : noStrings)).map(([, why]) => why);
}

test('nothing under src/core imports vscode or uses DOM types, Math.random or the CLI/extension', () => {
  const files = walk(path.join(ROOT, 'src', 'core'));
  assert.ok(files.length > 20, 'found the core sources');
  const bad = files.flatMap((f) => violations(fs.readFileSync(f, 'utf8')).map((why) => `${path.relative(ROOT, f)} ${why}`));
  assert.deepEqual(bad, []);
});

test('the boundary check can fail: planted violations are caught, look-alikes in strings and comments are not', () => {
  assert.deepEqual(violations(`import * as vscode from 'vscode';`), ['imports vscode']);
  assert.deepEqual(violations(`const el = document.createElement('div');`), ['uses a DOM global']);
  assert.deepEqual(violations(`import type { Document, Node as YNode } from 'yaml';`), [
    'imports a DOM-named type bare (use a namespace or an alias)',
    'names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)',
  ]);
  assert.deepEqual(violations(`const x = Math.random();`), ['uses Math.random (use the seeded Rng)']);
  assert.deepEqual(violations(`import { main } from '../../cli/main';`), ['imports a face (cli/extension/webview)']);
  assert.deepEqual(violations(`let doc: Yaml.Document.Parsed;`), ['names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)']);
  assert.deepEqual(violations(`const f = (n: Yaml.Node | null) => n;`), ['names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)']);
  assert.deepEqual(violations(`const d = parseDocument(t); type TreeNode = 1;\nconst m = 'the Document (a file)';\n// window.open, Node 24\n`), []);
});

test('the core compiles without the DOM lib', () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  assert.ok(tsconfig.include.some((p: string) => p.startsWith('src/core')));
  assert.ok(!tsconfig.compilerOptions.lib.some((l: string) => /dom/i.test(l)), 'no DOM lib for core');
});

test('core version matches package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(KNOBS_VERSION, pkg.version);
});
