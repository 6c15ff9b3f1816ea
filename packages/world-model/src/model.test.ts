import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, dispose, floor, full, memory, ones, randomNormal, randomUniform, tensor, tidy, valueAndGrad, zeros } from '@dreamer/tensor';
import { countParams, flattenParams } from '@dreamer/nn';
import { type Batch, TF2_WORLD_MODEL, freeNatsDivergence, postprocessImage, preprocessImage, readMetrics, worldModel } from './index.ts';

const image64 = { image: { shape: [64, 64, 3], dtype: 'uint8' } };
const box6 = { kind: 'continuous' as const, shape: [6] };
const key = RandomKey.fromSeed(0);

describe('parameter counts', () => {
  it('the seed-size image model with a 6-dim action, piece by piece', () => {
    const wm = worldModel(image64, box6);
    const p = wm.init(key);
    // Encoder: 4·4·3·32+32 + 4·4·32·64+64 + 4·4·64·128+128 + 4·4·128·256+256 = 1,568 + 32,832 + 131,200 + 524,544.
    expect(countParams(p.encoder)).toBe(690_144);
    const rssm = Object.fromEntries(Object.entries(p.rssm).map(([k, v]) => [k, countParams(v)]));
    expect(rssm).toEqual({
      prior_in0: (30 + 6) * 200 + 200, // 7,400: [stoch, action] → hidden
      prior_hidden0: 200 * 200 + 200, // 40,200: deter → hidden (future_rnn)
      prior_mean: 200 * 30 + 30, // 6,030
      prior_std: 200 * 30 + 30,
      post_hidden0: (200 + 1024) * 200 + 200, // 245,000: [deter, embed] → hidden
      post_mean: 200 * 30 + 30,
      post_std: 200 * 30 + 30,
      cell: 3 * 200 * (200 + 200) + 3 * 200, // 240,600: GRUBlockCell, W_ru [400, 400] + W_c [400, 200] + biases
    });
    expect(countParams(p.rssm)).toBe(557_320);
    // Decoder: 230·1024+1024 + 5·5·1024·128+128 + 5·5·128·64+64 + 6·6·64·32+32 + 6·6·32·3+3.
    expect(countParams(p.heads.image)).toBe(236_544 + 3_276_928 + 204_864 + 73_760 + 3_459);
    expect(countParams(p.heads.image)).toBe(3_795_555);
    // Reward: 230·400+400 + 400·400+400 + 400+1.
    expect(countParams(p.heads.reward)).toBe(92_400 + 160_400 + 401);
    // pcont (3 layers, Bernoulli): 230·400+400 + 2·(400·400+400) + 401.
    expect(countParams(p.heads.pcont)).toBe(413_601);
    // The gradient-trained world model. The reference's 5,296,820 is TF2's: its Keras GRU
    // carries two bias rows (6·200 = 1,200) where GRUBlockCell has one bias per gate (3·200 = 600),
    // so the TF1 model has 600 fewer. The seed also always builds the stop-gradient pcont head.
    const model = countParams(p.encoder) + countParams(p.rssm) + countParams(p.heads.image) + countParams(p.heads.reward);
    expect(model).toBe(5_296_820 - 600);
    expect(countParams(p)).toBe(5_296_220 + 413_601);
    dispose(p);
  });

  it('with TF2 choices (Keras GRU, no pcont head) the total is the reference’s 5,296,820', () => {
    const wm = worldModel(image64, box6, TF2_WORLD_MODEL);
    const p = wm.init(key);
    expect(countParams(p.rssm.cell)).toBe(241_200);
    expect(countParams(p)).toBe(5_296_820);
    dispose(p);
  });

  it('proprio: MLP encoder over the concatenated vectors, a Dense head per key', () => {
    const spaces = { position: { shape: [4], dtype: 'float32' }, velocity: { shape: [3], dtype: 'float32' } };
    const wm = worldModel(spaces, { kind: 'discrete', n: 3 }, { observation: 'proprio', pcont: false });
    const p = wm.init(key);
    expect(wm.gradientHeads).toEqual(['position', 'velocity', 'reward']);
    // 3 × Dense(300, relu) from 4+3 inputs: 7·300+300 + 2·(300·300+300).
    expect(countParams(p.encoder)).toBe(2_400 + 2 * 90_300);
    expect(countParams(p.rssm.post_hidden0)).toBe((200 + 300) * 200 + 200);
    expect(countParams(p.rssm.prior_in0)).toBe((30 + 3) * 200 + 200);
    // 3 × Dense(400, elu) then Dense(D): 230·400+400 + 2·160,400 + 400·D+D.
    expect(countParams(p.heads.position)).toBe(92_400 + 320_800 + 1_604);
    expect(countParams(p.heads.velocity)).toBe(92_400 + 320_800 + 1_203);
    dispose(p);
  });

  it('proprio models train: vector targets are predicted, discrete actions come one-hot', async () => {
    const spaces = { position: { shape: [4], dtype: 'float32' }, velocity: { shape: [3], dtype: 'float32' } };
    const wm = worldModel(spaces, { kind: 'discrete', n: 3 }, { observation: 'proprio', deter: 8, stoch: 4, hidden: 8, units: 16, encoderUnits: 16 });
    const p = wm.init(key);
    const state = wm.initOptState(p);
    const k = RandomKey.fromSeed(5).split(3);
    const batch = tidy(() => ({
      obs: { position: randomNormal(k[0], [2, 3, 4]), velocity: randomNormal(k[1], [2, 3, 3]) },
      action: tensor(Array.from({ length: 18 }, (_, i) => (i % 3 === 1 ? 1 : 0)), [2, 3, 3]),
      reward: randomNormal(k[2], [2, 3]),
      discount: ones([2, 3]),
    }));
    const out = wm.trainStep(p, state, batch, key);
    const m = await readMetrics(out.metrics);
    expect(m['objectives/position']).toBeLessThan(0);
    expect(m['objectives/velocity']).toBeLessThan(0);
    expect(m['optimizer_model/grad_norm']).toBeGreaterThan(0);
    dispose([p, state, batch, out.params, out.optState]);
  });
});

describe('spaces the architecture cannot take', () => {
  it('an image that is not 64×64×C', () => {
    expect(() => worldModel({ image: { shape: [84, 84, 3], dtype: 'uint8' } }, box6)).toThrow(/'image' has shape \[84, 84, 3\].*64×64×C/);
    expect(() => worldModel({ image: { shape: [64, 64], dtype: 'uint8' } }, box6)).toThrow(/\[64, 64\]/);
  });
  it('no image for the conv encoder, vectors that are not flat, odd action spaces', () => {
    expect(() => worldModel({ state: { shape: [5], dtype: 'float32' } }, box6)).toThrow(/'image' is required.*\[state\].*proprio/);
    expect(() => worldModel({ grid: { shape: [10, 10, 4], dtype: 'float32' } }, box6, { observation: 'proprio' })).toThrow(/'grid' has shape \[10, 10, 4\].*flat/);
    expect(() => worldModel(image64, { kind: 'continuous', shape: [2, 3] })).toThrow(/shape \[2, 3\].*\[A\]/);
    expect(() => worldModel(image64, { kind: 'discrete', n: 1 })).toThrow(/n ≥ 2/);
    expect(() => worldModel(image64, box6, { gradientHeads: ['image', 'depth'] })).toThrow(/'depth' does not exist/);
  });
  it('batches that do not match the spaces', () => {
    const wm = worldModel(image64, box6, { cnnDepth: 1, deter: 4, stoch: 2, hidden: 4, units: 4 });
    const p = wm.init(key);
    const batch = tinyBatch(2, 3, 3, 6);
    expect(() => wm.loss(p, { ...batch, obs: { image: zeros([2, 3, 32, 32, 3]) } }, key)).toThrow(/batch.obs.image has shape \[2, 3, 32, 32, 3\]; expected \[2, 3, 64, 64, 3\]/);
    expect(() => wm.loss(p, { ...batch, discount: undefined }, key)).toThrow(/batch.discount \[B, T\] is required by the pcont head/);
    expect(() => wm.loss(p, { ...batch, reward: zeros([2, 4]) }, key)).toThrow(/batch.reward has shape \[2, 4\]/);
    dispose([p, batch]);
  });
});

describe('image preprocessing', () => {
  const pixels = tensor([0, 1, 127, 128, 254, 255], [6]);
  it('8 bits with dequantisation noise: pixel p lands in [p/256 − ½, (p+1)/256 − ½)', () => {
    const draws = 2000;
    const x = preprocessImage(tensor(Array.from({ length: draws }, (_, i) => [0, 255, 77][i % 3]), [draws]), key, { dtype: 'f64' }).dataSync();
    for (let i = 0; i < draws; i++) {
      const p = [0, 255, 77][i % 3];
      expect(x[i]).toBeGreaterThanOrEqual(p / 256 - 0.5);
      expect(x[i]).toBeLessThan((p + 1) / 256 - 0.5);
    }
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...x)).toBeLessThan(0.5);
    // the noise is uniform within the bin: its mean offset ≈ 1/512
    let offset = 0;
    for (let i = 0; i < draws; i++) offset += x[i] - ([0, 255, 77][i % 3] / 256 - 0.5);
    expect(offset / draws).toBeCloseTo(1 / 512, 3);
    // and postprocessing recovers the bin
    expect(Array.from(postprocessImage(preprocessImage(pixels, key)).dataSync())).toEqual([0, 1, 127, 128, 254, 255].map((p) => p / 256));
  });
  it('without noise (TF2): x/255 − ½, exactly [−½, ½]', () => {
    expect(Array.from(preprocessImage(pixels, null, { noise: false, dtype: 'f64' }).dataSync())).toEqual([0, 1, 127, 128, 254, 255].map((p) => p / 255 - 0.5));
  });
  it('fewer bits bin first (PlaNet used 5)', () => {
    const x = preprocessImage(tensor([0, 7, 8, 255], [4]), key, { bits: 5, dtype: 'f64' }).dataSync();
    expect(Array.from(x, (v) => Math.floor((v + 0.5) * 32))).toEqual([0, 0, 1, 31]);
  });
});

describe('free nats', () => {
  const kl = tensor([0.5, 2, 4, 7], [4], 'f64');
  const value = (mode: 'step' | 'mean', free: number) => freeNatsDivergence(kl, free, mode).dataSync()[0];
  const gradient = (mode: 'step' | 'mean', free: number) => Array.from(valueAndGrad((k: Tensor) => freeNatsDivergence(k, free, mode), kl).grads.dataSync());
  it("TF1 'step': mean_t max(0, KL_t − 3); only steps above the allowance get a gradient", () => {
    expect(value('step', 3)).toBeCloseTo((0 + 0 + 1 + 4) / 4, 12);
    expect(gradient('step', 3)).toEqual([0, 0, 0.25, 0.25]);
    expect(value('step', 0)).toBeCloseTo(13.5 / 4, 12);
    expect(value('step', 10)).toBe(0);
    expect(gradient('step', 10)).toEqual([0, 0, 0, 0]);
  });
  it("TF2 'mean': max(mean KL, 3); all steps or none", () => {
    expect(value('mean', 3)).toBeCloseTo(3.375, 12);
    expect(gradient('mean', 3)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(value('mean', 4)).toBe(4);
    expect(gradient('mean', 4)).toEqual([0, 0, 0, 0]);
  });
  it('in the model: objectives/divergence is the clamped term, closedloop/state/divergence the raw mean KL', async () => {
    const wm = worldModel(image64, box6, { cnnDepth: 1, deter: 4, stoch: 2, hidden: 4, units: 4, freeNats: 1e6 });
    const p = wm.init(key);
    const batch = tinyBatch(2, 3, 3, 6);
    const m = await readMetrics(tidy(() => wm.loss(p, batch, key).metrics));
    expect(m['objectives/divergence']).toBe(0);
    expect(m['closedloop/state/divergence']).toBeGreaterThan(0);
    dispose([p, batch]);
  });
});

function tinyBatch(b: number, t: number, channels: number, actions: number): Batch {
  const k = RandomKey.fromSeed(3).split(3);
  return tidy(() => ({
    obs: { image: floor(randomUniform(k[0], [b, t, 64, 64, channels], { high: 256 })) },
    action: randomUniform(k[1], [b, t, actions], { low: -1, high: 1 }),
    reward: randomNormal(k[2], [b, t]),
    discount: ones([b, t]),
  }));
}

describe('trainStep', () => {
  it('frees everything it does not return, and fits a fixed batch', async () => {
    const wm = worldModel(image64, box6, { cnnDepth: 2, deter: 8, stoch: 4, hidden: 8, units: 16 });
    let params = wm.init(key);
    let state = wm.initOptState(params);
    const batch = tinyBatch(2, 4, 3, 6);
    const live: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const out = wm.trainStep(params, state, batch, RandomKey.fromSeed(1).foldIn(i));
      const m = await readMetrics(out.metrics);
      dispose([params, state]);
      ({ params, optState: state } = out);
      live.push(memory().tensors);
      losses.push(m['objectives/model']);
      expect(m['optimizer_model/grad_norm']).toBeGreaterThan(0);
      expect(m['optimizer_pcont/grad_norm']).toBeGreaterThan(0);
      expect(Object.keys(m)).toContain('closedloop/state/posterior_entropy');
    }
    expect(new Set(live).size).toBe(1);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    dispose([params, state, batch]);
  });

  it('the pcont head reads stop-gradient features: its targets move its own gradient only', () => {
    const wm = worldModel(image64, box6, { cnnDepth: 1, deter: 4, stoch: 2, hidden: 4, units: 4 });
    const p = wm.init(key);
    const batch = tinyBatch(1, 2, 3, 6);
    const terminal = { ...batch, discount: full([1, 2], 0) };
    const grad = (b: Batch) => valueAndGrad((q: typeof p) => wm.loss(q, b, key).loss, p).grads;
    const [g1, g0] = [grad(batch), grad(terminal)];
    const leaf = (g: typeof g1, path: string) => Array.from(new Map(flattenParams(g)).get(path)!.dataSync());
    expect(leaf(g1, 'encoder/conv0/kernel')).toEqual(leaf(g0, 'encoder/conv0/kernel'));
    expect(leaf(g1, 'rssm/post_mean/kernel')).toEqual(leaf(g0, 'rssm/post_mean/kernel'));
    expect(leaf(g1, 'heads/pcont/out/bias')).not.toEqual(leaf(g0, 'heads/pcont/out/bias'));
    dispose([p, g1, g0, batch, terminal.discount]);
  });
});
