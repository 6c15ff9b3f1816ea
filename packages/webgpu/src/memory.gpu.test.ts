// Leak test: a small training loop (2-layer tanh MLP, mean squared error through `valueAndGrad`,
// SGD, old params/grads disposed) for 10,000 iterations on the 'webgpu' backend. One value is
// awaited every 100 iterations, which keeps the queue bounded and makes every 100-iteration block
// flush at the same points (the loop starts after a sync), so the buffer pool reaches a fixed
// point after the first block. The
// engine's live tensors and the backend's live buffers, pooled buffers and pooled bytes must be
// the same at iteration 100 and at the end.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RandomKey, add, dispose, matmul, mean, memory, mul, randomNormal, setBackend, square, sub, tanh, tidy, valueAndGrad, type Tensor } from '@dreamer/tensor';
import { WebGPUBackend, registerWebGPU } from './index.ts';

registerWebGPU();
let backend: WebGPUBackend;

beforeAll(async () => {
  const b = await setBackend('webgpu');
  if (!(b instanceof WebGPUBackend)) throw new Error('setBackend("webgpu") did not return a WebGPUBackend');
  backend = b;
});
afterAll(async () => {
  backend?.destroy();
  await setBackend('cpu');
});

it('a 10,000-iteration training loop leaks no tensors, buffers or pooled bytes', { timeout: 120_000 }, async () => {
  const [k1, k2, k3, k4] = RandomKey.fromSeed(7).split(4);
  const x = randomNormal(k1, [16, 4]);
  const y = tidy(() => tanh(matmul(x, randomNormal(k2, [4, 1]))));
  type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
  let params: Params = tidy(() => ({
    w1: mul(randomNormal(k3, [4, 8]), 0.5),
    b1: mul(randomNormal(k4, [8]), 0),
    w2: mul(randomNormal(k3.foldIn(1), [8, 1]), 0.3),
    b2: mul(randomNormal(k4.foldIn(1), [1]), 0),
  }));
  const loss = (p: Params): Tensor => mean(square(sub(add(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), p.b2), y)));
  const lr = 0.1;

  type Snapshot = { tensors: number; liveBuffers: number; pooledBuffers: number; pooledBytes: number; bytesInUse: number };
  const snapshot = async (): Promise<Snapshot> => {
    await backend.sync();
    return { tensors: memory().tensors, ...backend.stats() };
  };
  // Start every 100-iteration block with an empty batch (the set-up above is still recorded), so
  // all blocks flush at the same launches and the pool needs no new buffers after the first.
  await backend.sync();
  let at100: Snapshot | undefined;
  let first = NaN;
  let last = NaN;
  const iterations = 10_000;
  for (let step = 1; step <= iterations; step++) {
    const { value, grads } = valueAndGrad(loss, params);
    const g = grads as Params;
    const next: Params = tidy(() => ({
      w1: sub(params.w1, mul(g.w1, lr)),
      b1: sub(params.b1, mul(g.b1, lr)),
      w2: sub(params.w2, mul(g.w2, lr)),
      b2: sub(params.b2, mul(g.b2, lr)),
    }));
    if (step % 100 === 0) {
      const v = (await value.data())[0];
      if (step === 100) first = v;
      last = v;
    }
    dispose([params, grads, value]);
    params = next;
    if (step === 100) at100 = await snapshot();
  }
  const end = await snapshot();
  expect(at100).toBeDefined();
  expect(end).toEqual(at100);
  expect(Number.isFinite(last)).toBe(true);
  expect(last).toBeLessThan(first);
  dispose([params, x, y]);
});

// A repeated step must get the same buffers from the pool whatever order the last step freed its
// tensors in (free lists hand out the lowest buffer id), so its cached bind groups hit: here the
// old parameters are disposed in a different order every step, one by one, before the step's
// read-back, so both the open batch's free list and the pool see permuted orders.
it('a repeated step creates no new bind groups, whatever order the last one freed its tensors in', { timeout: 60_000 }, async () => {
  const key = RandomKey.fromSeed(11);
  const x = randomNormal(key, [7, 5]);
  let params: Tensor[] = tidy(() => Array.from({ length: 6 }, (_, i) => mul(randomNormal(key.foldIn(i + 1), [5, 5]), 0.3)));
  const loss = (ps: Tensor[]): Tensor => mean(square(ps.reduce((h, w) => tanh(matmul(h, w)), x)));
  const created: number[] = [];
  await backend.sync();
  for (let step = 0; step < 16; step++) {
    const before = backend.counters.bindGroupsCreated;
    const { value, grads } = valueAndGrad(loss, params);
    const next = tidy(() => params.map((w, i) => sub(w, mul((grads as Tensor[])[i], 0.05))));
    const order = params.map((_, i) => (i * 5 + step) % params.length); // a permutation that changes each step
    for (const i of order) params[i].dispose();
    dispose([grads, value]);
    params = next;
    await params[0].data();
    created.push(backend.counters.bindGroupsCreated - before);
  }
  expect(created.slice(0, 2).some((n) => n > 0)).toBe(true);
  expect(created.slice(8)).toEqual(new Array(8).fill(0));
  dispose([params, x]);
});
