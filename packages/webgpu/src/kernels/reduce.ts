/**
 * Reductions over arbitrary axes. Conceptually the reduced axes are permuted last: an output
 * element's base offset comes from the kept axes, and r ∈ [0, R) is decomposed over the reduced
 * axes. Params: [nOut, rankKept, R, rankRed, keptShape, keptStrides, redShape, redStrides]
 * (strides are the input's). Short reductions (R < 256) run one thread per output element with a
 * loop; long ones run one WG-lane (256) workgroup per output element (2-D grid of workgroups), each lane
 * striding over r, then a shared-memory tree — also more accurate for f32 sums.
 * max/min propagate NaN like the CPU (a NaN, once met, stays).
 * Windowed (a box of a split launch over windows of big buffers, windows.ts): params continue
 * [..., outStrides (rankKept), xOff, outOff]; x is read at xOff + base + offset within its window and
 * the output written at outOff + Σ kept idx·outStride.
 */
import type { DType, ReduceOp } from '@dreamer/tensor';
import { MAIN_1D, PARAMS, WG, stridedIndex, wgslType } from './common.ts';

function parts(op: ReduceOp, t: 'f32' | 'i32' | 'u32'): { init: string; comb: string } {
  const f = t === 'f32';
  switch (op) {
    case 'sum': return { init: `${t}(0)`, comb: 'a + b' };
    case 'prod': return { init: `${t}(1)`, comb: 'a * b' };
    case 'max':
      return {
        init: f ? '-f_inf()' : t === 'i32' ? '(-2147483647 - 1)' : '0u',
        comb: f ? 'select(a, b, b > a || is_nan(b))' : 'max(a, b)',
      };
    case 'min':
      return {
        init: f ? 'f_inf()' : t === 'i32' ? '2147483647' : '0xffffffffu',
        comb: f ? 'select(a, b, b < a || is_nan(b))' : 'min(a, b)',
      };
  }
}

/**
 * `rk` / `rr`: the numbers of kept and reduced axes, compiled in (the backend merges adjacent axes
 * that are contiguous first, so a sum over leading or trailing axes has rr = 1: its loop reads
 * x[base + r·stride] with no index arithmetic).
 */
export function reduceWGSL(op: ReduceOp, dtype: DType, tree: boolean, rk: number, rr: number, windowed = false): string {
  const t = wgslType(dtype);
  const { init, comb } = parts(op, t);
  const redAt = 4 + 2 * rk;
  const outAt = redAt + 2 * rr;
  const xOff = windowed ? ` + P[${outAt + rk}]` : '';
  const outIndex = (o: string): string => (windowed ? `outIndex(${o})` : o);
  const load =
    rr === 1
      ? `fn load(base: u32, r: u32) -> ${t} { return x[base + r * P[${redAt + 1}]]; }`
      : `fn load(base: u32, r: u32) -> ${t} {
  ${stridedIndex('r', rr, redAt, [['off', redAt + rr]])}
  return x[base + off];
}`;
  const head = `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
fn comb(a: ${t}, b: ${t}) -> ${t} { return ${comb}; }
${load}
fn baseOf(o: u32) -> u32 {
  ${stridedIndex('o', rk, 4, [['b', 4 + rk]])}
  return b${xOff};
}${
    windowed
      ? `
fn outIndex(o: u32) -> u32 {
  ${stridedIndex('o', rk, 4, [['q', outAt]])}
  return P[${outAt + rk + 1}] + q;
}`
      : ''
  }`;
  if (!tree) {
    return `${head}
${MAIN_1D}
  let base = baseOf(i);
  var acc: ${t} = ${init};
  for (var r = 0u; r < P[2]; r++) { acc = comb(acc, load(base, r)); }
  out[${outIndex('i')}] = acc;
}`;
  }
  return `${head}
var<workgroup> sh: array<${t}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let o = wid.x + wid.y * nwg.x;
  let live = o < P[0];
  var acc: ${t} = ${init};
  if (live) {
    let base = baseOf(o);
    for (var r = lid; r < P[2]; r += ${WG}u) { acc = comb(acc, load(base, r)); }
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (live && lid == 0u) { out[${outIndex('o')}] = sh[0]; }
}`;
}

/** argmax/argmin along one axis, one thread per (outer, inner) pair; first extreme wins, first NaN wins. Params [n, len, inner]. */
export function argReduceWGSL(op: 'argmax' | 'argmin', dtype: DType): string {
  const t = wgslType(dtype);
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  const nan = t === 'f32' ? ' || is_nan(v)' : '';
  const bestNan = t === 'f32' ? 'if (is_nan(best)) { break; }' : '';
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
${MAIN_1D}
  let len = P[1]; let inner = P[2];
  let base = (i / inner) * len * inner + i % inner;
  var best = x[base];
  var at = 0u;
  for (var k = 1u; k < len; k++) {
    ${bestNan}
    let v = x[base + k * inner];
    if (${better}${nan}) { best = v; at = k; }
  }
  out[i] = i32(at);
}`;
}
