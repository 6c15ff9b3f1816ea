/**
 * The CPU reference of the fused kernels (Backend's optional methods): straightforward loops in
 * float64 over the operands, rounded once on store. The engine ops in ops/fused/ compose the
 * same formulas from primitives; the op suite checks both against an independent reference.
 */
import type { ActivationOp, AdamHyper, DistributionOp } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import { unaryFns } from './elementwise.ts';

type Arr = TypedArray;
type Alloc = (size: number) => Arr;

const sigmoid = unaryFns.sigmoid;
const tanh = Math.tanh;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG2 = Math.log(2);

/** log(1 + eˣ) without overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

// ---- GRU -----------------------------------------------------------------------------------

export function gruBlockReset(pre: Arr, bias: Arr, h: Arr, units: number, alloc: Alloc): [Arr, Arr] {
  const rh = alloc(h.length);
  const u = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const row = Math.floor(i / units);
    const j = i - row * units;
    const base = row * 2 * units;
    rh[i] = sigmoid(pre[base + j] + bias[j]) * h[i];
    u[i] = sigmoid(pre[base + units + j] + bias[units + j]);
  }
  return [rh, u];
}

export function gruBlockResetBackward(dRH: Arr, dU: Arr, pre: Arr, bias: Arr, h: Arr, units: number, alloc: Alloc): [Arr, Arr] {
  const dPre = alloc(pre.length);
  const dH = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const row = Math.floor(i / units);
    const j = i - row * units;
    const base = row * 2 * units;
    const r = sigmoid(pre[base + j] + bias[j]);
    const u = sigmoid(pre[base + units + j] + bias[units + j]);
    dPre[base + j] = dRH[i] * h[i] * r * (1 - r);
    dPre[base + units + j] = dU[i] * u * (1 - u);
    dH[i] = dRH[i] * r;
  }
  return [dPre, dH];
}

export function gruBlockOutput(pre: Arr, bias: Arr, u: Arr, h: Arr, alloc: Alloc): Arr {
  const out = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const c = tanh(pre[i] + bias[i % bias.length]);
    out[i] = c + u[i] * (h[i] - c);
  }
  return out;
}

export function gruBlockOutputBackward(g: Arr, pre: Arr, bias: Arr, u: Arr, h: Arr, alloc: Alloc): [Arr, Arr, Arr] {
  const dPre = alloc(h.length);
  const dU = alloc(h.length);
  const dH = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const c = tanh(pre[i] + bias[i % bias.length]);
    dPre[i] = g[i] * (1 - u[i]) * (1 - c * c);
    dU[i] = g[i] * (h[i] - c);
    dH[i] = g[i] * u[i];
  }
  return [dPre, dU, dH];
}

/** The gates of one element of a reset-after GRU; `i` indexes h, `j` its unit. */
function resetAfterGates(x: Arr, hp: Arr, bias: Arr, units: number, i: number, j: number) {
  const row = Math.floor(i / units);
  const base = row * 3 * units;
  const w = 3 * units;
  const z = sigmoid(x[base + j] + bias[j] + (hp[base + j] + bias[w + j]));
  const r = sigmoid(x[base + units + j] + bias[units + j] + (hp[base + units + j] + bias[w + units + j]));
  const hn = hp[base + 2 * units + j] + bias[w + 2 * units + j];
  const n = tanh(x[base + 2 * units + j] + bias[2 * units + j] + r * hn);
  return { base, z, r, hn, n };
}

export function gruResetAfter(x: Arr, hp: Arr, bias: Arr, h: Arr, units: number, alloc: Alloc): Arr {
  const out = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const { z, n } = resetAfterGates(x, hp, bias, units, i, i % units);
    out[i] = n + z * (h[i] - n);
  }
  return out;
}

export function gruResetAfterBackward(g: Arr, x: Arr, hp: Arr, bias: Arr, h: Arr, units: number, alloc: Alloc): [Arr, Arr, Arr] {
  const dX = alloc(x.length);
  const dHP = alloc(hp.length);
  const dH = alloc(h.length);
  for (let i = 0; i < h.length; i++) {
    const j = i % units;
    const { base, z, r, hn, n } = resetAfterGates(x, hp, bias, units, i, j);
    const dz = g[i] * (h[i] - n) * z * (1 - z);
    const dn = g[i] * (1 - z) * (1 - n * n);
    const dr = dn * hn * r * (1 - r);
    dX[base + j] = dHP[base + j] = dz;
    dX[base + units + j] = dHP[base + units + j] = dr;
    dX[base + 2 * units + j] = dn;
    dHP[base + 2 * units + j] = dn * r;
    dH[i] = g[i] * z;
  }
  return [dX, dHP, dH];
}

// ---- optimiser -------------------------------------------------------------------------------

export function adamUpdate(p: Arr, g: Arr, m: Arr, v: Arr, hyper: AdamHyper, alloc: Alloc): [Arr, Arr, Arr] {
  const { lrT, beta1, beta2, eps } = hyper;
  const p1 = alloc(p.length);
  const m1 = alloc(p.length);
  const v1 = alloc(p.length);
  for (let i = 0; i < p.length; i++) {
    m1[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v1[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    // From the stored (rounded) moments, so param' agrees with the m', v' handed back.
    p1[i] = p[i] - (m1[i] / (Math.sqrt(v1[i]) + eps)) * lrT;
  }
  return [p1, m1, v1];
}

export function sumSquares(xs: readonly Arr[]): number {
  let total = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) total += x[i] * x[i];
  return total;
}

// ---- distributions ---------------------------------------------------------------------------

/** The inverse tanh of a TanhNormal clips y to ±`bound` (see ops/fused/distributions.ts). */
function atanhClipped(y: number, bound: number): number {
  const c = Math.min(Math.max(y, -bound), bound);
  return 0.5 * (Math.log1p(c) - Math.log1p(-c));
}

type Forward = (v: readonly number[], clipBound: number) => number;
type Backward = (g: number, v: readonly number[], clipBound: number) => number[];

const forward: Record<DistributionOp, Forward> = {
  normalLogProb: ([x, loc, scale]) => {
    const z = (x - loc) / scale;
    return -0.5 * z * z - Math.log(scale) - HALF_LOG_2PI;
  },
  normalKl: ([loc1, scale1, loc2, scale2]) => {
    const ratio = scale1 / scale2;
    const d = (loc1 - loc2) / scale2;
    return 0.5 * (ratio * ratio + d * d - 1 - 2 * Math.log(ratio));
  },
  tanhNormalLogProb: ([y, loc, scale], bound) => {
    const x = atanhClipped(y, bound);
    const z = (x - loc) / scale;
    return -0.5 * z * z - Math.log(scale) - HALF_LOG_2PI - 2 * (LOG2 - x - softplus(-2 * x));
  },
  bernoulliLogProb: ([x, logits]) => -(x * softplus(-logits) + (1 - x) * softplus(logits)),
  normalSample: ([loc, scale, eps]) => loc + scale * eps,
};

const backward: Record<Exclude<DistributionOp, 'normalSample'>, Backward> = {
  normalLogProb: (g, [x, loc, scale]) => {
    const z = (x - loc) / scale;
    const dLoc = (g * z) / scale;
    return [-dLoc, dLoc, (g * (z * z - 1)) / scale];
  },
  normalKl: (g, [loc1, scale1, loc2, scale2]) => {
    const ratio = scale1 / scale2;
    const d = (loc1 - loc2) / scale2;
    const dLoc1 = (g * d) / scale2;
    return [dLoc1, (g * (ratio * ratio - 1)) / scale1, -dLoc1, (g * (1 - ratio * ratio - d * d)) / scale2];
  },
  tanhNormalLogProb: (g, [y, loc, scale], bound) => {
    const c = Math.min(Math.max(y, -bound), bound);
    const x = 0.5 * (Math.log1p(c) - Math.log1p(-c));
    const z = (x - loc) / scale;
    const dLoc = (g * z) / scale;
    // d/dx of the log-density is −z/σ + 2·tanh(x); dx/dy = 1/(1 − c²), 0 where y was clipped.
    const dY = Math.abs(y) <= bound ? g * (2 * c - z / scale) * 0.5 * (1 / (1 + c) + 1 / (1 - c)) : 0;
    return [dY, dLoc, (g * (z * z - 1)) / scale];
  },
  bernoulliLogProb: (g, [x, logits]) => [g * logits, g * (x - sigmoid(logits))],
};

export function distribution(op: DistributionOp, xs: readonly Arr[], n: number, clipBound: number, alloc: Alloc): Arr {
  const f = forward[op];
  const out = alloc(n);
  const v = new Array<number>(xs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) v[k] = xs[k][i % xs[k].length];
    out[i] = f(v, clipBound);
  }
  return out;
}

export function distributionBackward(
  op: Exclude<DistributionOp, 'normalSample'>,
  g: Arr,
  xs: readonly Arr[],
  wanted: readonly boolean[],
  clipBound: number,
  alloc: Alloc,
): (Arr | null)[] {
  const f = backward[op];
  const n = g.length;
  const outs = wanted.map((w) => (w ? alloc(n) : null));
  const v = new Array<number>(xs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) v[k] = xs[k][i % xs[k].length];
    const d = f(g[i], v, clipBound);
    for (let k = 0; k < outs.length; k++) {
      const o = outs[k];
      if (o) o[i] = d[k];
    }
  }
  return outs;
}

// ---- activations -----------------------------------------------------------------------------

export function activation(op: ActivationOp, x: Arr, alloc: Alloc): Arr {
  const out = alloc(x.length);
  if (op === 'relu') for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : 0;
  else for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : Math.expm1(x[i]);
  return out;
}

export function activationBackward(op: ActivationOp, g: Arr, x: Arr, alloc: Alloc): Arr {
  const out = alloc(x.length);
  if (op === 'relu') for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? g[i] : 0;
  else for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? g[i] : g[i] * (Math.expm1(x[i]) + 1);
  return out;
}
