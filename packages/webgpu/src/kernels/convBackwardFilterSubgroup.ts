/**
 * conv2d backward filter (dw = xᵀ ⊛ dy) as an implicit GEMM on the subgroup tiling (subgroupTile.ts,
 * 16 rows × 32 columns per 8-lane workgroup): rows are the taps (ki, kj, c) of w's [KH·KW·C, O] view,
 * columns the O output channels, and K runs over the output pixels (oy, ox) and, fastest, the batch:
 * A((ki, kj, c), (oy, ox, n)) = x[n, oy·sh − pt + ki, ox·sw − pl + kj, c] (0 outside x), B = dy.
 * Batch-fastest K keeps a 4-step chunk on one pixel, so the gather offsets are computed once per
 * pixel and the batch is padded only to a multiple of 4 (masked), not the image width.
 *
 * A comes in by the k-steps-per-lane layout when C % 4 = 0 (4 consecutive rows are 4 channels of one
 * x pixel: two vec4 loads per lane per 4 k-steps), else by rows per lane (8 masked scalar loads).
 * B is a vec4 of dy per k-step and lane when O % 4 = 0, else 4 masked scalars.
 *
 * K = N·OH·OW is long and the output small (the encoder's first layer: 48 × 32 = 3 tiles over
 * K = 48050), so the pixels are split into grid-z slices of `splitLen` (split-K); each slice writes
 * its partial [M, O] product to its own plane of `out`, summed by kernels/splitK.ts. Grid
 * (⌈O/32⌉, ⌈M/16⌉, slices); needs subgroup size 8.
 */
import { GEOMETRY_WGSL } from './convGeometry.ts';
import { outBinding, stepKPerLane, stepRowsPerLane, tileAccumulators, tileStore } from './subgroupTile.ts';

const J = [0, 1, 2, 3];

export function conv2dBackwardFilterSubgroupWGSL(vecC: boolean, vecO: boolean): string {
  const bLoads = vecO
    ? J.map((k) => `        let b${k} = DY[min(n + ${k}, g.N - 1) * pixels * O4 + dyS + c4];`).join('\n')
    : J.map((k) => `        let b${k} = vec4<f32>(${J.map((q) => `DY[min(n + ${k}, g.N - 1) * pixels * g.O + dyS + min(c0 + ${q}, g.O - 1)]`).join(', ')});`).join('\n');
  const rows = vecC
    ? `  // Lane l gathers rows 4(l%4)..+3 (channels c..c+3 of one tap) at k-steps l/4 and l/4 + 2.
  let ra = tapOf(g, min(m0 + 4 * (l % 4), M - 4));
  let j0 = l / 4;`
    : `  let ra = tapOf(g, min(m0 + l, M - 1));
  let rb = tapOf(g, min(m0 + 8 + l, M - 1));`;
  const perPixel = vecC
    ? `    let iya = top + ra.x; let ixa = left + ra.y;
    let va = iya >= 0 && iya < g.H && ixa >= 0 && ixa < g.W;
    let xa = select(0, ((iya * g.W + ixa) * g.C + ra.z) / 4, va);`
    : ['a', 'b']
        .map(
          (r) => `    let iy${r} = top + r${r}.x; let ix${r} = left + r${r}.y;
    let v${r} = iy${r} >= 0 && iy${r} < g.H && ix${r} >= 0 && ix${r} < g.W;
    let x${r} = select(0, (iy${r} * g.W + ix${r}) * g.C + r${r}.z, v${r});`,
        )
        .join('\n');
  const aLoads = vecC
    ? `        let v0 = xAt4(n + j0, xa, va, HWC4);
        let v1 = xAt4(n + j0 + 2, xa, va, HWC4);`
    : ['a', 'b'].map((r, i) => `        let a${i} = vec4<f32>(${J.map((k) => `xAt(n + ${k}, x${r}, v${r}, HWC)`).join(', ')});`).join('\n');
  return `enable subgroups;
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<${vecC ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read> DY: array<${vecO ? 'vec4<f32>' : 'f32'}>;
${outBinding(vecO)}
${GEOMETRY_WGSL}
// Row r of w's [KH·KW·C, O] view as (ki, kj, c).
fn tapOf(g: Geo, r: i32) -> vec3<i32> { let t = r / g.C; return vec3<i32>(t / g.KW, t % g.KW, r % g.C); }
${
  vecC
    ? `fn xAt4(n: i32, at: i32, ok: bool, HWC4: i32) -> vec4<f32> {
  let live = ok && n < i32(P[0]);
  return select(vec4<f32>(), X[select(0, n * HWC4 + at, live)], live);
}`
    : `fn xAt(n: i32, at: i32, ok: bool, HWC: i32) -> f32 {
  let live = ok && n < i32(P[0]);
  return select(0.0, X[select(0, n * HWC + at, live)], live);
}`
}
@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let g = geo();
  let M = i32(P[16]);
  let m0 = i32(wid.y + P[13]) * 16;
  let O4 = (g.O + 3) / 4;
  let l = i32(lane);
  let c0 = (i32(wid.x + P[14]) * 8 + l) * 4;
  let c4 = min(c0 / 4, O4 - 1);
  let pixels = g.OH * g.OW;
  let s0 = i32(wid.z) * i32(P[15]);
  let s1 = min(s0 + i32(P[15]), pixels);
  let HWC = g.H * g.W * g.C;
  let HWC4 = HWC / 4;
${rows}
${tileAccumulators()}
  for (var s = s0; s < s1; s++) {
    let top = (s / g.OW) * g.sh - g.pt; let left = (s % g.OW) * g.sw - g.pl;
${perPixel}
    let dyS = s * ${vecO ? 'O4' : 'g.O'};
    for (var n = 0; n < g.N; n += 4) {
${aLoads}
${bLoads}
${vecC ? stepKPerLane('        ') : stepRowsPerLane('        ')}
    }
  }
${tileStore('M', (r) => `(i32(wid.z) * M + ${r}) * g.O`, 'c0', 'g.O', vecO)}
}`;
}
