/**
 * Binary element-wise ops with NumPy broadcasting, one thread per output element.
 * Modes: 'same' (both operands have the output's shape: direct indexing), 'scalarA'/'scalarB'
 * (one operand is a single element), 'general' (params [n, rank, outShape, aStrides, bStrides]
 * with stride 0 on broadcast axes; the flat index is decomposed over the output shape), 'window'
 * (a box of a split launch over windows of big buffers, windows.ts: params [n, rank, boxShape,
 * aStrides, bStrides, outStrides, aOff, bOff, outOff]; each operand's element is its offset within
 * its window plus Σ idx·stride).
 * Semantics follow the CPU reference: NaN-propagating maximum/minimum, mod with the divisor's sign,
 * pow defined for negative bases with integer exponents, pow and atan2 with JS Math's results at
 * ±0, ±∞ and NaN, i32 division truncating with x/0 → 0.
 */
import type { BinaryOp, DType } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, f32Const, stridedIndex, wgslType } from './common.ts';

export type BroadcastMode = 'same' | 'scalarA' | 'scalarB' | 'general' | 'window';

const PI = f32Const(Math.PI);
const HALF_PI = f32Const(Math.PI / 2);
const QUARTER_PI = f32Const(Math.PI / 4);
const THREE_QUARTER_PI = f32Const((3 * Math.PI) / 4);

/**
 * pow and atan2 give the CPU reference's (JS Math's) results at every special point explicitly:
 * WGSL leaves pow(x ≤ 0, y), overflow and infinities, and atan2 at zeros and infinities, to the
 * implementation (lavapipe: atan2(±0, ±0) = ±3π/4). The builtins run only off those points.
 */
const HELPERS = /* wgsl */ `
fn odd_int(y: f32) -> bool {
  // Every f32 of magnitude ≥ 2^24 (±∞ included) is an even integer or not an integer.
  return abs(y) < 16777216.0 && floor(y) == y && abs(y % 2.0) == 1.0;
}
fn exp2_(p: f32) -> f32 {
  let r = select(exp2(p), f_inf(), p >= 128.0);
  return select(select(r, 0.0, p < -150.0), p, is_nan(p));
}
// x > 0 (+∞ included). y·log2(x) decides overflow, underflow and the infinite cases; it is NaN for
// x = 1, y = ±∞, and so is JS's Math.pow(1, ±∞).
fn pow_pos(x: f32, y: f32) -> f32 {
  let inf = f_inf();
  let p = y * select(log2(x), inf, x == inf);
  if (abs(p) < 126.0) { return pow(x, y); }
  return exp2_(p);
}
fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let inf = f_inf();
  if (x == 0.0 || x == -inf) {
    // ±0: 0 for y > 0, +∞ for y < 0; −∞ the other way round. An odd integer y keeps the sign of x.
    let m = select(0.0, inf, (y < 0.0) == (x == 0.0));
    return select(m, -m, odd_int(y) && bitcast<u32>(x) >= 0x80000000u);
  }
  if (x < 0.0) {
    if (floor(y) != y) { return f_nan(); }
    let m = pow_pos(-x, y);
    return select(m, -m, odd_int(y));
  }
  return pow_pos(x, y);
}
fn atan2_(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let inf = f_inf();
  let ay = abs(y);
  let ax = abs(x);
  if (ay == 0.0 || ay == inf || ax == 0.0 || ax == inf) {
    // The angle of (|y|, x), then y's sign (−0 included).
    let xneg = bitcast<u32>(x) >= 0x80000000u;
    var a = select(${HALF_PI}, select(0.0, ${PI}, xneg), ax == inf); // y finite ≠ 0, or x = ±0 and y = ±∞
    a = select(a, select(${QUARTER_PI}, ${THREE_QUARTER_PI}, xneg), ay == inf && ax == inf);
    a = select(a, select(0.0, ${PI}, xneg), ay == 0.0);
    return select(a, -a, bitcast<u32>(y) >= 0x80000000u);
  }
  return atan2(y, x);
}
fn fmax_(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  return select(b, a, a > b);
}
fn fmin_(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  return select(b, a, a < b);
}
fn idiv_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (b == -1) { return -a; }
  return a / b;
}
fn imod_(a: i32, b: i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}
`;

function expr(op: BinaryOp, t: 'f32' | 'i32' | 'u32'): string {
  const f = t === 'f32';
  switch (op) {
    case 'add': return 'a + b';
    case 'sub': return 'a - b';
    case 'mul': return 'a * b';
    case 'div': return f ? 'a / b' : t === 'i32' ? 'idiv_(a, b)' : 'select(0u, a / b, b != 0u)';
    case 'pow': return f ? 'pow_(a, b)' : `${t}(pow_(f32(a), f32(b)))`;
    case 'maximum': return f ? 'fmax_(a, b)' : 'max(a, b)';
    case 'minimum': return f ? 'fmin_(a, b)' : 'min(a, b)';
    case 'mod': return f ? 'a - b * floor(a / b)' : t === 'i32' ? 'imod_(a, b)' : 'select(0u, a % b, b != 0u)';
    case 'atan2': return f ? 'atan2_(a, b)' : `${t}(atan2_(f32(a), f32(b)))`;
    case 'equal': return f ? 'select(0u, 1u, a == b && !is_nan(a))' : 'select(0u, 1u, a == b)';
    case 'notEqual': return f ? 'select(0u, 1u, a != b || is_nan(a) || is_nan(b))' : 'select(0u, 1u, a != b)';
    case 'less': return 'select(0u, 1u, a < b)';
    case 'lessEqual': return 'select(0u, 1u, a <= b)';
    case 'greater': return 'select(0u, 1u, a > b)';
    case 'greaterEqual': return 'select(0u, 1u, a >= b)';
    case 'and': return f ? 'select(0u, 1u, a != 0.0 && b != 0.0 && !is_nan(a) && !is_nan(b))' : `select(0u, 1u, a != ${t}(0) && b != ${t}(0))`;
    case 'or': return f ? 'select(0u, 1u, (a != 0.0 && !is_nan(a)) || (b != 0.0 && !is_nan(b)))' : `select(0u, 1u, a != ${t}(0) || b != ${t}(0))`;
  }
}

const COMPARE = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or']);

/** `rank` (compiled in) is the output rank of the 'general' and 'window' modes; the other modes ignore it. */
export function binaryWGSL(op: BinaryOp, inDType: DType, outDType: DType, mode: BroadcastMode, rank = 0): string {
  const t = wgslType(inDType);
  const to = wgslType(outDType);
  let e = expr(op, t);
  const natural = COMPARE.has(op) ? 'u32' : t;
  if (natural !== to) e = to === 'u32' ? `select(0u, 1u, (${e}) != ${natural}(0))` : `${to}(${e})`;
  let index: string;
  let at = 'i';
  switch (mode) {
    case 'same': index = 'let a = A[i]; let b = B[i];'; break;
    case 'scalarA': index = 'let a = A[0]; let b = B[i];'; break;
    case 'scalarB': index = 'let a = A[i]; let b = B[0];'; break;
    case 'general':
      index = `${stridedIndex('i', rank, 2, [['ia', 2 + rank], ['ib', 2 + 2 * rank]])}
  let a = A[ia]; let b = B[ib];`;
      break;
    case 'window': {
      const off = 2 + 4 * rank;
      index = `${stridedIndex('i', rank, 2, [['ia', 2 + rank], ['ib', 2 + 2 * rank], ['io', 2 + 3 * rank]])}
  let a = A[P[${off}] + ia]; let b = B[P[${off + 1}] + ib];`;
      at = `P[${off + 2}] + io`;
    }
  }
  return `${PARAMS}${HELPERS}
@group(0) @binding(1) var<storage, read> A: array<${t}>;
@group(0) @binding(2) var<storage, read> B: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${to}>;
${MAIN_1D}
  ${index}
  out[${at}] = ${e};
}`;
}

/**
 * cond ? a : b with all three broadcast (params [n, rank, outShape, cStr, aStr, bStr]; rank compiled
 * in). `windowed`: a box of a split launch (windows.ts), params [n, rank, boxShape, cStr, aStr, bStr,
 * outStr, cOff, aOff, bOff, outOff].
 */
export function whereWGSL(dtype: DType, rank: number, windowed = false): string {
  const t = wgslType(dtype);
  const off = 2 + 5 * rank;
  const body = windowed
    ? `${stridedIndex('i', rank, 2, [['ic', 2 + rank], ['ia', 2 + 2 * rank], ['ib', 2 + 3 * rank], ['io', 2 + 4 * rank]])}
  out[P[${off + 3}] + io] = select(B[P[${off + 2}] + ib], A[P[${off + 1}] + ia], C[P[${off}] + ic] != 0u);`
    : `${stridedIndex('i', rank, 2, [['ic', 2 + rank], ['ia', 2 + 2 * rank], ['ib', 2 + 3 * rank]])}
  out[i] = select(B[ib], A[ia], C[ic] != 0u);`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
@group(0) @binding(4) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  ${body}
}`;
}

/** dtype conversion: f32 → i32 truncates and saturates (NaN → 0); anything → bool is ≠ 0 (NaN → 1). */
export function castWGSL(from: DType, to: DType): string {
  const tf = wgslType(from);
  const tt = wgslType(to);
  let e: string;
  if (tt === 'u32') e = tf === 'f32' ? 'select(0u, 1u, v != 0.0 || is_nan(v))' : `select(0u, 1u, v != ${tf}(0))`;
  else if (tf === 'f32' && tt === 'i32') {
    e = 'select(select(select(i32(v), -2147483647 - 1, v <= -2147483648.0), 2147483647, v >= 2147483648.0), 0, is_nan(v))';
  } else e = `${tt}(v)`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<${tf}>;
@group(0) @binding(2) var<storage, read_write> out: array<${tt}>;
${MAIN_1D}
  let v = x[i];
  out[i] = ${e};
}`;
}
