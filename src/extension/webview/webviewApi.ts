/** The WebviewApi of panelHost.ts on VS Code itself: panels open in the active column. */
import * as vscode from 'vscode';
import type { WebviewApi } from './panelHost';

export function vscodeWebviewApi(extensionUri: vscode.Uri): WebviewApi {
  return {
    createPanel: (viewType, title, options) => vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, options),
    registerSerializer: (viewType, restore) => vscode.window.registerWebviewPanelSerializer(viewType, { deserializeWebviewPanel: restore }),
    extensionFile: (...segments) => vscode.Uri.joinPath(extensionUri, ...segments),
  };
}
