/**
 * Just enough of the VS Code API to run the extension's file-editing adapters (promote) under
 * Node's test runner: `Uri.file`, `Position`/`Range`, `WorkspaceEdit.replace`, and a workspace
 * whose `applyEdit` replaces ranges in its documents as VS Code does (all ranges of one document
 * refer to its text before the edit), whose documents `save` to disk, and whose settings are
 * `settings`. Importing this module installs it as the `vscode` module; import it before the
 * adapter.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

class TextDocument {
  isDirty = false;
  constructor(
    readonly uri: Uri,
    private text: string,
  ) {}
  getText(): string {
    return this.text;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return new Position(line, offset - (before.lastIndexOf('\n') + 1));
  }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  }
  /** Replacements of ranges of the current text, as one edit. */
  replace(edits: readonly { range: Range; newText: string }[]): void {
    const spans = edits
      .map((e) => ({ start: this.offsetAt(e.range.start), end: this.offsetAt(e.range.end), newText: e.newText }))
      .sort((a, b) => b.start - a.start);
    for (const s of spans) this.text = this.text.slice(0, s.start) + s.newText + this.text.slice(s.end);
    this.isDirty = true;
  }
  async save(): Promise<boolean> {
    fs.writeFileSync(this.uri.fsPath, this.text);
    this.isDirty = false;
    return true;
  }
}

class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; newText: string }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri, range, newText });
  }
}

class EventEmitter {
  event = () => ({ dispose() {} });
  fire(): void {}
  dispose(): void {}
}

/** Settings `getConfiguration().get` answers (unset keys: the caller's default). */
export const settings: Record<string, unknown> = {};

const textDocuments: TextDocument[] = [];

async function openTextDocument(uri: Uri): Promise<TextDocument> {
  const doc = new TextDocument(uri, fs.readFileSync(uri.fsPath, 'utf8'));
  textDocuments.push(doc);
  return doc;
}

const api = {
  Position,
  Range,
  Uri,
  WorkspaceEdit,
  EventEmitter,
  workspace: {
    textDocuments,
    openTextDocument,
    getConfiguration: () => ({ get: <T>(key: string, fallback: T): T => (key in settings ? (settings[key] as T) : fallback) }),
    registerTextDocumentContentProvider: () => ({ dispose() {} }),
    async applyEdit(we: WorkspaceEdit): Promise<boolean> {
      for (const uri of new Set(we.edits.map((e) => e.uri.toString()))) {
        const edits = we.edits.filter((e) => e.uri.toString() === uri);
        const doc = textDocuments.find((d) => d.uri.toString() === uri) ?? (await openTextDocument(edits[0].uri));
        doc.replace(edits);
      }
      return true;
    },
  },
  window: {
    showInformationMessage: async () => undefined,
    tabGroups: { all: [], close: async () => true },
  },
  commands: { executeCommand: async () => undefined },
};

/** Forgets the open documents (each test starts with none open). */
export function closeAllDocuments(): void {
  textDocuments.length = 0;
}

const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api } as unknown as NodeModule;
