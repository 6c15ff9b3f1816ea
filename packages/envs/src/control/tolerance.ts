// dm_control's reward shaping helper `tolerance` (suite/utils/rewards.py), re-implemented from
// the documented behaviour: 1 inside [lo, hi]; outside, a sigmoid of the distance to the
// nearest bound measured in units of `margin`, equal to `valueAtMargin` at distance `margin`.

export type Sigmoid =
  | 'gaussian'
  | 'hyperbolic'
  | 'long_tail'
  | 'reciprocal'
  | 'cosine'
  | 'linear'
  | 'quadratic'
  | 'tanh_squared';

export const SIGMOIDS: readonly Sigmoid[] = [
  'gaussian',
  'hyperbolic',
  'long_tail',
  'reciprocal',
  'cosine',
  'linear',
  'quadratic',
  'tanh_squared',
];

/** Sigmoids that may reach exactly 0 (they accept valueAtMargin = 0). */
const MAY_REACH_ZERO: ReadonlySet<Sigmoid> = new Set<Sigmoid>(['cosine', 'linear', 'quadratic']);

/**
 * s(d) with s(0) = 1 and s(1) = v, for d ≥ 0 (the normalised distance outside the bounds).
 * Throws like dm_control for a bad `v` or an unknown sigmoid.
 */
export function sigmoid(d: number, v: number, kind: Sigmoid): number {
  if (MAY_REACH_ZERO.has(kind)) {
    if (!(v >= 0 && v < 1)) {
      throw new Error(`tolerance: value_at_margin must be nonnegative and smaller than 1 for sigmoid '${kind}', got ${v}`);
    }
  } else if (SIGMOIDS.includes(kind)) {
    if (!(v > 0 && v < 1)) {
      throw new Error(`tolerance: value_at_margin must be strictly between 0 and 1 for sigmoid '${kind}', got ${v}`);
    }
  } else {
    throw new Error(`tolerance: unknown sigmoid type '${String(kind)}'; expected one of ${SIGMOIDS.join(', ')}`);
  }
  switch (kind) {
    case 'gaussian': {
      const scale = Math.sqrt(-2 * Math.log(v));
      return Math.exp(-0.5 * (d * scale) ** 2);
    }
    case 'hyperbolic': {
      const scale = Math.acosh(1 / v);
      return 1 / Math.cosh(d * scale);
    }
    case 'long_tail': {
      const scale = Math.sqrt(1 / v - 1);
      return 1 / ((d * scale) ** 2 + 1);
    }
    case 'reciprocal': {
      const scale = 1 / v - 1;
      return 1 / (Math.abs(d) * scale + 1);
    }
    case 'cosine': {
      const scale = Math.acos(2 * v - 1) / Math.PI;
      const sx = d * scale;
      return Math.abs(sx) < 1 ? (1 + Math.cos(Math.PI * sx)) / 2 : 0;
    }
    case 'linear': {
      const sx = d * (1 - v);
      return Math.abs(sx) < 1 ? 1 - sx : 0;
    }
    case 'quadratic': {
      const sx = d * Math.sqrt(1 - v);
      return Math.abs(sx) < 1 ? 1 - sx * sx : 0;
    }
    case 'tanh_squared': {
      const scale = Math.atanh(Math.sqrt(1 - v));
      return 1 - Math.tanh(d * scale) ** 2;
    }
  }
}

export interface ToleranceOptions {
  /** Inclusive [lower, upper] where the value is 1 (default [0, 0]); ±Infinity allowed. */
  bounds?: readonly [number, number];
  /** Distance over which the value falls to `valueAtMargin` (default 0: a hard 0/1 indicator). */
  margin?: number;
  /** Shape of the fall-off (default 'gaussian'). */
  sigmoid?: Sigmoid;
  /** Value at distance `margin` from the bounds (default 0.1). */
  valueAtMargin?: number;
}

/**
 * dm_control `tolerance(x, bounds, margin, sigmoid, value_at_margin)`.
 * Throws if lower > upper, margin < 0, or valueAtMargin is invalid for the sigmoid.
 */
export function tolerance(x: number, options: ToleranceOptions = {}): number {
  const { bounds = [0, 0], margin = 0, sigmoid: kind = 'gaussian', valueAtMargin = 0.1 } = options;
  const [lower, upper] = bounds;
  if (!(lower <= upper)) throw new Error(`tolerance: lower bound must be <= upper bound, got bounds [${lower}, ${upper}]`);
  if (!(margin >= 0)) throw new Error(`tolerance: margin must be non-negative, got ${margin}`);
  const inBounds = lower <= x && x <= upper;
  if (margin === 0) {
    // dm_control does not consult the sigmoid here, so no value_at_margin check either.
    return inBounds ? 1 : 0;
  }
  // Validate v/sigmoid even when x is in bounds, as dm_control evaluates the sigmoid eagerly.
  const d = (x < lower ? lower - x : x - upper) / margin;
  const s = sigmoid(inBounds ? 0 : d, valueAtMargin, kind);
  return inBounds ? 1 : s;
}
