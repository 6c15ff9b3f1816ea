/**
 * Batched matmul, correctness first with a modest register block: transposed operands and batch
 * broadcasting (batch stride 0) are read through strides, so they need no copies; more than 65535
 * batches are split into launches with the batch offset in params.
 * Params [M, N, K, aBatchStride, bBatchStride, batch0, row0, col0] (row0/col0: the first row and
 * column of a grid split into launches of ≤ 65535 workgroups). i32 accumulates exactly (wrapping).
 * (On lavapipe this reaches ~5 GFLOP/s at 512³ including upload and readback, 3× a thread per
 * output; shared-memory tiles do not help there. Where the device has subgroups of 8 the backend
 * uses the subgroup-broadcast kernel in matmulSubgroup.ts instead, ~4× faster; this one remains
 * the fallback and the i32 kernel.)
 */
import type { DType } from '@dreamer/tensor';
import { wgslType } from './common.ts';

/**
 * Register-blocked variant: each thread owns a 4×4 block of outputs (a workgroup of 8×8 threads
 * covers 32×32), loads 4 values of A and 4 of B per k step and does 16 FMAs. Out-of-range rows
 * and columns read a clamped (valid) address and are simply not written, so the k loop has no
 * branches. Grid (⌈N/32⌉, ⌈M/32⌉, batches).
 */
export function matmulBlockedWGSL(transA: boolean, transB: boolean, dtype: DType = 'f32'): string {
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
