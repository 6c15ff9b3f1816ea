/**
 * Binary element-wise ops with NumPy broadcasting, one thread per output element.
 * Modes: 'same' (both operands have the output's shape: direct indexing), 'scalarA'/'scalarB'
 * (one operand is a single element), 'general' (params [n, rank, outShape, aStrides, bStrides]
 * with stride 0 on broadcast axes; the flat index is decomposed over the output shape).
 * Semantics follow the CPU reference: NaN-propagating maximum/minimum, mod with the divisor's sign,
 * pow defined for negative bases with integer exponents, i32 division truncating with x/0 → 0.
 */
import type { BinaryOp, DType } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, stridedIndex, wgslType } from './common.ts';

export type BroadcastMode = 'same' | 'scalarA' | 'scalarB' | 'general';

const HELPERS = /* wgsl */ `
fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return x + y; }
  if (x == 0.0) {
    // ±0: 0 for y > 0, +inf for y < 0 (odd integer y keeps the sign of a negative zero).
    let odd = floor(y) == y && abs(y % 2.0) == 1.0;
    let neg = odd && bitcast<u32>(x) == 0x80000000u;
    if (y > 0.0) { return select(0.0, -0.0, neg); }
    let inf = f_inf();
    return select(inf, -inf, neg);
  }
  if (x < 0.0) {
    if (floor(y) != y) { return f_nan(); }
    let m = pow(-x, y);
    return select(m, -m, abs(y % 2.0) == 1.0);
  }
  return pow(x, y);
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
    case 'atan2': return f ? 'atan2(a, b)' : `${t}(atan2(f32(a), f32(b)))`;
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

/** `rank` (compiled in) is the output rank of the 'general' mode; the other modes ignore it. */
export function binaryWGSL(op: BinaryOp, inDType: DType, outDType: DType, mode: BroadcastMode, rank = 0): string {
  const t = wgslType(inDType);
  const to = wgslType(outDType);
  let e = expr(op, t);
  const natural = COMPARE.has(op) ? 'u32' : t;
  if (natural !== to) e = to === 'u32' ? `select(0u, 1u, (${e}) != ${natural}(0))` : `${to}(${e})`;
  let index: string;
  switch (mode) {
    case 'same': index = 'let a = A[i]; let b = B[i];'; break;
    case 'scalarA': index = 'let a = A[0]; let b = B[i];'; break;
    case 'scalarB': index = 'let a = A[i]; let b = B[0];'; break;
    case 'general':
      index = `${stridedIndex('i', rank, 2, [['ia', 2 + rank], ['ib', 2 + 2 * rank]])}
  let a = A[ia]; let b = B[ib];`;
  }
  return `${PARAMS}${HELPERS}
@group(0) @binding(1) var<storage, read> A: array<${t}>;
@group(0) @binding(2) var<storage, read> B: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${to}>;
${MAIN_1D}
  ${index}
  out[i] = ${e};
}`;
}

/** cond ? a : b with all three broadcast (params [n, rank, outShape, cStr, aStr, bStr]; rank compiled in). */
export function whereWGSL(dtype: DType, rank: number): string {
  const t = wgslType(dtype);
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
@group(0) @binding(4) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  ${stridedIndex('i', rank, 2, [['ic', 2 + rank], ['ia', 2 + 2 * rank], ['ib', 2 + 3 * rank]])}
  out[i] = select(B[ib], A[ia], C[ic] != 0u);
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
