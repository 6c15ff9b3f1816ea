import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, concat, dispose, memory, mul, sum, tensor, tidy, valueAndGrad } from '@dreamer/tensor';
import {
  adam,
  clipByGlobalNorm,
  conv2dLayer,
  conv2dTransposeLayer,
  countParams,
  dense,
  flattenParams,
  glorotUniform,
  gruCell,
  mapParams,
  mlp,
  orthogonal,
  unflattenParams,
  type GRUBlockParams,
  type GRUKerasParams,
  type GRUCell,
} from './index.ts';

const key = RandomKey.fromSeed(0);
const arr = (t: Tensor) => Array.from(t.dataSync());

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tol * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
  }
}

describe('Dense', () => {
  it('computes act(x·W + b) on a hand example, for any leading axes', () => {
    const layer = dense(2, 2, { activation: 'relu' });
    const p = { kernel: tensor([[1, 2], [3, -4]]), bias: tensor([0.5, -1]) };
    // x = [1, 1]: [1+3+0.5, 2-4-1] = [4.5, -3] → relu [4.5, 0]
    // x = [2, -1]: [2-3+0.5, 4+4-1] = [-0.5, 7] → relu [0, 7]
    const y = layer.apply(p, tensor([[1, 1], [2, -1]]));
    expect(y.shape).toEqual([2, 2]);
    expectClose(arr(y), [4.5, 0, 0, 7]);
    const y3 = dense(2, 2, { activation: 'none' }).apply(p, tensor([[[1, 1]], [[2, -1]]]));
    expect(y3.shape).toEqual([2, 1, 2]);
    expectClose(arr(y3), [4.5, -3, -0.5, 7]);
    const yt = dense(2, 2, { activation: 'tanh' }).apply(p, tensor([[1, 1]]));
    expectClose(arr(yt), [Math.tanh(4.5), Math.tanh(-3)]);
    const ye = dense(2, 2, { activation: 'elu' }).apply(p, tensor([[1, 1]]));
    expectClose(arr(ye), [4.5, Math.expm1(-3)]);
    const ys = dense(2, 2, { activation: 'sigmoid' }).apply(p, tensor([[1, 1]]));
    expectClose(arr(ys), [1 / (1 + Math.exp(-4.5)), 1 / (1 + Math.exp(3))]);
  });

  it('initialises glorot-uniform kernels within ±sqrt(6/(in+out)) and zero biases', () => {
    const p = dense(30, 50).init(key);
    expect(p.kernel.shape).toEqual([30, 50]);
    const limit = Math.sqrt(6 / 80);
    const k = arr(p.kernel);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(arr(p.bias).every((v) => v === 0)).toBe(true);
    // Same key → same values; different key → different values.
    expect(arr(dense(30, 50).init(key).kernel)).toEqual(k);
    expect(arr(dense(30, 50).init(RandomKey.fromSeed(1)).kernel)).not.toEqual(k);
  });
});

describe('Conv2d / ConvTranspose2d', () => {
  it('conv: 3×3 input, 2×2 ones kernel, VALID stride 1, plus bias', () => {
    const layer = conv2dLayer(1, 1, 2);
    const p = { kernel: tensor([1, 1, 1, 1], [2, 2, 1, 1]), bias: tensor([0.5]) };
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    // windows: 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28
    const y = layer.apply(p, x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expectClose(arr(y), [12.5, 16.5, 24.5, 28.5]);
  });

  it('conv: SAME padding with stride 2 keeps ceil(H/2); filters [KH,KW,Cin,Cout]', () => {
    const layer = conv2dLayer(2, 3, 3, { strides: 2, padding: 'SAME', activation: 'relu' });
    const p = layer.init(key);
    expect(p.kernel.shape).toEqual([3, 3, 2, 3]);
    expect(layer.apply(p, tensor(new Float32Array(1 * 5 * 5 * 2).fill(1), [1, 5, 5, 2])).shape).toEqual([1, 3, 3, 3]);
  });

  it('transposed conv: a single pixel stamps the kernel, stride 2', () => {
    const layer = conv2dTransposeLayer(1, 1, 2, { strides: 2 });
    const p = { kernel: tensor([1, 2, 3, 4], [2, 2, 1, 1]), bias: tensor([1]) };
    // x = [[2, 10]] (1×2): output 2×4, each pixel stamps x·K at stride 2 without overlap.
    const y = layer.apply(p, tensor([2, 10], [1, 1, 2, 1]));
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expectClose(arr(y), [2 + 1, 4 + 1, 10 + 1, 20 + 1, 6 + 1, 8 + 1, 30 + 1, 40 + 1]);
    const l2 = conv2dTransposeLayer(4, 3, [5, 5], { strides: 2 });
    const p2 = l2.init(key);
    expect(p2.kernel.shape).toEqual([5, 5, 3, 4]); // TF layout [KH, KW, Cout, Cin]
    expect(l2.apply(p2, tensor(new Float32Array(2 * 4), [2, 1, 1, 4])).shape).toEqual([2, 5, 5, 3]);
    // SAME: output H·s
    const l3 = conv2dTransposeLayer(2, 3, 3, { strides: 2, padding: 'SAME' });
    expect(l3.apply(l3.init(key), tensor(new Float32Array(3 * 3 * 2), [1, 3, 3, 2])).shape).toEqual([1, 6, 6, 3]);
  });

  it('apply keeps only its output alive', () => {
    const layer = conv2dLayer(1, 2, 2, { activation: 'elu' });
    const p = layer.init(key);
    const x = tensor(new Float32Array(9).fill(1), [1, 3, 3, 1]);
    const before = memory().tensors;
    const y = layer.apply(p, x);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });
});

// ---- GRU reference in plain JS ------------------------------------------------------------
type Mat = number[][];
const matvec = (x: number[], w: Mat): number[] => w[0].map((_, j) => x.reduce((s, xi, i) => s + xi * w[i][j], 0));
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const toMat = (t: Tensor): Mat => t.arraySync() as Mat;

function blockGruJs(p: GRUBlockParams, x: number[], h: number[]): number[] {
  const n = h.length;
  const bru = arr(p.bias_ru);
  const ru = matvec([...x, ...h], toMat(p.kernel_ru)).map((v, j) => sig(v + bru[j]));
  const r = ru.slice(0, n);
  const u = ru.slice(n);
  const bc = arr(p.bias_c);
  const c = matvec([...x, ...h.map((hv, i) => r[i] * hv)], toMat(p.kernel_c)).map((v, j) => Math.tanh(v + bc[j]));
  return h.map((hv, i) => (1 - u[i]) * c[i] + u[i] * hv);
}

function kerasGruJs(p: GRUKerasParams, x: number[], h: number[]): number[] {
  const n = h.length;
  const b = toMat(p.bias);
  const xs = matvec(x, toMat(p.kernel)).map((v, j) => v + b[0][j]);
  const hs = matvec(h, toMat(p.recurrent_kernel)).map((v, j) => v + b[1][j]);
  return h.map((hv, i) => {
    const z = sig(xs[i] + hs[i]);
    const r = sig(xs[n + i] + hs[n + i]);
    const c = Math.tanh(xs[2 * n + i] + r * hs[2 * n + i]);
    return z * hv + (1 - z) * c;
  });
}

describe('GRUCell', () => {
  const X = [[0.3, -0.7, 1.1], [-1.2, 0.4, 0.05]];
  const H = [[0.2, -0.5], [0.9, 0.1]];

  it('block (TF1 GRUBlockCell) matches the hand formula; bias_ru = 1, bias_c = 0', () => {
    const cell = gruCell(3, 2, { dtype: 'f64' });
    const p = cell.init(key);
    expect(p.kernel_ru.shape).toEqual([5, 4]);
    expect(p.kernel_c.shape).toEqual([5, 2]);
    expect(arr(p.bias_ru)).toEqual([1, 1, 1, 1]);
    expect(arr(p.bias_c)).toEqual([0, 0]);
    // Non-trivial biases so their role is checked too.
    const q = { ...p, bias_ru: tensor([0.1, -0.2, 0.3, 0.9], [4], 'f64'), bias_c: tensor([-0.3, 0.2], [2], 'f64') };
    const y = cell.apply(q, tensor(X, [2, 3], 'f64'), tensor(H, [2, 2], 'f64'));
    expect(y.shape).toEqual([2, 2]);
    expectClose(arr(y), [...blockGruJs(q, X[0], H[0]), ...blockGruJs(q, X[1], H[1])], 1e-12);
    // 3·units·(inputs + units) + 3·units = 3·2·5 + 6 = 36
    expect(countParams(p)).toBe(36);
  });

  it('keras (reset_after=True) matches the hand formula; orthogonal recurrent kernel', () => {
    const cell = gruCell(3, 2, { variant: 'keras', dtype: 'f64' });
    const p = cell.init(key);
    expect(p.kernel.shape).toEqual([3, 6]);
    expect(p.recurrent_kernel.shape).toEqual([2, 6]);
    expect(p.bias.shape).toEqual([2, 6]);
    expect(arr(p.bias).every((v) => v === 0)).toBe(true);
    const q = { ...p, bias: tensor([[0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [0.2, 0.1, -0.3, 0.2, 0.5, -0.4]], [2, 6], 'f64') };
    const y = cell.apply(q, tensor(X, [2, 3], 'f64'), tensor(H, [2, 2], 'f64'));
    expectClose(arr(y), [...kerasGruJs(q, X[0], H[0]), ...kerasGruJs(q, X[1], H[1])], 1e-12);
    // Rows of the [2, 6] recurrent kernel are orthonormal.
    const r = toMat(p.recurrent_kernel);
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    expectClose([dot(r[0], r[0]), dot(r[0], r[1]), dot(r[1], r[1])], [1, 0, 1], 1e-12);
    // Keras count: 3u·in + 3u·u + 2·3u = 18 + 12 + 12 = 42; for 200→200: 120000+120000+1200 = 241,200.
    expect(countParams(p)).toBe(42);
    const big = gruCell(200, 200, { variant: 'keras', recurrentInit: glorotUniform });
    expect(countParams(big.init(key))).toBe(241_200);
    // Block cell 200→200: 3·200·400 + 3·200 = 240,000 + 600 = 240,600.
    expect(countParams(gruCell(200, 200).init(key))).toBe(240_600);
  });

  it.each(['block', 'keras'] as const)('%s-cell gradients match central finite differences (f64)', (variant) => {
    const cell = gruCell(3, 2, { variant, dtype: 'f64' }) as GRUCell<Record<string, Tensor>>;
    const p0 = cell.init(RandomKey.fromSeed(7));
    // non-zero biases everywhere so their gradients are exercised at a generic point
    const p = mapParams(p0, (t) => t.add(tensor(Array.from({ length: t.size }, (_, i) => 0.1 * Math.sin(i + 1)), t.shape, 'f64')));
    const x = tensor(X, [2, 3], 'f64');
    const h = tensor(H, [2, 2], 'f64');
    const w = tensor([[0.7, -1.3], [0.4, 2.0]], [2, 2], 'f64');
    // loss = Σ w ∘ h'  (depends on every parameter, including through two steps of recurrence)
    const loss = (q: Record<string, Tensor>) => sum(mul(cell.apply(q, x, cell.apply(q, x, h)), w));
    const { grads } = valueAndGrad(loss, p);
    const eps = 1e-6;
    for (const [name, t] of flattenParams(p)) {
      const base = arr(t);
      const g = arr((grads as Record<string, Tensor>)[name]);
      const fd = base.map((_, i) => {
        const plus = base.slice();
        plus[i] += eps;
        const minus = base.slice();
        minus[i] -= eps;
        const f = (vals: number[]) => tidy(() => loss({ ...p, [name]: tensor(vals, t.shape, 'f64') }).dataSync()[0]);
        return (f(plus) - f(minus)) / (2 * eps);
      });
      expectClose(g, fd, 1e-7);
    }
  });
});

describe('parameter counts (Dreamer, reference §1.2)', () => {
  it('conv encoder 32,64,128,256 k4 s2 from 3 channels = 690,144, 64×64 → 2×2×256', () => {
    const chans = [3, 32, 64, 128, 256];
    const layers = chans.slice(1).map((c, i) => conv2dLayer(chans[i], c, 4, { strides: 2, activation: 'relu' }));
    const keys = key.split(4);
    const p = Object.fromEntries(layers.map((l, i) => [`conv${i}`, l.init(keys[i])]));
    // (4·4·3·32 + 32) + (4·4·32·64 + 64) + (4·4·64·128 + 128) + (4·4·128·256 + 256)
    // = 1,568 + 32,832 + 131,200 + 524,544 = 690,144
    expect(countParams(p)).toBe(4 * 4 * 3 * 32 + 32 + (4 * 4 * 32 * 64 + 64) + (4 * 4 * 64 * 128 + 128) + (4 * 4 * 128 * 256 + 256));
    expect(countParams(p)).toBe(690_144);
    const y = tidy(() => layers.reduce((h, l, i) => l.apply(p[`conv${i}`], h), tensor(new Float32Array(64 * 64 * 3).fill(0.1), [1, 64, 64, 3])));
    expect(y.shape).toEqual([1, 2, 2, 256]);
    dispose([p, y]);
  });

  it('decoder Dense 230→1024, convT k5/128, k5/64, k6/32, k6/3 = 3,795,555, output 64×64×3', () => {
    const [k0, k1, k2, k3, k4] = key.split(5);
    const fc = dense(230, 1024);
    const ts = [
      conv2dTransposeLayer(1024, 128, 5, { strides: 2, activation: 'relu' }),
      conv2dTransposeLayer(128, 64, 5, { strides: 2, activation: 'relu' }),
      conv2dTransposeLayer(64, 32, 6, { strides: 2, activation: 'relu' }),
      conv2dTransposeLayer(32, 3, 6, { strides: 2 }),
    ];
    const p = { fc: fc.init(k0), t0: ts[0].init(k1), t1: ts[1].init(k2), t2: ts[2].init(k3), t3: ts[3].init(k4) };
    // (230·1024 + 1024) + (5·5·1024·128 + 128) + (5·5·128·64 + 64) + (6·6·64·32 + 32) + (6·6·32·3 + 3)
    // = 236,544 + 3,276,928 + 204,864 + 73,760 + 3,459 = 3,795,555
    expect(countParams(p)).toBe(230 * 1024 + 1024 + (5 * 5 * 1024 * 128 + 128) + (5 * 5 * 128 * 64 + 64) + (6 * 6 * 64 * 32 + 32) + (6 * 6 * 32 * 3 + 3));
    expect(countParams(p)).toBe(3_795_555);
    const y = tidy(() => {
      let h = fc.apply(p.fc, tensor(new Float32Array(230).fill(0.05), [1, 230])).reshape([1, 1, 1, 1024]);
      const shapes: number[][] = [];
      ts.forEach((l, i) => {
        h = l.apply(p[`t${i}` as 't0'], h);
        shapes.push([...h.shape]);
      });
      expect(shapes).toEqual([[1, 5, 5, 128], [1, 13, 13, 64], [1, 30, 30, 32], [1, 64, 64, 3]]);
      return h;
    });
    expect(y.shape).toEqual([1, 64, 64, 3]);
    dispose([p, y]);
  });

  it('reward head 230→400→400→1 = 253,201', () => {
    const p = mlp(230, [400, 400], 1).init(key);
    // (230·400 + 400) + (400·400 + 400) + (400·1 + 1) = 92,400 + 160,400 + 401
    expect(countParams(p)).toBe(230 * 400 + 400 + (400 * 400 + 400) + (400 + 1));
    expect(countParams(p)).toBe(253_201);
    dispose(p);
  });

  it('actor 4×400 elu + Dense(2·A), A = 6 → 578,412; value 3×400 + 1 → 413,601', () => {
    const actor = mlp(230, [400, 400, 400, 400], 2 * 6).init(key);
    // 92,400 + 3·160,400 + (400·12 + 12) = 92,400 + 481,200 + 4,812
    expect(countParams(actor)).toBe(230 * 400 + 400 + 3 * (400 * 400 + 400) + (400 * 12 + 12));
    expect(countParams(actor)).toBe(578_412);
    const value = mlp(230, [400, 400, 400], 1).init(key);
    // 92,400 + 2·160,400 + 401
    expect(countParams(value)).toBe(230 * 400 + 400 + 2 * (400 * 400 + 400) + 401);
    expect(countParams(value)).toBe(413_601);
    dispose([actor, value]);
  });
});

describe('trees', () => {
  it('flattenParams joins names with "/", mapParams keeps the structure, unflatten inverts', () => {
    const tree = { enc: { conv0: { kernel: tensor([1, 2]), bias: tensor([3]) } }, heads: [tensor([4]), tensor([5, 6])] };
    const flat = flattenParams(tree);
    expect(flat.map(([n]) => n)).toEqual(['enc/conv0/kernel', 'enc/conv0/bias', 'heads/0', 'heads/1']);
    expect(countParams(tree)).toBe(6);
    const doubled = mapParams(tree, (t) => mul(t, 2));
    expect(arr(doubled.heads[1])).toEqual([10, 12]);
    expect(arr(doubled.enc.conv0.kernel)).toEqual([2, 4]);
    const back = unflattenParams(flat) as { enc: { conv0: { bias: Tensor } } };
    expect(back.enc.conv0.bias).toBe(tree.enc.conv0.bias);
    expect(() => flattenParams({ 'a/b': tensor([1]) })).toThrow(/contains '\/'/);
  });

  it('valueAndGrad over one subtree leaves the rest constant', () => {
    const params = { actor: { w: tensor([2]) }, value: { w: tensor([3]) } };
    const { grads } = valueAndGrad((a: { w: Tensor }) => sum(mul(mul(a.w, a.w), params.value.w)), params.actor);
    expect(arr(grads.w)).toEqual([12]); // d/dw (w²·3) = 6w = 12
  });

  it('orthogonal gives QᵀQ = I for tall matrices', () => {
    const q = toMat(orthogonal()(key, [5, 3], 'f64'));
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const d = q.reduce((s, row) => s + row[a] * row[b], 0);
      expect(Math.abs(d - (a === b ? 1 : 0))).toBeLessThan(1e-12);
    }
  });
});

describe('Adam', () => {
  it('matches a hand-computed two-step example (TF form, ε = 1e-4 default)', () => {
    const opt = adam({ lr: 0.1 });
    expect(opt.options).toEqual({ lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-4 });
    let params = { w: tensor([1, -2], [2], 'f64') };
    let state = opt.init(params);
    const g1 = [0.5, -1];
    const g2 = [0.1, 0.2];
    // Step 1: m = 0.1·g1, v = 0.001·g1², lr_1 = 0.1·sqrt(1 − 0.999)/(1 − 0.9)
    const m1 = g1.map((g) => 0.1 * g);
    const v1 = g1.map((g) => 0.001 * g * g);
    const lr1 = (0.1 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const w1 = [1, -2].map((w, i) => w - (lr1 * m1[i]) / (Math.sqrt(v1[i]) + 1e-4));
    // Step 2: m = 0.9·m1 + 0.1·g2, v = 0.999·v1 + 0.001·g2², lr_2 = 0.1·sqrt(1 − 0.999²)/(1 − 0.9²)
    const m2 = m1.map((m, i) => 0.9 * m + 0.1 * g2[i]);
    const v2 = v1.map((v, i) => 0.999 * v + 0.001 * g2[i] * g2[i]);
    const lr2 = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const w2 = w1.map((w, i) => w - (lr2 * m2[i]) / (Math.sqrt(v2[i]) + 1e-4));
    // Numerically: step 1 moves each weight by ≈ lr·sign(g)·(|g|/(|g| + ε/√0.001·…)) ≈ 0.0998
    expectClose(w1, [1 - 0.0998, -2 + 0.0999], 1e-3);
    for (const [g, expectedW, expectedM, expectedV, expectedStep] of [
      [g1, w1, m1, v1, 1],
      [g2, w2, m2, v2, 2],
    ] as const) {
      const grads = { w: tensor(g, [2], 'f64') };
      const out = opt.update(grads, state, params);
      dispose([grads, params, state.m, state.v]);
      params = out.params;
      state = out.state;
      expect(state.step).toBe(expectedStep);
      expectClose(arr(state.m.w), expectedM, 1e-12);
      expectClose(arr(state.v.w), expectedV, 1e-12);
      expectClose(arr(params.w), expectedW, 1e-12);
    }
  });

  it('does not leak tensors', () => {
    const opt = adam();
    const params = { a: tensor([1, 2]), b: { c: tensor([[3]]) } };
    const state = opt.init(params);
    const grads = { a: tensor([0.1, 0.2]), b: { c: tensor([[0.3]]) } };
    const before = memory().tensors;
    const out = opt.update(grads, state, params);
    // exactly the new params (2) + m (2) + v (2)
    expect(memory().tensors - before).toBe(6);
    dispose([out.params, out.state.m, out.state.v]);
    expect(memory().tensors).toBe(before);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales by maxNorm/norm when the norm exceeds maxNorm and returns the norm', () => {
    const grads = { a: tensor([3, 0]), b: { c: tensor([[4]]) } }; // global norm 5
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 2.5);
    expectClose(arr(norm), [5]);
    expect(norm.shape).toEqual([]);
    expectClose(arr(clipped.a), [1.5, 0]);
    expectClose(arr(clipped.b.c), [2]);
  });

  it('leaves gradients unchanged below maxNorm', () => {
    const grads = [tensor([0.3]), tensor([0.4])];
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 100);
    expectClose(arr(norm), [0.5]);
    expectClose(arr(clipped[0]), [0.3]);
    expectClose(arr(clipped[1]), [0.4]);
    expect(() => clipByGlobalNorm(grads, 0)).toThrow(/maxNorm/);
  });
});

// keep `concat` import meaningful: a cell can consume concatenated inputs
describe('GRU batch of concatenated inputs', () => {
  it('accepts [x, a] concatenated on the last axis', () => {
    const cell = gruCell(4, 3);
    const p = cell.init(key);
    const y = cell.apply(p, concat([tensor([[1, 2]]), tensor([[3, 4]])], -1), tensor([[0, 0, 0]]));
    expect(y.shape).toEqual([1, 3]);
  });
});
