/**
 * The reduce pass of a split-K GEMM: out[i] = Σ over groups g, Σ_z part[off_g + z·n + i] over the
 * `slices_g` planes of n floats of each group, a thread per output element (the planes are few and
 * small next to the GEMM). A conv filter gradient split over batch chunks (windows.ts) writes one
 * group per chunk, each at an aligned offset. Params [n, groups, off_0, slices_0, off_1, …].
 */
import { MAIN_1D, PARAMS } from './common.ts';

export function sumSlicesWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  var acc = 0.0;
  for (var g = 0u; g < P[1]; g++) {
    let off = P[2u + 2u * g];
    for (var z = 0u; z < P[3u + 2u * g]; z++) { acc += part[off + z * P[0] + i]; }
  }
  out[i] = acc;
}`;
}
