/**
 * i32 and bool on a float32 machine. Every gpu.js mode computes in float32 (GLSL has no exact
 * 32-bit integers in WebGL1-level shaders, and gpu.js types every value as a float), so an integer
 * is exact only while |v| < 2²⁴. Buffers keep their dtype's array (Int32Array, Uint8Array) so
 * upload and read are exact at any value; ops that compute i32 values in a kernel check that the
 * operands and results stay in the exact range and throw a RangeError otherwise — never a silently
 * rounded integer.
 */
import type { DType, TypedArray } from '@dreamer/tensor';

/** Integers of magnitude below this are exact in float32. */
export const F32_EXACT = 2 ** 24;
/** Operand bound of ops whose intermediates may reach twice the operands (div, mod, pow). */
export const I32_SAFE_OPERAND = 2 ** 23;

export function maxAbs(a: TypedArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

function refuse(op: string, what: string, value: number, limit: number): never {
  throw new RangeError(
    `gpujs ${op}: i32 ${what} ${value} is beyond ±${limit}; gpu.js kernels compute in float32, where such ` +
      `integers are not exact, so this backend refuses rather than round (use the cpu or webgpu backend for large i32 values)`,
  );
}

/** Throws unless every i32 operand value has magnitude ≤ limit (bool and float operands pass). */
export function checkI32Operands(op: string, dtype: DType, arrays: readonly TypedArray[], limit = F32_EXACT): void {
  if (dtype !== 'i32') return;
  for (const a of arrays) {
    const m = maxAbs(a);
    if (m > limit) refuse(op, 'operand', m, limit);
  }
}

/**
 * Throws unless a sum of `terms` products of operands bounded by `bounds` stays exact (reductions,
 * scans, matmul, scatterAdd on i32: every partial sum must be exact, not only the result).
 */
export function checkI32Accumulation(op: string, dtype: DType, bounds: readonly number[], terms: number): void {
  if (dtype !== 'i32') return;
  const worst = bounds.reduce((a, b) => a * b, 1) * terms;
  if (worst >= F32_EXACT) refuse(op, 'partial sums up to', worst, F32_EXACT);
}

/** Like checkI32Accumulation for running products: every partial product of `terms` factors ≤ bound. */
export function checkI32Product(op: string, dtype: DType, bound: number, terms: number): void {
  if (dtype !== 'i32' || bound <= 1) return;
  const worst = bound ** terms;
  if (worst >= F32_EXACT) refuse(op, 'partial products up to', worst, F32_EXACT);
}

/**
 * A kernel's float32 output as an array of `dtype`. i32 results must be exact (|v| < 2²⁴) unless
 * `saturate` (the float → i32 cast: truncated in the kernel, saturated here, NaN → 0); a non-finite
 * i32 result becomes 0, as a JavaScript Int32Array store does on the CPU reference.
 */
export function fromKernel(op: string, out: Float32Array, dtype: DType, saturate = false): TypedArray {
  if (dtype === 'f32') return out;
  if (dtype === 'bool') {
    const b = new Uint8Array(out.length);
    for (let i = 0; i < out.length; i++) b[i] = out[i] !== 0 ? 1 : 0;
    return b;
  }
  if (dtype !== 'i32') throw new TypeError(`gpujs ${op}: dtype ${dtype} is not supported (f32, i32 and bool are)`);
  const r = new Int32Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (saturate) {
      r[i] = v !== v ? 0 : v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : v;
    } else if (!Number.isFinite(v)) {
      r[i] = 0;
    } else {
      if (Math.abs(v) >= F32_EXACT) refuse(op, 'result', v, F32_EXACT);
      r[i] = v;
    }
  }
  return r;
}
