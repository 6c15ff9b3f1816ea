/**
 * The reduce pass of a split-K GEMM: out[i] = Σ_z part[z·n + i] over `slices` planes of n floats,
 * a thread per output element (the planes are few and small next to the GEMM). Params [n, slices].
 */
import { MAIN_1D, PARAMS } from './common.ts';

export function sumSlicesWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  var acc = 0.0;
  for (var z = 0u; z < P[1]; z++) { acc += part[z * P[0] + i]; }
  out[i] = acc;
}`;
}
