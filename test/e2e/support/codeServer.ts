/**
 * A throwaway code-server (VS Code 1.139 in the browser) for one test: its own user-data-dir,
 * extensions-dir, HOME and XDG_* dirs, a seeded User/settings.json, the .vsix installed, and
 * the server detached in its own process group on 127.0.0.1:<free port>, so that teardown can
 * kill the whole group (see /work/shared/E2E.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, killGroup, killTagged, sleep, waitFor } from './processes';
import type { Toolchain } from './toolchain';

export interface Dirs {
  base: string;
  home: string;
  userData: string;
  extensions: string;
  xdg: { config: string; data: string; cache: string; state: string; runtime: string };
}

export function makeDirs(base: string): Dirs {
  const d = (p: string) => {
    const full = path.join(base, p);
    fs.mkdirSync(full, { recursive: true, mode: 0o700 });
    return full;
  };
  return {
    base,
    home: d('home'),
    userData: d('user-data'),
    extensions: d('extensions'),
    xdg: { config: d('xdg/config'), data: d('xdg/data'), cache: d('xdg/cache'), state: d('xdg/state'), runtime: d('xdg/runtime') },
  };
}

/** HOME and XDG_* pointing into the throwaway dirs (the server and the browser write there, not to the real $HOME). */
export function isolatedEnv(dirs: Dirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // nothing of an enclosing VS Code / Electron / test runner leaks into the server
    if (/^(VSCODE_|ELECTRON_|NODE_TEST_CONTEXT|NODE_OPTIONS$|npm_)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.xdg.config,
    XDG_DATA_HOME: dirs.xdg.data,
    XDG_CACHE_HOME: dirs.xdg.cache,
    XDG_STATE_HOME: dirs.xdg.state,
    XDG_RUNTIME_DIR: dirs.xdg.runtime,
    ...extra,
  };
}

export const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.codeLens': true,
  'window.commandCenter': false,
  'files.autoSave': 'off',
  'files.simpleDialog.enable': true,
  'editor.minimap.enabled': false,
};

export function seedSettings(dirs: Dirs, settings: Record<string, unknown>): void {
  const user = path.join(dirs.userData, 'User');
  fs.mkdirSync(user, { recursive: true });
  fs.writeFileSync(path.join(user, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
}

/** `node <code-server>/out/node/entry.js --install-extension <vsix>` into the throwaway dirs. */
export function installExtension(tc: Toolchain, dirs: Dirs, vsix: string, env: NodeJS.ProcessEnv): string[] {
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const r = spawnSync(tc.node24, [tc.codeServerEntry, ...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  const list = spawnSync(tc.node24, [tc.codeServerEntry, ...common, '--list-extensions', '--show-versions'], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return (list.stdout || '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /@/.test(s));
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  log: string;
  /** Kills the server's process group, then every process carrying this run's tag (the Knobs runner and its trials). */
  stop(): Promise<void>;
}

export async function startCodeServer(opts: {
  tc: Toolchain;
  dirs: Dirs;
  workspace: string;
  trusted: boolean;
  env: NodeJS.ProcessEnv;
  tag: string;
}): Promise<CodeServer> {
  const { tc, dirs } = opts;
  const port = await freePort();
  const config = path.join(dirs.base, 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const log = path.join(dirs.base, 'code-server.log');
  const fd = fs.openSync(log, 'a');
  const args = [
    tc.codeServerEntry,
    '--config',
    config,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--reconnection-grace-time',
    '5',
    ...(opts.trusted ? ['--disable-workspace-trust'] : []),
    opts.workspace,
  ];
  const child = spawn(tc.node24, args, { env: opts.env, detached: true, stdio: ['ignore', fd, fd], cwd: opts.workspace });
  fs.closeSync(fd);
  child.unref();
  const pid = child.pid!;
  let exited: string | undefined;
  child.on('exit', (code, sig) => (exited = `code-server exited early (${code ?? sig}); see ${log}`));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await killGroup(pid, 3000);
    await killTagged(opts.tag, 3000);
  };
  try {
    await waitFor(
      'code-server /healthz',
      async () => {
        if (exited) throw new Error(exited);
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        return res?.ok ?? false;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (e) {
    await stop();
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : '';
    throw new Error(`${(e as Error).message}\n--- code-server log ---\n${tail}`);
  }
  await sleep(50);
  return { url, port, pid, log, stop };
}
