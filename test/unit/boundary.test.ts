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

test('nothing under src/core imports vscode or uses DOM types, Math.random or the CLI/extension', () => {
  const bad: string[] = [];
  const forbidden: [RegExp, string][] = [
    [/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, 'imports vscode'],
    [/\/\/\/\s*<reference\s+lib=["']dom["']/, 'references the DOM lib'],
    [/\b(window|document|HTMLElement|localStorage|navigator)\s*[.[(]/, 'uses a DOM global'],
    [/\bMath\.random\s*\(/, 'uses Math.random (use the seeded Rng)'],
    [/from\s+['"](\.\.\/)+(cli|extension|webview)\//, 'imports a face (cli/extension/webview)'],
  ];
  const files = walk(path.join(ROOT, 'src', 'core'));
  assert.ok(files.length > 20, 'found the core sources');
  for (const f of files) {
    const code = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    // imports are checked on the code; globals on the code without string literals
    const noStrings = code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
    for (const [re, why] of forbidden) if (re.test(re.source.includes('from') ? code : noStrings)) bad.push(`${path.relative(ROOT, f)} ${why}`);
  }
  assert.deepEqual(bad, []);
});

test('the boundary check can fail: it catches a planted vscode import', () => {
  const re = /from\s+['"]vscode['"]/;
  assert.ok(re.test(`import * as vscode from 'vscode';`));
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
