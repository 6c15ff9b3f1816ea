import { describe, expect, it } from 'vitest';
import { DummyEnv } from '../dummy.ts';
import type { ContinuousActionSpec } from '../env.ts';
import { ActionRepeat } from './action_repeat.ts';
import { ClipReward } from './clip_reward.ts';
import { NormalizeActions } from './normalize_actions.ts';
import { OneHotAction, oneHot } from './one_hot.ts';
import { ScriptedEnv } from './testing.ts';
import { TimeLimit } from './time_limit.ts';

const box = (low: number[], high: number[]): ContinuousActionSpec => ({
  kind: 'continuous',
  shape: [low.length],
  low: Float32Array.from(low),
  high: Float32Array.from(high),
});

describe('ActionRepeat', () => {
  it('sums the rewards of the repeated steps exactly (dummy env, repeat 2)', () => {
    const action = [0.1, -0.2, 0.3, 0, 1];
    const raw = new DummyEnv({ episodeLength: 9 });
    raw.reset(7);
    const rewards = Array.from({ length: 9 }, () => raw.step(action).reward);
    const env = new ActionRepeat(new DummyEnv({ episodeLength: 9 }), 2);
    env.reset(7);
    const got = Array.from({ length: 5 }, () => env.step(action));
    expect(got.map((ts) => ts.reward)).toEqual([0, 2, 4, 6].map((i) => rewards[i] + rewards[i + 1]).concat(rewards[8]));
    expect(got.map((ts) => ts.info.repeats)).toEqual([2, 2, 2, 2, 1]); // the last one stops at the episode end
    expect(got.map((ts) => ts.truncated)).toEqual([false, false, false, false, true]);
    expect(() => env.step(action)).toThrow(/episode ended/);
  });

  it('stops at a terminal and keeps its discount', () => {
    const env = new ActionRepeat(new ScriptedEnv([1, 2, 4, 8, 16]), 3);
    env.reset(0);
    expect(env.step(1)).toMatchObject({ reward: 7, terminal: false, discount: 1, info: { t: 3, repeats: 3 } });
    expect(env.step(2)).toMatchObject({ reward: 24, terminal: true, discount: 0, info: { t: 5, repeats: 2 } });
    expect(() => new ActionRepeat(new DummyEnv(), 0)).toThrow(/repeat must be a positive integer, got 0/);
    expect(() => new ActionRepeat(new DummyEnv(), 1.5)).toThrow(/got 1.5/);
  });
});

describe('TimeLimit', () => {
  it('truncates at the limit with discount 1, then refuses to step', () => {
    const env = new TimeLimit(new DummyEnv(), 7);
    env.reset(0);
    for (let t = 1; t <= 6; t++) expect(env.step([0, 0, 0, 0, 0]).truncated).toBe(false);
    const last = env.step([0, 0, 0, 0, 0]);
    expect(last).toMatchObject({ truncated: true, terminal: false, discount: 1, info: { step: 7, timeLimit: 7 } });
    expect(env.elapsed).toBe(7);
    expect(() => env.step([0, 0, 0, 0, 0])).toThrow(/after the episode ended \(time limit 7\)/);
    env.reset(1);
    expect(env.step([0, 0, 0, 0, 0]).truncated).toBe(false);
  });

  it('counts agent steps after action repeat (the seed: TimeLimit(1000 / 2) over ActionRepeat(2))', () => {
    const env = new TimeLimit(new ActionRepeat(new DummyEnv({ size: 4 }), 2), 500);
    env.reset(0);
    let ts = env.step([0, 0, 0, 0, 0]);
    let n = 1;
    while (!ts.truncated) {
      ts = env.step([0, 0, 0, 0, 0]);
      n++;
    }
    expect([n, ts.info.step, ts.discount]).toEqual([500, 1000, 1]);
  });

  it('lets a terminal before or at the limit through unchanged', () => {
    const early = new TimeLimit(new ScriptedEnv([1, 1]), 5);
    early.reset(0);
    early.step(0);
    expect(early.step(0)).toMatchObject({ terminal: true, truncated: false, discount: 0 });
    const atLimit = new TimeLimit(new ScriptedEnv([1, 1, 1]), 3);
    atLimit.reset(0);
    atLimit.step(0);
    atLimit.step(0);
    expect(atLimit.step(0)).toMatchObject({ terminal: true, truncated: false, discount: 0 });
  });
});

describe('NormalizeActions', () => {
  it('maps [−1, 1] onto the box and passes unbounded dims through', () => {
    const inner = new ScriptedEnv([0, 0, 0, 0], box([0, -2, -Infinity], [10, 2, Infinity]));
    const env = new NormalizeActions(inner);
    expect(Array.from(env.actionSpec.low)).toEqual([-1, -1, -Infinity]);
    expect(Array.from(env.actionSpec.high)).toEqual([1, 1, Infinity]);
    env.reset(0);
    env.step([-1, 0, 5]);
    env.step([1, 1, -3]);
    env.step(Float32Array.from([0.5, -0.5, 0]));
    expect(inner.received).toEqual([
      [0, 0, 5],
      [10, 2, -3],
      [7.5, -1, 0],
    ]);
  });

  it('rejects out-of-range, NaN and wrong-length actions, naming the value', () => {
    const env = new NormalizeActions(new ScriptedEnv([0, 0], box([0, 0], [1, 1])));
    env.reset(0);
    expect(() => env.step([1.5, 0])).toThrow(/invalid action \[1.5, 0\].*element 0 = 1.5 is outside \[-1, 1\]/);
    expect(() => env.step([0, NaN])).toThrow(/element 1 is NaN, expected a finite number/);
    expect(() => env.step([0])).toThrow(/length 1, expected length 2/);
    expect(() => new NormalizeActions(new ScriptedEnv([0]))).toThrow(/needs continuous actions, but the env has 3 discrete/);
  });

  it('with clip, clips finite values into [−1, 1] but still rejects NaN', () => {
    const inner = new ScriptedEnv([0, 0], box([0, -2], [10, 2]));
    const env = new NormalizeActions(inner, { clip: true });
    env.reset(0);
    env.step([1.5, -7]);
    expect(inner.received).toEqual([[10, -2]]);
    expect(() => env.step([NaN, 0])).toThrow(/element 0 is NaN/);
  });
});

describe('OneHotAction', () => {
  it('turns a one-hot vector into the index', () => {
    const inner = new ScriptedEnv([0, 0, 0, 0]);
    const env = new OneHotAction(inner);
    expect(env.actionSpec).toMatchObject({ kind: 'continuous', shape: [3] });
    expect(env.discrete.names).toEqual(['a', 'b', 'c']);
    env.reset(0);
    expect(env.step(oneHot(2, 3)).info.actionIndex).toBe(2);
    env.step([1, 0, 0]);
    env.step(Float32Array.from([0, 1 - 2 ** -24, 0])); // straight-through rounding is fine
    expect(inner.received).toEqual([2, 0, 1]);
  });

  it('rejects anything that is not one-hot, naming the value', () => {
    const env = new OneHotAction(new ScriptedEnv([0, 0]));
    env.reset(0);
    expect(() => env.step(1)).toThrow(/invalid action 1; OneHotAction expects a one-hot vector of length 3, not an index/);
    expect(() => env.step([0.5, 0.5, 0])).toThrow(/invalid one-hot action \[0.5, 0.5, 0\] \(length 3\); expected length 3 with a single 1/);
    expect(() => env.step([0, 0, 0])).toThrow(/invalid one-hot action/);
    expect(() => env.step([1, 1, 0])).toThrow(/invalid one-hot action/);
    expect(() => env.step([0, 1])).toThrow(/length 2, expected length 3/);
    expect(() => env.step([0, NaN, 1])).toThrow(/element 1 is NaN/);
    expect(() => env.step([0, 2, 0])).toThrow(/element 1 = 2 is outside \[0, 1\]/);
    expect(() => oneHot(3, 3)).toThrow(/index 3 is not an integer in \[0, 2\]/);
    expect(() => new OneHotAction(new DummyEnv())).toThrow(/needs discrete actions/);
  });
});

describe('ClipReward', () => {
  it('squashes rewards with tanh or sign and keeps the raw reward', () => {
    const run = (mode: 'tanh' | 'sign' | 'none') => {
      const env = new ClipReward(new ScriptedEnv([3, -2, 0, 0.5]), mode);
      const first = env.reset(0);
      expect(first.reward).toBe(0);
      return [0, 1, 2, 3].map(() => env.step(0));
    };
    expect(run('tanh').map((ts) => ts.reward)).toEqual([Math.tanh(3), Math.tanh(-2), 0, Math.tanh(0.5)]);
    expect(run('sign').map((ts) => ts.reward)).toEqual([1, -1, 0, 1]);
    expect(run('none').map((ts) => ts.reward)).toEqual([3, -2, 0, 0.5]);
    expect(run('tanh').map((ts) => ts.info.rawReward)).toEqual([3, -2, 0, 0.5]);
    expect(Object.is(run('sign')[2].reward, 0)).toBe(true);
    expect(() => new ClipReward(new DummyEnv(), 'clip' as 'tanh')).toThrow(/mode "clip" is not one of none, tanh, sign/);
  });
});
