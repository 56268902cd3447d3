/**
 * The Python interpreter for trials: the Python extension's active environment (via
 * @vscode/python-extension) when it is installed, else the `knobs.pythonPath` setting, else
 * undefined (the sweep's `interpreter:` or the CLI's default applies).
 */

import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { SETTINGS } from './commandIds';
import type { Log } from './output';

export async function pythonInterpreter(resource: vscode.Uri | undefined, log: Log): Promise<{ path?: string; source: string }> {
  if (vscode.extensions.getExtension(PVSC_EXTENSION_ID)) {
    try {
      const api = await PythonExtension.api();
      const envPath = api.environments.getActiveEnvironmentPath(resource);
      const env = await api.environments.resolveEnvironment(envPath);
      const p = env?.executable.uri?.fsPath;
      if (p) return { path: p, source: 'the Python extension' };
    } catch (e) {
      log.warn(`could not ask the Python extension for its interpreter: ${String(e)}`);
    }
  }
  const setting = vscode.workspace.getConfiguration(undefined, resource).get<string>(SETTINGS.pythonPath)?.trim();
  if (setting) return { path: setting, source: `the setting ${SETTINGS.pythonPath}` };
  return { source: 'the sweep file / default' };
}
