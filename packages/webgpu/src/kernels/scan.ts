/**
 * Inclusive/exclusive running sum or product along one axis, optionally from the end: one thread
 * per line (outer·inner lines), a sequential loop along the axis. Params [lines, len, inner].
 */
import type { DType, ScanOp } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, wgslType } from './common.ts';

export function scanWGSL(op: ScanOp, dtype: DType, exclusive: boolean, reverse: boolean): string {
  const t = wgslType(dtype);
  const step = op === 'sum' ? 'acc + v' : 'acc * v';
  const write = exclusive ? `out[p] = acc; acc = ${step};` : `acc = ${step}; out[p] = acc;`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let len = P[1]; let inner = P[2];
  let base = (i / inner) * len * inner + i % inner;
  var acc: ${t} = ${t}(${op === 'sum' ? 0 : 1});
  for (var s = 0u; s < len; s++) {
    let k = ${reverse ? 'len - 1u - s' : 's'};
    let p = base + k * inner;
    let v = x[p];
    ${write}
  }
}`;
}
