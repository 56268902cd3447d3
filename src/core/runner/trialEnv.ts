/** The environment of a trial process: the user's env + KNOBS_* + helpers on the module paths. */
import * as path from 'node:path';
import type { Config } from '../space/types';
import { valueJson } from '../space/valueJson';
import { helperPaths } from './helpersPath';
import { TRIAL_ENV } from './reportProtocol';

export interface TrialEnvOptions {
  base: NodeJS.ProcessEnv;
  trialId: number;
  attempt: number;
  sweepDir: string;
  trialDir: string;
  checkpointDir: string;
  config: Config;
  resumeFrom?: string;
  wandbShim: boolean;
  gpus?: number[];
}

function prependPath(value: string | undefined, ...dirs: string[]): string {
  return [...dirs, ...(value ? value.split(path.delimiter).filter(Boolean) : [])].join(path.delimiter);
}

export function trialEnv(o: TrialEnvOptions): NodeJS.ProcessEnv {
  const h = helperPaths();
  const env: NodeJS.ProcessEnv = { ...o.base };
  env[TRIAL_ENV.trialId] = String(o.trialId);
  env[TRIAL_ENV.attempt] = String(o.attempt);
  env[TRIAL_ENV.sweepDir] = o.sweepDir;
  env[TRIAL_ENV.trialDir] = o.trialDir;
  env[TRIAL_ENV.checkpointDir] = o.checkpointDir;
  // NaN/Infinity as Python's json writes them, so a `.nan` value reaches the script as NaN
  env[TRIAL_ENV.params] = valueJson(o.config);
  if (o.resumeFrom) env[TRIAL_ENV.resumeFrom] = o.resumeFrom;
  else delete env[TRIAL_ENV.resumeFrom];
  env.KNOBS_HELPERS_NODE = h.nodeModule;
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONPATH = o.wandbShim ? prependPath(o.base.PYTHONPATH, h.pythonShim, h.python) : prependPath(o.base.PYTHONPATH, h.python);
  env.NODE_PATH = prependPath(o.base.NODE_PATH, h.node);
  if (o.gpus) {
    env.CUDA_VISIBLE_DEVICES = o.gpus.join(',');
    env[TRIAL_ENV.gpuIds] = o.gpus.join(',');
  }
  // never leak the Electron switch into user scripts
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}
