/** What a dashboard webview keeps for the serializer, and how a restored panel finds its sweep. Pure. */
import * as path from 'node:path';

export interface DashboardState {
  dir: string;
}

export function isDashboardState(x: unknown): x is DashboardState {
  return !!x && typeof x === 'object' && typeof (x as DashboardState).dir === 'string';
}

/** The sweep of a restored panel: its webview state's `dir`, else the id in its title "Knobs: <id>". */
export function restoredDir(state: unknown, title: string, sweeps: readonly { id: string; dir: string }[]): string | undefined {
  if (isDashboardState(state)) return path.resolve(state.dir);
  const m = /^Knobs: (.+)$/.exec(title);
  if (!m) return undefined;
  return sweeps.find((e) => e.id === m[1].trim())?.dir;
}
