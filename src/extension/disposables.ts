/**
 * One disposable store per owner: every registration goes in, `dispose()` disposes them all in
 * reverse order, once (idempotent). Adding to a disposed store disposes the item at once.
 * No vscode import: anything with `dispose()` fits (vscode.Disposable included).
 */
export interface DisposableLike {
  dispose(): unknown;
}

export class DisposableStore implements DisposableLike {
  private items: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) {
      safeDispose(item);
      return item;
    }
    this.items.push(item);
    return item;
  }

  /** Adds a callback run on dispose. */
  onDispose(fn: () => void): void {
    this.add({ dispose: fn });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items;
    this.items = [];
    for (let i = items.length - 1; i >= 0; i--) safeDispose(items[i]);
  }
}

function safeDispose(d: DisposableLike): void {
  try {
    d.dispose();
  } catch {
    /* one failing disposable must not keep the rest alive */
  }
}

/** A tiny event emitter (vscode-free) for the pure layers. */
export class Emitter<T> implements DisposableLike {
  private listeners = new Set<(e: T) => void>();
  /** `onError` hears a listener's exception (the other listeners still run). */
  constructor(private readonly onError?: (e: unknown) => void) {}
  readonly event = (listener: (e: T) => void): DisposableLike => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.onError?.(err);
      }
    }
  }
  dispose(): void {
    this.listeners.clear();
  }
}
