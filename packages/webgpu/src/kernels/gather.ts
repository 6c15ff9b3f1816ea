/**
 * gather and scatterAdd along one axis, viewed as [outer, len, inner]; indices are clamped to
 * [0, len). gather: one thread per output element copies a 32-bit word. scatterAdd avoids float
 * atomics: one thread per output element (o, at, j) loops over all k indices and sums the updates
 * whose clamped index equals `at` (O(out·k), deterministic order). Params [n, k, len, inner].
 */
import type { DType } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, wgslType } from './common.ts';

export function gatherWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
${MAIN_1D}
  let k = P[1]; let len = P[2]; let inner = P[3];
  let j = i % inner; let t = i / inner; let ii = t % k; let o = t / k;
  let at = u32(clamp(idx[ii], 0, i32(len) - 1));
  out[i] = x[(o * len + at) * inner + j];
}`;
}

export function scatterAddWGSL(dtype: DType): string {
  const t = wgslType(dtype);
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> upd: array<${t}>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let k = P[1]; let len = P[2]; let inner = P[3];
  let j = i % inner; let t = i / inner; let at = i32(t % len); let o = t / len;
  var acc: ${t} = ${t}(0);
  for (var ii = 0u; ii < k; ii++) {
    if (clamp(idx[ii], 0, i32(len) - 1) == at) { acc += upd[(o * k + ii) * inner + j]; }
  }
  out[i] = acc;
}`;
}
