import { describe, expect, it } from 'vitest';
import { SIGMOIDS, sigmoid, tolerance, type Sigmoid } from './tolerance.ts';

// Closed forms from the spec (section 5), written independently of the implementation.
function closedForm(kind: Sigmoid, d: number, v: number): number {
  switch (kind) {
    case 'gaussian':
      return Math.exp(-0.5 * (d * Math.sqrt(-2 * Math.log(v))) ** 2);
    case 'linear':
      return Math.max(0, 1 - d * (1 - v));
    case 'quadratic':
      return d * Math.sqrt(1 - v) < 1 ? 1 - (d * Math.sqrt(1 - v)) ** 2 : 0;
    case 'hyperbolic':
      return 1 / Math.cosh(d * Math.acosh(1 / v));
    case 'long_tail':
      return 1 / ((d * Math.sqrt(1 / v - 1)) ** 2 + 1);
    case 'reciprocal':
      return 1 / (Math.abs(d) * (1 / v - 1) + 1);
    case 'cosine': {
      const arg = (d * Math.acos(2 * v - 1)) / Math.PI;
      return arg < 1 ? (1 + Math.cos(Math.PI * arg)) / 2 : 0;
    }
    case 'tanh_squared':
      return 1 - Math.tanh(d * Math.atanh(Math.sqrt(1 - v))) ** 2;
  }
}

describe('tolerance', () => {
  it('is 1 inside the bounds (inclusive) for every sigmoid', () => {
    for (const kind of SIGMOIDS) {
      for (const x of [-1, 0, 0.5, 2]) {
        expect(tolerance(x, { bounds: [-1, 2], margin: 1, sigmoid: kind, valueAtMargin: 0.2 })).toBe(1);
      }
    }
  });

  it('equals valueAtMargin at distance margin, on both sides', () => {
    for (const kind of SIGMOIDS) {
      for (const v of [0.1, 0.5, 0.9]) {
        expect(tolerance(3.5, { bounds: [0, 1], margin: 2.5, sigmoid: kind, valueAtMargin: v })).toBeCloseTo(v, 12);
        expect(tolerance(-2.5, { bounds: [0, 1], margin: 2.5, sigmoid: kind, valueAtMargin: v })).toBeCloseTo(v, 12);
      }
    }
  });

  it('matches the closed-form formulas at many distances', () => {
    for (const kind of SIGMOIDS) {
      for (const v of [0.05, 0.1, 0.3, 0.7]) {
        for (const dist of [0.01, 0.3, 0.9, 1, 1.3, 2, 5]) {
          const margin = 0.7;
          const got = tolerance(10 + dist, { bounds: [-3, 10], margin, sigmoid: kind, valueAtMargin: v });
          expect(got).toBeCloseTo(closedForm(kind, dist / margin, v), 12);
        }
      }
    }
  });

  it('decreases monotonically outside the bounds and stays in [0, 1]', () => {
    for (const kind of SIGMOIDS) {
      let prev = 1;
      for (let x = 0; x <= 6; x += 0.05) {
        const y = tolerance(x, { bounds: [-Infinity, 0], margin: 1, sigmoid: kind, valueAtMargin: 0.1 });
        expect(y).toBeLessThanOrEqual(prev + 1e-15);
        expect(y >= 0 && y <= 1).toBe(true);
        prev = y;
      }
    }
  });

  it('reaches exactly 0 where the bounded sigmoids cut off (valueAtMargin 0 allowed)', () => {
    expect(tolerance(1, { margin: 1, sigmoid: 'linear', valueAtMargin: 0 })).toBe(0);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'linear', valueAtMargin: 0 })).toBeCloseTo(0.5, 15);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'quadratic', valueAtMargin: 0 })).toBeCloseTo(0.75, 15);
    expect(tolerance(1, { margin: 1, sigmoid: 'quadratic', valueAtMargin: 0 })).toBe(0);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'cosine', valueAtMargin: 0 })).toBeCloseTo(0.5, 15);
    expect(tolerance(1, { margin: 1, sigmoid: 'cosine', valueAtMargin: 0 })).toBe(0);
    expect(tolerance(3, { margin: 1, sigmoid: 'linear', valueAtMargin: 0.5 })).toBe(0);
  });

  it('margin 0 is a hard indicator and skips the sigmoid', () => {
    expect(tolerance(0)).toBe(1);
    expect(tolerance(1e-9)).toBe(0);
    expect(tolerance(0.3, { bounds: [0, 0.5] })).toBe(1);
    expect(tolerance(0.6, { bounds: [0, 0.5] })).toBe(0);
    // dm_control does not evaluate value_at_margin when margin is 0
    expect(tolerance(0.6, { bounds: [0, 0.5], sigmoid: 'gaussian', valueAtMargin: 0 })).toBe(0);
  });

  it('reproduces dm_control task rewards from the spec', () => {
    // cheetah: tol(v, (10, ∞), margin 10, v=0, linear) == clip(v/10, 0, 1)
    for (const speed of [-3, 0, 2.5, 7, 10, 14]) {
      const r = tolerance(speed, { bounds: [10, Infinity], margin: 10, sigmoid: 'linear', valueAtMargin: 0 });
      expect(r).toBeCloseTo(Math.min(1, Math.max(0, speed / 10)), 12);
    }
    // default gaussian: value 0.1 at the margin
    expect(tolerance(2, { margin: 2 })).toBeCloseTo(0.1, 12);
  });

  it('raises the errors dm_control raises', () => {
    expect(() => tolerance(0, { bounds: [1, 0] })).toThrow(/lower bound must be <= upper bound/);
    expect(() => tolerance(0, { margin: -1 })).toThrow(/margin must be non-negative/);
    for (const kind of ['gaussian', 'hyperbolic', 'long_tail', 'reciprocal', 'tanh_squared'] as const) {
      expect(() => tolerance(2, { margin: 1, sigmoid: kind, valueAtMargin: 0 })).toThrow(/strictly between 0 and 1/);
      expect(() => tolerance(2, { margin: 1, sigmoid: kind, valueAtMargin: 1 })).toThrow(/strictly between 0 and 1/);
    }
    for (const kind of ['cosine', 'linear', 'quadratic'] as const) {
      expect(() => tolerance(2, { margin: 1, sigmoid: kind, valueAtMargin: 1 })).toThrow(/nonnegative and smaller than 1/);
      expect(() => tolerance(2, { margin: 1, sigmoid: kind, valueAtMargin: -0.1 })).toThrow(/nonnegative and smaller than 1/);
    }
    // like dm_control, the check happens even for x inside the bounds
    expect(() => tolerance(0, { margin: 1, valueAtMargin: 2 })).toThrow(/strictly between/);
    expect(() => sigmoid(1, 0.5, 'softplus' as Sigmoid)).toThrow(/unknown sigmoid type 'softplus'/);
  });
});
