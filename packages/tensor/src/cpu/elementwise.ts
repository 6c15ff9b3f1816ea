/** Scalar formulas of the elementwise primitives, shared by the CPU backend's loops. */
import type { BinaryOp, UnaryOp } from '../backend.ts';

/** Round half to even, as NumPy and WGSL do. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
}

function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export const unaryFns: Record<UnaryOp, (v: number) => number> = {
  // Keep in step with the expressions in loops.ts (the cpu-kernels test compares them).
  neg: (v) => -v,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (v) => 1 / Math.sqrt(v),
  tanh: Math.tanh,
  sigmoid,
  abs: Math.abs,
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN),
  reciprocal: (v) => 1 / v,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  sin: Math.sin,
  cos: Math.cos,
  not: (v) => (v ? 0 : 1),
};

export const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN-propagating, like NumPy's maximum/minimum.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  mod: (a, b) => a - b * Math.floor(a / b),
  atan2: Math.atan2,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
};
