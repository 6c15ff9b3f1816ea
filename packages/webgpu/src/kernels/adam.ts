/**
 * Optimiser kernels: the Adam step (Backend.adamUpdate) and the sum of squares of many tensors
 * (Backend.sumSquares) for global-norm clipping.
 *
 * Adam: one thread per element reads param, grad, m, v once and writes param', m', v' — one
 * launch per tensor where the composed step takes twelve. Params [n, lrT, β1, 1−β1, β2, 1−β2, ε]
 * (floats as bits; the complements come from the host in double, as the composed step's constants).
 *
 * Sum of squares: a two-level tree. Partial launches bind up to 8 tensors at once; the workgroups
 * of a launch are dealt out to its tensors in chunks (a table in the params maps a workgroup to its
 * tensor), each workgroup squares and sums its chunk (lanes strided, then a shared-memory tree)
 * into its own slot of a partials buffer. One final workgroup sums the partials. No atomics (WGSL
 * has none for f32) and no readback: the result stays on the device. Workgroup shape: see
 * SUM_SQUARES_TILING.
 */
import { MAIN_1D, PARAMS } from './common.ts';
import { fusedBuffers } from './fusedBindings.ts';
import { IEEE_HELPERS } from './unary.ts';

export function adamWGSL(): string {
  const b = fusedBuffers(['param', 'grad', 'm', 'v'], ['paramOut', 'mOut', 'vOut']);
  // sqrt_: sqrt with IEEE results at 0 and +∞ (WGSL leaves them to the device), as the CPU's Math.sqrt.
  return `${PARAMS}${IEEE_HELPERS}
${b.decls}
${MAIN_1D}
  let g = grad[i];
  let m1 = m[i] * pf(2u) + g * pf(3u);
  let v1 = v[i] * pf(4u) + (g * g) * pf(5u);
  ${b.store(1, 'i', 'm1')}
  ${b.store(2, 'i', 'v1')}
  ${b.store(0, 'i', 'param[i] - (m1 / (sqrt_(v1) + pf(6u))) * pf(1u)')}
}`;
}

/** Workgroup shape of the sum of squares: `lanes` per workgroup, each summing `perLane` elements. */
export interface SumSquaresTiling {
  readonly lanes: number;
  readonly perLane: number;
}

/**
 * Narrow, long workgroups: on lavapipe a 256-lane workgroup's barrier tree costs more than its
 * loads (barriers switch coroutines), so 16 lanes × 1024 elements each summed the RSSM's 14 leaves
 * ~4× faster than 64 × 128 and ~10× faster than 256 × 8 (bench runs of 2026-11-24); 8 lanes were
 * as fast. A GPU would rather have wide workgroups, but one pass per optimiser step is cheap there.
 */
export const SUM_SQUARES_TILING: SumSquaresTiling = { lanes: 16, perLane: 1024 };

const tree = (lanes: number): string => /* wgsl */ `
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${lanes / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }`;

/**
 * Partial sums of squares of `inputs` tensors X0…. Params: [groups, inputs, slot0, then per
 * tensor k: length, first workgroup]; workgroup w writes partials[slot0 + w].
 */
export function sumSquaresPartialWGSL(inputs: number, tiling: SumSquaresTiling = SUM_SQUARES_TILING): string {
  const { lanes, perLane } = tiling;
  const chunk = lanes * perLane;
  const names = Array.from({ length: inputs }, (_, k) => `X${k}`);
  const b = fusedBuffers(names, ['partials']);
  // The tensor is uniform over a workgroup: branch once, outside the loop, so its loads are direct.
  const loops = names.map((x, k) => `case ${k}u: { for (var e = start + lid; e < end; e += ${lanes}u) { let v = ${x}[e]; acc += v * v; } }`).join('\n      ');
  return `${PARAMS}
${b.decls}
var<workgroup> sh: array<f32, ${lanes}>;
@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  ${b.touch}
  let w = wid.x + wid.y * nwg.x;
  let live = w < P[0];
  var acc = 0.0;
  if (live) {
    var k = 0u;
    for (var t = 1u; t < P[1]; t++) { if (w >= P[4u + 2u * t]) { k = t; } }
    let len = P[3u + 2u * k];
    let start = (w - P[4u + 2u * k]) * ${chunk}u;
    let end = min(start + ${chunk}u, len);
    switch k {
      ${loops}
      default: {}
    }
  }
  ${tree(lanes)}
  if (live && lid == 0u) { partials[P[2] + w] = sh[0]; }
}`;
}

/** One workgroup: out[0] = Σ partials[0 .. P[0]). */
export function sumSquaresFinalWGSL(lanes = SUM_SQUARES_TILING.lanes): string {
  const b = fusedBuffers(['partials'], ['out']);
  return `${PARAMS}
${b.decls}
var<workgroup> sh: array<f32, ${lanes}>;
@compute @workgroup_size(${lanes})
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var e = lid; e < P[0]; e += ${lanes}u) { acc += partials[e]; }
  ${tree(lanes)}
  if (lid == 0u) { out[0] = sh[0]; }
}`;
}
