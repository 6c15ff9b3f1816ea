import { describe, expect, it } from 'vitest';
import { SamplerRng } from './rng.ts';

describe('SamplerRng', () => {
  it('is deterministic per seed and roughly uniform', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new SamplerRng(seed)));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(0)).not.toEqual(draw(2 ** 32)); // high bits matter
    const rng = new SamplerRng(0);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect(() => rng.int(0)).toThrow(/integer n in \[1, 2\^32\], got 0/);
    expect(() => new SamplerRng(0.5)).toThrow(/safe integer/);
  });
});
