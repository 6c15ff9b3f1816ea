/**
 * conv2d forward as an implicit GEMM on the subgroup tiling (subgroupTile.ts, 16 rows × 32 columns
 * per 8-lane workgroup) for C % 4 = 0 and O % 4 = 0: rows are the output pixels (n, oy, ox),
 * columns the O filters, K runs over the taps (ki, kj) and, fastest, the channels c. Unlike the
 * 'conv' mode of matmulSubgroup.ts (any C: 4 scalar gathers per row and a div/mod per k-step),
 * 4 k-steps are 4 channels of one x pixel: one vec4 load per row, and the tap loop carries the
 * gather offsets, so the inner loop has no index arithmetic beyond an add. B is w's [KH·KW·C, O]
 * view, a vec4 of 4 filters per k-step and lane; each row is stored as one vec4.
 * Grid (⌈O/32⌉, ⌈N·OH·OW/16⌉, 1).
 */
import { GEOMETRY_WGSL } from './convGeometry.ts';
import { outBinding, stepRowsPerLane, tileAccumulators, tileStore } from './subgroupTile.ts';

const J = [0, 1, 2, 3];

export function conv2dForwardSubgroupWGSL(): string {
  const rows = ['a', 'b'];
  return `enable subgroups;
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>;
${outBinding(true)}
${GEOMETRY_WGSL}
// Output row r as (x offset of its image in vec4s, top row oy·sh − pt, left column ox·sw − pl).
fn pixelOf(g: Geo, r: i32) -> vec3<i32> {
  let n = r / (g.OH * g.OW); let p = r % (g.OH * g.OW);
  return vec3<i32>(n * g.H * g.W * (g.C / 4), (p / g.OW) * g.sh - g.pt, (p % g.OW) * g.sw - g.pl);
}
@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let g = geo();
  let M = g.N * g.OH * g.OW;
  let m0 = i32(wid.y + P[13]) * 16;
  let C4 = g.C / 4; let O4 = g.O / 4;
  let l = i32(lane);
  let c0 = (i32(wid.x + P[14]) * 8 + l) * 4;
  let c4 = min(c0 / 4, O4 - 1);
  let pa = pixelOf(g, min(m0 + l, M - 1));
  let pb = pixelOf(g, min(m0 + 8 + l, M - 1));
${tileAccumulators()}
  for (var ki = 0; ki < g.KH; ki++) {
    for (var kj = 0; kj < g.KW; kj++) {
${rows
  .map(
    (r) => `      let iy${r} = p${r}.y + ki; let ix${r} = p${r}.z + kj;
      let v${r} = iy${r} >= 0 && iy${r} < g.H && ix${r} >= 0 && ix${r} < g.W;
      let x${r} = select(0, p${r}.x + (iy${r} * g.W + ix${r}) * C4, v${r});`,
  )
  .join('\n')}
      let wk = (ki * g.KW + kj) * g.C * O4 + c4;
      for (var k = 0; k < C4; k++) {
        let a0 = select(vec4<f32>(), X[xa + k], va);
        let a1 = select(vec4<f32>(), X[xb + k], vb);
        let wb = wk + k * 4 * O4;
${J.map((j) => `        let b${j} = Wt[wb + ${j} * O4];`).join('\n')}
${stepRowsPerLane('        ')}
      }
    }
  }
${tileStore('M', (r) => `(${r}) * g.O`, 'c0', 'g.O', true)}
}`;
}
