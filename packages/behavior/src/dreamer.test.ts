import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, dispose, floor, memory, ones, oneHot, randomNormal, randomUniform, tensor, tidy, zeros, full, argmax } from '@dreamer/tensor';
import { countParams, flattenParams, mapParams } from '@dreamer/nn';
import { OneHotCategorical, TanhNormal } from '@dreamer/distributions';
import { type Batch, readMetrics } from '@dreamer/world-model';
import { BEHAVIOR_DEFAULTS, type DreamerParams, actor, dreamer, valueHead } from './index.ts';

const key = RandomKey.fromSeed(0);
const image = (c = 3) => ({ image: { shape: [64, 64, c], dtype: 'uint8' } });
const tinyModel = { cnnDepth: 2, deter: 8, stoch: 4, hidden: 8, units: 16 };
const tinyBehavior = { units: 16, horizon: 4 };

describe('actor and value heads', () => {
  it('parameter counts (230 features, the seed’s 400 units)', () => {
    // Actor, 6-dim box: 230·400+400 + 3·(400·400+400) + 2·(400·6+6) (mean and std layers).
    const box = actor(230, { kind: 'continuous', shape: [6] }, BEHAVIOR_DEFAULTS).init(key);
    expect(countParams(box)).toBe(92_400 + 3 * 160_400 + 2 * 2_406);
    expect(countParams(box)).toBe(578_412);
    // Actor, 9 discrete actions: the same trunk, then Dense(9) logits.
    expect(countParams(actor(230, { kind: 'discrete', n: 9 }, BEHAVIOR_DEFAULTS).init(key))).toBe(92_400 + 3 * 160_400 + 3_609);
    // Value: 230·400+400 + 2·(400·400+400) + 401.
    expect(countParams(valueHead(230, BEHAVIOR_DEFAULTS).init(key))).toBe(413_601);
  });

  it('tanh-Normal: std starts at 5 (+1e-4) and the pre-tanh mean stays within ±5', () => {
    const pi = actor(3, { kind: 'continuous', shape: [2] }, BEHAVIOR_DEFAULTS);
    const zero = tidy(() => mapParams(pi.init(key), (x) => zeros(x.shape)));
    const dist = pi.dist(zero, tensor([[0.3, -1, 2]])) as TanhNormal;
    expect(dist).toBeInstanceOf(TanhNormal);
    Array.from(dist.base.scale.dataSync()).forEach((s) => expect(s).toBeCloseTo(5 + 1e-4, 5));
    Array.from(dist.base.loc.dataSync()).forEach((m) => expect(m).toBe(0));
    const big = tidy(() => mapParams(pi.init(key), (x) => full(x.shape, 50)));
    Array.from((pi.dist(big, tensor([[1, 1, 1]])) as TanhNormal).base.loc.dataSync()).forEach((m) => expect(m).toBeCloseTo(5, 4));
    const sample = dist.sample(key, [1000]).dataSync();
    expect(Math.max(...Array.from(sample, Math.abs))).toBeLessThanOrEqual(1);
    dispose([zero, big]);
  });

  it('discrete actions: one-hot categorical with the seed’s score-function gradient by default', () => {
    const pi = actor(3, { kind: 'discrete', n: 4 }, BEHAVIOR_DEFAULTS);
    const dist = pi.dist(pi.init(key), tensor([[0.3, -1, 2]])) as OneHotCategorical;
    expect(dist).toBeInstanceOf(OneHotCategorical);
    expect(dist.gradient).toBe('score');
    expect(dist.classes).toBe(4);
  });
});

function batchFor(b: number, t: number, channels: number, action: Tensor): Batch {
  const k = RandomKey.fromSeed(7).split(2);
  return tidy(() => ({
    obs: { image: floor(randomUniform(k[0], [b, t, 64, 64, channels], { high: 256 })) },
    action,
    reward: randomNormal(k[1], [b, t]),
    discount: ones([b, t]),
  }));
}

const leaves = (p: DreamerParams) => new Map(flattenParams(p).map(([n, x]) => [n, Array.from(x.dataSync())]));

describe('trainStep', () => {
  it('updates model, actor and value with the seed’s metric names, and leaks nothing', async () => {
    const agent = dreamer(image(), { kind: 'continuous', shape: [2] }, { model: tinyModel, behavior: tinyBehavior });
    let params = agent.init(key);
    let state = agent.initOptState(params);
    const batch = batchFor(2, 3, 3, randomUniform(RandomKey.fromSeed(8), [2, 3, 2], { low: -1, high: 1 }));
    const before = leaves(params);
    const live: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = agent.trainStep(params, state, batch, RandomKey.fromSeed(9).foldIn(i));
      const m = await readMetrics(out.metrics);
      dispose([params, state]);
      ({ params, optState: state } = out);
      live.push(memory().tensors);
      expect(Object.keys(m).sort()).toEqual(
        [
          'objectives/divergence', 'objectives/image', 'objectives/reward', 'objectives/pcont', 'objectives/model', 'objectives/action', 'objectives/value',
          'closedloop/state/prior_entropy', 'closedloop/state/prior_std', 'closedloop/state/posterior_entropy', 'closedloop/state/posterior_std', 'closedloop/state/divergence',
          ...['model', 'pcont', 'action', 'value'].flatMap((o) => [`optimizer_${o}/grad_norm`, `optimizer_${o}/clipped_gradient_norm`]),
        ].sort(),
      );
      for (const o of ['model', 'pcont', 'action', 'value']) expect(m[`optimizer_${o}/grad_norm`]).toBeGreaterThan(0);
      expect(Object.values(m).every(Number.isFinite)).toBe(true);
    }
    expect(new Set(live).size).toBe(1);
    const after = leaves(params);
    for (const name of ['model/encoder/conv0/kernel', 'model/rssm/cell/kernel_ru', 'model/heads/image/deconv3/bias', 'model/heads/pcont/out/bias', 'actor/mean/kernel', 'actor/std/bias', 'value/out/bias']) {
      expect(after.get(name), name).not.toEqual(before.get(name));
    }
    expect(state.actor.step).toBe(3);
    dispose([params, state, batch]);
  });

  it('discrete actions (one-hot) and the pcont preset with imagination_skip_last', async () => {
    const agent = dreamer(image(1), { kind: 'discrete', n: 3 }, {
      model: { ...tinyModel, gradientHeads: ['image', 'reward', 'pcont'] },
      behavior: { ...tinyBehavior, skipLast: 1, actionLossPcont: true, valueLossPcont: true, actionDiscount: 1, valueDiscount: 1 },
    });
    const params = agent.init(key);
    const state = agent.initOptState(params);
    const actions = tidy(() => oneHot(argmax(randomUniform(RandomKey.fromSeed(3), [2, 3, 3]), -1), 3));
    const batch = batchFor(2, 3, 1, actions);
    const out = agent.trainStep(params, state, batch, key);
    const m = await readMetrics(out.metrics);
    expect(m['optimizer_action/grad_norm']).toBeGreaterThan(0);
    expect(m['optimizer_pcont/grad_norm']).toBeUndefined(); // pcont is a gradient head here
    dispose([params, state, out.params, out.optState, batch]);
  });

  it('actor: false keeps the actor (same tensors, Adam state untouched) while model and value learn', async () => {
    const agent = dreamer(image(), { kind: 'continuous', shape: [2] }, { model: tinyModel, behavior: tinyBehavior });
    const params = agent.init(key);
    const state = agent.initOptState(params);
    const batch = batchFor(2, 3, 3, randomUniform(RandomKey.fromSeed(8), [2, 3, 2], { low: -1, high: 1 }));
    const before = leaves(params);
    const out = agent.trainStep(params, state, batch, key, { actor: false });
    const m = await readMetrics(out.metrics);
    expect(out.params.actor).toBe(params.actor);
    expect(out.optState.actor).toBe(state.actor);
    expect(m['optimizer_action/grad_norm']).toBeUndefined();
    expect(Number.isFinite(m['objectives/action'])).toBe(true);
    const after = leaves(out.params);
    for (const name of ['model/rssm/cell/kernel_ru', 'value/out/bias']) expect(after.get(name), name).not.toEqual(before.get(name));
    dispose([out.params.model, out.params.value, out.optState.model, out.optState.value, params, state, batch]);
  });

  it('actionEntropy: the actor objective gains η × the weighted mean one-draw entropy of π', async () => {
    const make = (actionEntropy: number) => dreamer(image(), { kind: 'continuous', shape: [2] }, { model: tinyModel, behavior: { ...tinyBehavior, actionEntropy } });
    const plain = make(0);
    const params = plain.init(key);
    const start = tidy(() => plain.worldModel.rssm.initialState(3));
    const objective = async (agent: ReturnType<typeof make>) => {
      const out = agent.behaviorObjectives(params, params.actor, start, RandomKey.fromSeed(5));
      const m = await readMetrics(out.metrics);
      dispose([out.actorLoss, out.valueTargets]);
      return m;
    };
    const base = await objective(plain);
    const bonus = await objective(make(0.5));
    expect(base['behavior/action_entropy']).toBeUndefined();
    // The same key draws the same actions, so only the bonus differs. With std ≈ 5 the one-draw
    // estimate of a 2-dim tanh-Normal's entropy is well below its maximum of 2·log 2.
    const entropy = bonus['behavior/action_entropy'];
    expect(entropy).toBeLessThan(2 * Math.log(2));
    expect(bonus['objectives/action']).toBeCloseTo(base['objectives/action'] + 0.5 * entropy, 4);
    expect(() => make(-1)).toThrow(/actionEntropy: got -1/);
    dispose([params, start]);
  });

  it('rejects configurations and batches it cannot train on', () => {
    expect(() => dreamer(image(), { kind: 'continuous', shape: [2] }, { model: { ...tinyModel, pcont: false }, behavior: { actionLossPcont: true } })).toThrow(/pcont head/);
    expect(() => dreamer(image(), { kind: 'continuous', shape: [2] }, { behavior: { horizon: 1 } })).toThrow(/horizon: got 1/);
    const agent = dreamer(image(), { kind: 'continuous', shape: [2] }, { model: tinyModel, behavior: { ...tinyBehavior, skipLast: 3 } });
    const params = agent.init(key);
    const state = agent.initOptState(params);
    const batch = batchFor(1, 3, 3, zeros([1, 3, 2]));
    expect(() => agent.trainStep(params, state, batch, key)).toThrow(/length 3 leave no imagination starts after skipLast = 3/);
    dispose([params, state, batch]);
  });
});
