#!/usr/bin/env node
// An MLP on the 8x8 handwritten digits (UCI optdigits test set, data/digits.csv.gz) in
// TensorFlow.js, tuned by Knobs.
//
//   node train.mjs --lr 0.003 --epochs 5      # by hand
//   npx knobs run sweep.yaml                  # a sweep
//
// Backend: @tensorflow/tfjs-node-gpu when it can be imported, else @tensorflow/tfjs-backend-wasm
// (the line "backend: ..." says which). Reports val_loss, val_acc and train_loss each epoch
// through helpers/node/knobs.mjs (found via KNOBS_HELPERS_NODE, which the runner sets, or
// ../../helpers/node/knobs.mjs); without the helper it prints `epoch 3 | val_loss: ...`.
//
// `knobs lr-find sweep.yaml` runs it as an lr range test: with KNOBS_LR_FIND set it trains
// KNOBS_LR_STEPS minibatches with the Adam learning rate set to knobs.lrAt(step) before each,
// and reports `loss` and `lr` every step (no validation).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Arguments, argparse style: --name=value or --name value; defaults below.
const OPTIONS = {
  lr: { type: 'float', default: 0.003, check: (v) => v > 0, valid: '> 0', help: 'Adam learning rate' },
  hidden: { type: 'int', default: 64, check: (v) => v >= 1, valid: '>= 1', help: 'units per hidden layer' },
  layers: { type: 'int', default: 1, check: (v) => v >= 1, valid: '>= 1', help: 'number of hidden layers' },
  dropout: { type: 'float', default: 0.2, check: (v) => v >= 0 && v < 1, valid: 'in [0, 1)', help: 'dropout after each hidden layer' },
  weight_decay: { type: 'float', default: 1e-4, check: (v) => v >= 0, valid: '>= 0', help: 'L2 penalty on the kernels (kernelRegularizer)' },
  batch_size: { type: 'int', default: 32, check: (v) => v >= 1, valid: '>= 1', help: 'minibatch size' },
  epochs: { type: 'int', default: 15, check: (v) => v >= 1, valid: '>= 1', help: 'passes over the training set' },
  seed: { type: 'int', default: 0, check: () => true, valid: 'an integer', help: 'seed for weights and batch order' },
  split_seed: { type: 'int', default: 0, check: () => true, valid: 'an integer', help: 'seed of the train/val split (keep fixed)' },
  val_fraction: { type: 'float', default: 0.2, check: (v) => v > 0 && v < 1, valid: 'in (0, 1)', help: 'share of images held out' },
  backend: { type: 'str', default: 'auto', check: (v) => ['auto', 'wasm', 'tensorflow', 'cpu'].includes(v), valid: 'auto, wasm, tensorflow or cpu', help: 'tfjs backend' },
};

function usage() {
  const lines = ['usage: node train.mjs [--name=value | --name value] ...', '', 'options:'];
  for (const [name, o] of Object.entries(OPTIONS)) lines.push(`  --${name.padEnd(13)} ${o.help} (default ${o.default})`);
  return lines.join('\n');
}

function fail(message) {
  process.stderr.write(`${usage()}\ntrain.mjs: error: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.default]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(usage() + '\n');
      process.exit(0);
    }
    if (!a.startsWith('--')) fail(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = (eq >= 0 ? a.slice(2, eq) : a.slice(2)).replace(/-/g, '_');
    const opt = OPTIONS[name];
    if (!opt) fail(`unknown option --${name} (valid: ${Object.keys(OPTIONS).map((k) => '--' + k).join(', ')})`);
    let raw;
    if (eq >= 0) raw = a.slice(eq + 1);
    else if (i + 1 < argv.length) raw = argv[++i];
    else fail(`--${name} needs a value`);
    let value = raw;
    if (opt.type !== 'str') {
      value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) fail(`--${name} is "${raw}" but must be a number`);
      if (opt.type === 'int' && !Number.isInteger(value)) fail(`--${name} is ${raw} but must be an integer`);
    }
    if (!opt.check(value)) fail(`--${name} is ${raw} but must be ${opt.valid}`);
    args[name] = value;
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (mulberry32) for the split and the batch order.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(array, next) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

/** The digits: 1,797 rows of 64 pixel counts (0..16) and a label. */
function loadDigits() {
  const text = gunzipSync(readFileSync(join(here, 'data', 'digits.csv.gz'))).toString('utf8');
  const x = [];
  const y = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const cells = line.split(',').map(Number);
    if (cells.length !== 65 || cells.some((c) => !Number.isFinite(c))) throw new Error(`data/digits.csv.gz: bad row "${line.slice(0, 40)}..."`);
    x.push(cells.slice(0, 64).map((v) => v / 16));
    y.push(cells[64]);
  }
  return { x, y };
}

/** Stratified split: the same images are held out whatever the trial's other params. */
function split(y, fraction, seed) {
  const next = rng(seed ^ 0x5eed);
  const byClass = new Map();
  y.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const train = [];
  const val = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffle(byClass.get(label), next);
    const nVal = Math.round(idx.length * fraction);
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train, val };
}

// ---------------------------------------------------------------------------------------------
async function loadTf(choice) {
  if (choice === 'auto' || choice === 'tensorflow') {
    try {
      const tf = await import('@tensorflow/tfjs-node-gpu');
      await tf.ready();
      return { tf: tf.default ?? tf, label: 'tensorflow (tfjs-node-gpu)' };
    } catch (e) {
      if (choice === 'tensorflow') throw new Error(`--backend tensorflow: @tensorflow/tfjs-node-gpu cannot be loaded (${e.message.split('\n')[0]})`);
    }
  }
  const tf = await import('@tensorflow/tfjs');
  if (choice === 'cpu') {
    await tf.setBackend('cpu');
    return { tf, label: 'cpu' };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  // the package's main file sits in dist/, next to the .wasm files; a file path works in Node
  wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  return { tf, label: 'wasm' };
}

async function loadHelper() {
  const fromEnv = process.env.KNOBS_HELPERS_NODE;
  const path = fromEnv || join(here, '..', '..', 'helpers', 'node', 'knobs.mjs');
  try {
    return await import(pathToFileURL(path).href);
  } catch (e) {
    if (fromEnv) process.stderr.write(`train.mjs: cannot load the Knobs helper from KNOBS_HELPERS_NODE=${fromEnv}: ${e.message}\n`);
    return null;
  }
}

function buildModel(tf, a) {
  const model = tf.sequential();
  for (let i = 0; i < a.layers; i++) {
    model.add(
      tf.layers.dense({
        units: a.hidden,
        activation: 'relu',
        inputShape: i === 0 ? [64] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: a.seed * 101 + i }),
        kernelRegularizer: a.weight_decay > 0 ? tf.regularizers.l2({ l2: a.weight_decay }) : undefined,
      }),
    );
    if (a.dropout > 0) model.add(tf.layers.dropout({ rate: a.dropout, seed: a.seed * 101 + 50 + i }));
  }
  model.add(
    tf.layers.dense({
      units: 10,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: a.seed * 101 + 99 }),
      kernelRegularizer: a.weight_decay > 0 ? tf.regularizers.l2({ l2: a.weight_decay }) : undefined,
    }),
  );
  model.compile({ optimizer: tf.train.adam(a.lr), loss: 'categoricalCrossentropy' });
  return model;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const [{ tf, label }, knobs] = await Promise.all([loadTf(a.backend), loadHelper()]);
  console.log(`backend: ${label}`);
  const report = knobs
    ? (epoch, m) => knobs.report({ step: epoch, ...m })
    : (epoch, m) => console.log(`epoch ${epoch} | ${Object.entries(m).map(([k, v]) => `${k}: ${v.toPrecision(6)}`).join(' | ')}`);
  if (knobs) knobs.shouldStop(); // SIGTERM now sets a flag: finish the epoch and leave

  const { x, y } = loadDigits();
  const { train, val } = split(y, a.val_fraction, a.split_seed);
  const take = (idx) => ({ x: tf.tensor2d(idx.map((i) => x[i])), y: tf.oneHot(tf.tensor1d(idx.map((i) => y[i]), 'int32'), 10).toFloat() });
  const valSet = take(val);
  const model = buildModel(tf, a);
  const order = rng(a.seed);

  const ramp = knobs && knobs.lrFinder ? knobs.lrFinder() : null;
  if (ramp) {
    // lr range test: one minibatch per step, cycling through shuffled epochs
    let idx = [];
    for (let step = 0; step < ramp.steps; step++) {
      if (idx.length < a.batch_size) idx = idx.concat(shuffle([...train], order));
      const b = take(idx.splice(0, a.batch_size));
      const lr = knobs.lrAt(step, ramp);
      model.optimizer.learningRate = lr; // tf.train.adam reads it at every step
      const loss = await model.trainOnBatch(b.x, b.y);
      tf.dispose([b.x, b.y]);
      const value = Array.isArray(loss) ? loss[0] : loss;
      knobs.report({ step, loss: value, lr });
      if (!Number.isFinite(value) || knobs.shouldStop()) break;
    }
    return;
  }

  for (let epoch = 1; epoch <= a.epochs; epoch++) {
    const batch = take(shuffle([...train], order));
    const hist = await model.fit(batch.x, batch.y, { batchSize: a.batch_size, epochs: 1, shuffle: false, verbose: 0 });
    tf.dispose([batch.x, batch.y]);
    const [valLoss, valAcc] = tf.tidy(() => {
      const p = model.predict(valSet.x);
      const loss = tf.metrics.categoricalCrossentropy(valSet.y, p).mean(); // without the L2 term
      const acc = p.argMax(1).equal(valSet.y.argMax(1)).toFloat().mean();
      return [loss.dataSync()[0], acc.dataSync()[0]];
    });
    report(epoch, { train_loss: hist.history.loss[0], val_loss: valLoss, val_acc: valAcc });
    if (knobs && knobs.shouldStop()) {
      process.stderr.write(`stop requested after epoch ${epoch}\n`);
      process.exitCode = 143;
      return;
    }
  }
}

main().catch((e) => {
  process.stderr.write(`train.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
