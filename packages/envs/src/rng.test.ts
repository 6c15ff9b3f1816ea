import { describe, expect, it } from 'vitest';
import { Rng, seedWord } from './rng.ts';

describe('Rng', () => {
  it('is deterministic given the seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 16 }, () => a.nextUint32());
    const xb = Array.from({ length: 16 }, () => b.nextUint32());
    const xc = Array.from({ length: 16 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    for (const x of xa) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
  });

  it('maps large and fractional seeds to distinct words', () => {
    expect(seedWord(1)).not.toBe(seedWord(1 + 2 ** 32));
    expect(seedWord(0.5)).not.toBe(seedWord(0));
    expect(() => seedWord(Number.NaN)).toThrow(/finite/);
  });

  it('float() is uniform in [0, 1)', () => {
    const r = new Rng(7);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r.float();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
  });

  it('int(n) covers [0, n) evenly and rejects bad n', () => {
    const r = new Rng(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 10000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    expect(() => r.int(0)).toThrow(/n must be/);
    expect(() => r.int(2.5)).toThrow(/n must be/);
  });

  it('fillBytes fills every byte, including a ragged tail', () => {
    const r = new Rng(9);
    const out = r.fillBytes(new Uint8Array(4099));
    const mean = out.reduce((a, b) => a + b, 0) / out.length;
    expect(Math.abs(mean - 127.5)).toBeLessThan(8);
    // The tail comes from one more 32-bit draw, low byte first.
    const twin = new Rng(9);
    for (let i = 0; i < 1024; i++) twin.nextUint32();
    const x = twin.nextUint32();
    expect(Array.from(out.slice(4096))).toEqual([x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff]);
  });
});

describe('Rng state', () => {
  it('round-trips through getState/setState', () => {
    const a = new Rng(5);
    a.nextUint32();
    const b = new Rng(0).setState(a.getState());
    expect(Array.from({ length: 4 }, () => b.nextUint32())).toEqual(Array.from({ length: 4 }, () => a.nextUint32()));
    expect(() => new Rng(0).setState([0, 0, 0, 0])).toThrow(/not all zero/);
  });
});
