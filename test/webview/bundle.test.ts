/** The dashboard bundle and sources respect the panel's CSP and the theme-only colour rule. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const HARD_COLOUR = /#[0-9a-fA-F]{3,8}\b|\brgba?\(\s*\d|\bhsla?\(\s*\d/;

test('webview sources use no hard-coded colours (theme variables only)', () => {
  const files = walk(path.join(ROOT, 'webview', 'src')).filter((f) => /\.(ts|css)$/.test(f));
  assert.ok(files.length > 10);
  const bad: string[] = [];
  for (const f of files) {
    const text = fs
      .readFileSync(f, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    text.split('\n').forEach((line, i) => {
      // `rgba(${r}, …)` built from parsed theme colours is fine; literals are not
      if (HARD_COLOUR.test(line)) bad.push(`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, []);
  assert.ok(HARD_COLOUR.test('color: #fff') && HARD_COLOUR.test('rgba(0, 0, 0, 1)'), 'the check can fail');
});

test('the CSS reads colours from --vscode-* variables', () => {
  const css = fs.readFileSync(path.join(ROOT, 'webview', 'src', 'styles.css'), 'utf8');
  const colourProps = css.match(/(?:^|[;{\s])(?:color|background|border[a-z-]*|box-shadow)\s*:[^;]+/g) ?? [];
  assert.ok(colourProps.length > 10);
  for (const p of colourProps) {
    if (/:\s*(none|0|transparent|1px solid transparent)\s*$/.test(p) || /^\s*border-(radius|left-width|collapse)/.test(p.trim())) continue;
    if (/border-radius|border-bottom-width/.test(p)) continue;
    assert.match(p, /var\(--vscode-|var\(--row-bg\)|transparent|inherit|currentColor/, `${p.trim()} uses a theme variable`);
  }
  // local custom properties (--row-bg) are themselves built from theme variables
  for (const p of css.match(/--row-bg\s*:[^;]+/g) ?? []) assert.match(p, /var\(--vscode-|transparent/, p);
});

test('dist/webview.js has no eval or new Function (strict CSP), and the CSS bundle exists', () => {
  const js = path.join(ROOT, 'dist', 'webview.js');
  assert.ok(fs.existsSync(js), 'dist/webview.js is built (npm run build)');
  const code = fs.readFileSync(js, 'utf8');
  assert.ok(code.length > 50_000);
  assert.doesNotMatch(code, /\bnew Function\s*\(|[^.\w]eval\s*\(/);
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'webview.css')), 'dist/webview.css is emitted');
  assert.match(fs.readFileSync(path.join(ROOT, 'dist', 'webview.css'), 'utf8'), /--vscode-editor-background/);
});

test('main.ts posts ready and imports only the vscode-elements components it uses', () => {
  const main = fs.readFileSync(path.join(ROOT, 'webview', 'src', 'main.ts'), 'utf8');
  assert.match(main, /acquireVsCodeApi\(\)/);
  assert.match(main, /postMessage\(\{ type: 'ready' \}\)/);
  const all = walk(path.join(ROOT, 'webview', 'src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  assert.doesNotMatch(all, /@vscode-elements\/elements['"]|bundled\.js/, 'no whole-library import');
  const imported = new Set([...all.matchAll(/@vscode-elements\/elements\/dist\/([\w-]+)\//g)].map((m) => m[1]));
  for (const tag of imported) assert.ok(all.includes(`'${tag}'`), `${tag} is imported and used`);
});
