/**
 * conv2d forward, portable (no subgroups): an implicit GEMM with rows = output pixels (n, oy, ox),
 * columns = the O filters, K = taps (ki, kj) × channels c (fastest), register-blocked: a workgroup
 * of 8×8 threads covers 32 rows × 32 columns and each thread owns 4 rows (ly + 8i) × 4 columns.
 * Per 4 k-steps (4 channels of one tap) a thread loads a vec4 of x along c for each of its rows and
 * a vec4 of w (4 filters) for each of the 4 channels, and does 64 FMAs; with C % 4 ≠ 0 or
 * O % 4 ≠ 0 those loads are masked scalars. The row gather offsets are advanced per tap, outside
 * the channel loop. Grid (⌈O/32⌉, ⌈N·OH·OW/32⌉, 1).
 */
import { GEOMETRY_WGSL } from './convGeometry.ts';

const J = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];

export function conv2dForwardBlockedWGSL(vecC: boolean, vecO: boolean): string {
  const aLoad = (i: number): string =>
    vecC ? `select(vec4<f32>(), X[x${i} + k], v${i})` : `vec4<f32>(${J.map((q) => `xAt(x${i} + k * 4 + ${q}, v${i} && k * 4 + ${q} < g.C)`).join(', ')})`;
  const bLoad = (j: number): string =>
    vecO
      ? `Wt[min(wk + k * 4 + ${j}, wLast) * O4 + c4]`
      : `vec4<f32>(${J.map((q) => `Wt[min(wk + k * 4 + ${j}, wLast) * g.O + min(c0 + ${q}, g.O - 1)]`).join(', ')})`;
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<${vecC ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read> Wt: array<${vecO ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${GEOMETRY_WGSL}
${vecC ? '' : 'fn xAt(i: i32, ok: bool) -> f32 { return select(0.0, X[select(0, i, ok)], ok); }'}
// Output row r as (x offset of its image, top row oy·sh − pt, left column ox·sw − pl), in x's units.
fn pixelOf(g: Geo, r: i32, unit: i32) -> vec3<i32> {
  let n = r / (g.OH * g.OW); let p = r % (g.OH * g.OW);
  return vec3<i32>(n * g.H * g.W * unit, (p / g.OW) * g.sh - g.pt, (p % g.OW) * g.sw - g.pl);
}
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let g = geo();
  let M = g.N * g.OH * g.OW;
  let m0 = i32(wid.y + P[13]) * 32;
  if (m0 >= M) { return; }
  let C4 = (g.C + 3) / 4; let O4 = (g.O + 3) / 4;
  let unit = ${vecC ? 'C4' : 'g.C'};
  let c0 = (i32(wid.x + P[14]) * 8 + i32(lid.x)) * 4;
  let c4 = min(c0 / 4, O4 - 1);
  // The last row of w's [KH·KW·C, O] view: a masked channel (k ≥ C) reads it, times x = 0.
  let wLast = g.KH * g.KW * g.C - 1;
${J.map((i) => `  let p${i} = pixelOf(g, min(m0 + i32(lid.y) + ${8 * i}, M - 1), unit);`).join('\n')}
${J.map((i) => `  var acc${i} = vec4<f32>();`).join('\n')}
  for (var ki = 0; ki < g.KH; ki++) {
    for (var kj = 0; kj < g.KW; kj++) {
${J.map(
  (i) => `      let iy${i} = p${i}.y + ki; let ix${i} = p${i}.z + kj;
      let v${i} = iy${i} >= 0 && iy${i} < g.H && ix${i} >= 0 && ix${i} < g.W;
      let x${i} = select(0, p${i}.x + (iy${i} * g.W + ix${i}) * unit, v${i});`,
).join('\n')}
      let wk = (ki * g.KW + kj) * g.C;
      for (var k = 0; k < C4; k++) {
${J.map((j) => `        let b${j} = ${bLoad(j)};`).join('\n')}
${J.map((i) => `        { let a = ${aLoad(i)};
          acc${i} = fma(vec4<f32>(a.x), b0, fma(vec4<f32>(a.y), b1, fma(vec4<f32>(a.z), b2, fma(vec4<f32>(a.w), b3, acc${i})))); }`).join('\n')}
      }
    }
  }
  if (c0 >= g.O) { return; }
${J.map(
  (i) => `  if (m0 + i32(lid.y) + ${8 * i} < M) {
    let o = (m0 + i32(lid.y) + ${8 * i}) * g.O + c0;
${J.map((j) => `    ${j === 0 ? '' : `if (c0 + ${j} < g.O) { `}out[o + ${j}] = acc${i}.${COMP[j]};${j === 0 ? '' : ' }'}`).join('\n')}
  }`,
).join('\n')}
}`;
}
