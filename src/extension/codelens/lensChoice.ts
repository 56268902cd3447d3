/**
 * The sweep a script's code lenses follow, as the user chose it ("Choose Sweep for Code
 * Lenses"), remembered per script in the workspace state. A choice whose sweep is gone is
 * ignored by the lenses (paramLenses.ts falls back to its default).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

const KEY = 'knobs.lensSweeps';

export class LensChoices implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  /** The chosen sweep dir of a script, if any. */
  get(script: string): string | undefined {
    return this.memento.get<Record<string, string>>(KEY, {})[path.resolve(script)];
  }

  async set(script: string, sweepDir: string): Promise<void> {
    const all = { ...this.memento.get<Record<string, string>>(KEY, {}), [path.resolve(script)]: path.resolve(sweepDir) };
    await this.memento.update(KEY, all);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
