/**
 * Unary element-wise ops, one thread per element. Float formulas are chosen for accuracy in f32:
 * sigmoid is evaluated on the side where exp cannot overflow; expm1 uses a degree-9 Taylor
 * polynomial for |x| < 0.35 (truncation < 1e-9 relative) and exp(x) − 1 elsewhere; log1p uses
 * 2·atanh(s), s = x/(2+x), as an odd series for −0.4 < x < 0.6 and log(1 + x) elsewhere; tanh is
 * −expm1(−2|x|)/(2 + expm1(−2|x|)) with the sign restored (no overflow, accurate near 0).
 * i32 inputs: neg/abs/sign stay integer; other ops compute in f32 and truncate (as the CPU's
 * Int32Array store does). bool (u32) supports `not`; for floats `not` is 1 for 0 and NaN (JS falsiness, as the CPU).
 */
import type { DType, UnaryOp } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, wgslType } from './common.ts';

export const FLOAT_HELPERS = /* wgsl */ `
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.35) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0
      + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0)))))))));
  }
  return exp(x) - 1.0;
}
fn log1p_(x: f32) -> f32 {
  if (x > -0.4 && x < 0.6) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0
      + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0)))))))));
  }
  return log(1.0 + x);
}
fn tanh_(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let e = expm1_(-2.0 * abs(x));
  let t = -e / (2.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn sign_(x: f32) -> f32 {
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return x; // ±0 and NaN
}
`;

function floatExpr(op: UnaryOp): string {
  switch (op) {
    case 'neg': return '-v';
    case 'exp': return 'exp(v)';
    case 'expm1': return 'expm1_(v)';
    case 'log': return 'log(v)';
    case 'log1p': return 'log1p_(v)';
    case 'sqrt': return 'sqrt(v)';
    case 'rsqrt': return '1.0 / sqrt(v)';
    case 'tanh': return 'tanh_(v)';
    case 'sigmoid': return 'sigmoid_(v)';
    case 'abs': return 'abs(v)';
    case 'sign': return 'sign_(v)';
    case 'reciprocal': return '1.0 / v';
    case 'floor': return 'floor(v)';
    case 'ceil': return 'ceil(v)';
    case 'round': return 'round(v)'; // WGSL rounds half to even
    case 'sin': return 'sin(v)';
    case 'cos': return 'cos(v)';
    case 'not': return 'select(0.0, 1.0, v == 0.0 || is_nan(v))';
  }
}

export function unaryWGSL(op: UnaryOp, dtype: DType): string {
  const t = wgslType(dtype);
  let body: string;
  if (t === 'f32') {
    body = `let v = x[i]; out[i] = ${floatExpr(op)};`;
  } else if (t === 'i32' && (op === 'neg' || op === 'abs' || op === 'sign')) {
    body = `let v = x[i]; out[i] = ${op === 'neg' ? '-v' : op === 'abs' ? 'abs(v)' : 'sign(v)'};`;
  } else if (t === 'u32' && op === 'not') {
    body = `out[i] = select(0u, 1u, x[i] == 0u);`;
  } else {
    // Compute in f32, convert back like the CPU's typed-array store (truncate; NaN → 0; bool: ≠ 0).
    const back = t === 'i32' ? 'select(i32(clamp(r, -2147483648.0, 2147483520.0)), 0, is_nan(r))' : 'select(0u, 1u, r != 0.0 && !is_nan(r))';
    body = `let v = f32(x[i]); let r = ${floatExpr(op)}; out[i] = ${back};`;
  }
  return `${PARAMS}${FLOAT_HELPERS}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  ${body}
}`;
}
