/** The core must stay free of VS Code and DOM so the CLI and tests can use it. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { KNOBS_VERSION } from '../../src/core/version';

const ROOT = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const FORBIDDEN: [RegExp, string][] = [
  [/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, 'imports vscode'],
  [/\/\/\/\s*<reference\s+lib=["']dom["']/, 'references the DOM lib'],
  [/\b(window|document|HTMLElement|localStorage|navigator)\s*[.[(]/, 'uses a DOM global'],
  // DOM type names imported bare (even from another package) read as DOM types: alias them
  [
    /import\s+(type\s+)?\{[^}]*\b(Document|Node|Element|HTMLElement|Window|Event)\b(?!\s+as\s+(?!\2\b))[^}]*\}/,
    'imports a DOM-named type bare (use a namespace or an alias)',
  ],
  // ...or spelled anywhere in the code, qualified or not (`Yaml.Node`, `: Document`)
  [
    /(?<![\w$])(Document|Node|Element|HTMLElement|Window|Event|NodeList)(?![\w$])/,
    'names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)',
  ],
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
  assert.deepEqual(violations(`let doc: Yaml.Document.Parsed;`), [
    'names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)',
  ]);
  assert.deepEqual(violations(`const f = (n: Yaml.Node | null) => n;`), [
    'names a DOM type (derive the type, e.g. ReturnType<typeof parseDocument>)',
  ]);
  assert.deepEqual(
    violations(`const d = parseDocument(t); type TreeNode = 1;\nconst m = 'the Document (a file)';\n// window.open, Node 24\n`),
    [],
  );
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

// ---- faces never import each other ------------------------------------------------------------
//
// The CLI, the extension and the webview each stand on the core; none imports another. The webview
// reaches beyond itself only into src/protocol and src/core/format/ (formatting, pure and
// import-free). src/protocol shares with the core only the vocabulary below, which imports nothing
// outside it, so whatever of the core lands in the webview bundle is that list and nothing else.

/** The core files src/protocol (and so the webview) may import: import-free leaves. */
const SHARED_WITH_WEBVIEW = [
  'src/core/format/',
  'src/core/journal/trialStatus.ts',
  'src/core/analysis/fitTag.ts',
  'src/core/math/finite.ts',
];
const shared = (p: string) => SHARED_WITH_WEBVIEW.some((s) => (s.endsWith('/') ? p.startsWith(s) : p === s || p === s.slice(0, -3)));

type Area = 'core' | 'cli' | 'extension' | 'protocol' | 'webview' | 'other';
function areaOf(p: string): Area {
  for (const [prefix, area] of [
    ['src/core/', 'core'],
    ['src/cli/', 'cli'],
    ['src/extension/', 'extension'],
    ['src/protocol/', 'protocol'],
    ['webview/', 'webview'],
  ] as const)
    if (p.startsWith(prefix)) return area;
  return 'other';
}

/** Every module a source names (import/export … from, side-effect import, require(), import()), comments ignored. */
function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const re =
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...code.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Why `file` (repo-relative) may not import `spec`, or undefined when it may. */
function boundaryViolation(file: string, spec: string): string | undefined {
  const from = areaOf(file);
  if (!spec.startsWith('.')) return shared(file) ? `${file} imports ${spec}: the files shared with the webview import nothing` : undefined;
  const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  const area = areaOf(to);
  if (shared(file)) return shared(to) ? undefined : `${file} imports ${to}: the files shared with the webview import only each other`;
  if (from === area) return undefined;
  switch (from) {
    case 'core':
      return area === 'other'
        ? undefined
        : `the core imports ${area === 'protocol' ? 'the protocol' : `a face (${area})`}: ${file} → ${to}`;
    case 'cli':
    case 'extension':
      return area === 'cli' || area === 'extension' || area === 'webview'
        ? `a face imports another face (${from} → ${area}): ${file} → ${to}`
        : undefined;
    case 'protocol':
      if (area === 'core') return shared(to) ? undefined : `the protocol imports core beyond what the webview may share: ${file} → ${to}`;
      return area === 'other' ? undefined : `the protocol imports a face (${area}): ${file} → ${to}`;
    case 'webview':
      if (area === 'protocol' || to.startsWith('src/core/format/')) return undefined;
      return `the webview imports ${to} (it may import only src/protocol and src/core/format/): ${file}`;
    default:
      return undefined;
  }
}

const violationsIn = (file: string, source: string) => specifiersOf(source).flatMap((s) => boundaryViolation(file, s) ?? []);

test('no face imports another face; the webview imports only src/protocol and src/core/format/; the core imports no face', () => {
  const files = [...walk(path.join(ROOT, 'src')), ...walk(path.join(ROOT, 'webview', 'src'))].map((f) =>
    path.relative(ROOT, f).split(path.sep).join('/'),
  );
  assert.ok(
    files.filter((f) => areaOf(f) === 'webview').length > 10 && files.filter((f) => areaOf(f) === 'cli').length > 5,
    'found the faces',
  );
  const sources = files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')] as const);
  assert.ok(sources.reduce((n, [, s]) => n + specifiersOf(s).length, 0) > 3 * files.length, 'the scan sees the imports (about 4 a file)');
  const bad = sources.flatMap(([f, s]) => violationsIn(f, s));
  assert.deepEqual(bad, []);
  for (const s of SHARED_WITH_WEBVIEW) assert.ok(fs.existsSync(path.join(ROOT, s)), `${s} exists`);
});

test('the face boundary check can fail: each planted kind of violation is caught, allowed imports are not', () => {
  const planted: [string, string, RegExp][] = [
    [
      'src/extension/insight/lrFindEdits.ts',
      `import { findLrParam } from '../../cli/commands/insight';`,
      /a face imports another face \(extension → cli\)/,
    ],
    ['src/cli/commands/run.ts', `import { x } from '../../extension/tree/model';`, /a face imports another face \(cli → extension\)/],
    ['src/cli/main.ts', `const w = require('../../webview/src/app');`, /a face imports another face \(cli → webview\)/],
    ['src/extension/panel/x.ts', `import '../../../webview/src/app';`, /a face imports another face \(extension → webview\)/],
    [
      'webview/src/app.ts',
      `import { bestTrial } from '../../src/core/journal/reducer';`,
      /the webview imports src\/core\/journal\/reducer/,
    ],
    [
      'webview/src/table/table.ts',
      `export { statusText } from '../../../src/extension/statusText';`,
      /the webview imports src\/extension\/statusText/,
    ],
    ['webview/src/app.ts', `const m = await import('../../src/cli/format');`, /the webview imports src\/cli\/format/],
    ['src/core/sweep/open.ts', `import {\n  main,\n} from '../../cli/main';`, /the core imports a face \(cli\)/],
    ['src/core/analysis/x.ts', `import type { Log } from '../../extension/output';`, /the core imports a face \(extension\)/],
    ['src/core/x.ts', `import type { TrialRow } from '../protocol/messages';`, /the core imports the protocol/],
    ['src/protocol/messages.ts', `import { bestTrial } from '../core/journal/reducer';`, /the protocol imports core beyond/],
    ['src/protocol/messages.ts', `import type { Log } from '../extension/output';`, /the protocol imports a face \(extension\)/],
    ['src/core/format/number.ts', `import * as fs from 'node:fs';`, /the files shared with the webview import nothing/],
    ['src/core/journal/trialStatus.ts', `import type { Op } from './ops';`, /the files shared with the webview import only each other/],
  ];
  for (const [file, source, why] of planted) {
    const v = violationsIn(file, source);
    assert.equal(v.length, 1, `${file}: ${source} → ${JSON.stringify(v)}`);
    assert.match(v[0], why);
  }
  const allowed: [string, string][] = [
    ['webview/src/app.ts', `import { parseHostMessage } from '../../src/protocol/messages';`],
    ['webview/src/table/table.ts', `import { formatDuration } from '../../../src/core/format/duration';`],
    ['webview/src/app.ts', `import { Chart } from 'chart.js';\nimport { x } from './state/store';`],
    ['src/protocol/messages.ts', `export { TRIAL_STATUSES, type TrialStatus } from '../core/journal/trialStatus';`],
    ['src/core/format/duration.ts', `import { MISSING } from './number';`],
    [
      'src/extension/insight/lrFindEdits.ts',
      `import { findLrParam } from '../../core/analysis/lrParam';\nimport type { LrFindData } from '../../protocol/lrFindMessages';`,
    ],
    [
      'src/cli/commands/insight.ts',
      `// import { x } from '../../extension/tree/model';\n/* import '../../webview/src/app'; */\nconst s = 'no import here';`,
    ],
  ];
  for (const [file, source] of allowed) assert.deepEqual(violationsIn(file, source), [], `${file}: ${source}`);
});
