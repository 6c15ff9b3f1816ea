// The behaviour objectives against an independent float64 reference (src/test/reference.ts:
// one start at a time, plain loops, the seed's slicing written out index by index) on the same
// weights, starts and noise. The actor's and the value head's gradients are checked at sampled
// entries of every leaf against central finite differences of the reference, holding fixed what
// the seed stops gradients through: the actor's input features (stop_grad_pre_action) and the
// value targets. No ReLU on this path, so the differences are clean.
import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, add, dispose, mul, randomNormal, tidy, valueAndGrad, abs } from '@dreamer/tensor';
import { type DenseParams, type MLPParams, flattenParams, mapParams } from '@dreamer/nn';
import type { RSSMState } from '@dreamer/world-model';
import { type BehaviorConfig, type DreamerParams, dreamer } from './index.ts';
import { type BehaviorReferenceConfig, type ImaginationNoise, behaviorRef } from './test/reference.ts';
import type { RefState, Weights } from '../../world-model/src/test/reference.ts';

const rows = (t: Tensor): Float64Array => Float64Array.from(t.dataSync() as ArrayLike<number>);
const weightsOf = (tree: Parameters<typeof flattenParams>[0]): Weights => new Map(flattenParams(tree).map(([n, x]) => [n, rows(x)]));

const N = 3;
const A = 2;
const H = 5;
const modelConfig = { dtype: 'f64' as const, deter: 6, stoch: 3, hidden: 5, units: 7, headLayers: 2, rewardLayers: 2, pcontLayers: 2, cnnDepth: 1 };

function check(behavior: Partial<BehaviorConfig>) {
  const agent = dreamer({ image: { shape: [64, 64, 1], dtype: 'uint8' } }, { kind: 'continuous', shape: [A] }, { model: modelConfig, behavior: { horizon: H, units: 7, actorLayers: 2, valueLayers: 2, ...behavior } });
  const c = agent.config;
  const raw = agent.init(RandomKey.fromSeed(1));
  // A generic point: non-zero biases, and weights large enough that tanh/elu are not linear.
  const params = tidy(() => mapParams(raw, (x, path) => add(x, mul(randomNormal(RandomKey.fromSeed(2).foldIn(path.length * 131 + x.size), x.shape, { dtype: 'f64' }), path.endsWith('bias') || path.includes('bias_') ? 0.3 : 0.05)))) as DreamerParams;
  dispose(raw);
  const k = RandomKey.fromSeed(3).split(4);
  const start: RSSMState = tidy(() => ({
    mean: randomNormal(k[0], [N, 3], { dtype: 'f64' }),
    std: add(abs(randomNormal(k[1], [N, 3], { dtype: 'f64' })), 0.1),
    stoch: randomNormal(k[2], [N, 3], { dtype: 'f64' }),
    deter: mul(randomNormal(k[3], [N, 6], { dtype: 'f64' }), 0.5),
  }));
  const key = RandomKey.fromSeed(4);

  // The documented draws (dreamer.ts imagine): step t uses [actionKey, stateKey] = key.split(H)[t].split(2).
  const perStart = (x: Float64Array, size: number) => Array.from({ length: N }, (_, n) => x.slice(n * size, (n + 1) * size));
  const stepNoise = key.split(H).map((kt) => kt.split(2)).map(([ak, sk]) => ({ a: perStart(rows(randomNormal(ak, [N, A], { dtype: 'f64' })), A), s: perStart(rows(randomNormal(sk, [N, 3], { dtype: 'f64' })), 3) }));
  const noise: ImaginationNoise = {
    action: Array.from({ length: N }, (_, n) => stepNoise.map((s) => s.a[n])),
    state: Array.from({ length: N }, (_, n) => stepNoise.map((s) => s.s[n])),
  };
  const starts: RefState[] = Array.from({ length: N }, (_, n) => ({ mean: rows(start.mean).slice(n * 3, n * 3 + 3), std: rows(start.std).slice(n * 3, n * 3 + 3), stoch: rows(start.stoch).slice(n * 3, n * 3 + 3), deter: rows(start.deter).slice(n * 6, n * 6 + 6) }));
  const refConfig: BehaviorReferenceConfig = {
    model: { deter: 6, stoch: 3, hidden: 5, minStd: 0.1, gru: 'block', act: 'elu', depth: 1, channels: 1, rewardLayers: 2, pcontLayers: 2, freeNats: 3, freeNatsMode: 'step', divergenceScale: 1, pcontTarget: 0.99, pcontScale: 1, pcontGradient: false },
    horizon: H,
    actorLayers: 2,
    valueLayers: 2,
    meanScale: c.actionMeanScale,
    initStd: c.actionInitStd,
    minStd: c.actionMinStd,
    actionDiscount: c.actionDiscount,
    actionLambda: c.actionLambda,
    valueDiscount: c.valueDiscount,
    valueLambda: c.valueLambda,
    actionLossPcont: c.actionLossPcont,
    valueLossPcont: c.valueLossPcont,
    bootstrap: c.bootstrap,
  };
  const model = weightsOf(params.model);
  const actorW = weightsOf(params.actor);
  const valueW = weightsOf(params.value);
  const ref = behaviorRef(model, actorW, valueW, starts, noise, refConfig);
  const reference = () => behaviorRef(model, actorW, valueW, starts, noise, refConfig, ref);

  const actor = valueAndGrad((p: Record<string, DenseParams>) => {
    const out = agent.behaviorObjectives(params, p, start, key);
    return { loss: out.actorLoss, aux: out.valueTargets };
  }, params.actor);
  const critic = valueAndGrad((p: MLPParams) => agent.valueLoss(p, actor.aux!), params.value);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  expect(rel(actor.value.dataSync()[0], -ref.actionObjective)).toBeLessThan(1e-11);
  expect(rel(critic.value.dataSync()[0], ref.valueLoss)).toBeLessThan(1e-11);

  let seed = 99;
  const pick = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  let checked = 0;
  const groups: [Weights, Parameters<typeof flattenParams>[0], () => number][] = [
    [actorW, actor.grads, () => -reference().actionObjective],
    [valueW, critic.grads, () => reference().valueLoss],
  ];
  for (const [weights, grads, objective] of groups) {
    for (const [name, g] of flattenParams(grads)) {
      const values = weights.get(name)!;
      const grad = g.dataSync();
      for (const i of new Set([pick(values.length), pick(values.length), pick(values.length)])) {
        const v = values[i];
        const h = 1e-6;
        values[i] = v + h;
        const up = objective();
        values[i] = v - h;
        const down = objective();
        values[i] = v;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(grad[i] - fd), `${name}[${i}]: autodiff ${grad[i]} vs finite differences ${fd}`).toBeLessThan(1e-8 + 1e-6 * Math.abs(fd));
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(20);
  dispose([params, start, actor, critic]);
}

describe('behaviour objectives vs the float64 reference', () => {
  it("the seed's defaults: constant γ = 0.99, λ = 0.95, bootstrap from v(s_{H−1})", () => {
    check({});
  });
  it('the pcont preset: γ from the pcont head (with gradient for the actor), discounts 1, bootstrap from v(s_H)', () => {
    check({ actionLossPcont: true, valueLossPcont: true, actionDiscount: 1, valueDiscount: 1, bootstrap: 'last' });
  });
});
