/**
 * Portable batched matmul kernels (no adapter feature needed): the backend's 'blocked' path for f32
 * where the subgroup kernel (matmulSubgroup.ts) cannot run, and for i32 everywhere.
 *
 * Params (u32 words) of both kernels here: [M, N, K, aBatchStride, bBatchStride, batch0, row0,
 * col0, ...]; batch strides are 0 for a broadcast operand; batch0 / row0 / col0 offset a grid split
 * into launches of ≤ 65535 workgroups per dimension (grid.ts): row0 / col0 count tiles in
 * `matmulPortableWGSL`, rows / columns in `matmulBlocked4x4WGSL`. i32 accumulates exactly (wrapping).
 */
import type { DType } from '@dreamer/tensor';
import { wgslType } from './common.ts';

/**
 * The 'blocked' kernel: register blocking shaped by how lavapipe compiles WGSL (read from its
 * generated x86; /work/shared/spec/performance.md has the background).
 *
 * On lavapipe (Mesa 25.0) an invocation is one lane of an 8-wide SIMD "thread", and inside a loop
 * every storage load is emitted per lane and per vector component — exec-mask test, bounds check,
 * scalar load, insert: ~11 x86 instructions each — even when all lanes read the same address.
 * Arithmetic on vectors, by contrast, costs one instruction for all 8 lanes. A matmul's inner loop
 * is therefore bound by loaded components per FMA, and by code size: a loop body past ~5 k
 * instructions falls out of the instruction cache (a 24×16 block ran 1.5–2× slower than 16×16).
 * So here:
 * - a workgroup is 8 lanes (one SIMD thread); lane l owns `tileM` rows × 16 columns (16 × 16: 64
 *   vec4 accumulators, most of them on the stack, which costs far less than loads): the workgroup
 *   tile is tileM × 128 (× 64 / × 32 when N is small: `cols4` = 4, 2 or 1 vec4 per lane);
 * - one k-step per loop iteration (unrolling k doubles the body and ran ~2× slower);
 * - both operands are read k-major as vec4 along the output's rows / columns: A as [K, M] ('vec4':
 *   tileM/4 vec4 loads give the rows at k), B as [K, N] (cols4 vec4 loads) — a vec4 load pays the
 *   per-lane overhead once for 4 components. At 16 × 16 that is 8 loads for 256 FMAs per lane per
 *   k-step, against 8 scalar loads for 16 FMAs in the 4×4-per-thread kernel below; at 1024³ it
 *   ran 3.75× faster than that kernel (23.8 GFLOP/s), within 10 % of the subgroup kernel.
 *   Other layouts are read with scalar loads through strides (A 'rows': any [M, K] or unaligned
 *   [K, M]; B 'scalar': transposed or N % 4 ≠ 0) or packed into the k-major layout first by the
 *   backend (`packKMajorWGSL`) when the product is big enough for the pack pass to pay.
 * - The price of the big block is compile time: lavapipe's LLVM takes ~4–10 s (cold shader cache)
 *   for a 16 × 16 kernel, ~1–2 s at 8 × 16. The backend uses tileM 16 only for products big
 *   enough to be packed (always 'vec4' × 'vec4'), and 8 for the small ones, which are launch-bound.
 * Out-of-range rows and columns read a clamped (valid) address and are not written, so the k loop
 * has no branches and K needs no padding.
 *
 * Extra params after the eight: [aS1, aS2, bS1, bS2, M4, N4] — A 'vec4': aS1 = vec4 stride per k;
 * A 'rows': aS1 = row stride, aS2 = k stride (floats); B 'vec4': bS1 = vec4 stride per k; B 'scalar':
 * bS1 = k stride, bS2 = column stride (floats). M4 / N4 = ⌈M/4⌉ / ⌈N/4⌉ bound the vec4 indices (a
 * packed operand is zero-padded to a multiple of 4). Batch strides are in the binding's units
 * (vec4 or scalar). Grid (⌈N / (32·cols4)⌉, ⌈M / tileM⌉, batches).
 */
export type PortableAMode = 'vec4' | 'rows';
export type PortableBMode = 'vec4' | 'scalar';
/** Columns per workgroup for `cols4` vec4 columns per lane. */
export const portableTileN = (cols4: number): number => 32 * cols4;

export function matmulPortableWGSL(aMode: PortableAMode, bMode: PortableBMode, cols4: 1 | 2 | 4, tileM: 8 | 16, dtype: DType = 'f32'): string {
  const t = wgslType(dtype);
  if (t === 'u32') throw new TypeError('webgpu: matmul of bool is not supported');
  const rows = Array.from({ length: tileM }, (_, i) => i);
  const q4 = Array.from({ length: tileM / 4 }, (_, i) => i);
  const cs = Array.from({ length: cols4 }, (_, j) => j);
  const comp = ['x', 'y', 'z', 'w'];
  const vt = `vec4<${t}>`;
  const fma = (a: string, b: string, acc: string) => (t === 'f32' ? `fma(${a}, ${b}, ${acc})` : `${acc} + ${a} * ${b}`);
  const aSetup =
    aMode === 'vec4'
      ? q4.map((q) => `  let ra${q} = ao + min(m0 / 4u + ${q}u, M4 - 1u);`).join('\n')
      : rows.map((i) => `  let ra${i} = ao + min(m0 + ${i}u, M - 1u) * P[8];`).join('\n');
  const aLoads =
    aMode === 'vec4'
      ? `    let ka = k * P[8];\n${q4.map((q) => `    let a${q} = A[ka + ra${q}];`).join('\n')}`
      : `    let ka = k * P[9];\n${rows.map((i) => `    let a${i} = A[ra${i} + ka];`).join('\n')}`;
  const aRow = (i: number): string => (aMode === 'vec4' ? `a${i >> 2}.${comp[i & 3]}` : `a${i}`);
  const bSetup =
    bMode === 'vec4'
      ? cs.map((j) => `  let cb${j} = bo + min(n0 / 4u + ${j}u, N4 - 1u);`).join('\n')
      : cs.flatMap((j) => [0, 1, 2, 3].map((q) => `  let cb${4 * j + q} = bo + min(n0 + ${4 * j + q}u, N - 1u) * P[11];`)).join('\n');
  const bLoads =
    bMode === 'vec4'
      ? `    let kb = k * P[10];\n${cs.map((j) => `    let b${j} = B[kb + cb${j}];`).join('\n')}`
      : `    let kb = k * P[10];\n${cs.map((j) => `    let b${j} = ${vt}(${[0, 1, 2, 3].map((q) => `B[kb + cb${4 * j + q}]`).join(', ')});`).join('\n')}`;
  const colsPerLane = 4 * cols4;
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<${aMode === 'vec4' ? vt : t}>;
@group(0) @binding(2) var<storage, read> B: array<${bMode === 'vec4' ? vt : t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let M = P[0]; let N = P[1]; let K = P[2]; let M4 = P[12]; let N4 = P[13];
  let b = wid.z + P[5];
  let m0 = (wid.y + P[6]) * ${tileM}u;
  let n0 = (wid.x + P[7]) * ${8 * colsPerLane}u + lane * ${colsPerLane}u;
  let ao = b * P[3]; let bo = b * P[4];
${aSetup}
${bSetup}
${rows.flatMap((i) => cs.map((j) => `  var acc${i}_${j} = ${vt}();`)).join('\n')}
  for (var k = 0u; k < K; k++) {
${aLoads}
${bLoads}
${rows.flatMap((i) => cs.map((j) => `    acc${i}_${j} = ${fma(`${vt}(${aRow(i)})`, `b${j}`, `acc${i}_${j}`)};`)).join('\n')}
  }
  if (n0 >= N) { return; }
${rows
  .map(
    (i) => `  if (m0 + ${i}u < M) {
    let o = (b * M + m0 + ${i}u) * N + n0;
${cs.flatMap((j) => [0, 1, 2, 3].map((q) => {
  const c = 4 * j + q;
  return `    ${c === 0 ? '' : `if (n0 + ${c}u < N) { `}out[o + ${c}u] = acc${i}_${j}.${comp[q]};${c === 0 ? '' : ' }'}`;
})).join('\n')}
  }`,
  )
  .join('\n')}
}`;
}

/**
 * Packs a matmul operand into the k-major layout the 'vec4' modes read: dst[b, k, c] (shape
 * [batches, K, Cp]) = src[b·sB + k·sK + c·sC] for c < C, 0 for C ≤ c < Cp — a transpose and a
 * pad in one pass, a thread per output word (u32: bit-exact for f32 and i32). Params
 * [n, K, C, Cp, sB, sK, sC].
 */
export function packKMajorWGSL(): string {
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= P[0]) { return; }
  let Cp = P[3];
  let c = i % Cp;
  let rest = i / Cp;
  let k = rest % P[1];
  let b = rest / P[1];
  var v = 0u;
  if (c < P[2]) { v = src[b * P[4] + k * P[5] + c * P[6]]; }
  dst[i] = v;
}`;
}

/**
 * The previous portable kernel, kept as the baseline of bench/matmul.ts (matmulKernel
 * 'blocked4x4'): each thread of an 8×8 workgroup owns a 4×4 block of outputs (32×32 per
 * workgroup), loads 4 values of A and 4 of B per k step (scalar loads through the layout) and does
 * 16 FMAs. Out-of-range rows and columns read a clamped (valid) address and are not written.
 * Grid (⌈N/32⌉, ⌈M/32⌉, batches); params are the eight common ones.
 */
export function matmulBlocked4x4WGSL(transA: boolean, transB: boolean, dtype: DType = 'f32'): string {
  const t = wgslType(dtype);
  if (t === 'u32') throw new TypeError('webgpu: matmul of bool is not supported');
  // Element (row r, k) of A and (k, column c) of B.
  const aAt = (r: string) => (transA ? `A[ao + k * M + ${r}]` : `A[ao + ${r} * K + k]`);
  const bAt = (c: string) => (transB ? `B[bo + ${c} * K + k]` : `B[bo + k * N + ${c}]`);
  const fma = (a: string, b: string, acc: string) => (t === 'f32' ? `fma(${a}, ${b}, ${acc})` : `${acc} + ${a} * ${b}`);
  const rows = [0, 1, 2, 3];
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<${t}>;
@group(0) @binding(2) var<storage, read> B: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let M = P[0]; let N = P[1]; let K = P[2];
  let n0 = gid.x * 4u + P[7]; let m0 = gid.y * 4u + P[6]; let b = gid.z + P[5];
  if (m0 >= M || n0 >= N) { return; }
  let ao = b * P[3]; let bo = b * P[4];
${rows.map((i) => `  let r${i} = min(m0 + ${i}u, M - 1u); let c${i} = min(n0 + ${i}u, N - 1u);`).join('\n')}
${rows.map((i) => `  var acc${i} = vec4<${t}>();`).join('\n')}
  for (var k = 0u; k < K; k++) {
    let bv = vec4<${t}>(${rows.map((i) => bAt(`c${i}`)).join(', ')});
${rows.map((i) => `    acc${i} = ${fma(`vec4<${t}>(${aAt(`r${i}`)})`, 'bv', `acc${i}`)};`).join('\n')}
  }
${rows
  .map(
    (i) => `  if (m0 + ${i}u < M) {
    let o = (b * M + m0 + ${i}u) * N + n0;
${rows.map((j) => `    if (n0 + ${j}u < N) { out[o + ${j}u] = acc${i}[${j}]; }`).join('\n')}
  }`,
  )
  .join('\n')}
}`;
}
