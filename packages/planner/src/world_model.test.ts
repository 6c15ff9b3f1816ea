import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, broadcastTo, expandDims, mean, memory, randomNormal, reshape, sum, tidy, zeros } from '@dreamer/tensor';
import { type RSSMState, denseNet, normalHead, worldModel } from '@dreamer/world-model';
import { cem, evaluatePlans } from './cem.ts';
import { createPlannerPolicy, worldModelPlanningModel } from './world_model.ts';

const wm = worldModel({ proprio: { shape: [3], dtype: 'float32' } }, { kind: 'continuous', shape: [2] }, { observation: 'proprio', deter: 8, stoch: 4, hidden: 8, units: 8, encoderUnits: 8, pcont: false });
const params = wm.init(RandomKey.fromSeed(0));
const valueHead = normalHead(denseNet(wm.featureSize, 1, 8, 1, 'elu'), []);
const value = valueHead.init(RandomKey.fromSeed(1));
const small = { horizon: 5, iterations: 3, candidates: 40, topK: 5 };

/** A posterior-like state [B, ·] (random, so the plan depends on it). */
const stateOf = (batch: number): RSSMState =>
  tidy(() => {
    const [a, b, c] = RandomKey.fromSeed(2).split(3);
    const s = wm.rssm.initialState(batch);
    return { ...s, stoch: randomNormal(a, [batch, 4]), deter: randomNormal(b, [batch, 8]), mean: randomNormal(c, [batch, 4]) };
  });
const inBox = (t: Tensor) => Array.from(t.dataSync()).every((v) => v >= -1 && v <= 1);

describe('world-model planning', () => {
  it('the policy returns one action [1, A] in [−1, 1], deterministically under a key, without leaking', () => {
    const policy = createPlannerPolicy(wm, small);
    const state = stateOf(1);
    const before = memory().tensors;
    const action = policy.act({ model: params }, state, RandomKey.fromSeed(3));
    expect(memory().tensors).toBe(before + 1);
    expect(action.shape).toEqual([1, 2]);
    expect(inBox(action)).toBe(true);
    expect(Array.from(policy.act({ model: params }, state, RandomKey.fromSeed(3)).dataSync())).toEqual(Array.from(action.dataSync()));
  });

  it("plans with the reward and a value head ('reward_value'), for a batch of states", () => {
    const policy = createPlannerPolicy(wm, { ...small, objective: 'reward_value', valueHead });
    const action = policy.act({ model: params, value }, stateOf(2), RandomKey.fromSeed(4));
    expect(action.shape).toEqual([2, 2]);
    expect(inBox(action)).toBe(true);
  });

  it('scores a sequence as the world model would: prior rollout, summed reward-head means', () => {
    const model = worldModelPlanningModel(wm, params, { head: valueHead, params: value });
    const state = stateOf(1);
    const actions = randomNormal(RandomKey.fromSeed(6), [1, 1, 5, 2]);
    const key = RandomKey.fromSeed(7);
    const ours = evaluatePlans(model, state, actions, key).dataSync()[0];
    // rssm.imagine draws step t with key.split(T)[t], the planner's schedule.
    const prior = wm.rssm.imagine(params.rssm, reshape(actions, [1, 5, 2]), state, key);
    const theirs = sum(wm.heads.reward.apply(params.heads.reward, wm.rssm.features(prior)).mean()).dataSync()[0];
    expect(ours).toBeCloseTo(theirs, 5);
  });

  it('the plan raises the expected predicted return over the zero plan (one fixed model)', () => {
    const model = worldModelPlanningModel(wm, params);
    const state = stateOf(1);
    // Transitions are stochastic: average the plan's score over 500 draws.
    const expected = (plan: Tensor) => tidy(() => mean(evaluatePlans(model, state, broadcastTo(expandDims(plan, 1), [1, 500, 5, 2]), RandomKey.fromSeed(8))).dataSync()[0]);
    const plan = cem(model, state, RandomKey.fromSeed(5), { horizon: 5, iterations: 5, candidates: 100, topK: 10 });
    expect(expected(plan.mean)).toBeGreaterThan(expected(zeros([1, 5, 2])) + 0.3);
  });

  it('names what is missing for reward_value', () => {
    expect(() => createPlannerPolicy(wm, { objective: 'reward_value' })).toThrow(/valueHead/);
    const policy = createPlannerPolicy(wm, { ...small, objective: 'reward_value', valueHead });
    expect(() => policy.act({ model: params }, stateOf(1), RandomKey.fromSeed(0))).toThrow(/params.value/);
  });
});
