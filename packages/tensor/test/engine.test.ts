// Ownership and memory: scopes, views, tape holds, and a long training loop that must not leak.
import { describe, expect, test } from 'vitest';
import {
  RandomKey,
  type Tensor,
  add,
  dispose,
  keep,
  matmul,
  mean,
  memory,
  mul,
  randomNormal,
  reshape,
  setBackendSync,
  square,
  sub,
  tanh,
  tensor,
  tidy,
  valueAndGrad,
  zeros,
} from '../src/index.ts';

setBackendSync('cpu');

describe('tidy', () => {
  test('disposes intermediates, keeps the result and kept tensors', () => {
    const before = memory().tensors;
    let kept: Tensor | undefined;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      kept = keep(mul(a, 2));
      return add(a, 1);
    });
    expect(memory().tensors).toBe(before + 2);
    expect([...out.dataSync()]).toEqual([2, 3, 4]);
    expect([...kept!.dataSync()]).toEqual([2, 4, 6]);
    dispose([out, kept]);
    expect(memory().tensors).toBe(before);
  });

  test('nested scopes hand results to the enclosing scope', () => {
    const before = memory().tensors;
    tidy(() => {
      const inner = tidy(() => add(tensor([1]), 1));
      expect(inner.disposed).toBe(false);
      expect(memory().tensors).toBe(before + 1);
    });
    expect(memory().tensors).toBe(before);
  });

  test('a throwing function still releases its tensors', () => {
    const before = memory().tensors;
    expect(() =>
      tidy(() => {
        tensor([1, 2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().tensors).toBe(before);
  });

  test('views share storage and may be disposed in any order', () => {
    const before = memory();
    const a = tensor([1, 2, 3, 4]);
    const b = reshape(a, [2, 2]);
    expect(memory().buffers).toBe(before.buffers + 1);
    a.dispose();
    expect([...b.dataSync()]).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(memory()).toEqual(before);
  });

  test('use after dispose names the tensor', () => {
    const a = tensor([1, 2]);
    a.dispose();
    expect(() => add(a, 1)).toThrow(/disposed/);
  });
});

describe('training loop memory', () => {
  test('10,000 iterations keep tensor, buffer and byte counts flat', () => {
    const [k1, k2, k3] = RandomKey.fromSeed(1).split(3);
    const x = randomNormal(k1, [16, 4]);
    const y = randomNormal(k2, [16, 1]);
    let params = { w1: randomNormal(k3, [4, 8], { std: 0.5 }), b1: zeros([8]), w2: zeros([8, 1]) };
    const loss = (p: typeof params) => mean(square(sub(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), y)));
    let atStart = memory();
    let first = NaN;
    let last = NaN;
    for (let i = 0; i < 10_000; i++) {
      const { value, grads } = valueAndGrad(loss, params);
      if (i === 0) first = value.dataSync()[0];
      if (i === 9_999) last = value.dataSync()[0];
      const next = tidy(() => ({
        w1: sub(params.w1, mul(grads.w1, 0.05)),
        b1: sub(params.b1, mul(grads.b1, 0.05)),
        w2: sub(params.w2, mul(grads.w2, 0.05)),
      }));
      dispose([params, grads, value]);
      params = next;
      if (i === 9) atStart = memory();
    }
    const atEnd = memory();
    expect(atEnd).toEqual(atStart);
    expect(last).toBeLessThan(first);
    dispose([params, x, y]);
  });
});

describe('backends', () => {
  test('removeBackend destroys the instance and falls back to cpu', async () => {
    let destroyed = 0;
    const { CpuBackend, registerBackend, setBackend, removeBackend, getBackend } = await import('../src/index.ts');
    registerBackend('cpu-copy', () => Object.assign(new CpuBackend(), { destroy: () => void destroyed++ }));
    const made = await setBackend('cpu-copy');
    expect(getBackend()).toBe(made);
    removeBackend('cpu-copy');
    expect(destroyed).toBe(1);
    expect(getBackend().name).toBe('cpu');
    expect(await setBackend('cpu-copy')).not.toBe(made);
    removeBackend('cpu-copy');
    setBackendSync('cpu');
  });

  test('an unknown backend name lists the registered ones', async () => {
    const { setBackend } = await import('../src/index.ts');
    await expect(setBackend('tpu')).rejects.toThrow(/unknown backend "tpu"; registered: .*cpu/);
  });
});
