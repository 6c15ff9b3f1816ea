import { describe, expect, it } from 'vitest';
import { DummyEnv } from '../dummy.ts';
import { VectorEnv } from './vector.ts';
import { ScriptedEnv } from './testing.ts';

const zeros = [0, 0, 0, 0, 0];

describe('VectorEnv', () => {
  it('steps every env and resets finished ones on the next step', () => {
    const vec = new VectorEnv([new ScriptedEnv([1, 2]), new ScriptedEnv([5, 6, 7])]);
    expect(vec.size).toBe(2);
    const first = vec.reset(0);
    expect(first.map((ts) => ts.reward)).toEqual([0, 0]);
    const a = vec.step([0, 1]);
    expect(a.map((ts) => ts.reward)).toEqual([1, 5]);
    const b = vec.step([0, 1]);
    expect(b.map((ts) => [ts.reward, ts.terminal])).toEqual([
      [2, true],
      [6, false],
    ]);
    const c = vec.step([2, 2]);
    expect(c[0]).toMatchObject({ reward: 0, terminal: false, info: { t: 0, autoReset: true } });
    expect(c[1]).toMatchObject({ reward: 7, terminal: true });
    const d = vec.step([1, 1]);
    expect(d.map((ts) => ts.info.t)).toEqual([1, 0]);
    expect((vec.envs[0] as ScriptedEnv).received).toEqual([0, 0, 1]); // the action at the reset was ignored
  });

  it('is reproducible from one seed, with a different seed per env', () => {
    const run = (seed: number) => {
      const vec = new VectorEnv([0, 1, 2].map(() => new DummyEnv({ episodeLength: 2, size: 2 })));
      const out = [vec.reset(seed)];
      for (let t = 0; t < 4; t++) out.push(vec.step([zeros, zeros, zeros]));
      return out.map((row) => row.map((ts) => [Array.from(ts.observation.image), ts.reward]));
    };
    const a = run(3);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
    expect(a[0][0]).not.toEqual(a[0][1]);
  });

  it('rejects bad calls with clear errors', () => {
    const vec = new VectorEnv([new DummyEnv(), new DummyEnv()]);
    expect(() => vec.step([zeros, zeros])).toThrow(/before reset/);
    vec.reset(0);
    expect(() => vec.step([zeros])).toThrow(/got \[0,0,0,0,0\] \(length 1\) as actions; expected an array of 2 actions, one per env/);
    expect(() => vec.step([zeros, [0, 0, NaN, 0, 0]])).toThrow(/VectorEnv env 1 \(dummy\): invalid action .*element 2 is NaN/);
    const pair = new VectorEnv([new ScriptedEnv([1, 1]), new ScriptedEnv([1, 1])]);
    pair.reset(0);
    expect(() => pair.step([0, 5])).toThrow(/env 1 \(scripted\): invalid action 5; expected an integer index in \[0, 2\]/);
    expect((pair.envs[0] as ScriptedEnv).received).toEqual([]); // nothing stepped
    expect(() => new VectorEnv([new DummyEnv(), new DummyEnv({ actionDim: 3 })])).toThrow(/env 1 \(dummy\) has different observation or action specs/);
    expect(() => new VectorEnv([])).toThrow(/at least one env/);
    const strict = new VectorEnv([new ScriptedEnv([1])], { autoReset: false });
    strict.reset(0);
    strict.step([0]);
    expect(() => strict.step([0])).toThrow(/env 0 \(scripted\) ended; call reset\(seed\) first/);
  });
});
