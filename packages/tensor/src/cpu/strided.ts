/** Strided iteration helpers for the CPU backend. */
import type { TypedArray } from '../dtype.ts';
import { type Shape, stridesOf } from '../shape.ts';

/** Strides of an operand of `inShape` read as if broadcast to `outShape` (0 along repeated axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < lead || inShape[i - lead] === 1 ? 0 : own[i - lead]));
}

/**
 * out[i] = src[offset + Σ idx_k · strides[k]] for every index of `shape` in row-major order.
 * The innermost axis runs as a tight loop; an odometer carries the outer ones.
 */
export function stridedCopy(src: TypedArray, offset: number, strides: readonly number[], shape: Shape, out: TypedArray): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = src[offset];
    return;
  }
  const inner = shape[rank - 1];
  const innerStride = strides[rank - 1];
  const total = out.length;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let base = offset;
  for (let o = 0; o < total; o += inner) {
    if (innerStride === 1) {
      for (let j = 0; j < inner; j++) out[o + j] = src[base + j];
    } else {
      for (let j = 0, p = base; j < inner; j++, p += innerStride) out[o + j] = src[p];
    }
    // Advance the odometer over axes rank-2 … 0.
    for (let k = rank - 2; k >= 0; k--) {
      idx[k]++;
      base += strides[k];
      if (idx[k] < shape[k]) break;
      base -= strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

/** The index into an operand (with `strides` from broadcastStrides) of each output element, as an Int32Array. */
export function broadcastIndex(strides: readonly number[], shape: Shape, size: number): Int32Array {
  const out = new Int32Array(size);
  const rank = shape.length;
  if (rank === 0 || size === 0) return out;
  const idx = new Array<number>(rank).fill(0);
  let p = 0;
  for (let o = 0; o < size; o++) {
    out[o] = p;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]++;
      p += strides[k];
      if (idx[k] < shape[k]) break;
      p -= strides[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}
