import { Rng } from '@dreamer/envs';
import { describe, expect, it } from 'vitest';
import { additiveNormal, epsilonGreedy, noiseAmount } from './exploration.ts';

describe('exploration', () => {
  it('follows the linear schedule with a floor', () => {
    expect(noiseAmount({ initial: 0.3, min: 0, ramp: 0 }, 1e9)).toBe(0.3);
    expect(noiseAmount({ initial: 0.4, min: 0.25, ramp: -1000 }, 500)).toBeCloseTo(0.325, 12);
    expect(noiseAmount({ initial: 0.4, min: 0.25, ramp: -1000 }, 5000)).toBe(0.25);
  });

  it('adds N(0, σ²) noise and clips to [-1, 1]', () => {
    const rng = new Rng(1);
    const n = 20000;
    const a = additiveNormal(new Float32Array(n), 0.3, rng);
    let s = 0;
    let s2 = 0;
    for (const v of a) [s, s2] = [s + v, s2 + v * v];
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(0.3, 1);
    const clipped = additiveNormal(new Float32Array(1000).fill(0.99), 5, rng);
    expect(Math.max(...clipped)).toBeLessThanOrEqual(1);
    expect(Math.min(...clipped)).toBeGreaterThanOrEqual(-1);
    expect(Array.from(additiveNormal(Float32Array.of(0.5, -2), 0, rng))).toEqual([0.5, -1]);
  });

  it('replaces a one-hot action with probability ε', () => {
    const rng = new Rng(2);
    const greedy = Float32Array.of(0, 0, 1, 0);
    let replaced = 0;
    for (let i = 0; i < 10000; i++) {
      const a = epsilonGreedy(greedy, 0.25, rng);
      expect(a.reduce((x, y) => x + y, 0)).toBe(1);
      if (a !== greedy) replaced++;
    }
    expect(replaced / 10000).toBeCloseTo(0.25, 1);
  });
});
