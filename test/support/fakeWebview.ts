/**
 * A fake of the little of VS Code that the panel host uses (webview/panelHost.ts's WebviewApi):
 * panels that record what is posted to them and can play the webview's side (`receive`), a
 * serializer that can restore a panel, and a log that keeps its lines.
 */
import type * as vscode from 'vscode';
import type { Log } from '../../src/extension/output';
import type { WebviewApi } from '../../src/extension/webview/panelHost';

type Listener<T> = (e: T) => unknown;

function listeners<T>() {
  const set = new Set<Listener<T>>();
  return {
    on: (l: Listener<T>) => {
      set.add(l);
      return { dispose: () => set.delete(l) };
    },
    fire: (e: T) => [...set].forEach((l) => l(e)),
    get size() {
      return set.size;
    },
  };
}

export class FakePanel {
  iconPath: unknown;
  active = false;
  visible = true;
  reveals = 0;
  disposeCalls = 0;
  disposed = false;
  /** What the host posted, in order. */
  readonly posted: unknown[] = [];
  /** Makes postMessage fail (a webview that went away). */
  failPosts = false;
  readonly messages = listeners<unknown>();
  private readonly disposing = listeners<void>();
  private readonly viewState = listeners<{ webviewPanel: FakePanel }>();
  readonly webview = {
    html: '',
    options: {} as vscode.WebviewOptions,
    cspSource: 'https://csp.test',
    asWebviewUri: (u: { path: string }) => ({ toString: () => `https://csp.test${u.path}` }),
    postMessage: (m: unknown): Promise<boolean> => {
      if (this.failPosts) return Promise.reject(new Error('the webview is gone'));
      this.posted.push(m);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: (l: Listener<unknown>) => this.messages.on(l),
  };

  constructor(
    readonly viewType: string,
    public title: string,
    readonly options: Record<string, unknown> = {},
  ) {}

  /** The webview posts a message to the host. */
  receive(m: unknown): void {
    this.messages.fire(m);
  }

  reveal(): void {
    this.reveals++;
  }

  onDidDispose(l: Listener<void>) {
    return this.disposing.on(l);
  }

  onDidChangeViewState(l: Listener<{ webviewPanel: FakePanel }>) {
    return this.viewState.on(l);
  }

  /** As VS Code's: closing fires onDidDispose once. */
  dispose(): void {
    this.disposeCalls++;
    if (this.disposed) return;
    this.disposed = true;
    this.disposing.fire();
  }

  asPanel(): vscode.WebviewPanel {
    return this as unknown as vscode.WebviewPanel;
  }
}

export class FakeWebviewApi implements WebviewApi {
  readonly created: FakePanel[] = [];
  readonly serializers = new Map<string, (panel: vscode.WebviewPanel, state: unknown) => Promise<void>>();
  serializersDisposed = 0;

  createPanel(viewType: string, title: string, options: vscode.WebviewPanelOptions & vscode.WebviewOptions): vscode.WebviewPanel {
    const p = new FakePanel(viewType, title, { ...options });
    this.created.push(p);
    return p.asPanel();
  }

  registerSerializer(viewType: string, restore: (panel: vscode.WebviewPanel, state: unknown) => Promise<void>) {
    this.serializers.set(viewType, restore);
    return { dispose: () => this.serializersDisposed++ };
  }

  extensionFile(...segments: string[]): vscode.Uri {
    return { path: `/ext/${segments.join('/')}` } as unknown as vscode.Uri;
  }

  /** A window reload: VS Code hands a panel of this view type, with its webview state, to the serializer. */
  async restore(viewType: string, title: string, state: unknown): Promise<FakePanel> {
    const p = new FakePanel(viewType, title);
    const restore = this.serializers.get(viewType);
    if (!restore) throw new Error(`no serializer for ${viewType}`);
    await restore(p.asPanel(), state);
    return p;
  }
}

export function fakeLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    show: () => undefined,
  };
}

/** Lets queued promise callbacks (handlers, post results) run. */
export const settle = () => new Promise((r) => setImmediate(r));
