/**
 * CPU matmul: exact reference, blocked for speed (GotoBLAS-style, in scalar JavaScript).
 *
 * Strategy. B is packed once per call (once in all when a batch-1 B is broadcast) into float64
 * NR = 4-column panels, cut into KC-deep blocks and zero-padded to whole panels; A is packed
 * block by block (MC rows × KC deep, into MR = 3-row panels) just before use, so its buffer stays
 * small and in L2. Packing reads through strides, so transposed operands cost no extra copy. A
 * 3×4 micro-kernel walks one K block keeping 12 accumulators in registers: 7 loads per 12
 * multiply-adds, against 2 loads and a store per multiply-add in a plain i-p-j loop. (3×4 is the
 * largest tile whose accumulators and operands fit in the 16 vector registers V8 allocates from;
 * 4×4 spills and measured slower.) Loop order: K block → A block (packed) → B panel (KC×4, stays
 * in L1) → A panel. Edge tiles run the same kernel into a 3×4 scratch tile.
 *
 * Precision: every product and sum is float64 (JavaScript arithmetic); each K block's partial
 * sums are added into a float64 C, which is rounded to the output dtype once at the end. An f32
 * result therefore matches a naive float64 triple loop to float64 rounding (≪ 1e-7 relative).
 *
 * `packB`, `gemm` and `scratch` are shared with conv.ts (im2col).
 */
import type { Operand } from '../backend.ts';
import { type TypedArray } from '../dtype.ts';

type Op = Operand<TypedArray>;

/** Micro-tile rows (A panel height) and columns (B panel width). */
const MR = 3;
const NR = 4;
/** Depth of one K block and height of one A block (a multiple of MR). */
const KC = 256;
const MC = 96;

/**
 * Scratch float64 buffers, one per slot, kept between calls: a fresh multi-megabyte allocation
 * pays a page fault per 4 KiB on first touch, measured here as slow as packing itself. Buffers
 * over SCRATCH_MAX doubles (16 MiB) are not kept. Contents are stale: callers overwrite them.
 */
const SCRATCH_MAX = 1 << 21;
const scratchBuffers: (Float64Array | undefined)[] = [];
export function scratch(slot: number, size: number): Float64Array {
  let b = scratchBuffers[slot];
  if (b === undefined || b.length < size) {
    b = new Float64Array(size);
    if (size <= SCRATCH_MAX) scratchBuffers[slot] = b;
  }
  return b;
}

/** Doubles packB needs for a k×n B. */
export function packedSizeB(k: number, n: number): number {
  return Math.ceil(n / NR) * NR * k;
}

/**
 * Packs the k×n matrix B(p, j) = src[off + p·rs + j·cs] into NR-column panels: for the K block
 * starting at pc (depth kl), panel j0/NR holds B(pc + q, j0 + c) at pc·nPad + j0·kl + q·NR + c.
 * Columns past n are zero.
 */
export function packB(src: ArrayLike<number>, off: number, rs: number, cs: number, k: number, n: number, dst: Float64Array): Float64Array {
  const nPad = Math.ceil(n / NR) * NR;
  let o = 0;
  for (let pc = 0; pc < k; pc += KC) {
    const kl = Math.min(KC, k - pc);
    for (let j0 = 0; j0 < nPad; j0 += NR, o += kl * NR) packPanelB(src, off + pc * rs + j0 * cs, rs, cs, Math.min(NR, n - j0), kl, dst, o);
  }
  return dst;
}

// Panel loops are functions of their own: V8 optimises a small function called often far better
// than the inner loop of a large function called a few times (on-stack replacement).
function packPanelB(src: ArrayLike<number>, s: number, rs: number, cs: number, cols: number, kl: number, out: Float64Array, o: number): void {
  if (cols === NR) {
    for (let q = 0; q < kl; q++, s += rs, o += NR) {
      out[o] = src[s];
      out[o + 1] = src[s + cs];
      out[o + 2] = src[s + 2 * cs];
      out[o + 3] = src[s + 3 * cs];
    }
  } else {
    for (let q = 0; q < kl; q++, s += rs, o += NR) {
      for (let c = 0; c < NR; c++) out[o + c] = c < cols ? src[s + c * cs] : 0;
    }
  }
}

/** Packs `rows` ≤ MR rows of a kl-deep slice of A (element (r, q) at src[s + r·rs + q·cs]), zero-padded to MR. */
function packPanelA(src: ArrayLike<number>, s: number, rs: number, cs: number, rows: number, kl: number, out: Float64Array, o: number): void {
  if (rows === MR) {
    for (let q = 0; q < kl; q++, s += cs, o += MR) {
      out[o] = src[s];
      out[o + 1] = src[s + rs];
      out[o + 2] = src[s + 2 * rs];
    }
  } else {
    for (let q = 0; q < kl; q++, s += cs, o += MR) {
      for (let r = 0; r < MR; r++) out[o + r] = r < rows ? src[s + r * rs] : 0;
    }
  }
}

const aBlock = new Float64Array(MC * KC);
const edgeTile = new Float64Array(MR * NR);

/**
 * C[cOff + i·ldc + j] += Σ_p A(i, p)·B(p, j) for i < m, j < n, where A(i, p) = a[aOff + i·ars + p·acs]
 * and B is packed by packB. C is float64 so that partial sums over K blocks keep float64 rounding.
 */
export function gemm(a: ArrayLike<number>, aOff: number, ars: number, acs: number, bp: Float64Array, m: number, n: number, k: number, c: Float64Array, cOff: number, ldc: number): void {
  const nPad = Math.ceil(n / NR) * NR;
  for (let pc = 0; pc < k; pc += KC) {
    const kl = Math.min(KC, k - pc);
    const bBlock = pc * nPad;
    for (let ic = 0; ic < m; ic += MC) {
      const mb = Math.min(MC, m - ic);
      for (let i0 = 0; i0 < mb; i0 += MR) packPanelA(a, aOff + (ic + i0) * ars + pc * acs, ars, acs, Math.min(MR, mb - i0), kl, aBlock, i0 * kl);
      for (let j0 = 0; j0 < nPad; j0 += NR) {
        const bo = bBlock + j0 * kl;
        const fullCols = j0 + NR <= n;
        for (let i0 = 0; i0 < mb; i0 += MR) {
          const i = ic + i0;
          if (fullCols && i0 + MR <= mb) {
            kernel3x4(aBlock, i0 * kl, bp, bo, kl, c, cOff + i * ldc + j0, ldc);
          } else {
            edgeTile.fill(0);
            kernel3x4(aBlock, i0 * kl, bp, bo, kl, edgeTile, 0, NR);
            for (let r = 0; r < MR && i + r < m; r++) {
              for (let q = 0; q < NR && j0 + q < n; q++) c[cOff + (i + r) * ldc + j0 + q] += edgeTile[r * NR + q];
            }
          }
        }
      }
    }
  }
}

/** c[co + r·ldc + q] += Σ_{p<kl} a[ao + 3p + r]·b[bo + 4p + q] for r < 3, q < 4. */
function kernel3x4(a: Float64Array, ao: number, b: Float64Array, bo: number, kl: number, c: Float64Array, co: number, ldc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  const end = ao + 3 * kl;
  for (; ao < end; ao += 3, bo += 4) {
    const a0 = a[ao], a1 = a[ao + 1], a2 = a[ao + 2];
    const b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  c[co] += c00; c[co + 1] += c01; c[co + 2] += c02; c[co + 3] += c03;
  co += ldc;
  c[co] += c10; c[co + 1] += c11; c[co + 2] += c12; c[co + 3] += c13;
  co += ldc;
  c[co] += c20; c[co + 1] += c21; c[co + 2] += c22; c[co + 3] += c23;
}

/**
 * Batched matrix product (see Backend.matmul): a is [Ba, M, K] ([Ba, K, M] when transA), b is
 * [Bb, K, N] ([Bb, N, K] when transB), out is [max(Ba, Bb), M, N].
 */
export function matmul(a: Op, b: Op, transA: boolean, transB: boolean, out: TypedArray): void {
  const m = transA ? a.shape[2] : a.shape[1];
  const k = transA ? a.shape[1] : a.shape[2];
  const n = transB ? b.shape[1] : b.shape[2];
  const batch = Math.max(a.shape[0], b.shape[0]);
  // A(i, p) and B(p, j) as strides into one batch entry.
  const [ars, acs] = transA ? [1, m] : [k, 1];
  const [brs, bcs] = transB ? [1, k] : [n, 1];
  const size = m * n;
  const c = scratch(0, size);
  const bp = scratch(1, packedSizeB(k, n));
  for (let bi = 0; bi < batch; bi++) {
    if (bi === 0 || b.shape[0] > 1) packB(b.buffer, b.shape[0] > 1 ? bi * k * n : 0, brs, bcs, k, n, bp);
    c.fill(0, 0, size);
    gemm(a.buffer, a.shape[0] > 1 ? bi * m * k : 0, ars, acs, bp, m, n, k, c, 0, n);
    out.set(c.subarray(0, size), bi * size);
  }
}
