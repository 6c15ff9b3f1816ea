// First end-to-end proof: a two-layer MLP built from engine ops fits sin(x) on [-π, π].
import { describe, expect, test } from 'vitest';
import {
  RandomKey,
  type Tensor,
  add,
  dispose,
  linspace,
  matmul,
  mean,
  mul,
  randomNormal,
  reshape,
  setBackendSync,
  sin,
  square,
  sqrt,
  sub,
  tanh,
  tidy,
  valueAndGrad,
  zeros,
  div,
} from '../src/index.ts';

type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };

function forward(p: Params, x: Tensor): Tensor {
  return add(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), p.b2);
}

describe('MLP on the CPU backend', () => {
  test('fits sin(x) to MSE < 1e-3 within 1500 Adam steps', () => {
    setBackendSync('cpu');
    const [k1, k2] = RandomKey.fromSeed(7).split(2);
    const hidden = 32;
    let params: Params = {
      w1: randomNormal(k1, [1, hidden], { std: 1 }),
      b1: zeros([hidden]),
      w2: randomNormal(k2, [hidden, 1], { std: 1 / Math.sqrt(hidden) }),
      b2: zeros([1]),
    };
    const x = reshape(linspace(-Math.PI, Math.PI, 64), [64, 1]);
    const y = sin(x);
    // Adam (β1 0.9, β2 0.999, ε 1e-8, lr 1e-2), written inline: the nn package owns the real one.
    let m = { w1: zeros([1, hidden]), b1: zeros([hidden]), w2: zeros([hidden, 1]), b2: zeros([1]) } as Params;
    let v = { w1: zeros([1, hidden]), b1: zeros([hidden]), w2: zeros([hidden, 1]), b2: zeros([1]) } as Params;
    const losses: number[] = [];
    for (let step = 1; step <= 1500; step++) {
      const { value, grads } = valueAndGrad((p: Params) => mean(square(sub(forward(p, x), y))), params);
      if (step % 100 === 0 || step === 1) losses.push(value.dataSync()[0]);
      const next = tidy(() => {
        const out = { params: {} as Record<string, Tensor>, m: {} as Record<string, Tensor>, v: {} as Record<string, Tensor> };
        for (const k of ['w1', 'b1', 'w2', 'b2'] as const) {
          const g = grads[k];
          const mk = add(mul(m[k], 0.9), mul(g, 0.1));
          const vk = add(mul(v[k], 0.999), mul(square(g), 0.001));
          const mHat = div(mk, 1 - 0.9 ** step);
          const vHat = div(vk, 1 - 0.999 ** step);
          out.params[k] = sub(params[k], mul(div(mHat, add(sqrt(vHat), 1e-8)), 1e-2));
          out.m[k] = mk;
          out.v[k] = vk;
        }
        return out;
      });
      dispose([params, m, v, value, grads]);
      params = next.params as Params;
      m = next.m as Params;
      v = next.v as Params;
    }
    const final = tidy(() => mean(square(sub(forward(params, x), y))));
    const loss = final.dataSync()[0];
    // Starting loss is about 0.5 (the variance of sin on the grid); the fit must get well below 1e-3.
    expect(losses[0]).toBeGreaterThan(0.05);
    expect(loss).toBeLessThan(1e-3);
    dispose([final, params, m, v, x, y]);
  });
});
