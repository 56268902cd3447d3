/**
 * One e2e session: throwaway dirs, the .vsix installed, code-server started, chromium (Debian's,
 * driven by playwright-core) on `http://127.0.0.1:PORT/?folder=<workspace>`, and a teardown that
 * closes the browser, kills the server's process group and every process this run started
 * (the Knobs runner is detached on purpose, so it is found by an env tag), and keeps the logs.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type CodeServer, type Dirs, installExtension, isolatedEnv, makeDirs, seedSettings, startCodeServer } from './codeServer';
import { ARTIFACTS, PYTHON, type Toolchain } from './toolchain';
import { buildVsix } from './vsix';
import { Workbench } from './workbench';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Session {
  name: string;
  tag: string;
  dirs: Dirs;
  workspace: string;
  server: CodeServer;
  context: BrowserContext;
  page: Page;
  wb: Workbench;
  extensions: string[];
  vsixBytes: number;
  /** Console errors and page errors seen in the workbench (offline noise filtered out). */
  consoleErrors: string[];
  /** ms since the start of startSession when each phase ended: vsix, install, server, browser, workbench. */
  timings: Record<string, number>;
  close(opts?: { failed?: boolean }): Promise<void>;
}

/** Offline noise that E2E.md lists as harmless. */
const NOISE =
  /open-vsx|vsda|github|marketplace|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|net::ERR_|Failed to load resource|telemetry|update\.code\.visualstudio/i;

export async function startSession(opts: {
  tc: Toolchain;
  name: string;
  /** Fills the workspace folder before the server starts. */
  prepareWorkspace: (dir: string) => void;
  trusted: boolean;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
}): Promise<Session> {
  // screenshots and logs of an earlier run of this session name go
  if (fs.existsSync(ARTIFACTS))
    for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith(`${opts.name}-`)) fs.rmSync(path.join(ARTIFACTS, f), { force: true });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `knobs-e2e-${opts.name}-`));
  const dirs = makeDirs(base);
  const workspace = path.join(base, 'workspace');
  fs.mkdirSync(workspace);
  opts.prepareWorkspace(workspace);
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (k: string) => (timings[k] = Date.now() - t0);
  const vsix = buildVsix();
  mark('vsix');
  const tag = `${opts.name}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env = isolatedEnv(dirs, { KNOBS_PYTHON: PYTHON, KNOBS_E2E_TAG: tag, ...(opts.env ?? {}) });
  seedSettings(dirs, {
    ...(opts.trusted
      ? {}
      : {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'always',
        }),
    ...(opts.settings ?? {}),
  });
  const extensions = installExtension(opts.tc, dirs, vsix.file, env);
  mark('install');
  const server = await startCodeServer({ tc: opts.tc, dirs, workspace, trusted: opts.trusted, env, tag });
  mark('server');
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(path.join(base, 'chromium-profile'), {
      executablePath: opts.tc.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      env: isolatedEnv(dirs) as Record<string, string>,
      viewport: { width: 1600, height: 1000 },
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  mark('browser');
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !NOISE.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const wb = new Workbench(page, opts.name);
  // generous: a loaded machine (CI, other processes) takes a while to serve the workbench
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 90_000 });
  let closed = false;
  const session: Session = {
    name: opts.name,
    tag,
    dirs,
    workspace,
    server,
    context,
    page,
    wb,
    extensions,
    vsixBytes: vsix.bytes,
    consoleErrors,
    timings,
    async close(closeOpts = {}) {
      if (closed) return;
      closed = true;
      if (closeOpts.failed) await wb.screenshot('failure').catch(() => undefined);
      await context!.close().catch(() => undefined);
      await server.stop();
      saveLogs(session);
      if (process.env.KNOBS_E2E_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await wb.waitReady();
  } catch (e) {
    await session.close({ failed: true });
    throw e;
  }
  mark('workbench');
  session.timings = timings;
  return session;
}

/** Copies the server log, the extension host's "Knobs" output channel and the console errors into artifacts/. */
function saveLogs(s: Session): void {
  try {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const dest = (n: string) => path.join(ARTIFACTS, `${s.name}-${n}`);
    if (fs.existsSync(s.server.log)) fs.copyFileSync(s.server.log, dest('code-server.log'));
    const logs = path.join(s.dirs.userData, 'logs');
    const found: string[] = [];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/knobs/i.test(e.name) || e.name === 'exthost.log' || e.name === 'remoteexthost.log') found.push(p);
      }
    };
    walk(logs);
    for (const f of found) fs.copyFileSync(f, dest(path.relative(logs, f).replace(/[\\/]/g, '_')));
    fs.writeFileSync(dest('console-errors.txt'), `${s.consoleErrors.join('\n')}\n`);
  } catch {
    /* best effort */
  }
}
