/**
 * Reductions over one contiguous run of axes — the common case (a bias gradient sums [N, C]
 * over N, a mean over the last axis, a loss over everything) — as three tight loops over
 * [outer, len, inner] blocks instead of an odometer per element.
 */
import type { ReduceOp } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import type { Shape } from '../shape.ts';

export interface ReductionBlocks {
  outer: number;
  len: number;
  inner: number;
}

/** [outer, len, inner] when the reduced axes (ignoring size-1 axes) are contiguous; else null. */
export function reductionBlocks(shape: Shape, axes: readonly number[]): ReductionBlocks | null {
  let outer = 1;
  let len = 1;
  let inner = 1;
  let phase = 0; // 0: before the reduced run, 1: inside it, 2: after it
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    const reduced = axes.includes(i);
    if (reduced) {
      if (phase === 2) return null;
      phase = 1;
      len *= d;
    } else if (phase === 0) outer *= d;
    else {
      phase = 2;
      inner *= d;
    }
  }
  return { outer, len, inner };
}

export function reduceBlocks(op: ReduceOp, src: TypedArray, acc: Float64Array, { outer, len, inner }: ReductionBlocks): void {
  for (let o = 0; o < outer; o++) {
    const out0 = o * inner;
    for (let r = 0; r < len; r++) {
      const base = (o * len + r) * inner;
      if (op === 'sum') for (let i = 0; i < inner; i++) acc[out0 + i] += src[base + i];
      else if (op === 'prod') for (let i = 0; i < inner; i++) acc[out0 + i] *= src[base + i];
      else if (op === 'max') {
        for (let i = 0; i < inner; i++) {
          const v = src[base + i];
          if (v > acc[out0 + i] || v !== v) acc[out0 + i] = v;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = src[base + i];
          if (v < acc[out0 + i] || v !== v) acc[out0 + i] = v;
        }
      }
    }
  }
}
