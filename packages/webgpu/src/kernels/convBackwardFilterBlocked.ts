/**
 * conv2d backward filter, portable (no subgroups): the implicit GEMM of
 * convBackwardFilterSubgroup.ts (rows = taps (ki, kj, c), columns = O, K = output pixels × batch,
 * split-K slices along grid z), register-blocked: a workgroup of 8×8 threads covers 32 rows × 32
 * columns and each thread owns 4 consecutive rows × 4 columns. Per k-step (one pixel of one image)
 * a thread loads its 4 rows of x (one vec4 when C % 4 = 0: 4 channels of one pixel) and a vec4 of
 * dy (4 scalars when O % 4 ≠ 0) and does 16 FMAs, an outer product. The pixel's gather offsets and
 * bounds checks are computed once per pixel, outside the batch loop.
 * Grid (⌈O/32⌉, ⌈M/32⌉, slices).
 */
import { GEOMETRY_WGSL } from './convGeometry.ts';

const J = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];

export function conv2dBackwardFilterBlockedWGSL(vecC: boolean, vecO: boolean): string {
  const rows = vecC
    ? `  let t = tapOf(g, min(m0 + 4 * i32(lid.y), M - 4));`
    : J.map((i) => `  let t${i} = tapOf(g, min(m0 + 4 * i32(lid.y) + ${i}, M - 1));`).join('\n');
  const perPixel = vecC
    ? `    let iy = top + t.x; let ix = left + t.y;
    let v = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
    let xo = select(0, ((iy * g.W + ix) * g.C + t.z) / 4, v);`
    : J.map(
        (i) => `    let iy${i} = top + t${i}.x; let ix${i} = left + t${i}.y;
    let v${i} = iy${i} >= 0 && iy${i} < g.H && ix${i} >= 0 && ix${i} < g.W;
    let x${i} = select(0, (iy${i} * g.W + ix${i}) * g.C + t${i}.z, v${i});`,
      ).join('\n');
  const aLoad = vecC
    ? `select(vec4<f32>(), X[n * HWC4 + xo], v)`
    : `vec4<f32>(${J.map((i) => `select(0.0, X[n * HWC + x${i}], v${i})`).join(', ')})`;
  const bLoad = vecO
    ? `DY[(n * pixels + s) * O4 + c4]`
    : `vec4<f32>(${J.map((q) => `DY[(n * pixels + s) * g.O + min(c0 + ${q}, g.O - 1)]`).join(', ')})`;
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<${vecC ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read> DY: array<${vecO ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${GEOMETRY_WGSL}
fn tapOf(g: Geo, r: i32) -> vec3<i32> { let t = r / g.C; return vec3<i32>(t / g.KW, t % g.KW, r % g.C); }
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let g = geo();
  let M = i32(P[16]);
  let m0 = i32(wid.y + P[13]) * 32;
  let O4 = (g.O + 3) / 4;
  let c0 = (i32(wid.x + P[14]) * 8 + i32(lid.x)) * 4;
  let c4 = min(c0 / 4, O4 - 1);
  let pixels = g.OH * g.OW;
  let s0 = i32(wid.z) * i32(P[15]);
  let s1 = min(s0 + i32(P[15]), pixels);
  let HWC = g.H * g.W * g.C;
  let HWC4 = HWC / 4;
${rows}
${J.map((i) => `  var acc${i} = vec4<f32>();`).join('\n')}
  for (var s = s0; s < s1; s++) {
    let top = (s / g.OW) * g.sh - g.pt; let left = (s % g.OW) * g.sw - g.pl;
${perPixel}
    for (var n = 0; n < g.N; n++) {
      let a = ${aLoad};
      let b = ${bLoad};
${J.map((i) => `      acc${i} = fma(vec4<f32>(a.${COMP[i]}), b, acc${i});`).join('\n')}
    }
  }
  if (c0 >= g.O) { return; }
${J.map(
  (i) => `  if (m0 + 4 * i32(lid.y) + ${i} < M) {
    let o = (i32(wid.z) * M + m0 + 4 * i32(lid.y) + ${i}) * g.O + c0;
${J.map((j) => `    ${j === 0 ? '' : `if (c0 + ${j} < g.O) { `}out[o + ${j}] = acc${i}.${COMP[j]};${j === 0 ? '' : ' }'}`).join('\n')}
  }`,
).join('\n')}
}`;
}
