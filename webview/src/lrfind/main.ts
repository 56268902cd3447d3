/**
 * Entry of the lr-finder panel (bundled by esbuild into dist/lrFind.js + dist/lrFind.css): the
 * heading, the suggestion, the chart (drawLrFind), what each button writes, and the two buttons.
 * Every host message is checked (parseLrFindHostMessage); the buttons send bare actions, and the
 * host writes what the saved result says. Text goes in with textContent, never as HTML.
 */
import './lrFind.css';
import { formatLr, MISSING } from '../../../src/core/format/number';
import { type LrFindData, type LrFindWebviewMessage, parseLrFindHostMessage } from '../../../src/protocol/lrFindMessages';
import { readTheme, type Theme } from '../charts/theme';
import { type DrawnLrFind, drawLrFind, hoverXAt } from './draw';
import { cyclicLrText, suggestionText, sweepBlockText } from './plot';

interface VsCodeApi {
  postMessage(msg: LrFindWebviewMessage): void;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) e.appendChild(c);
  return e;
}

const title = el('h1', { text: 'Learning-rate range test' });
const sub = el('p', { className: 'sub', text: 'Loading…' });
const suggestion = el('p', { className: 'suggestion' });
const canvas = el('canvas');
canvas.setAttribute('role', 'img');
canvas.setAttribute('aria-label', 'loss vs learning rate');
const chart = el('div', { className: 'chart' }, canvas);
const legend = el(
  'div',
  { className: 'legend' },
  el('span', { className: 'smooth', text: 'smoothed loss (EMA 0.98)' }),
  el('span', { className: 'raw', text: 'raw loss' }),
  el('span', { className: 'max', text: 'max_lr' }),
  el('span', { className: 'base', text: 'base_lr' }),
  el('span', { className: 'band', text: 'sweep range' }),
);
const sweepPre = el('pre');
const useBounds = el('button', { text: 'Use these bounds in the sweep file' });
useBounds.id = 'use-bounds';
const sweepNote = el('p');
const clrPre = el('pre');
const writeClr = el('button', { className: 'secondary', text: 'Write CyclicLR(...) in the code' });
writeClr.id = 'write-cyclic-lr';
const clrNote = el('p', {
  text: 'Rewrites base_lr and max_lr of the CyclicLR(...) call in the training script (or the defaults of the parameters it reads), after showing the diff.',
});
const writes = el(
  'div',
  { className: 'writes' },
  el('section', { className: 'card' }, el('h2', { text: 'Sweep file' }), sweepPre, sweepNote, useBounds),
  el('section', { className: 'card' }, el('h2', { text: 'Code' }), clrPre, clrNote, writeClr),
);
const status = el('p', { className: 'status' });
status.setAttribute('role', 'status');
const note = el('p', { className: 'note' });
root.append(el('header', {}, title, sub), suggestion, chart, legend, writes, status, note);

let data: LrFindData | undefined;
let theme: Theme = readTheme();
let drawn: DrawnLrFind | undefined;
let hoverX: number | undefined;
let frame = 0;

function redraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (data) drawn = drawLrFind(canvas, data, theme, { hoverX });
  });
}

function show(d: LrFindData): void {
  data = d;
  if (d.resultFile) vscode.setState({ resultFile: d.resultFile });
  title.textContent = `Learning-rate range test · ${d.title}`;
  const when = d.createdAt ? new Date(d.createdAt) : undefined;
  sub.textContent = `${d.lrs.length} points, lr ${d.lrs.length ? `${formatLr(d.lrs[0])} → ${formatLr(d.lrs[d.lrs.length - 1])}` : MISSING}${d.diverged ? `; the loss diverged after ${d.stopIndex} points` : ''}${when && !Number.isNaN(when.getTime()) ? ` · ${when.toLocaleString()}` : ''}`;
  suggestion.textContent = suggestionText(d);
  const block = sweepBlockText(d);
  sweepPre.textContent = block ?? 'No range: there is no suggestion.';
  sweepNote.textContent = d.canWriteSweep
    ? 'Sets the parameter to this range in the sweep file (Undo: Ctrl+Z in the file).'
    : block
      ? 'This test ran a script, not a sweep file.'
      : '';
  useBounds.disabled = !d.canWriteSweep;
  clrPre.textContent = cyclicLrText(d) ?? 'No bounds: there is no suggestion.';
  writeClr.disabled = !d.canWriteCode;
  note.textContent = d.note ? `Note: ${d.note}` : '';
  canvas.setAttribute('aria-label', `loss vs learning rate; ${suggestionText(d)}`);
  redraw();
}

function act(type: 'useBounds' | 'writeCyclicLr'): void {
  status.textContent = type === 'useBounds' ? 'Writing the bounds…' : 'Preparing the CyclicLR edit…';
  status.className = 'status';
  vscode.postMessage({ type });
}
useBounds.addEventListener('click', () => act('useBounds'));
writeClr.addEventListener('click', () => act('writeCyclicLr'));

canvas.addEventListener('mousemove', (e) => {
  if (!drawn) return;
  const r = canvas.getBoundingClientRect();
  hoverX = hoverXAt(drawn, e.clientX - r.left);
  redraw();
});
canvas.addEventListener('mouseleave', () => {
  hoverX = undefined;
  redraw();
});
new ResizeObserver(() => redraw()).observe(chart);
// VS Code rewrites the html style and the body class when the theme changes
const onTheme = () => {
  theme = readTheme();
  redraw();
};
new MutationObserver(onTheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new MutationObserver(onTheme).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

window.addEventListener('message', (ev: MessageEvent) => {
  const m = parseLrFindHostMessage(ev.data);
  if (typeof m === 'string') {
    vscode.postMessage({ type: 'log', level: 'warn', message: `lr-find panel: ignored a host message (${m})` });
    return;
  }
  if (m.type === 'result') show(m.data);
  else {
    status.textContent = m.message;
    status.className = `status${m.level === 'error' ? ' error' : ''}`;
  }
});
window.addEventListener('error', (e) =>
  vscode.postMessage({ type: 'log', level: 'error', message: `lr-find panel: ${e.message} (${e.filename}:${e.lineno})` }),
);
(globalThis as unknown as { __knobsLrFind: () => { data?: LrFindData; drawn?: DrawnLrFind } }).__knobsLrFind = () => ({ data, drawn });
vscode.postMessage({ type: 'ready' });
