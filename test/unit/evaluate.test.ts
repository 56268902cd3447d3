/** buildEvaluateArgv: the `evaluate:` command with the shared macros plus ${best_trial_dir} and ${checkpoint}. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Space } from '../../src/core/space/types';
import { buildEvaluateArgv } from '../../src/core/sweep/evaluate';

const space: Space = {
  params: [
    { kind: 'numeric', name: 'lr', path: ['lr'], distribution: 'log_uniform_values', min: 1e-4, max: 1e-1, integer: false },
    { kind: 'categorical', name: 'hidden', path: ['hidden'], values: [64, 128] },
  ],
};
const base = {
  program: 'train.py',
  interpreter: 'python3',
  space,
  flat: { lr: 0.01, hidden: 128 },
  argsJsonFile: '/s/args.json',
  env: { DATA: '/data' },
  platform: 'linux' as const,
};

describe('buildEvaluateArgv', () => {
  it('expands the shared macros from the best config and the two evaluate macros, whole or inside elements', () => {
    const argv = buildEvaluateArgv({
      ...base,
      evaluate: [
        '${env}',
        '${interpreter}',
        '${program}',
        '${args}',
        '--evaluate',
        '${checkpoint}',
        '--out=${best_trial_dir}/test.json',
        '--data=${envvar:DATA}',
      ],
      bestTrialDir: '/s/trials/7',
      checkpointDir: '/s/trials/7/checkpoints',
    });
    assert.deepEqual(argv, [
      '/usr/bin/env',
      'python3',
      'train.py',
      '--lr=0.01',
      '--hidden=128',
      '--evaluate',
      '/s/trials/7/checkpoints',
      '--out=/s/trials/7/test.json',
      '--data=/data',
    ]);
  });

  it('never reads a substituted path as a macro', () => {
    const argv = buildEvaluateArgv({
      ...base,
      evaluate: ['${program}', '${checkpoint}'],
      bestTrialDir: '/t',
      checkpointDir: '/odd/${args}',
    });
    assert.deepEqual(argv, ['train.py', '/odd/${args}']);
  });

  it('refuses an empty list and unknown macros, as `command` does', () => {
    assert.throws(() => buildEvaluateArgv({ ...base, evaluate: [], bestTrialDir: '/t', checkpointDir: '/c' }), /`evaluate` is empty/);
    assert.throws(
      () => buildEvaluateArgv({ ...base, evaluate: ['${best_trial}'], bestTrialDir: '/t', checkpointDir: '/c' }),
      /unknown macro/,
    );
  });
});
