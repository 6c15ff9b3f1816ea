/** Random tensors: determinism per key, independence of keys, the Philox stream layout, moments. */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import { RandomKey, type Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { useDevice } from './util.ts';

async function read(t: Tensor): Promise<number[]> {
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

function moments(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance) };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = moments(a);
  const mb = moments(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma.mean) * (b[i] - mb.mean);
  return s / a.length / (ma.std * mb.std);
}

export function randomSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} random`, () => {
    useDevice(device);
    const dt = device.dtype;

    test('the same key gives identical values; different keys differ', async () => {
      const k = RandomKey.fromSeed(123);
      const u1 = await read(T.randomUniform(k, [1000], { dtype: dt }));
      const u2 = await read(T.randomUniform(RandomKey.fromSeed(123), [1000], { dtype: dt }));
      const u3 = await read(T.randomUniform(RandomKey.fromSeed(124), [1000], { dtype: dt }));
      expect(u2).toEqual(u1);
      expect(u3).not.toEqual(u1);
      const n1 = await read(T.randomNormal(k, [999], { dtype: dt }));
      const n2 = await read(T.randomNormal(k, [999], { dtype: dt }));
      expect(n2).toEqual(n1);
      // A prefix of a longer draw is the shorter draw (element i depends only on i and the key).
      expect((await read(T.randomNormal(k, [3, 5], { dtype: dt }))).slice(0, 10)).toEqual(n1.slice(0, 10));
    });

    test('split keys are deterministic, distinct and independent', async () => {
      const parent = RandomKey.fromSeed(5);
      const keys = parent.split(3);
      expect(parent.split(3).map((k) => k.toJSON())).toEqual(keys.map((k) => k.toJSON()));
      expect(new Set(keys.map(String)).size).toBe(3);
      const streams = [parent, ...keys].map((k) => read(T.randomNormal(k, [8192], { dtype: dt })));
      const values = await Promise.all(streams);
      // For independent N(0, 1) streams of 8192 draws the correlation has std ≈ 0.011.
      for (let a = 0; a < values.length; a++) {
        for (let b = a + 1; b < values.length; b++) expect(Math.abs(correlation(values[a], values[b]))).toBeLessThan(0.05);
      }
      const folded = parent.foldIn(1);
      expect(folded.toJSON()).toEqual(parent.foldIn(1).toJSON());
      expect(folded.toJSON()).not.toEqual(parent.foldIn(2).toJSON());
    });

    test('uniform values of RandomKey.fromSeed(0) are (w >>> 8)·2⁻²⁴ of the Philox words', async () => {
      const words = T.philoxWords([0, 0], 10);
      const expected = Array.from(words, (w) => (w >>> 8) * 2 ** -24);
      expect(await read(T.randomUniform(RandomKey.fromSeed(0), [2, 5], { dtype: dt }))).toEqual(expected);
    });

    test('normal values are Box–Muller on word pairs of the same stream', async () => {
      const words = T.philoxWords([7, 0], 6);
      const expected: number[] = [];
      for (let i = 0; i < 6; i += 2) {
        const u1 = ((words[i] >>> 8) + 1) * 2 ** -24;
        const u2 = (words[i + 1] >>> 8) * 2 ** -24;
        const r = Math.sqrt(-2 * Math.log(u1));
        expected.push(r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2));
      }
      const got = await read(T.randomNormal(RandomKey.fromSeed(7), [6], { dtype: dt }));
      got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(device.tol.atol + device.tol.rtol * 4 * Math.abs(expected[i])));
    });

    test('100k standard normals have mean and std within 0.01 of 0 and 1', async () => {
      const { mean, std } = moments(await read(T.randomNormal(RandomKey.fromSeed(2024), [100_000], { dtype: dt })));
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(Math.abs(std - 1)).toBeLessThan(0.01);
    });

    test('uniform lies in [low, high); normal honours mean and std', async () => {
      const u = await read(T.randomUniform(RandomKey.fromSeed(3), [20_000], { dtype: dt }));
      expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...u)).toBeLessThan(1);
      expect(Math.abs(moments(u).mean - 0.5)).toBeLessThan(0.01);
      const v = await read(T.randomUniform(RandomKey.fromSeed(3), [20_000], { low: -2, high: 6, dtype: dt }));
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...v)).toBeLessThan(6);
      v.forEach((x, i) => expect(Math.abs(x - (-2 + 8 * u[i]))).toBeLessThan(1e-5));
      const n = moments(await read(T.randomNormal(RandomKey.fromSeed(4), [50_000], { mean: 3, std: 0.5, dtype: dt })));
      expect(Math.abs(n.mean - 3)).toBeLessThan(0.01);
      expect(Math.abs(n.std - 0.5)).toBeLessThan(0.01);
    });

    test('random tensors have the requested shape and dtype', async () => {
      const x = T.randomNormal(RandomKey.fromSeed(1), [2, 0, 3], { dtype: dt });
      const y = T.randomUniform(RandomKey.fromSeed(1), [], { dtype: dt });
      expect([x.shape, x.dtype, y.shape, y.dtype]).toEqual([[2, 0, 3], dt, [], dt]);
      T.dispose([x, y]);
    });
  });
}
