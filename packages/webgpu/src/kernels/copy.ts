/**
 * Generic strided copy, the kernel behind transpose, expand, slice, pad (after a fill) and concat:
 * for every index of `shape` (row-major, one thread each),
 *   dst[dOff + Σ idx_k·dStr_k] = src[sOff + Σ idx_k·sStr_k].
 * Params: [n, rank, sOff, dOff, shape[rank], sStr[rank], dStr[rank]]. Works on raw 32-bit words.
 */
import { MAIN_1D, PARAMS, stridedIndex } from './common.ts';

export function copyWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
${MAIN_1D}
  let r = P[1];
  ${stridedIndex('i', '1u', '4u', [['s', '4u + r'], ['d', '4u + 2u * r']])}
  dst[P[3] + d] = src[P[2] + s];
}`;
}
