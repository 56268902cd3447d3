/** What the views share: the store, the filter mask, selection and hover, and the actions. */
import type { WebviewMessage } from '../../src/protocol/messages';
import type { Theme } from './charts/theme';
import type { Filters } from './state/filter';
import type { TrialStore } from './state/store';

export interface Ctx {
  readonly store: TrialStore;
  readonly theme: Theme;
  /** mask[i] = 1 when row i passes the filters. */
  readonly mask: Uint8Array;
  readonly matched: number;
  readonly filters: Filters;
  readonly selected: number | null;
  readonly hovered: number | null;
  /** units[a][i]: unit position of row i on store.scales[a] (shared by the charts). */
  readonly units: Float32Array[];
  /** Bumped whenever units change (views cache what they derive from them). */
  readonly unitsRev: number;
  /** Shows a tooltip at client coordinates, or hides it (null). */
  tip(text: string | null, x?: number, y?: number): void;
  /** `kind` names the interaction for the bench timings. */
  setHover(id: number | null, kind: string): void;
  select(id: number | null, kind: string): void;
  setRange(axis: string, r: [number, number] | undefined, kind: string): void;
  post(msg: WebviewMessage): void;
}

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K];
export function el(tag: string, cls?: string, text?: string): HTMLElement;
export function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
