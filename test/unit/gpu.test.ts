import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { KnobsError } from '../../src/core/errors';
import { applyVisibleDevices, detectGpus, type GpuInfo, parseNvidiaSmi } from '../../src/core/runner/gpu';
import { GpuAllocator } from '../../src/core/runner/gpuAllocator';

const FAKE_BIN = path.resolve(__dirname, '../../..', 'test', 'fixtures', 'bin');

function gpus(n: number, memMiB = 81559, usedMiB = 0): GpuInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    uuid: `GPU-${i}`,
    name: 'H100',
    memoryTotalMiB: memMiB,
    memoryUsedMiB: usedMiB,
    utilization: 0,
  }));
}

test('parses nvidia-smi CSV, including names with commas and [N/A] fields', () => {
  const csv = '0, GPU-aaa, NVIDIA H100 80GB HBM3, 81559, 512, 3\n1, GPU-bbb, Tesla T4, rev 2, 15360, [N/A], [N/A]\ngarbage line\n';
  const g = parseNvidiaSmi(csv);
  assert.equal(g.length, 2);
  assert.deepEqual(g[0], {
    index: 0,
    uuid: 'GPU-aaa',
    name: 'NVIDIA H100 80GB HBM3',
    memoryTotalMiB: 81559,
    memoryUsedMiB: 512,
    utilization: 3,
  });
  assert.equal(g[1].name, 'Tesla T4, rev 2');
  assert.equal(g[1].memoryUsedMiB, 0);
});

test('an outer CUDA_VISIBLE_DEVICES is respected (indices, UUIDs, empty, -1)', () => {
  const all = gpus(4);
  assert.deepEqual(
    applyVisibleDevices(all, '2,0').map((g) => g.index),
    [2, 0],
  );
  assert.deepEqual(
    applyVisibleDevices(all, 'GPU-3').map((g) => g.index),
    [3],
  );
  assert.deepEqual(applyVisibleDevices(all, ''), []);
  assert.deepEqual(applyVisibleDevices(all, '-1'), []);
  assert.deepEqual(
    applyVisibleDevices(all, '1,7,2').map((g) => g.index),
    [1],
    'CUDA stops at the first invalid id',
  );
  assert.equal(applyVisibleDevices(all, undefined).length, 4);
});

test('detection through a fake nvidia-smi on PATH; none → CPU with a reason', () => {
  const env = { PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_GPU_COUNT: '8' };
  assert.equal(detectGpus({ env }).gpus.length, 8);
  const restricted = detectGpus({ env: { ...env, CUDA_VISIBLE_DEVICES: '1,3,5' }, restrict: [3, 5] });
  assert.deepEqual(
    restricted.gpus.map((g) => g.index),
    [3, 5],
  );
  assert.match(restricted.note!, /CUDA_VISIBLE_DEVICES=1,3,5 leaves 3 of 8/);
  const none = detectGpus({ env: { PATH: '/nonexistent' } });
  assert.deepEqual(none.gpus, []);
  assert.match(none.note!, /nvidia-smi not found.*CPU/);
  const broken = detectGpus({ env: { ...env, FAKE_GPU_FAIL: '1' } });
  assert.match(broken.note!, /couldn't communicate with the NVIDIA driver/);
});

test('8 GPUs × 0.15 gives exactly 48 slots (ray#5902 counted 53), 6 per GPU', () => {
  const a = new GpuAllocator(gpus(8), { gpusPerTrial: 0.15 });
  assert.equal(a.capacity(), 48);
  for (let t = 1; t <= 48; t++) assert.ok(a.allocate(t), `trial ${t} fits`);
  assert.equal(a.allocate(49), null);
  assert.ok(a.usage().every((u) => u.trials.length === 6));
});

test('2 GPUs × 0.5 → 4 concurrent trials, 2 per GPU, spread first', () => {
  const a = new GpuAllocator(gpus(2), { gpusPerTrial: 0.5 });
  assert.equal(a.capacity(), 4);
  assert.deepEqual(
    [1, 2, 3, 4].map((t) => a.allocate(t)),
    [[0], [1], [0], [1]],
  );
  assert.equal(a.allocate(5), null);
  a.release(2);
  assert.deepEqual(a.allocate(5), [1], 'the freed slot is reused');
});

test('gpus_per_trial 2 on 3 GPUs → one trial at a time; more than visible is a clear error', () => {
  const a = new GpuAllocator(gpus(3), { gpusPerTrial: 2 });
  assert.equal(a.capacity(), 1);
  assert.deepEqual(a.allocate(1), [0, 1]);
  assert.equal(a.allocate(2), null);
  a.release(1);
  assert.deepEqual(a.allocate(2), [0, 1]);
  assert.throws(
    () => new GpuAllocator(gpus(1), { gpusPerTrial: 2 }),
    (e: unknown) => e instanceof KnobsError && /only 1 GPU is visible/.test(e.message) && !!e.hint,
  );
  assert.throws(() => new GpuAllocator(gpus(4), { gpusPerTrial: 1.5 }), /fraction ≤ 1 or a whole number/);
});

test('gpu_memory_per_trial is admitted against free memory and what our trials were promised', () => {
  const a = new GpuAllocator(gpus(2, 24000, 0), { gpusPerTrial: 0.25, memoryPerTrialMiB: 10000 });
  assert.deepEqual(a.allocate(1), [0]);
  assert.deepEqual(a.allocate(2), [1]);
  assert.deepEqual(a.allocate(3), [0]);
  assert.deepEqual(a.allocate(4), [1]);
  assert.equal(a.allocate(5), null, '3 × 10000 MiB > 24000 MiB even though fractions would fit');
  // another process took memory on GPU 0: only GPU 1 is admitted
  const b = new GpuAllocator(gpus(2, 24000, 0), { gpusPerTrial: 0.5, memoryPerTrialMiB: 10000 });
  const live = gpus(2, 24000, 0);
  live[0].memoryUsedMiB = 20000;
  assert.deepEqual(b.allocate(1, live), [1]);
  assert.deepEqual(b.allocate(2, live), [1]);
  assert.equal(b.allocate(3, live), null);
});

test('property: no GPU is ever over-committed and placement is balanced to within one trial', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom(0.1, 0.15, 0.2, 0.25, 1 / 3, 0.5, 0.7, 1, 2, 3),
      fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { maxLength: 200 }),
      (n, per, ops) => {
        if (per > 1 && per > n) return true;
        const a = new GpuAllocator(gpus(n), { gpusPerTrial: per });
        const live = new Set<number>();
        let next = 1;
        for (const [alloc, k] of ops) {
          if (alloc || live.size === 0) {
            const got = a.allocate(next);
            if (got) {
              live.add(next);
              assert.equal(got.length, Math.max(per, 1));
            } else {
              assert.ok(live.size >= a.capacity(), `refused with ${live.size} < capacity ${a.capacity()}`);
            }
            next++;
          } else {
            const victim = [...live][k % live.size];
            a.release(victim);
            live.delete(victim);
          }
          const usage = a.usage();
          for (const u of usage) assert.ok(u.usedMilli <= 1000 && u.usedMilli >= 0, 'never over 1 GPU');
          assert.equal(
            usage.reduce((s, u) => s + u.trials.length, 0),
            per > 1 ? live.size * per : live.size,
          );
        }
        return true;
      },
    ),
    { seed: 42, numRuns: 300 },
  );
  // balance: filling from empty, counts per GPU differ by at most one at every step
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0.1, 0.125, 0.25, 0.5, 1), (n, per) => {
      const a = new GpuAllocator(gpus(n), { gpusPerTrial: per });
      for (let t = 1; t <= a.capacity(); t++) {
        assert.ok(a.allocate(t));
        const counts = a.usage().map((u) => u.trials.length);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced: ${counts}`);
      }
      return true;
    }),
    { seed: 7, numRuns: 100 },
  );
});
