/** The summary header: sweep, state (and why it is paused), trials by state, elapsed, best config. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatDuration } from '../../src/core/format/duration';
import { formatNumber } from '../../src/core/format/number';
import { type Ctx, el } from './context';
import { formatCount, formatParam, STATUS_ORDER, statusColorVar, statusLabel } from './format';

export class Summary {
  readonly root = el('header', 'summary');
  private title = el('div', 'title');
  private name = el('span', 'name');
  private badge = el('span', 'badge');
  private info = el('span', 'info');
  private states = el('div', 'states');
  private elapsed = el('span', 'elapsed');
  private best = el('div', 'best');
  private promote = document.createElement('vscode-button');
  private stop = document.createElement('vscode-button');

  constructor(private ctx: Ctx) {
    const actions = el('div', 'actions');
    this.promote.textContent = 'Promote best';
    this.promote.title = 'Write the best config into the training script';
    this.stop.textContent = 'Stop sweep';
    this.stop.setAttribute('secondary', '');
    actions.append(this.promote, this.stop);
    this.title.append(this.name, this.badge, this.info, actions);
    this.root.append(this.title, this.states, this.best);
    this.promote.addEventListener('click', () => {
      const b = this.ctx.store.best;
      if (b) this.ctx.post({ type: 'promote', trial: b.id });
    });
    this.stop.addEventListener('click', () => this.ctx.post({ type: 'stopSweep' }));
  }

  render(): void {
    const { store } = this.ctx;
    const m = store.meta;
    if (!m) {
      this.name.textContent = 'Waiting for the sweep…';
      return;
    }
    this.name.textContent = m.id;
    const paused = m.paused ? `paused: ${m.paused}` : '';
    this.badge.textContent = paused || m.state;
    this.badge.className = `badge ${m.paused ? 'paused' : /running/.test(m.state) ? 'running' : /lost|fail/.test(m.state) ? 'bad' : ''}`;
    this.badge.title = paused || m.state;
    this.info.textContent = `${m.method} · ${m.metric.goal === 'minimize' ? 'minimize' : 'maximize'} ${m.metric.name}`;
    const parts: HTMLElement[] = [];
    const total = store.size;
    parts.push(el('span', 'total', `${formatCount(total)}${m.runCap ? ` / ${formatCount(m.runCap)}` : ''} trials`));
    for (const s of STATUS_ORDER) {
      const n = store.counts[s];
      if (!n) continue;
      const chip = el('span', 'chip');
      const dot = el('span', 'dot');
      dot.style.background = `var(${statusColorVar(s)})`;
      chip.append(dot, `${formatCount(n)} ${statusLabel(s).toLowerCase()}`);
      parts.push(chip);
    }
    parts.push(this.elapsed);
    this.states.replaceChildren(...parts);
    this.tick();
    const b = store.best;
    this.promote.toggleAttribute('disabled', !b);
    this.stop.toggleAttribute('disabled', !/running/.test(m.state));
    if (!b) this.best.textContent = 'No finished metric yet.';
    else {
      const label = el('span', 'label', 'Best ');
      const v = el('span', 'value', formatNumber(b.value));
      const tr = el('a', 'trial', ` trial ${b.id}`);
      tr.addEventListener('click', () => this.ctx.select(b.id, 'select-summary'));
      const cfg = el('span', 'config');
      for (const [k, val] of Object.entries(b.params)) {
        const kv = el('span', 'kv');
        kv.append(el('span', 'k', k), el('span', 'eq', '='), el('span', 'v', formatParam(val)));
        cfg.append(kv);
      }
      this.best.replaceChildren(label, v, tr, cfg);
    }
  }

  /** Updates the elapsed time (every second while running). */
  tick(): void {
    const m = this.ctx.store.meta;
    if (!m) return;
    const end = /running/.test(m.state) && !m.paused ? Math.max(m.updatedAt, Date.now()) : m.updatedAt;
    this.elapsed.textContent = `elapsed ${formatDuration(end - m.createdAt)}`;
  }
}
