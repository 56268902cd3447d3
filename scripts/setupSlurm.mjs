#!/usr/bin/env node
// Idempotent: installs, as root, only the Debian packages the Slurm tests need that are missing:
//   slurmctld slurmd slurm-client munge   (apt-get --no-install-recommends)
// The install must not start services (there is no systemd here; the tests start the daemons
// themselves, see test/slurm/cluster.ts): where /usr/sbin/policy-rc.d is missing, a temporary one
// that exits 101 is put in place for the install and removed afterwards.
// Not root and something missing: prints the command to run and exits 0 (the Slurm tests then
// say why they cannot run: a failure under KNOBS_REQUIRE_ALL=1, a skip otherwise).
// Usable on its own (`node scripts/setupSlurm.mjs`) or imported: `await setupSlurm()` returns
// { ok, missing, message }.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const SLURM_PACKAGES = ['slurmctld', 'slurmd', 'slurm-client', 'munge'];
const POLICY = '/usr/sbin/policy-rc.d';

const log = (m) => console.log(`[setup:slurm] ${m}`);
const warn = (m) => console.error(`[setup:slurm] ${m}`);

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function hasApt() {
  return spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { encoding: 'utf8' }).status === 0;
}

export function setupSlurm() {
  if (!hasApt()) {
    const message = 'no apt-get/dpkg here: install Slurm (slurmctld, slurmd, the client tools) and munge by hand to run the Slurm tests';
    log(message);
    return { ok: false, missing: SLURM_PACKAGES, message };
  }
  const missing = SLURM_PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) {
    log(`Slurm packages present: ${SLURM_PACKAGES.join(' ')}`);
    return { ok: true, missing, message: 'present' };
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    const message = `missing Debian packages for the Slurm tests: ${missing.join(' ')}; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    warn(message);
    return { ok: false, missing, message };
  }
  log(`installing ${missing.join(' ')} (apt) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const t0 = Date.now();
  const addedPolicy = !existsSync(POLICY);
  if (addedPolicy) {
    writeFileSync(POLICY, '#!/bin/sh\n# temporary (scripts/setupSlurm.mjs): do not start services during the install\nexit 101\n');
    chmodSync(POLICY, 0o755);
  }
  try {
    let r = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (r.status !== 0) log('apt-get update failed; trying the install anyway');
    r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
    if (r.status !== 0) {
      const message = `apt-get install ${missing.join(' ')} failed (exit ${r.status})`;
      warn(message);
      return { ok: false, missing, message };
    }
  } finally {
    if (addedPolicy) rmSync(POLICY, { force: true });
  }
  log(`installed ${missing.join(' ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { ok: true, missing: [], message: 'installed' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.env.KNOBS_SKIP_SETUP === '1') process.exit(0);
  setupSlurm();
}
