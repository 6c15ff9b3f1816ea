import { describe, expect, it } from 'vitest';
import { DummyEnv } from './dummy.ts';
import { makeEnv } from './registry.ts';

describe('dummy env', () => {
  it('has the seed Dreamer spaces', () => {
    const env = makeEnv('dummy');
    expect(env.observationSpec.image).toMatchObject({ shape: [64, 64, 3], dtype: 'uint8', low: 0, high: 255 });
    expect(env.actionSpec.kind).toBe('continuous');
    if (env.actionSpec.kind !== 'continuous') throw new Error('unreachable');
    expect(env.actionSpec.shape).toEqual([5]);
    expect(Array.from(env.actionSpec.low)).toEqual([-1, -1, -1, -1, -1]);
    expect(Array.from(env.actionSpec.high)).toEqual([1, 1, 1, 1, 1]);
  });

  it('runs 1000 steps, then truncates with discount 1', () => {
    const env = new DummyEnv();
    const first = env.reset(0);
    expect(first).toMatchObject({ reward: 0, discount: 1, terminal: false, truncated: false });
    expect(first.observation.image).toBeInstanceOf(Uint8Array);
    expect(first.observation.image.length).toBe(64 * 64 * 3);
    let total = 0;
    let last = first;
    for (let t = 1; t <= 1000; t++) {
      last = env.step([0, 0.5, -1, 1, 0]);
      expect(last.reward >= 0 && last.reward < 1).toBe(true);
      expect(last.terminal).toBe(false);
      expect(last.discount).toBe(1);
      expect(last.truncated).toBe(t === 1000);
      total += last.reward;
    }
    expect(total / 1000).toBeGreaterThan(0.45);
    expect(total / 1000).toBeLessThan(0.55);
    expect(() => env.step([0, 0, 0, 0, 0])).toThrow(/episode ended/);
    env.reset(1);
    expect(() => env.step([0, 0, 0, 0, 0])).not.toThrow();
  });

  it('is deterministic given the seed', () => {
    const run = (seed: number) => {
      const env = new DummyEnv();
      const out = [env.reset(seed)];
      for (let i = 0; i < 5; i++) out.push(env.step(new Float32Array(5)));
      return out.map((ts) => [Array.from(ts.observation.image.slice(0, 32)), ts.reward]);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('images look like uniform noise', () => {
    const img = new DummyEnv().reset(11).observation.image as Uint8Array;
    const mean = img.reduce((a, b) => a + b, 0) / img.length;
    expect(Math.abs(mean - 127.5)).toBeLessThan(5);
  });

  it('rejects bad actions with a message naming the value and the expectation', () => {
    const env = new DummyEnv();
    env.reset(0);
    expect(() => env.step([0, 0, 0])).toThrow(/length 3, expected length 5/);
    expect(() => env.step([0, Number.NaN, 0, 0, 0])).toThrow(/element 1 is NaN, expected a finite number/);
    expect(() => env.step([0, 0, 2, 0, 0])).toThrow(/element 2 = 2 is outside \[-1, 1\]/);
    expect(() => env.step(3)).toThrow(/invalid action 3; expected a number\[\] or Float32Array of length 5/);
  });

  it('enforces reset-before-step and close', () => {
    const env = new DummyEnv({ episodeLength: 3 });
    expect(() => env.step([0, 0, 0, 0, 0])).toThrow(/before reset/);
    env.reset(0);
    env.step([0, 0, 0, 0, 0]);
    env.step([0, 0, 0, 0, 0]);
    expect(env.step([0, 0, 0, 0, 0]).truncated).toBe(true);
    env.close();
    expect(() => env.reset(0)).toThrow(/after close/);
    expect(() => new DummyEnv({ episodeLength: 0 })).toThrow(/episodeLength must be a positive integer/);
  });
});
