/**
 * Colours for canvas drawing, read from VS Code's theme variables with getComputedStyle (the only
 * colour source, so light, dark and high-contrast themes all work). Re-read when the theme
 * changes (VS Code rewrites the html style and the body class).
 */
export interface Theme {
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  blue: string;
  green: string;
  red: string;
  orange: string;
  yellow: string;
  purple: string;
  selection: string;
  font: string;
  dark: boolean;
}

const VARS: Record<Exclude<keyof Theme, 'font' | 'dark'>, string[]> = {
  fg: ['--vscode-foreground', '--vscode-editor-foreground'],
  muted: ['--vscode-descriptionForeground', '--vscode-foreground'],
  bg: ['--vscode-editor-background', '--vscode-sideBar-background'],
  grid: ['--vscode-editorWidget-border', '--vscode-widget-border', '--vscode-panel-border', '--vscode-descriptionForeground'],
  blue: ['--vscode-charts-blue'],
  green: ['--vscode-charts-green'],
  red: ['--vscode-charts-red'],
  orange: ['--vscode-charts-orange'],
  yellow: ['--vscode-charts-yellow'],
  purple: ['--vscode-charts-purple'],
  selection: ['--vscode-focusBorder', '--vscode-charts-purple'],
};

export function readTheme(): Theme {
  const cs = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  const get = (names: string[]) => {
    for (const n of names) {
      const v = (cs.getPropertyValue(n) || body.getPropertyValue(n)).trim();
      if (v) return v;
    }
    return '';
  };
  const out = {} as Theme;
  for (const [k, names] of Object.entries(VARS)) (out as unknown as Record<string, string>)[k] = get(names);
  // a missing chart colour falls back to the foreground (still a theme colour)
  for (const k of Object.keys(VARS) as (keyof typeof VARS)[]) if (!out[k]) out[k] = out.fg || body.color;
  const family = get(['--vscode-font-family']) || body.fontFamily;
  const size = get(['--vscode-font-size']) || '13px';
  out.font = `${size} ${family}`;
  out.dark =
    document.body.classList.contains('vscode-dark') ||
    document.body.classList.contains('vscode-high-contrast') ||
    luminance(toRgba(out.bg)) < 0.4;
  return out;
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour → [r, g, b, a] (0-255, a 0-1), through the canvas parser. */
export function toRgba(css: string): [number, number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [128, 128, 128, 1];
  probe.fillStyle = 'transparent';
  probe.fillStyle = css;
  const v = String(probe.fillStyle);
  if (v.startsWith('#')) return [parseInt(v.slice(1, 3), 16), parseInt(v.slice(3, 5), 16), parseInt(v.slice(5, 7), 16), 1];
  const m = /rgba?\(([^)]+)\)/.exec(v);
  if (!m) return [128, 128, 128, 1];
  const p = m[1].split(',').map((x) => parseFloat(x));
  return [p[0], p[1], p[2], p[3] ?? 1];
}

/** A theme colour with an alpha, as rgba(). */
export function withAlpha(css: string, alpha: number): string {
  const [r, g, b, a] = toRgba(css);
  return `rgba(${r}, ${g}, ${b}, ${a * alpha})`;
}

function luminance([r, g, b]: [number, number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** Calls `fn` when the theme changes. */
export function onThemeChange(fn: () => void): void {
  const mo = new MutationObserver(() => fn());
  mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

/** Sizes a canvas for the device pixel ratio; returns its 2-D context scaled to CSS pixels. */
export function fitCanvas(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(1, Math.round(w * dpr)),
    H = Math.max(1, Math.round(h * dpr));
  if (c.width !== W || c.height !== H) {
    c.width = W;
    c.height = H;
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
  }
  const ctx = c.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
