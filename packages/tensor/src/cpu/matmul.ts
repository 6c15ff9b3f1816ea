/**
 * CPU matmul: exact reference, blocked for speed (GotoBLAS-style, in scalar JavaScript).
 *
 * Strategy. Both operands are packed once per call (once in all for a batch-1 operand that is
 * broadcast) into float64 panels: A into MR = 3-row panels, B into NR = 4-column panels, each
 * cut into KC-deep blocks and zero-padded to whole panels. Packing reads through strides, so
 * transposed operands cost nothing extra. A 3×4 micro-kernel then walks one K block keeping 12
 * accumulators in registers: 7 loads per 12 multiply-adds, against 2 loads and a store per
 * multiply-add in a plain i-p-j loop. (3×4 is the largest tile whose 12 accumulators plus operands
 * fit in the 16 vector registers V8 allocates from; 4×4 spills and measured slower.) Loops run
 * K block → MC-row block of A → B panel → A panel, so a B panel (KC×4 doubles) stays in L1 and
 * the A block (MC×KC) in L2. Edge tiles run the same kernel into a 3×4 scratch tile.
 *
 * Precision: every product and sum is float64 (JavaScript arithmetic); each K block's partial
 * sums are added into a float64 C, which is rounded to the output dtype once at the end. An f32
 * result therefore matches a naive float64 triple loop to float64 rounding (≪ 1e-7 relative).
 *
 * `packA`, `packB` and `gemm` are shared with conv.ts (im2col).
 */
import type { Operand } from '../backend.ts';
import { type TypedArray } from '../dtype.ts';

type Op = Operand<TypedArray>;

/** Micro-tile rows (A panel height) and columns (B panel width). */
export const MR = 3;
export const NR = 4;
/** Depth of one K block and height of one A block. */
const KC = 256;
const MC = 96;

/** Doubles needed to pack an m×k A (or a k×n B with `NR`). */
export function packedSize(rows: number, k: number, panel: number): number {
  return Math.ceil(rows / panel) * panel * k;
}

/**
 * Packs the m×k matrix A(i, p) = src[off + i·rs + p·cs] into MR-row panels: for each K block
 * starting at pc (depth kl), panel ip holds A(ip·MR + r, pc + q) at pc·mPad + ip·kl·MR + q·MR + r.
 * Rows past m are zero.
 */
export function packA(src: ArrayLike<number>, off: number, rs: number, cs: number, m: number, k: number, dst?: Float64Array): Float64Array {
  const mPad = Math.ceil(m / MR) * MR;
  const out = dst ?? new Float64Array(mPad * k);
  let o = 0;
  for (let pc = 0; pc < k; pc += KC) {
    const kl = Math.min(KC, k - pc);
    for (let i0 = 0; i0 < mPad; i0 += MR, o += kl * MR) packPanelA(src, off + i0 * rs + pc * cs, rs, cs, Math.min(MR, m - i0), kl, out, o);
  }
  return out;
}

// The panel loops are functions of their own: V8 optimises a small function called often far
// better than the inner loop of a large function called a few times (on-stack replacement).
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

/** Packs the k×n matrix B(p, j) = src[off + p·rs + j·cs] into NR-column panels (layout as packA). */
export function packB(src: ArrayLike<number>, off: number, rs: number, cs: number, k: number, n: number, dst?: Float64Array): Float64Array {
  const nPad = Math.ceil(n / NR) * NR;
  const out = dst ?? new Float64Array(nPad * k);
  let o = 0;
  for (let pc = 0; pc < k; pc += KC) {
    const kl = Math.min(KC, k - pc);
    for (let j0 = 0; j0 < nPad; j0 += NR, o += kl * NR) packPanelB(src, off + pc * rs + j0 * cs, rs, cs, Math.min(NR, n - j0), kl, out, o);
  }
  return out;
}

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

/**
 * C[cOff + i·ldc + j] += Σ_p A(i, p)·B(p, j) for i < m, j < n, with A and B packed by packA/packB.
 * C is float64 so that partial sums over K blocks stay exact to float64 rounding.
 */
export function gemm(ap: Float64Array, bp: Float64Array, m: number, n: number, k: number, c: Float64Array, cOff: number, ldc: number): void {
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const tile = new Float64Array(MR * NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kl = Math.min(KC, k - pc);
    const aBlock = pc * mPad;
    const bBlock = pc * nPad;
    for (let ic = 0; ic < mPad; ic += MC) {
      const icEnd = Math.min(mPad, ic + MC);
      for (let j0 = 0; j0 < nPad; j0 += NR) {
        const bo = bBlock + j0 * kl;
        const fullCols = j0 + NR <= n;
        for (let i0 = ic; i0 < icEnd; i0 += MR) {
          const ao = aBlock + i0 * kl;
          if (fullCols && i0 + MR <= m) {
            kernel3x4(ap, ao, bp, bo, kl, c, cOff + i0 * ldc + j0, ldc);
          } else {
            tile.fill(0);
            kernel3x4(ap, ao, bp, bo, kl, tile, 0, NR);
            for (let r = 0; r < MR && i0 + r < m; r++) {
              for (let q = 0; q < NR && j0 + q < n; q++) c[cOff + (i0 + r) * ldc + j0 + q] += tile[r * NR + q];
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
  const c = new Float64Array(m * n);
  let ap: Float64Array | undefined;
  let bp: Float64Array | undefined;
  for (let bi = 0; bi < batch; bi++) {
    if (ap === undefined || a.shape[0] > 1) ap = packA(a.buffer, a.shape[0] > 1 ? bi * m * k : 0, ars, acs, m, k, ap);
    if (bp === undefined || b.shape[0] > 1) bp = packB(b.buffer, b.shape[0] > 1 ? bi * k * n : 0, brs, bcs, k, n, bp);
    if (bi > 0) c.fill(0);
    gemm(ap, bp, m, n, k, c, 0, n);
    out.set(c, bi * m * n);
  }
}
