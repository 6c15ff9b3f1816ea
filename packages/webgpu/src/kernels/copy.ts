/**
 * Generic strided copy, the kernel behind transpose, expand, slice, pad (after a fill) and concat:
 * for every index of `shape` (row-major, one thread each),
 *   dst[dOff + Σ idx_k·dStr_k] = src[sOff + Σ idx_k·sStr_k].
 * Params: [n, rank, sOff, dOff, shape[rank], sStr[rank], dStr[rank]]. Works on raw 32-bit words.
 * The rank is compiled in (one pipeline per rank; the backend first merges dimensions that are
 * contiguous in both src and dst and drops size-1 ones, so most copies are rank 1–3).
 */
import { MAIN_1D, PARAMS, stridedIndex } from './common.ts';

export function copyWGSL(rank: number): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
${MAIN_1D}
  ${stridedIndex('i', rank, 4, [['s', 4 + rank], ['d', 4 + 2 * rank]])}
  dst[P[3] + d] = src[P[2] + s];
}`;
}
