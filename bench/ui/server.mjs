// A standalone page for the dashboard bundle: a node http server on 127.0.0.1 serving dist/webview.js
// and dist/webview.css under the same strict CSP as the VS Code panel (scripts by nonce, styles from
// our origin + nonce), VS Code theme variables (dark or light), and a mock acquireVsCodeApi that,
// on `ready`, fetches a synthetic sweep and posts it as a snapshot (then appends when streaming).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const { syntheticSweep } = require(join(root, 'out/webview/src/state/synthetic.js'));

export const THEMES = {
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-widget-border': '#313131',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-editorGroup-border': '#ffffff17',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-button-border': '#ffffff12',
      '--vscode-checkbox-background': '#313131',
      '--vscode-checkbox-border': '#3c3c3c',
      '--vscode-checkbox-foreground': '#cccccc',
      '--vscode-settings-checkboxBackground': '#313131',
      '--vscode-settings-checkboxBorder': '#3c3c3c',
      '--vscode-settings-checkboxForeground': '#cccccc',
      '--vscode-panelTitle-activeForeground': '#cccccc',
      '--vscode-panelTitle-activeBorder': '#0078d4',
      '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
      '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-foreground': '#cccccc',
      '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-sideBar-background': '#181818',
    },
  },
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-editorGroup-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-purple': '#652d90',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-button-border': '#0000001a',
      '--vscode-checkbox-background': '#f8f8f8',
      '--vscode-checkbox-border': '#cecece',
      '--vscode-checkbox-foreground': '#3b3b3b',
      '--vscode-settings-checkboxBackground': '#f8f8f8',
      '--vscode-settings-checkboxBorder': '#cecece',
      '--vscode-settings-checkboxForeground': '#3b3b3b',
      '--vscode-panelTitle-activeForeground': '#3b3b3b',
      '--vscode-panelTitle-activeBorder': '#005fb8',
      '--vscode-panelTitle-inactiveForeground': '#3b3b3b',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-foreground': '#3b3b3b',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-sideBar-background': '#f8f8f8',
    },
  },
};

function page({ nonce, origin, theme, state, stream }) {
  const th = THEMES[theme] ?? THEMES.dark;
  const vars = Object.entries(th.vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${origin} 'nonce-${nonce}'`,
    `img-src ${origin} data:`,
    `font-src ${origin}`,
    `connect-src ${origin}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">html { ${vars} }</style>
<link rel="stylesheet" href="${origin}/webview.css">
</head><body class="${th.cls}">
<div id="app"></div>
<script nonce="${nonce}" src="${origin}/wire.js"></script>
<script nonce="${nonce}">
(() => {
  // the host's encoder (src/protocol/messages.ts): messages are posted columnar, as the extension posts them
  const wire = (m) => window.__knobsWire.encodeHostMessage(m);
  window.__wire = wire;
  let state = ${JSON.stringify(state ?? null)};
  const posted = (window.__posted = []);
  const stream = ${JSON.stringify(stream ?? null)};
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      posted.push(m);
      if (m && m.type === 'ready') onReady();
      // the host's reply to a series request: those trials' whole series
      if (m && m.type === 'series' && window.__data) {
        const want = new Set(m.trials);
        const name = m.metric ?? window.__data.meta.metric.name;
        const series = window.__data.series.filter((s) => want.has(s.trial) && s.name === name);
        setTimeout(() => window.postMessage(wire({ type: 'series', series }), '*'), 0);
      }
    },
    getState() { return state; },
    setState(s) { state = s; },
  });
  async function onReady() {
    const data = await (await fetch('/data' + location.search)).json();
    for (const s of data.series) s.values = s.values.map((v) => (v === null ? NaN : v));
    window.__data = data;
    if (!stream) {
      // the host's policy too: a large snapshot carries the featured trials' series, the rest on request
      const full = { type: 'snapshot', meta: data.meta, trials: data.trials, series: data.series };
      const snap = wire(window.__knobsWire.featuredSeries(window.__knobsWire.onlySweepMetric(full, data.meta.metric.name)));
      performance.mark('bench:post');
      window.postMessage(snap, '*');
      return;
    }
    // streaming: the trials first (no points), then appends of 'chunk' steps for every trial
    const trials = data.trials.map((t) => ({ ...t, status: 'running' }));
    const snap = wire({ type: 'snapshot', meta: data.meta, trials, series: [] });
    performance.mark('bench:post');
    window.postMessage(snap, '*');
    const total = Math.max(...data.series.map((s) => s.steps.length));
    // the appends are encoded up front: in VS Code the host encodes them in its own process
    const appends = [];
    for (let from = 0; from < total; from += stream.chunk) {
      const series = [];
      for (const s of data.series) {
        if (from >= s.steps.length) continue;
        series.push({
          trial: s.trial, attempt: s.attempt, name: s.name,
          steps: s.steps.slice(from, from + stream.chunk), values: s.values.slice(from, from + stream.chunk),
          times: s.times?.slice(from, from + stream.chunk),
        });
      }
      appends.push(wire({ type: 'append', trials: [], series }));
    }
    const frames = (window.__frames = []);
    let last = performance.now();
    const tick = (t) => { frames.push(t - last); last = t; if (!window.__streamDone) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const t0 = performance.now();
    for (const m of appends) {
      window.postMessage(m, '*');
      await new Promise((r) => setTimeout(r, stream.everyMs));
    }
    performance.mark('bench:stream-end');
    window.__streamMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 400));
    window.__streamDone = true;
  }
})();
</script>
<script nonce="${nonce}" src="${origin}/webview.js"></script>
</body></html>`;
}

/** Starts the server; resolves to { url, close }. Query: trials, points, seed, theme, tab, stream=chunk,everyMs, acc=1 (a val_acc series too) */
export function startServer() {
  const cache = new Map();
  let wireJs;
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${server.address().port}`;
    try {
      if (u.pathname === '/' || u.pathname === '/index.html') {
        const nonce = randomBytes(16).toString('base64');
        const tab = u.searchParams.get('tab');
        const state = tab ? { v: 1, tab, filters: { states: [], ranges: {} }, selected: null, sort: null, scrollRow: 0 } : null;
        const s = u.searchParams.get('stream');
        const stream = s ? { chunk: +s.split(',')[0], everyMs: +s.split(',')[1] } : null;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page({ nonce, origin, theme: u.searchParams.get('theme') ?? 'dark', state, stream }));
      } else if (u.pathname === '/webview.js' || u.pathname === '/webview.css') {
        const type = u.pathname.endsWith('.js') ? 'text/javascript' : 'text/css';
        res.writeHead(200, { 'content-type': type });
        res.end(readFileSync(join(root, 'dist', u.pathname.slice(1))));
      } else if (u.pathname === '/wire.js') {
        wireJs ??= buildSync({
          stdin: {
            contents:
              "export { encodeHostMessage } from './src/protocol/messages'; export { featuredSeries, onlySweepMetric } from './src/extension/panel/snapshot';",
            resolveDir: root,
            loader: 'ts',
          },
          bundle: true,
          format: 'iife',
          globalName: '__knobsWire',
          write: false,
          logLevel: 'silent',
        }).outputFiles[0].text;
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(wireJs);
      } else if (u.pathname === '/data') {
        const key = u.search;
        if (!cache.has(key)) {
          const trials = +(u.searchParams.get('trials') ?? 60);
          const points = +(u.searchParams.get('points') ?? 30);
          const sw = syntheticSweep({
            trials,
            points,
            seed: +(u.searchParams.get('seed') ?? 7),
            running: +(u.searchParams.get('running') ?? 0.05),
            now: Date.now(),
            accSeries: u.searchParams.get('acc') === '1',
          });
          if (u.searchParams.get('paused')) sw.meta.paused = u.searchParams.get('paused');
          cache.set(key, JSON.stringify(sw));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(cache.get(key));
      } else if (u.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/`;
      resolve({ url, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
