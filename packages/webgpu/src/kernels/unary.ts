/**
 * Unary element-wise ops, one thread per element. Float formulas are chosen for accuracy in f32:
 * sigmoid is evaluated on the side where exp cannot overflow; expm1 uses a degree-9 Taylor
 * polynomial for |x| < 0.35 (truncation < 1e-9 relative) and exp(x) − 1 elsewhere; log1p uses
 * 2·atanh(s), s = x/(2+x), as an odd series for −0.4 < x < 0.6 and log(1 + x) elsewhere; tanh is
 * −expm1(−2|x|)/(2 + expm1(−2|x|)) with the sign restored (no overflow, accurate near 0).
 * i32 inputs: neg/abs/sign stay integer; other ops compute in f32 and truncate (as the CPU's
 * Int32Array store does). bool (u32) supports `not`; for floats `not` is 1 for 0 and NaN (JS falsiness, as the CPU).
 *
 * IEEE special values. WGSL leaves the builtins' results at special points to the implementation
 * (e.g. Chromium's SwiftShader adapter: log(0) ≈ −88.03, log(−1) = 0, exp(NaN) = +∞), so the
 * helpers below (`exp_`, `log_`, `sqrt_`, `recip_`, `sin_`, `cos_`) compute the builtin and then
 * replace the special points with the IEEE results the CPU reference (JS Math in f64) gives:
 * exp(NaN) = NaN, exp(x ≥ 88.7228394) = +∞, exp(x ≤ −103.972084) = 0 (±∞ included);
 * log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞; sqrt(±0) = ±0, sqrt(x < 0) = NaN, sqrt(+∞) = +∞;
 * 1/±0 = ±∞; sin/cos(±∞) = NaN; NaN in, NaN out. One `select` per special case, no branch: the
 * fast path costs a few compares. ∞ and NaN come from `f_inf()`/`f_nan()` (a constant that
 * evaluates to either is a WGSL compile error). The functions composed from these (expm1, log1p,
 * tanh, sigmoid, and the GRU and distribution kernels that include FLOAT_HELPERS) inherit them.
 */
import type { ActivationOp, DType, UnaryOp } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, f32Const, wgslType } from './common.ts';

/** The smallest f32 whose exp rounds to +∞ in f32, and the largest whose exp rounds to 0. */
const EXP_OVER = f32Const(88.72283935546875);
const EXP_UNDER = f32Const(-103.97208404541016);

/** Special-value-safe builtins (see the file comment). Needs PARAMS (is_nan, f_inf, f_nan). */
export const IEEE_HELPERS = /* wgsl */ `
fn exp_(x: f32) -> f32 {
  let r = select(exp(x), f_inf(), x >= ${EXP_OVER});
  return select(select(r, 0.0, x <= ${EXP_UNDER}), x, is_nan(x));
}
fn log_(x: f32) -> f32 {
  let inf = f_inf();
  let r = select(log(x), x, x == inf || is_nan(x));
  return select(select(r, -inf, x == 0.0), f_nan(), x < 0.0);
}
fn sqrt_(x: f32) -> f32 {
  let r = select(sqrt(x), x, x == 0.0 || x == f_inf() || is_nan(x));
  return select(r, f_nan(), x < 0.0);
}
fn recip_(x: f32) -> f32 {
  // 1/±0 = ±∞: the sign bit of x with the exponent all ones.
  return select(1.0 / x, bitcast<f32>(bitcast<u32>(x) | 0x7f800000u), x == 0.0);
}
fn non_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u; }
fn sin_(x: f32) -> f32 { return select(sin(x), f_nan(), non_finite(x)); }
fn cos_(x: f32) -> f32 { return select(cos(x), f_nan(), non_finite(x)); }
`;

export const FLOAT_HELPERS = /* wgsl */ `${IEEE_HELPERS}fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.35) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0
      + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0)))))))));
  }
  return exp_(x) - 1.0;
}
fn log1p_(x: f32) -> f32 {
  if (x > -0.4 && x < 0.6) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0
      + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0)))))))));
  }
  return log_(1.0 + x);
}
fn tanh_(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let e = expm1_(-2.0 * abs(x));
  let t = -e / (2.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_(-x)); }
  let e = exp_(x);
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
    case 'exp': return 'exp_(v)';
    case 'expm1': return 'expm1_(v)';
    case 'log': return 'log_(v)';
    case 'log1p': return 'log1p_(v)';
    case 'sqrt': return 'sqrt_(v)';
    case 'rsqrt': return 'recip_(sqrt_(v))';
    case 'tanh': return 'tanh_(v)';
    case 'sigmoid': return 'sigmoid_(v)';
    case 'abs': return 'abs(v)';
    case 'sign': return 'sign_(v)';
    case 'reciprocal': return 'recip_(v)';
    case 'floor': return 'floor(v)';
    case 'ceil': return 'ceil(v)';
    case 'round': return 'round(v)'; // WGSL rounds half to even
    case 'sin': return 'sin_(v)';
    case 'cos': return 'cos_(v)';
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

/**
 * A fused activation (f32), one thread per element: relu = x > 0 ? x : 0 (NaN → 0, as the
 * composed where(x > 0, x, 0)); elu = x > 0 ? x : expm1(x) (the same expm1_ as the unary op, so
 * it matches the composed where(x > 0, x, expm1(min(x, 0))) bit for bit).
 */
export function activationWGSL(op: ActivationOp): string {
  const expr = op === 'relu' ? 'select(0.0, v, v > 0.0)' : 'select(expm1_(v), v, v > 0.0)';
  return `${PARAMS}${FLOAT_HELPERS}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  let v = x[i]; out[i] = ${expr};
}`;
}

/** The activation's gradient from its input: relu x > 0 ? g : 0; elu x > 0 ? g : g·(expm1(x) + 1). */
export function activationBackwardWGSL(op: ActivationOp): string {
  const expr = op === 'relu' ? 'select(0.0, g[i], v > 0.0)' : 'select(g[i] * (expm1_(v) + 1.0), g[i], v > 0.0)';
  return `${PARAMS}${FLOAT_HELPERS}
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  let v = x[i]; out[i] = ${expr};
}`;
}
