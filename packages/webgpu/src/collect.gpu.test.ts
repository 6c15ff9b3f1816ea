// Dropped bind groups are freed only when V8 collects their wrappers (collect.ts). On lavapipe each
// one holds an mmap, and `dreamer profile --timing cpu` (61k launches, ~1 new bind group each)
// segfaulted once the process passed vm.max_map_count (65530) mappings. Here a profile with cpu
// timing makes a new bind group per launch (a thread count of its own: new params, new group)
// under a small bind-group budget. The backend's caches keep ~2k of them alive (each evicted
// params block drops its groups); beyond that the mappings must stop growing, where without the
// budget they grow by one per launch (~6.6k here after 8k launches, ~2.7k with it).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Operand } from '@dreamer/tensor';
import { GpuBuffer, WebGPUBackend } from './backend.ts';

const BUDGET = 256;
const LAUNCHES = 8000;

let gpu: WebGPUBackend;
beforeAll(async () => {
  gpu = await WebGPUBackend.create({ bindGroupBudget: BUDGET });
});
afterAll(() => gpu?.destroy());

const mappings = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').length;
const op = (buffer: GpuBuffer, n: number): Operand<GpuBuffer> => ({ buffer, shape: [n], dtype: 'f32' });

it.skipIf(process.platform !== 'linux')('keeps the mappings of dropped bind groups bounded over a cpu-timed profile', async () => {
  const x = gpu.upload(Float32Array.from({ length: LAUNCHES + 16 }, (_, i) => i), 'f32');
  // Warm up: the pipeline, and the pools of every size class the loop uses.
  for (let n = 16; n < LAUNCHES + 16; n += 64) gpu.dispose(gpu.unary('neg', op(x, n)));
  await gpu.sync();
  const before = mappings();
  let most = 0;
  const profile = await gpu.profile(async () => {
    for (let i = 0; i < LAUNCHES; i++) {
      gpu.dispose(gpu.unary('neg', op(x, 16 + i)));
      if (i % 100 === 99) {
        await gpu.sync(); // a turn of the event loop: finalizers run, Dawn reuses freed descriptor sets
        most = Math.max(most, mappings() - before);
      }
    }
  }, { timing: 'cpu' });
  expect(profile.dispatches).toBe(LAUNCHES);
  expect(profile.submits).toBeGreaterThanOrEqual(LAUNCHES);
  expect(most).toBeLessThan(LAUNCHES / 2);
  const y = gpu.unary('neg', op(x, 5));
  expect(Array.from((await gpu.read(y, 'f32', 5)) as Float32Array)).toEqual([-0, -1, -2, -3, -4]);
  gpu.dispose(y);
  gpu.dispose(x);
});
