/**
 * The promote fixtures (test/fixtures/promote): each file, the config promoted into it, the
 * golden result, and the names it has no site for or already holds. Shared by the core's tests
 * and the test that runs `knobs promote` and the extension on the same files, which promote by
 * default: budget parameters (epochs) that would change are not among these (mnist_main.py has
 * its own tests).
 */
export interface Golden {
  file: string;
  promoted: string;
  params: Record<string, unknown>;
  missing: string[];
  unchanged: string[];
}

export const GOLDEN: Golden[] = [
  {
    file: 'train_argparse.py',
    promoted: 'train_argparse.promoted.py',
    params: { lr: 0.0012, batch_size: 128, dropout: 0.25, optimizer: 'sgd', l1: 1, epochs: 10, momentum: 0.9, warmup: 5, use_bn: true },
    missing: ['warmup', 'use_bn'],
    unchanged: ['epochs', 'momentum'],
  },
  {
    file: 'config_dict.py',
    promoted: 'config_dict.promoted.py',
    params: {
      lr: 0.0025,
      batch_size: 64,
      name: 'wide',
      dropout: 0.35,
      'optimizer.name': 'sgd',
      'optimizer.lr': 0.05,
      'optimizer.betas': [0.8, 0.99],
      use_bn: false,
      hidden: 256,
      layers: 3,
      weight_decay: 5e-5,
      warmup: 200,
      scheduler: 'cosine',
      momentum: 0.95,
      eps: 1e-7,
      local: 1,
    },
    missing: ['local'],
    unchanged: [],
  },
  {
    file: 'cli_click.py',
    promoted: 'cli_click.promoted.py',
    params: { lr: 0.0042, batch_size: 16, hidden: 96, amp: true },
    missing: [],
    unchanged: [],
  },
  {
    file: 'train.ts',
    promoted: 'train.promoted.ts',
    params: {
      learning_rate: 2e-4,
      lr: 5e-3,
      batch_size: 128,
      'optimizer.name': 'sgd',
      'optimizer.lr': 0.02,
      hidden: [256, 128],
      use_bn: false,
      dropout: 0.3,
      warmup: 50,
      label: 'wide',
      local: 3,
    },
    missing: ['local'],
    unchanged: [],
  },
  {
    file: 'train.mjs',
    promoted: 'train.promoted.mjs',
    params: { lr: 0.0123, hidden: 256, dropout: 0.2, weight_decay: 3e-5, activation: 'tanh', layers: 2 },
    missing: ['layers'],
    unchanged: ['dropout'],
  },
  {
    file: 'config.yaml',
    promoted: 'config.promoted.yaml',
    params: {
      lr: 0.002,
      batch_size: 64,
      'optimizer.name': 'sgd',
      'optimizer.lr': 0.0015,
      'optimizer.betas': [0.8, 0.99],
      'model.hidden': 256,
      'model.activation': 'gelu',
      'model.use_bn': false,
      dropout: 0.3,
      epochs: 3,
    },
    missing: ['epochs'],
    unchanged: [],
  },
  {
    file: 'config.json',
    promoted: 'config.promoted.json',
    params: { lr: 0.0005, batch_size: 16, optimizer: { name: 'sgd', lr: 6e-4, momentum: 0.9 }, tags: ['x'] },
    missing: [],
    unchanged: ['optimizer.momentum'],
  },
];
