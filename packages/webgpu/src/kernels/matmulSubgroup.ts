/**
 * Subgroup-broadcast f32 matmul for lavapipe (subgroup size 8), after /work/shared/spec/performance.md:
 * lavapipe runs each invocation as a SIMD lane and turns every storage load whose address depends
 * on the workgroup id or a loop variable into a per-lane scalar sequence, so the fewer loads per
 * FMA the better, and workgroups larger than the subgroup only add overhead.
 *
 * Strategy: a workgroup is ONE subgroup of 8 lanes and computes a 16-row × 32-column tile. Lane l
 * owns rows 0..15 × columns 4l..4l+3 (16 vec4 accumulators). Per 4 k-steps each lane loads 4
 * values of A from its own row l and 4 from row l+8, and 4 vec4 of B (rows k..k+3 at its 4
 * columns: consecutive lanes read consecutive columns); the 16 rows of A are then shared with
 * `subgroupBroadcast` (constant lane indices, fully unrolled): 64 vec4 FMAs per lane per 4 k-steps.
 * All lanes stay in uniform control flow: edge rows and columns read clamped (valid) addresses
 * and are not written. A K that is not a multiple of 4 ends with a scalar tail loop (one k-step
 * at a time), so no operand needs K padding.
 *
 * Operand modes (chosen by the backend so that most calls need no extra pass; a strided copy
 * costs as much as a skinny matmul on lavapipe):
 * - A 'vec4': row-major with a row stride (in floats) that is a multiple of 4 — one vec4 load per
 *   row per 4 k-steps. A 'scalar': any strides (transposed, or K % 4 ≠ 0) — 4 scalar loads.
 *   The backend packs a big A with `packWGSL` into the 'vec4' layout when it is re-read by many
 *   column tiles.
 * - B 'vec4': row-major, N % 4 = 0. B 'vec4T': transposed ([N, K]), K % 4 = 0 — each lane loads a
 *   vec4 along k for each of its 4 columns and transposes the 4×4 block in registers. Other B
 *   layouts are packed into 'vec4' first.
 * Params [M, N, K, aBatchStride, bBatchStride, batch0, aRowStride, aKStride, ⌈N/4⌉] (strides in
 * floats); bindings A as vec4 and as f32 (the same buffer), B as vec4, out.
 * Grid (⌈N/32⌉, ⌈M/16⌉, batches); P[19] and P[20] (every mode) offset the row and column tile ids
 * of a grid split into launches of ≤ 65535 (grid.ts). Needs `enable subgroups;` and assumes subgroup size 8.
 *
 * A 'conv' (conv2d forward as an implicit GEMM, NHWC x and HWIO filter): A is never materialized.
 * Row r = (n, oy, ox) of the output, column k = (ki, kj, c) of the filter's [KH·KW·C, O] view, and
 * A(r, k) = x[n, oy·sh − pt + ki, ox·sw − pl + kj, c] (0 outside the image) is gathered with 4
 * scalar loads per row per 4 k-steps (k decomposed once per step and shared by both rows); B is
 * the filter read as 'vec4' rows. K runs in ⌈K/4⌉ chunks: A is 0 for k ≥ K and B's row index is
 * clamped, so no tail. The output [N·OH·OW, O] is the NHWC result. Extra params after the nine:
 * [H, W, C, KW, OH, OW, sh, sw, pt, pl].
 */

export const SUBGROUP_TILE_M = 16;
export const SUBGROUP_TILE_N = 32;

export type SubgroupAMode = 'vec4' | 'scalar' | 'conv';
export type SubgroupBMode = 'vec4' | 'vec4T';

export function matmulSubgroupWGSL(aMode: SubgroupAMode, bMode: SubgroupBMode): string {
  const rows = Array.from({ length: 16 }, (_, i) => i);
  const ks = [0, 1, 2, 3];
  const comp = ['x', 'y', 'z', 'w'];
  const conv = aMode === 'conv';
  const aLoad = (base: string): string =>
    conv
      ? `vec4<f32>(${ks.map((j) => `xv(${base}, q${j})`).join(', ')})`
      : aMode === 'vec4' ? `A4[(${base}) / 4u + k]` : `vec4<f32>(${ks.map((j) => `As[${base} + (k4 + ${j}u) * sK]`).join(', ')})`;
  const bLoads =
    bMode === 'vec4'
      ? ks.map((j) => (conv ? `    let b${j} = B4[bv + min(k4 + ${j}u, K - 1u) * N4];` : `    let b${j} = B4[bv + (k4 + ${j}u) * N4];`)).join('\n')
      : `${ks.map((i) => `    let t${i} = B4[bc${i} + k];`).join('\n')}
${ks.map((j) => `    let b${j} = vec4<f32>(${ks.map((i) => `t${i}.${comp[j]}`).join(', ')});`).join('\n')}`;
  const bSetup =
    bMode === 'vec4'
      ? `  let bv = bo / 4u + c4;`
      : ks.map((i) => `  let bc${i} = (bo + min(c4 * 4u + ${i}u, N - 1u) * K) / 4u;`).join('\n');
  const tail = conv
    ? '  // conv: the last chunk is masked, no tail.'
    : bMode === 'vec4'
      ? `  for (var kk = (K / 4u) * 4u; kk < K; kk++) {
    let a0 = As[ra + kk * sK];
    let a1 = As[rb + kk * sK];
    let bk = B4[bv + kk * N4];
${rows.map((i) => `    acc${i} = fma(vec4<f32>(subgroupBroadcast(${i < 8 ? 'a0' : 'a1'}, ${i % 8}u)), bk, acc${i});`).join('\n')}
  }`
      : '  // vec4T needs K % 4 = 0: no tail.';
  return `enable subgroups;
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> As: array<f32>;
@group(0) @binding(3) var<storage, read> B4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
${
    conv
      ? `// A conv row: (x offset of image n, oy·sh − pt, ox·sw − pl).
fn rowOf(r: u32, W: i32, OHW: u32, OW: u32) -> vec3<i32> {
  let n = r / OHW; let p = r % OHW;
  return vec3<i32>(i32(n) * i32(P[9]) * W * i32(P[11]), i32(p / OW) * i32(P[15]) - i32(P[17]), i32(p % OW) * i32(P[16]) - i32(P[18]));
}
// x at a row and k = (ki, kj, c, k < K) or 0 outside the image.
fn xv(row: vec3<i32>, q: vec4<i32>) -> f32 {
  let iy = row.y + q.x; let ix = row.z + q.y;
  let H = i32(P[9]); let W = i32(P[10]);
  let ok = q.w == 1 && iy >= 0 && iy < H && ix >= 0 && ix < W;
  let idx = select(0, row.x + (iy * W + ix) * i32(P[11]) + q.z, ok);
  return select(0.0, As[idx], ok);
}
`
      : ''
  }@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  // Both views of A are bound whatever the mode ('auto' layouts drop unused bindings).
  _ = arrayLength(&A4); _ = arrayLength(&As);
  let M = P[0]; let N = P[1]; let K = P[2]; let N4 = P[8];
  let sR = P[6]; let sK = P[7];
  let b = wid.z + P[5];
  let m0 = (wid.y + P[19]) * 16u;
  let c4 = min((wid.x + P[20]) * 8u + lane, N4 - 1u);
  let ao = b * P[3]; let bo = b * P[4];
${
    conv
      ? `  let H = i32(P[9]); let W = i32(P[10]); let C = P[11]; let KW = P[12]; let OHW = P[13] * P[14]; let OW = P[14];
  let ra = rowOf(min(m0 + lane, M - 1u), W, OHW, OW);
  let rb = rowOf(min(m0 + 8u + lane, M - 1u), W, OHW, OW);`
      : `  let ra = ao + min(m0 + lane, M - 1u) * sR;
  let rb = ao + min(m0 + 8u + lane, M - 1u) * sR;`
  }
${bSetup}
${rows.map((i) => `  var acc${i} = vec4<f32>();`).join('\n')}
  let K4 = ${conv ? '(K + 3u) / 4u' : 'K / 4u'};
  for (var k = 0u; k < K4; k++) {
    let k4 = k * 4u;${
      conv
        ? `
${ks.map((j) => `    let kk${j} = k4 + ${j}u; let t${j} = kk${j} / C; let q${j} = vec4<i32>(i32(t${j} / KW), i32(t${j} % KW), i32(kk${j} % C), select(0, 1, kk${j} < K));`).join('\n')}`
        : ''
    }
    let a0 = ${aLoad('ra')};
    let a1 = ${aLoad('rb')};
${bLoads}
${rows
  .map((i) => {
    const src = i < 8 ? 'a0' : 'a1';
    return `    { let av = subgroupBroadcast(${src}, ${i % 8}u);\n${ks.map((j) => `      acc${i} = fma(vec4<f32>(av.${comp[j]}), b${j}, acc${i});`).join('\n')} }`;
  })
  .join('\n')}
  }
${tail}
  let n0 = ((wid.x + P[20]) * 8u + lane) * 4u;
  if (n0 >= N) { return; }
${rows
  .map(
    (i) => `  if (m0 + ${i}u < M) {
    let o = (b * M + m0 + ${i}u) * N + n0;
${ks.map((j) => `    ${j === 0 ? '' : `if (n0 + ${j}u < N) { `}out[o + ${j}u] = acc${i}.${comp[j]};${j === 0 ? '' : ' }'}`).join('\n')}
  }`,
  )
  .join('\n')}
}`;
}

/**
 * Packs one matmul operand for the subgroup kernel: dst[b, r, c] (shape [batches, R, Cp]) =
 * src[b·sB + r·sR + c·sC] for c < C, 0 for C ≤ c < Cp. Transposes and pads in one pass, a thread
 * per output element. Params [n, R, C, Cp, sB, sR, sC].
 */
export function packWGSL(): string {
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= P[0]) { return; }
  let Cp = P[3];
  let c = i % Cp;
  let rest = i / Cp;
  let r = rest % P[1];
  let b = rest / P[1];
  var v = 0.0;
  if (c < P[2]) { v = src[b * P[4] + r * P[5] + c * P[6]]; }
  dst[i] = v;
}`;
}
