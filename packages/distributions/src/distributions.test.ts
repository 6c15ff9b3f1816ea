import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, memory, mul, sum, tensor, tidy, valueAndGrad, softmax, dispose } from '@dreamer/tensor';
import { ATANH_CLIP, Bernoulli, MultivariateNormalDiag, Normal, OneHotCategorical, TanhNormal, kl } from './index.ts';

const key = RandomKey.fromSeed(2024);
const arr = (t: Tensor) => Array.from(t.dataSync());
const LOG2PI = Math.log(2 * Math.PI);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
  }
}
const normLogPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * LOG2PI;
const meanStd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
};
const column = (flat: number[], stride: number, j: number) => flat.filter((_, i) => i % stride === j);

describe('Normal', () => {
  const loc = tensor([0.5, -1, 2]);
  const scale = tensor([1, 0.5, 2]);
  const d = new Normal(loc, scale);

  it('logProb, entropy, mean, mode match the closed forms', () => {
    const x = [0.1, -0.3, 5];
    expectClose(arr(d.logProb(tensor(x))), x.map((v, i) => normLogPdf(v, [0.5, -1, 2][i], [1, 0.5, 2][i])));
    expectClose(arr(d.entropy()), [1, 0.5, 2].map((s) => 0.5 + 0.5 * LOG2PI + Math.log(s)));
    expect(arr(d.mean())).toEqual([0.5, -1, 2]);
    expect(arr(d.mode())).toEqual([0.5, -1, 2]);
    // A numeric scale broadcasts (the decoder's fixed std 1).
    const unit = new Normal(tensor([[0, 1]]), 1);
    expectClose(arr(unit.logProb(tensor([[1, 1]]))), [-0.5 - 0.5 * LOG2PI, -0.5 * LOG2PI]);
    expect(unit.entropy().shape).toEqual([1, 2]);
  });

  it('KL(p‖q) = log(σq/σp) + (σp² + (μp−μq)²)/(2σq²) − ½', () => {
    const q = new Normal(tensor([0, 0, 1]), tensor([2, 1, 0.5]));
    const expected = [0, 1, 2].map((i) => {
      const [mp, sp, mq, sq] = [[0.5, -1, 2][i], [1, 0.5, 2][i], [0, 0, 1][i], [2, 1, 0.5][i]];
      return Math.log(sq / sp) + (sp * sp + (mp - mq) ** 2) / (2 * sq * sq) - 0.5;
    });
    expectClose(arr(kl(d, q)), expected);
    expectClose(arr(kl(d, d)), [0, 0, 0]);
  });

  it('samples have the right mean and std over 10k draws, and are reparameterised', () => {
    const s = d.sample(key, [10_000]);
    expect(s.shape).toEqual([10_000, 3]);
    const flat = arr(s);
    for (let j = 0; j < 3; j++) {
      const [m, sd] = meanStd(column(flat, 3, j));
      expect(Math.abs(m - [0.5, -1, 2][j])).toBeLessThan(4 * [1, 0.5, 2][j] / Math.sqrt(10_000));
      expect(Math.abs(sd / [1, 0.5, 2][j] - 1)).toBeLessThan(0.03);
    }
    // d/dloc Σ sample = N per element; d/dscale Σ sample = Σ ε = Σ (sample − loc)/scale.
    const { grads } = valueAndGrad((p: { loc: Tensor; scale: Tensor }) => sum(new Normal(p.loc, p.scale).sample(key, [100])), { loc, scale });
    expectClose(arr(grads.loc), [100, 100, 100]);
    const again = arr(d.sample(key, [100]));
    const epsSum = [0, 1, 2].map((j) => column(again, 3, j).reduce((a, v) => a + (v - [0.5, -1, 2][j]) / [1, 0.5, 2][j], 0));
    expectClose(arr(grads.scale), epsSum, 1e-4);
  });
});

describe('MultivariateNormalDiag', () => {
  it('sums logProb, entropy and KL over the last axis', () => {
    const p = new MultivariateNormalDiag(tensor([[0, 1], [2, -1]]), tensor([[1, 2], [0.5, 1]]));
    const q = new MultivariateNormalDiag(tensor([[0, 0], [0, 0]]), tensor([[1, 1], [1, 1]]));
    expect(p.batchShape).toEqual([2]);
    expect(p.eventShape).toEqual([2]);
    const x = [[0.5, 0.5], [1, -2]];
    const locs = [[0, 1], [2, -1]];
    const scales = [[1, 2], [0.5, 1]];
    expectClose(arr(p.logProb(tensor(x))), [0, 1].map((b) => normLogPdf(x[b][0], locs[b][0], scales[b][0]) + normLogPdf(x[b][1], locs[b][1], scales[b][1])));
    expectClose(arr(p.entropy()), [0, 1].map((b) => 1 + LOG2PI + Math.log(scales[b][0]) + Math.log(scales[b][1])));
    // KL to N(0, I): ½ Σ (σ² + μ² − 1 − log σ²)
    expectClose(arr(kl(p, q)), [0, 1].map((b) => 0.5 * [0, 1].reduce((a, i) => a + scales[b][i] ** 2 + locs[b][i] ** 2 - 1 - Math.log(scales[b][i] ** 2), 0)));
    expect(p.sample(key, [4]).shape).toEqual([4, 2, 2]);
  });

  it('KL gradients flow to both posterior and prior parameters', () => {
    const params = { ml: tensor([[0.3, -0.2]]), sl: tensor([[0.7, 1.4]]) };
    const prior = new MultivariateNormalDiag(tensor([[0, 0]]), tensor([[1, 1]]));
    const { grads } = valueAndGrad((p: typeof params) => sum(kl(new MultivariateNormalDiag(p.ml, p.sl), prior)), params);
    // d/dμ = μ; d/dσ = σ − 1/σ
    expectClose(arr(grads.ml), [0.3, -0.2]);
    expectClose(arr(grads.sl), [0.7 - 1 / 0.7, 1.4 - 1 / 1.4]);
  });
});

describe('TanhNormal', () => {
  const locs = [0.3, -1.2];
  const scales = [0.8, 0.4];
  const d = new TanhNormal(tensor([locs]), tensor([scales]));

  it('logProb equals the change of variables: Σ log N(atanh y) − log(1 − y²)', () => {
    const y = [0.5, -0.9];
    const expected = y.reduce((a, v, i) => a + normLogPdf(Math.atanh(v), locs[i], scales[i]) - Math.log(1 - v * v), 0);
    expectClose(arr(d.logProb(tensor([y]))), [expected], 1e-5);
    // f64: tight agreement, and in the far tail where 1 − y² loses precision the stable form is still finite.
    const d64 = new TanhNormal(tensor([locs], [1, 2], 'f64'), tensor([scales], [1, 2], 'f64'));
    expectClose(arr(d64.logProb(tensor([y], [1, 2], 'f64'))), [expected], 1e-12);
    const edge = arr(d.logProb(tensor([[1, -1]])));
    expect(Number.isFinite(edge[0])).toBe(true);
    // at ±1 the value is clipped to ±ATANH_CLIP (f32: 1 − 2⁻²⁴)
    const c = Math.fround(ATANH_CLIP);
    const x = Math.atanh(c);
    const atEdge = normLogPdf(x, locs[0], scales[0]) + normLogPdf(-x, locs[1], scales[1]) - 2 * 2 * (Math.log(2) - x - Math.log1p(Math.exp(-2 * x)));
    expectClose(edge, [atEdge], 1e-3);
  });

  it('sample statistics over 10k draws match E[tanh(X)] and sd computed by quadrature', () => {
    const s = d.sample(key, [10_000]);
    expect(s.shape).toEqual([10_000, 1, 2]);
    const flat = arr(s);
    expect(flat.every((v) => v > -1 && v < 1)).toBe(true);
    for (let j = 0; j < 2; j++) {
      // E[tanh X], E[tanh² X] by the trapezoid rule over ±10σ
      let m1 = 0;
      let m2 = 0;
      const n = 20_000;
      const h = (20 * scales[j]) / n;
      for (let i = 0; i <= n; i++) {
        const x = locs[j] - 10 * scales[j] + i * h;
        const w = Math.exp(normLogPdf(x, locs[j], scales[j])) * h * (i === 0 || i === n ? 0.5 : 1);
        m1 += w * Math.tanh(x);
        m2 += w * Math.tanh(x) ** 2;
      }
      const [m, sd] = meanStd(column(flat, 2, j));
      const trueSd = Math.sqrt(m2 - m1 * m1);
      expect(Math.abs(m - m1)).toBeLessThan((4 * trueSd) / Math.sqrt(10_000));
      expect(Math.abs(sd / trueSd - 1)).toBeLessThan(0.03);
    }
  });

  it('mode = highest-log-prob of 100 draws, entropy = −mean log-prob (SampleDist), analytic mode = tanh(loc)', () => {
    expect(d.samples).toBe(100);
    const draws = arr(d.sample(key, [100])); // the same draws the estimates use
    const lps = arr(d.logProb(d.sample(key, [100])));
    let best = 0;
    for (let i = 1; i < 100; i++) if (lps[i] > lps[best]) best = i;
    const mode = d.mode(key);
    expect(mode.shape).toEqual([1, 2]);
    expectClose(arr(mode), [draws[2 * best], draws[2 * best + 1]], 1e-7);
    expectClose(arr(d.entropy(key)), [-lps.reduce((a, b) => a + b, 0) / 100], 1e-5);
    expectClose(arr(d.mean(key)), [0, 1].map((j) => column(draws, 2, j).reduce((a, b) => a + b, 0) / 100), 1e-5);
    expect(() => d.mode()).toThrow(/needs a RandomKey/);
    const a = new TanhNormal(tensor([locs]), tensor([scales]), { analytic: true });
    expectClose(arr(a.mode()), locs.map(Math.tanh));
    // Batched mode: [B=3, A=2] picks per batch row.
    const b = new TanhNormal(tensor([[0, 0], [1, 1], [-2, 2]]), tensor([[1, 1], [0.1, 0.1], [0.5, 0.5]]), { samples: 7 });
    const bm = arr(b.mode(key));
    const bd = arr(b.sample(key, [7]));
    const blp = arr(b.logProb(b.sample(key, [7])));
    for (let r = 0; r < 3; r++) {
      let k = 0;
      for (let i = 1; i < 7; i++) if (blp[i * 3 + r] > blp[k * 3 + r]) k = i;
      expectClose(bm.slice(2 * r, 2 * r + 2), bd.slice(k * 6 + 2 * r, k * 6 + 2 * r + 2), 1e-7);
    }
  });

  it('sampleWithEntropy: the draw of sample(key) and −logProb of it, computed without atanh', () => {
    const dist = new TanhNormal(tensor([[0.2, -0.7], [1.5, 0.1]]), tensor([[0.5, 0.3], [0.2, 0.8]]));
    const { sample, entropy } = dist.sampleWithEntropy(key);
    expectClose(arr(sample), arr(dist.sample(key)), 0);
    expectClose(arr(entropy), arr(tidy(() => mul(dist.logProb(sample), -1))), 1e-4);
    // Saturated draws: the estimate stays finite and its gradient pulls the pre-tanh mean back to 0.
    const params = { loc: tensor([[6, -6]]), scale: tensor([[0.5, 0.5]]) };
    const { value, grads } = valueAndGrad((p: typeof params) => sum(new TanhNormal(p.loc, p.scale).sampleWithEntropy(key).entropy), params);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const g = arr(grads.loc);
    expect(g[0]).toBeCloseTo(-2, 2); // d/dx log(1 − tanh²x) = −2·tanh(x)
    expect(g[1]).toBeCloseTo(2, 2);
    expect(arr(grads.scale).every((v) => v > 0)).toBe(true);
  });

  it('gradients through sample and logProb are finite', () => {
    const params = { loc: tensor([[0.2, 3]]), scale: tensor([[0.5, 2]]) };
    const { grads } = valueAndGrad((p: typeof params) => {
      const dist = new TanhNormal(p.loc, p.scale);
      return sum(dist.logProb(dist.sample(key, [50])));
    }, params);
    expect([...arr(grads.loc), ...arr(grads.scale)].every(Number.isFinite)).toBe(true);
  });
});

describe('OneHotCategorical', () => {
  const logitsArr = [1, 0, -1, 0.5];
  const lse = Math.log(logitsArr.reduce((a, l) => a + Math.exp(l), 0));
  const probs = logitsArr.map((l) => Math.exp(l - lse));

  it('logProb, entropy, mode match closed forms', () => {
    const d = new OneHotCategorical(tensor([logitsArr]));
    expectClose(arr(d.logProb(tensor([[0, 0, 1, 0]]))), [-1 - lse]);
    expectClose(arr(d.entropy()), [-probs.reduce((a, p) => a + p * Math.log(p), 0)]);
    expect(arr(d.mode())).toEqual([1, 0, 0, 0]);
    expectClose(arr(d.mean()), probs);
  });

  it('sample frequencies over 10k draws match the probabilities', () => {
    const d = new OneHotCategorical(tensor([logitsArr]), { gradient: 'none' });
    const s = d.sample(key, [10_000]);
    expect(s.shape).toEqual([10_000, 1, 4]);
    const flat = arr(s);
    expect(flat.every((v) => v === 0 || v === 1)).toBe(true);
    for (let j = 0; j < 4; j++) {
      const freq = column(flat, 4, j).reduce((a, b) => a + b, 0) / 10_000;
      expect(Math.abs(freq - probs[j])).toBeLessThan(4 * Math.sqrt((probs[j] * (1 - probs[j])) / 10_000));
    }
    // each draw is one-hot
    for (let i = 0; i < 50; i++) expect(flat.slice(4 * i, 4 * i + 4).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('straight-through: value is the one-hot sample, gradient equals the gradient of the probs', () => {
    const logits = tensor([logitsArr]);
    const w = tensor([[0.3, -1, 2, 0.7]]);
    const hard = arr(new OneHotCategorical(logits, { gradient: 'none' }).sample(key));
    const { value, grads, aux } = valueAndGrad(
      (l: Tensor) => {
        const s = new OneHotCategorical(l, { gradient: 'straight' }).sample(key);
        return { loss: sum(mul(s, w)), aux: s };
      },
      logits,
    );
    expectClose(arr(aux!), hard, 1e-7);
    expectClose(arr(value), [hard.reduce((a, h, i) => a + h * [0.3, -1, 2, 0.7][i], 0)]);
    const probGrad = valueAndGrad((l: Tensor) => sum(mul(softmax(l), w)), logits).grads;
    expectClose(arr(grads), arr(probGrad), 1e-6);
  });

  it('score (DiCE): value is the sample, gradient = (w·sample)·∇ log p(sample)', () => {
    const logits = tensor([logitsArr]);
    const w = [0.3, -1, 2, 0.7];
    const hard = arr(new OneHotCategorical(logits, { gradient: 'none' }).sample(key));
    const k = hard.indexOf(1);
    const { value, grads } = valueAndGrad((l: Tensor) => sum(mul(new OneHotCategorical(l, { gradient: 'score' }).sample(key), tensor([w]))), logits);
    expectClose(arr(value), [w[k]]);
    // ∇_l log p_k = onehot_k − p
    expectClose(arr(grads), probs.map((p, j) => w[k] * ((j === k ? 1 : 0) - p)), 1e-6);
  });
});

describe('Bernoulli', () => {
  it('logProb, mean, mode, entropy match closed forms', () => {
    const l = [-2, 0, 0.5, 3];
    const d = new Bernoulli(tensor(l));
    const x = [0, 1, 1, 0];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expectClose(arr(d.logProb(tensor(x))), l.map((v, i) => (x[i] ? Math.log(sig(v)) : Math.log(1 - sig(v)))));
    expectClose(arr(d.mean()), l.map(sig));
    expect(arr(d.mode())).toEqual([0, 0, 1, 1]);
    expectClose(arr(d.entropy()), l.map((v) => -(sig(v) * Math.log(sig(v)) + (1 - sig(v)) * Math.log(1 - sig(v)))));
  });

  it('logProb stays finite (and exact) for large |logits|', () => {
    const d = new Bernoulli(tensor([100, -100, 1000, -1000]));
    const lp1 = arr(d.logProb(tensor([1, 1, 1, 1])));
    const lp0 = arr(d.logProb(tensor([0, 0, 0, 0])));
    expect([...lp1, ...lp0].every(Number.isFinite)).toBe(true);
    expectClose(lp1, [0, -100, 0, -1000]);
    expectClose(lp0, [-100, 0, -1000, 0]);
    const { grads } = valueAndGrad((l: Tensor) => sum(new Bernoulli(l).logProb(tensor([0, 1, 1, 0]))), tensor([100, -100, 1000, -1000]));
    expectClose(arr(grads), [-1, 1, 0, 0]);
  });

  it('samples have frequency sigmoid(logits)', () => {
    const d = new Bernoulli(tensor([0.4]));
    const freq = arr(d.sample(key, [10_000])).reduce((a, b) => a + b, 0) / 10_000;
    const p = 1 / (1 + Math.exp(-0.4));
    expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 10_000));
  });
});

describe('memory', () => {
  it('distribution methods release their intermediates', () => {
    const loc = tensor([[0.1, 0.2]]);
    const scale = tensor([[1, 2]]);
    const before = memory().tensors;
    const out = tidy(() => {
      const d = new TanhNormal(loc, scale);
      return [d.logProb(d.sample(key)), d.entropy(key), d.mode(key)];
    });
    expect(memory().tensors - before).toBe(3);
    dispose(out);
    expect(memory().tensors).toBe(before);
  });
});
