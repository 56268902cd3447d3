/** Records where a sweep came from: git commit + hash of uncommitted changes, tool versions. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import type { Provenance, WorkdirSource } from '../journal/ops';
import { KNOBS_VERSION } from '../version';

function run(cmd: string, args: string[], cwd: string): string | undefined {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
      maxBuffer: 64 * 1024 * 1024,
    }).trim();
  } catch (e) {
    // python --version wrote to stderr on old versions
    const err = (e as { stderr?: string }).stderr;
    return typeof err === 'string' && /^Python /.test(err) ? err.trim() : undefined;
  }
}

export function collectProvenance(opts: { cwd: string; cwdFrom?: WorkdirSource; python?: string }): Provenance {
  const p: Provenance = {
    knobsVersion: KNOBS_VERSION,
    nodeVersion: process.version,
    host: os.hostname(),
    cwd: opts.cwd,
    cwdFrom: opts.cwdFrom,
  };
  const commit = run('git', ['rev-parse', 'HEAD'], opts.cwd);
  if (commit && /^[0-9a-f]{40}$/.test(commit)) {
    p.gitCommit = commit;
    const diff = run('git', ['diff', 'HEAD'], opts.cwd);
    if (diff) p.gitDirtyHash = createHash('sha256').update(diff).digest('hex').slice(0, 16);
  }
  if (opts.python) {
    const v = run(opts.python, ['--version'], opts.cwd);
    if (v) p.pythonVersion = v.replace(/^Python\s+/, '');
  }
  return p;
}
