/**
 * The one host of Knobs' webview panels (the dashboard, the LR finder), after vscode-dvc's
 * BaseWebview. A PanelHost keeps one panel per key (a sweep dir, a sweep file): `open` reveals the
 * panel of a key or creates it, and its serializer hands the panels of a reloaded window to their
 * owner's restorer, which adopts each under its key (or closes it: its subject is gone). Each
 * HostedPanel gets:
 *   - the webview options (scripts on, assets from dist/ and media/ only) and the HTML shell
 *     (strict CSP, a fresh nonce, its bundle as webview URIs: html.ts);
 *   - inbound messages checked by its kind's validator (src/protocol): invalid ones are logged
 *     and dropped, a handler's error is reported;
 *   - the ready handshake: nothing is posted before the webview says `ready` (it would be lost;
 *     a panel sends its whole state on `ready`), and a post that fails is logged;
 *   - one DisposableStore: dispose is idempotent, and closing the tab disposes the panel and
 *     frees its key.
 * No vscode import at run time: what it needs of VS Code comes in as a WebviewApi (webviewApi.ts),
 * so the unit tests drive it with fakes.
 */
import type * as vscode from 'vscode';
import { type DisposableLike, DisposableStore } from '../disposables';
import type { Log } from '../output';
import { webviewHtml } from './html';

/** What the host needs of VS Code. */
export interface WebviewApi {
  /** window.createWebviewPanel, in the active column. */
  createPanel(viewType: string, title: string, options: vscode.WebviewPanelOptions & vscode.WebviewOptions): vscode.WebviewPanel;
  /** window.registerWebviewPanelSerializer: `restore` adopts (or disposes) a panel of a reloaded window. */
  registerSerializer(viewType: string, restore: (panel: vscode.WebviewPanel, state: unknown) => Promise<void>): DisposableLike;
  /** A file of the extension: its folder joined with the segments. */
  extensionFile(...segments: string[]): vscode.Uri;
}

/** What sets one kind of panel apart. */
export interface PanelKind<In> {
  viewType: string;
  /** Names the panel in the log ("dashboard", "lr-find panel"). */
  name: string;
  /** The webview bundle: dist/<bundle>.js and dist/<bundle>.css. */
  bundle: string;
  /** The HTML title of the panel of a key. */
  htmlTitle(key: string): string;
  /** Keep the webview alive while its tab is hidden (set on new panels). */
  retainContextWhenHidden?: boolean;
  /** The validator of inbound messages (src/protocol): the message, or why it was refused. */
  parse(raw: unknown): In | string;
}

/** What a HostedPanel gets from its host. */
export interface PanelContext<In> {
  kind: PanelKind<In>;
  api: WebviewApi;
  log: Log;
  /** Reports a handler's error (the output channel and a notification). */
  onError(what: string, e: unknown): void;
}

export function webviewOptions(api: WebviewApi): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [api.extensionFile('dist'), api.extensionFile('media')] };
}

/** The HTML shell of a panel: its bundle's script and css as webview URIs under a strict CSP. */
export function panelHtml(api: WebviewApi, webview: vscode.Webview, bundle: string, title: string): string {
  const asUri = (...p: string[]) => webview.asWebviewUri(api.extensionFile(...p)).toString();
  return webviewHtml({
    cspSource: webview.cspSource,
    scriptUri: asUri('dist', `${bundle}.js`),
    styleUri: asUri('dist', `${bundle}.css`),
    title,
  });
}

/** One webview panel of a key: a subclass handles the checked messages and sends its state. */
export abstract class HostedPanel<In extends { type: string }, Out> implements DisposableLike {
  readonly disposables = new DisposableStore();
  /** The webview said `ready`: posts go through from now on. */
  protected ready = false;

  constructor(
    readonly key: string,
    readonly panel: vscode.WebviewPanel,
    protected readonly ctx: PanelContext<In>,
  ) {
    const { api, kind } = ctx;
    this.disposables.add(panel);
    panel.webview.options = webviewOptions(api);
    panel.webview.html = panelHtml(api, panel.webview, kind.bundle, kind.htmlTitle(key));
    panel.iconPath = api.extensionFile('media', 'beaker.svg');
    this.disposables.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  /** Names this panel in the log. */
  protected describe(): string {
    return this.ctx.kind.name;
  }

  /** Handles a checked message (`ready` included: the panel sends its state then). */
  protected abstract handle(msg: In): unknown;

  private receive(raw: unknown): void {
    const msg = this.ctx.kind.parse(raw);
    if (typeof msg === 'string') {
      this.ctx.log.warn(`${this.describe()}: ignored an invalid message (${msg})`);
      return;
    }
    if (msg.type === 'ready') this.ready = true;
    Promise.resolve()
      .then(() => this.handle(msg))
      .catch((e: unknown) => this.ctx.onError(`${this.ctx.kind.name} ${msg.type}`, e));
  }

  /** Posts to the webview once it is ready (dropped before: `ready` sends the whole state). */
  protected post(m: Out): void {
    if (!this.ready || this.disposables.isDisposed) return;
    void this.panel.webview
      .postMessage(m)
      .then(undefined, (err: unknown) => this.ctx.log.warn(`${this.ctx.kind.name} post failed: ${String(err)}`));
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Idempotent: disposes the panel and everything the panel added to its store. */
  dispose(): void {
    this.disposables.dispose();
  }
}

/** Makes the panel of a key around a new or restored webview panel. */
export type PanelFactory<In, P> = (key: string, panel: vscode.WebviewPanel, ctx: PanelContext<In>) => P;

/**
 * Restores a panel of a reloaded window from its webview state (or title): `host.adopt(key, panel)`,
 * or `panel.dispose()` when its subject is gone.
 */
export type PanelRestorer = (panel: vscode.WebviewPanel, state: unknown) => Promise<void> | void;

/** The panels of one kind, one per key. */
export class PanelHost<In extends { type: string }, P extends HostedPanel<In, unknown>> implements DisposableLike {
  private readonly panels = new Map<string, P>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly ctx: PanelContext<In>,
    private readonly create: PanelFactory<In, P>,
    restore: PanelRestorer,
  ) {
    this.disposables.add(ctx.api.registerSerializer(ctx.kind.viewType, async (panel, state) => restore(panel, state)));
  }

  /** Reveals the panel of a key, or creates it. */
  open(key: string, title: string): P {
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const { kind, api } = this.ctx;
    const panel = api.createPanel(kind.viewType, title, {
      ...webviewOptions(api),
      ...(kind.retainContextWhenHidden ? { retainContextWhenHidden: true } : {}),
    });
    return this.adopt(key, panel, 'opened')!;
  }

  /**
   * Makes `panel` the panel of `key`. A key has one panel: when it has one already, the new one is
   * closed and undefined returned.
   */
  adopt(key: string, panel: vscode.WebviewPanel, how: 'opened' | 'restored' = 'restored'): P | undefined {
    if (this.panels.has(key)) {
      panel.dispose();
      return undefined;
    }
    const p = this.create(key, panel, this.ctx);
    this.panels.set(key, p);
    // closing the tab disposes the panel; disposing the panel (either way) frees its key
    p.disposables.add(panel.onDidDispose(() => p.dispose()));
    p.disposables.onDispose(() => this.panels.get(key) === p && this.panels.delete(key));
    this.ctx.log.info(`${this.ctx.kind.name} ${how} for ${key}`);
    return p;
  }

  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  has(key: string): boolean {
    return this.panels.has(key);
  }

  all(): P[] {
    return [...this.panels.values()];
  }

  /** Idempotent: disposes every panel and the serializer. */
  dispose(): void {
    for (const p of this.all()) p.dispose();
    this.panels.clear();
    this.disposables.dispose();
  }
}
