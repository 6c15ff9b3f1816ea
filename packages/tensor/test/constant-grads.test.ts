// The backward pass forms no gradient for an input that does not depend on a parameter: with only
// x differentiated, x·W + b launches one gradient matmul (for x), not two, and no bias reduction.
// The gradient of x is the same whether W and b are parameters or constants.
import { afterAll, describe, expect, test } from 'vitest';
import { type Backend, CpuBackend, add, conv2d, dispose, matmul, mul, registerBackend, removeBackend, setBackendSync, sum, tanh, tensor, valueAndGrad } from '../src/index.ts';
import type { Tensor } from '../src/index.ts';

const counts = new Map<string, number>();
const cpu = new CpuBackend();
const counting = new Proxy(cpu, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver) as unknown;
    if (typeof value !== 'function') return value;
    const bound = (value as (...args: unknown[]) => unknown).bind(target);
    if (typeof key !== 'string') return bound;
    return (...args: unknown[]) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return bound(...args);
    };
  },
}) as Backend;
registerBackend('counting-cpu', () => counting);
afterAll(() => {
  removeBackend('counting-cpu');
  setBackendSync('cpu');
});

const ramp = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + scale) * scale);

describe('constant inputs get no gradient', () => {
  test('dense layer x·W + b: one backward matmul and no bias reduction when only x is differentiated', async () => {
    setBackendSync('counting-cpu');
    const x = tensor(ramp(15, 1), [5, 3]);
    const w = tensor(ramp(12, 0.5), [3, 4]);
    const b = tensor(ramp(4, 0.2), [4]);
    const layer = (xx: Tensor, ww: Tensor, bb: Tensor) => sum(tanh(add(matmul(xx, ww), bb)));
    counts.clear();
    const onlyX = valueAndGrad((p: Tensor) => layer(p, w, b), x);
    const constant = { matmul: counts.get('matmul') ?? 0, reduce: counts.get('reduce') ?? 0 };
    counts.clear();
    const all = valueAndGrad((p: { x: Tensor; w: Tensor; b: Tensor }) => layer(p.x, p.w, p.b), { x, w, b });
    const tracked = { matmul: counts.get('matmul') ?? 0, reduce: counts.get('reduce') ?? 0 };
    // forward 1 + backward 1 (dx) against forward 1 + backward 2 (dx, dW); the bias's sum over rows only when b is a parameter.
    expect(constant.matmul).toBe(2);
    expect(tracked.matmul).toBe(3);
    expect(tracked.reduce - constant.reduce).toBe(1);
    expect(Array.from(await onlyX.grads.data())).toEqual(Array.from(await all.grads.x.data()));
    dispose([x, w, b, onlyX.value, onlyX.grads, all.value, all.grads]);
  });

  test('x · c and conv2d with a constant input: only the parameter’s gradient is formed', async () => {
    setBackendSync('counting-cpu');
    const image = tensor(ramp(2 * 5 * 5 * 2, 1), [2, 5, 5, 2]);
    const filter = tensor(ramp(3 * 3 * 2 * 4, 0.3), [3, 3, 2, 4]);
    counts.clear();
    const g = valueAndGrad((f: Tensor) => sum(mul(conv2d(image, f), 2)), filter);
    expect(counts.get('conv2dBackwardFilter')).toBe(1);
    expect(counts.get('conv2dBackwardInput') ?? 0).toBe(0);
    dispose([image, filter, g.value, g.grads]);
  });
});
