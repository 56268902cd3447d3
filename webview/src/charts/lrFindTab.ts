/**
 * The dashboard's "LR finder" tab: the newest `knobs lr-find` result of the sweep's file, drawn by
 * the LR finder panel's own renderer (drawLrFind: smoothed loss on a log lr axis, max_lr, base_lr
 * and the sweep range marked), with the panel's two write actions. The host sends `lrFind`
 * messages (checked by parseHostMessage); the buttons post bare `lrFindAction`s and the host acts
 * on the result it loaded itself. Without a result, the tab says so and offers to run one.
 */
import type { LrFindData } from '../../../src/protocol/lrFindMessages';
import type { LrFindAction, WebviewMessage } from '../../../src/protocol/messages';
import { el } from '../context';
import { type DrawnLrFind, drawLrFind, hoverXAt } from '../lrfind/draw';
import { suggestionText } from '../lrfind/plot';
import type { Theme } from './theme';

export class LrFindTab {
  readonly root = el('div', 'lrfind-tab');
  private caption = el('div', 'lrf-caption');
  private canvas = el('canvas', 'lrf-canvas');
  private buttons = el('div', 'lrf-actions');
  private run = this.button('run', 'Find learning rate', 'Runs the script once while the lr ramps up (Knobs: Find Learning Rate)');
  private bounds = this.button(
    'useBounds',
    'Use these bounds in the sweep file',
    'Sets the lr parameter to the suggested log_uniform_values range (undoable)',
  );
  private clr = this.button(
    'writeCyclicLr',
    'Write CyclicLR(...) in the code',
    'Shows the diff, then rewrites base_lr and max_lr in the script',
  );
  private data: LrFindData | null = null;
  private drawn: DrawnLrFind | undefined;
  private hoverX: number | undefined;

  constructor(
    private readonly post: (m: WebviewMessage) => void,
    private readonly theme: () => Theme,
  ) {
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'loss vs learning rate');
    this.buttons.append(this.bounds, this.clr, this.run);
    this.root.append(this.caption, this.canvas, this.buttons);
    this.canvas.addEventListener('mousemove', (e) => {
      if (!this.drawn) return;
      this.hoverX = hoverXAt(this.drawn, e.clientX - this.canvas.getBoundingClientRect().left);
      this.paint();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverX = undefined;
      this.paint();
    });
    this.set(null, 'Waiting for the host…');
  }

  private button(action: LrFindAction, text: string, title: string): HTMLButtonElement {
    const b = el('button', action === 'useBounds' ? 'lrf-btn' : 'lrf-btn secondary', text);
    b.dataset.action = action;
    b.title = title;
    b.addEventListener('click', () => this.post({ type: 'lrFindAction', action }));
    return b;
  }

  set(data: LrFindData | null, message?: string): void {
    this.data = data;
    this.hoverX = undefined;
    this.caption.textContent = data ? `${data.title}: ${suggestionText(data)}` : (message ?? '');
    this.canvas.style.display = data ? '' : 'none';
    this.bounds.style.display = this.clr.style.display = data ? '' : 'none';
    this.bounds.disabled = !data?.canWriteSweep;
    this.clr.disabled = !data?.canWriteCode;
    this.run.textContent = data ? 'Run it again' : 'Find learning rate';
    if (data) this.canvas.setAttribute('aria-label', `loss vs learning rate; ${suggestionText(data)}`);
    this.paint();
  }

  draw(): void {
    this.paint();
  }

  drawOverlay(): void {}

  private paint(): void {
    if (!this.data || !this.canvas.isConnected || this.canvas.clientWidth === 0) return;
    this.drawn = drawLrFind(this.canvas, this.data, this.theme(), { hoverX: this.hoverX });
  }
}
