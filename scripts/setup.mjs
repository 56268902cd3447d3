#!/usr/bin/env node
// Idempotent test setup (the first step of `npm test`). Installs, as root, only what is missing:
//   Debian packages: python3-torch, python3-sklearn, python3-optuna (bench peer).
// Not root and something missing: prints exactly what to install and exits 1.
// KNOBS_SKIP_SETUP=1 skips it (e.g. on a machine you manage yourself).
import { spawnSync } from 'node:child_process';

if (process.env.KNOBS_SKIP_SETUP === '1') process.exit(0);

const DEBIAN_PACKAGES = ['python3-torch', 'python3-sklearn', 'python3-optuna', 'python3-numpy'];

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function hasApt() {
  return spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { encoding: 'utf8' }).status === 0;
}

const log = (m) => console.log(`[setup] ${m}`);

if (!hasApt()) {
  log('no apt-get/dpkg here: install by hand a Python 3 with torch, scikit-learn and optuna, and set KNOBS_PYTHON to it');
  process.exit(0);
}

const missing = DEBIAN_PACKAGES.filter((p) => !installed(p));
if (missing.length === 0) {
  log(`Debian packages present: ${DEBIAN_PACKAGES.join(' ')}`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`[setup] missing Debian packages: ${missing.join(' ')}\n[setup] run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}\n[setup] (or KNOBS_SKIP_SETUP=1 with KNOBS_PYTHON pointing to a Python that has torch and scikit-learn)`);
  process.exit(1);
}
log(`installing ${missing.join(' ')} (apt) …`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const t0 = Date.now();
let r = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
if (r.status !== 0) log('apt-get update failed; trying the install anyway');
r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
if (r.status !== 0) {
  console.error(`[setup] apt-get install ${missing.join(' ')} failed (exit ${r.status})`);
  process.exit(1);
}
log(`installed in ${Math.round((Date.now() - t0) / 1000)} s`);
