/**
 * Kernel statements of the elementwise formulas: each returns statements that end in `return`,
 * reading the operand values `x` (unary) or `x`, `y` (binary). Written for float32 with IEEE
 * special values made explicit where GLSL leaves them undefined (log and sqrt of negatives,
 * log(0)), and with stable forms where the naive one loses precision (expm1, log1p, tanh,
 * sigmoid). NaN and ±Infinity come from the `sp` argument (runtime.ts SPECIALS).
 */
import type { BinaryOp, UnaryOp } from '@dreamer/tensor';
import { INF, NAN, NEG_INF } from '../runtime.ts';

/** Round half to even, exact for every float32 (|x| ≥ 2²³ is already an integer). */
const ROUND = `if (Math.abs(x) >= 8388608) { return x; }
const fl = Math.floor(x);
const d = x - fl;
if (d > 0.5) { return fl + 1; }
if (d < 0.5) { return fl; }
if (fl - 2 * Math.floor(fl * 0.5) == 0) { return fl; }
return fl + 1;`;

export const UNARY_FLOAT: Record<UnaryOp, string> = {
  neg: 'return -x;',
  // NaN explicitly: SwiftShader's exp(NaN) is +Infinity.
  exp: `if (x != x) { return x; }
return Math.exp(x);`,
  expm1: `const ax = Math.abs(x);
if (ax < 0.01) { return x + x * x * 0.5 + x * x * x / 6 + x * x * x * x / 24; }
return Math.exp(x) - 1;`,
  log: `if (x < 0) { return ${NAN}; }
if (x == 0) { return ${NEG_INF}; }
return Math.log(x);`,
  log1p: `if (x < -1) { return ${NAN}; }
if (x == -1) { return ${NEG_INF}; }
if (x == ${INF}) { return x; }
const u = 1 + x;
if (u == 1) { return x; }
return Math.log(u) * x / (u - 1);`,
  sqrt: `if (x < 0) { return ${NAN}; }
return Math.sqrt(x);`,
  rsqrt: `if (x < 0) { return ${NAN}; }
if (x == 0) { return ${INF}; }
return 1 / Math.sqrt(x);`,
  tanh: `const ax = Math.abs(x);
let t = 0;
if (ax < 0.0625) {
  const x2 = x * x;
  t = ax * (1 - x2 * (0.3333333333 - x2 * (0.1333333333 - x2 * 0.0539682540)));
} else {
  const e = Math.exp(-2 * ax);
  t = (1 - e) / (1 + e);
}
if (x < 0) { return -t; }
return t;`,
  sigmoid: `if (x >= 0) { return 1 / (1 + Math.exp(-x)); }
const e = Math.exp(x);
return e / (1 + e);`,
  abs: 'return Math.abs(x);',
  sign: `if (x > 0) { return 1; }
if (x < 0) { return -1; }
return x;`,
  reciprocal: `if (x == 0) { if (1 / x < 0) { return ${NEG_INF}; } return ${INF}; }
return 1 / x;`,
  floor: 'return Math.floor(x);',
  ceil: 'return Math.ceil(x);',
  round: ROUND,
  sin: 'return Math.sin(x);',
  cos: 'return Math.cos(x);',
  not: `if (x == 0) { return 1; }
return 0;`,
};

/** Float formulas; comparisons and and/or return 0/1. */
export const BINARY_FLOAT: Record<BinaryOp, string> = {
  add: 'return x + y;',
  sub: 'return x - y;',
  mul: 'return x * y;',
  div: 'return x / y;',
  pow: `if (y == 0) { return 1; }
if (x != x || y != y) { return x + y; }
if (x == 0) { if (y > 0) { return 0; } return ${INF}; }
const p = Math.pow(Math.abs(x), y);
if (x > 0) { return p; }
if (Math.floor(y) != y) { return ${NAN}; }
if (Math.abs(y) < 16777216) { if (y - 2 * Math.floor(y * 0.5) != 0) { return -p; } }
return p;`,
  maximum: `if (x != x || y != y) { return x + y; }
if (x > y) { return x; }
return y;`,
  minimum: `if (x != x || y != y) { return x + y; }
if (x < y) { return x; }
return y;`,
  mod: 'return x - y * Math.floor(x / y);',
  atan2: 'return Math.atan2(x, y);',
  equal: `if (x == y) { return 1; }
return 0;`,
  notEqual: `if (x == y) { return 0; }
return 1;`,
  less: `if (x < y) { return 1; }
return 0;`,
  lessEqual: `if (x <= y) { return 1; }
return 0;`,
  greater: `if (x > y) { return 1; }
return 0;`,
  greaterEqual: `if (x >= y) { return 1; }
return 0;`,
  and: `if (x != 0) { if (y != 0) { return 1; } }
return 0;`,
  or: `if (x != 0) { return 1; }
if (y != 0) { return 1; }
return 0;`,
};

/**
 * i32 formulas where the float one would differ: division truncates toward zero, mod floors with
 * the divisor's sign, both exact by remainder correction (operands below 2²³); pow by repeated
 * squaring. Division or mod by zero give 0, as the CPU reference's Int32Array store of ±∞/NaN does.
 */
export const BINARY_I32: Partial<Record<BinaryOp, string>> = {
  div: `if (y == 0) { return 0; }
const ax = Math.abs(x);
const ay = Math.abs(y);
let q = Math.floor(ax / ay);
const r = ax - q * ay;
if (r < 0) { q = q - 1; }
if (r >= ay) { q = q + 1; }
if ((x < 0 && y > 0) || (x > 0 && y < 0)) { return -q; }
return q;`,
  mod: `if (y == 0) { return 0; }
const q = Math.floor(x / y);
let r = x - q * y;
if (y > 0) {
  if (r < 0) { r = r + y; }
  if (r >= y) { r = r - y; }
} else {
  if (r > 0) { r = r + y; }
  if (r <= y) { r = r - y; }
}
return r;`,
  pow: `if (y < 0) {
  if (x == 1) { return 1; }
  if (x == -1) { if (y - 2 * Math.floor(y * 0.5) != 0) { return -1; } return 1; }
  return 0;
}
let r = 1;
let b = x;
let e = y;
for (let k = 0; k < 25; k++) {
  if (e > 0) {
    const bit = e - 2 * Math.floor(e * 0.5);
    if (bit == 1) { r = r * b; }
    b = b * b;
    e = Math.floor(e * 0.5);
  }
}
return r;`,
};
