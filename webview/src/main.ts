/** Entry of the dashboard webview (bundled by esbuild into dist/webview.js + dist/webview.css). */
import './styles.css';
import { App, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root, vscode);
(globalThis as unknown as { __knobsApp: App }).__knobsApp = app;
window.addEventListener('error', (e) =>
  vscode.postMessage({ type: 'log', level: 'error', message: `dashboard: ${e.message} (${e.filename}:${e.lineno})` }),
);
vscode.postMessage({ type: 'ready' });
