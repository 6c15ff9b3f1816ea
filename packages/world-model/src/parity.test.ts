// One world-model step against an independent float64 reference (src/test/reference.ts: plain
// loops, one sequence and step at a time, no engine, no autodiff) on the same weights, batch and
// noise. Losses must agree to float64 rounding; every parameter leaf's gradient is checked at
// sampled entries against central finite differences of the reference — of the model loss for
// the encoder, RSSM and gradient heads, of the head's own loss for stop-gradient heads (so a
// missing stop-gradient would show up as a mismatch).
import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, add, mul, randomNormal, randomUniform, floor, tensor, tidy, valueAndGrad, dispose } from '@dreamer/tensor';
import { flattenParams, mapParams } from '@dreamer/nn';
import { type Batch, type WorldModelConfig, type WorldModelParams, preprocessImage, worldModel } from './index.ts';
import { type ReferenceBatch, type ReferenceConfig, type Weights, worldModelLossRef } from './test/reference.ts';

const rows = (t: Tensor): Float64Array => Float64Array.from(t.dataSync() as ArrayLike<number>);

/** Splits [B, T, …] data into [B][T] vectors. */
function perStep(t: Tensor): Float64Array[][] {
  const [b, n] = t.shape;
  const size = t.size / (b * n);
  const data = rows(t);
  return Array.from({ length: b }, (_, i) => Array.from({ length: n }, (_, j) => data.slice((i * n + j) * size, (i * n + j + 1) * size)));
}

interface Setup {
  config: Partial<WorldModelConfig>;
  ref: Omit<ReferenceConfig, 'freeNats' | 'freeNatsMode'>;
}

const tiny = (gru: 'block' | 'keras'): Setup => ({
  config: { dtype: 'f64', deter: 6, stoch: 3, hidden: 5, units: 7, headLayers: 2, rewardLayers: 2, pcontLayers: 2, cnnDepth: 2, gru },
  ref: { deter: 6, stoch: 3, hidden: 5, minStd: 0.1, gru, act: 'elu', depth: 2, channels: 1, rewardLayers: 2, pcontLayers: 2, divergenceScale: 1, pcontTarget: 0.99, pcontScale: 1, pcontGradient: false },
});

const B = 2;
const T = 3;
const A = 2;

function makeBatch(dtype: 'f32' | 'f64', channels: number, b = B, t = T, a = A): Batch {
  const k = RandomKey.fromSeed(11).split(4);
  return tidy(() => ({
    obs: { image: floor(randomUniform(k[0], [b, t, 64, 64, channels], { high: 256, dtype })) },
    action: randomUniform(k[1], [b, t, a], { low: -1, high: 1, dtype }),
    reward: randomNormal(k[2], [b, t], { dtype }),
    // one true terminal, so the pcont target is not constant
    discount: tensor(Array.from({ length: b * t }, (_, i) => (i === t - 1 ? 0 : 1)), [b, t], dtype),
  }));
}

/** The implementation's own draws, recreated from the documented key splits (model.ts, rssm.ts). */
function referenceBatch(batch: Batch, key: RandomKey, c: WorldModelConfig): ReferenceBatch {
  const [imageKey, stateKey] = key.split(2);
  const [b, t] = batch.action.shape;
  const image = preprocessImage(batch.obs.image, imageKey, { bits: c.imageBits, noise: c.imageNoise, dtype: c.dtype });
  const stepKeys = stateKey.split(t);
  // ε_t = randomNormal(postKey_t, [B, stoch]) with [postKey_t, priorKey_t] = stateKey.split(T)[t].split(2)
  const eps = stepKeys.map((k) => rows(randomNormal(k.split(2)[0], [b, c.stoch], { dtype: c.dtype })));
  return {
    B: b,
    T: t,
    image: perStep(image),
    action: perStep(batch.action),
    reward: perStep(batch.reward).map((r) => r.map((x) => x[0])),
    discount: perStep(batch.discount!).map((r) => r.map((x) => x[0])),
    eps: Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, j) => eps[j].slice(i * c.stoch, (i + 1) * c.stoch))),
  };
}

const weightsOf = (params: WorldModelParams): Weights => new Map(flattenParams(params).map(([n, x]) => [n, rows(x)]));

/** Generic point: biases start at 0 or 1, so give every leaf a little noise. */
function jitter(params: WorldModelParams, key: RandomKey): WorldModelParams {
  return tidy(() => mapParams(params, (x, path) => add(x, mul(randomNormal(key.foldIn(path.length * 7919 + x.size), x.shape, { dtype: x.dtype }), path.endsWith('bias') || path.includes('bias_') ? 0.1 : 0.01))));
}

function check(setup: Setup, freeNatsMode: 'step' | 'mean', overrides: Partial<WorldModelConfig> = {}, pcontGradient = false, pcontScale = 1) {
  const spaces = { image: { shape: [64, 64, 1], dtype: 'uint8' } };
  const action = { kind: 'continuous' as const, shape: [A] };
  const key = RandomKey.fromSeed(5);
  const base = worldModel(spaces, action, { ...setup.config, ...overrides, freeNats: 0, freeNatsMode });
  const raw = base.init(RandomKey.fromSeed(3));
  const params = jitter(raw, RandomKey.fromSeed(4));
  dispose(raw);
  const batch = makeBatch('f64', 1);
  const refBatch = referenceBatch(batch, key, base.config);
  const weights = weightsOf(params);
  const refConfig = (freeNats: number): ReferenceConfig => ({ ...setup.ref, freeNats, freeNatsMode, pcontGradient, pcontScale });
  // A threshold between two per-step KLs, so that some steps are clamped and some are not.
  const kls = [...worldModelLossRef(weights, refBatch, refConfig(0)).kl].sort((a, b) => a - b);
  const freeNats = freeNatsMode === 'step' ? (kls[2] + kls[3]) / 2 : 0.5 * kls[0];
  const wm = worldModel(spaces, action, { ...setup.config, ...overrides, freeNats, freeNatsMode });
  const ref = worldModelLossRef(weights, refBatch, refConfig(freeNats));
  if (freeNatsMode === 'step') expect(ref.kl.filter((k) => k < freeNats).length).toBe(3);

  const { grads, aux } = valueAndGrad((p: WorldModelParams) => {
    const out = wm.loss(p, batch, key);
    return { loss: out.loss, aux: out.metrics };
  }, params);
  const metric = (name: string) => aux![name].dataSync()[0];
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  expect(rel(metric('objectives/divergence'), ref.divergence)).toBeLessThan(1e-10);
  expect(rel(metric('objectives/image'), ref.image)).toBeLessThan(1e-10);
  expect(rel(metric('objectives/reward'), ref.reward)).toBeLessThan(1e-10);
  expect(rel(metric('objectives/pcont'), ref.pcont)).toBeLessThan(1e-10);
  expect(rel(metric('objectives/model'), ref.model)).toBeLessThan(1e-10);
  expect(rel(metric('closedloop/state/divergence'), ref.kl.reduce((s, v) => s + v, 0) / ref.kl.length)).toBeLessThan(1e-10);

  // Central differences cross ReLU kinks now and then (thousands of units shift with each
  // weight), and rounding limits how small h can be, so a mismatch is retried at smaller steps:
  // a wrong gradient fails at every step size.
  let seed = 12345;
  const pick = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  let checked = 0;
  for (const [name, g] of flattenParams(grads)) {
    const side = name.startsWith('heads/') && !wm.gradientHeads.includes(name.split('/')[1]);
    const objective = (r: ReturnType<typeof worldModelLossRef>) => (side ? r.side : r.model);
    const values = weights.get(name)!;
    const grad = g.dataSync();
    const entries = new Set(Array.from({ length: Math.min(2, values.length) }, () => pick(values.length)));
    for (const i of entries) {
      const v = values[i];
      const tries: number[] = [];
      for (const h of [3e-6, 1e-6, 3e-7, 1e-7]) {
        values[i] = v + h;
        const up = objective(worldModelLossRef(weights, refBatch, refConfig(freeNats)));
        values[i] = v - h;
        const down = objective(worldModelLossRef(weights, refBatch, refConfig(freeNats)));
        values[i] = v;
        tries.push((up - down) / (2 * h));
        if (Math.abs(grad[i] - tries.at(-1)!) < 3e-6 + 1e-5 * Math.abs(grad[i])) break;
      }
      const fd = tries.at(-1)!;
      expect(Math.abs(grad[i] - fd), `${name}[${i}]: autodiff ${grad[i]} vs finite differences ${tries.join(', ')} (h = 3e-6, 1e-6, 3e-7, 1e-7)`).toBeLessThan(3e-6 + 1e-5 * Math.abs(grad[i]));
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(70); // two entries of each of the ~40 leaves
  dispose([params, grads, aux, batch]);
}

describe('world-model step vs the float64 reference', () => {
  it('TF1 seed: GRUBlockCell, per-step free nats (half the steps clamped), stop-gradient pcont head', () => {
    check(tiny('block'), 'step');
  });

  it('TF2 choices: Keras GRU, free nats on the mean, no image noise, pcont as a gradient head ×10', () => {
    check(tiny('keras'), 'mean', { imageNoise: false, gradientHeads: ['image', 'reward', 'pcont'], lossScales: { pcont: 10 } }, true, 10);
  });

  it('default (seed-size) model in float32 agrees with the reference on its weights', () => {
    const spaces = { image: { shape: [64, 64, 3], dtype: 'uint8' } };
    const wm = worldModel(spaces, { kind: 'continuous', shape: [6] });
    const params = wm.init(RandomKey.fromSeed(8));
    const batch = makeBatch('f32', 3, 1, 2, 6);
    const key = RandomKey.fromSeed(9);
    const ref = worldModelLossRef(weightsOf(params), referenceBatch(batch, key, wm.config), {
      deter: 200, stoch: 30, hidden: 200, minStd: 0.1, gru: 'block', act: 'elu', depth: 32, channels: 3, rewardLayers: 2, pcontLayers: 3,
      freeNats: 3, freeNatsMode: 'step', divergenceScale: 1, pcontTarget: 0.99, pcontScale: 1, pcontGradient: false,
    });
    const out = tidy(() => {
      const { metrics } = wm.loss(params, batch, key);
      return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v.dataSync()[0]]));
    });
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    expect(rel(out['objectives/image'], ref.image)).toBeLessThan(1e-5);
    expect(rel(out['objectives/reward'], ref.reward)).toBeLessThan(1e-5);
    expect(rel(out['objectives/pcont'], ref.pcont)).toBeLessThan(1e-5);
    expect(rel(out['closedloop/state/divergence'], ref.kl.reduce((s, v) => s + v, 0) / ref.kl.length)).toBeLessThan(1e-4);
    expect(out['objectives/divergence']).toBe(ref.divergence); // KL ≈ 1 < 3 free nats at init: both exactly 0
    dispose([params, batch]);
  });
});
