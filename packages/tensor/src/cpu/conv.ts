/**
 * CPU 2-D convolution, NHWC activations, HWIO filters: exact reference, lowered to matmul.
 *
 * Strategy: im2col in chunks of output pixels, then the packed float64 GEMM of matmul.ts. Output
 * pixel r = (b, y, x) has the patch row P[r, (i·KW + j)·C + c] = x[b, y·sh − pt + i, x·sw − pl + j, c]
 * (zero outside the input), which is exactly the flattening of the filter to W[KH·KW·C, O]. So
 *   forward          y[rows, O]      = P[rows, K] · W[K, O]
 *   backward input   dP[rows, K]     = dy[rows, O] · Wᵀ, then col2im adds dP back onto dx
 *   backward filter  dW[K, O]       += Pᵀ · dy[rows, O], summed over chunks
 * with K = KH·KW·C. W (or Wᵀ) is packed once per call (dy, per chunk, for the filter gradient);
 * each chunk of ≤ ~2^17 / K output pixels is gathered into a reused buffer, so memory stays
 * bounded whatever the batch. The input gradient
 * is accumulated per group of whole images, so no chunk ever needs another group's pixels.
 *
 * Precision: products and sums are float64 throughout (GEMM accumulators, the float64 C across
 * chunks and K blocks, the float64 dx accumulator of col2im); results are rounded to the output
 * dtype once.
 */
import type { Conv2dGeometry, Operand } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import type { Shape } from '../shape.ts';
import { gemm, packB, packedSizeB, scratch } from './matmul.ts';

type Op = Operand<TypedArray>;

// Scratch slots (see matmul.ts `scratch`; matmul itself uses 0 and 1).
const SLOT_PATCHES = 2;
const SLOT_B = 3;
const SLOT_C = 4;

/** Everything im2col and col2im need about one convolution. */
interface Geo {
  h: number;
  wd: number;
  c: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
}

function geo(inputShape: Shape, filterShape: Shape, oh: number, ow: number, g: Conv2dGeometry): Geo {
  const [, h, wd, c] = inputShape;
  const [kh, kw] = filterShape;
  return { h, wd, c, kh, kw, oh, ow, sh: g.strides[0], sw: g.strides[1], pt: g.pads[0], pl: g.pads[2] };
}

/** Output pixels per im2col chunk: about 2^17 doubles (1 MiB) of patches, a multiple of 12 (whole 3×4 micro-tiles). */
function chunkRows(k: number): number {
  const rows = Math.floor((1 << 17) / Math.max(k, 1));
  return Math.max(12, rows - (rows % 12));
}

/** P[q·K + …] ← the patch rows of output pixels r0 … r0 + rows − 1 (K = kh·kw·c). */
function im2col(x: TypedArray, s: Geo, r0: number, rows: number, p: Float64Array): void {
  const { h, wd, c, kh, kw, oh, ow, sh, sw, pt, pl } = s;
  let o = 0;
  for (let r = r0; r < r0 + rows; r++) {
    const xo = r % ow;
    const t = (r - xo) / ow;
    const y = t % oh;
    const b = (t - y) / oh;
    for (let i = 0; i < kh; i++) {
      const iy = y * sh - pt + i;
      for (let j = 0; j < kw; j++) {
        const ix = xo * sw - pl + j;
        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
          p.fill(0, o, o + c);
        } else {
          const src = ((b * h + iy) * wd + ix) * c;
          for (let ci = 0; ci < c; ci++) p[o + ci] = x[src + ci];
        }
        o += c;
      }
    }
  }
}

/** The adjoint of im2col: acc (images from b0 on) += the patch rows dP of output pixels r0 …. */
function col2im(dp: Float64Array, s: Geo, r0: number, rows: number, b0: number, acc: Float64Array): void {
  const { h, wd, c, kh, kw, oh, ow, sh, sw, pt, pl } = s;
  let o = 0;
  for (let r = r0; r < r0 + rows; r++) {
    const xo = r % ow;
    const t = (r - xo) / ow;
    const y = t % oh;
    const b = (t - y) / oh - b0;
    for (let i = 0; i < kh; i++) {
      const iy = y * sh - pt + i;
      for (let j = 0; j < kw; j++) {
        const ix = xo * sw - pl + j;
        if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
          const dst = ((b * h + iy) * wd + ix) * c;
          for (let ci = 0; ci < c; ci++) acc[dst + ci] += dp[o + ci];
        }
        o += c;
      }
    }
  }
}

export function conv2dForward(x: Op, w: Op, g: Conv2dGeometry, outShape: Shape, out: TypedArray): void {
  const [n, oh, ow, o] = outShape;
  const s = geo(x.shape, w.shape, oh, ow, g);
  const k = s.kh * s.kw * s.c;
  const total = n * oh * ow;
  if (total === 0 || o === 0) return;
  const wp = packB(w.buffer, 0, o, 1, k, o, scratch(SLOT_B, packedSizeB(k, o)));
  const chunk = Math.min(chunkRows(k), total);
  const p = scratch(SLOT_PATCHES, chunk * k);
  const y = scratch(SLOT_C, chunk * o);
  for (let r0 = 0; r0 < total; r0 += chunk) {
    const rows = Math.min(chunk, total - r0);
    im2col(x.buffer, s, r0, rows, p);
    y.fill(0, 0, rows * o);
    gemm(p, 0, k, 1, wp, rows, o, k, y, 0, o);
    out.set(y.subarray(0, rows * o), r0 * o);
  }
}

export function conv2dBackwardInput(dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
  const [n, , , o] = dy.shape;
  const [, oh, ow] = dy.shape;
  const s = geo(inputShape, w.shape, oh, ow, g);
  const k = s.kh * s.kw * s.c;
  const pixels = oh * ow;
  const imageSize = s.h * s.wd * s.c;
  if (n * pixels === 0 || k === 0) return;
  // B(q', p) = W[p·O + q']: Wᵀ, [O, K].
  const wp = packB(w.buffer, 0, 1, o, o, k, scratch(SLOT_B, packedSizeB(o, k)));
  const chunk = chunkRows(k);
  // Groups of whole images: several small ones at once, or one large one in several chunks.
  const imagesPerGroup = Math.max(1, Math.floor(chunk / pixels));
  const rowsPerChunk = Math.min(chunk, imagesPerGroup * pixels);
  const dp = scratch(SLOT_PATCHES, rowsPerChunk * k);
  const acc = scratch(SLOT_C, Math.min(imagesPerGroup, n) * imageSize);
  for (let b0 = 0; b0 < n; b0 += imagesPerGroup) {
    const images = Math.min(imagesPerGroup, n - b0);
    const end = (b0 + images) * pixels;
    acc.fill(0, 0, images * imageSize);
    for (let r0 = b0 * pixels; r0 < end; r0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, end - r0);
      dp.fill(0, 0, rows * k);
      gemm(dy.buffer, r0 * o, o, 1, wp, rows, k, o, dp, 0, k);
      col2im(dp, s, r0, rows, b0, acc);
    }
    out.set(acc.subarray(0, images * imageSize), b0 * imageSize);
  }
}

export function conv2dBackwardFilter(x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
  const [n, oh, ow, o] = dy.shape;
  const s = geo(x.shape, filterShape, oh, ow, g);
  const k = s.kh * s.kw * s.c;
  const total = n * oh * ow;
  if (total === 0 || k === 0 || o === 0) return;
  const chunk = Math.min(chunkRows(k), total);
  const p = scratch(SLOT_PATCHES, chunk * k);
  const bp = scratch(SLOT_B, packedSizeB(chunk, o));
  const dw = scratch(SLOT_C, k * o);
  dw.fill(0, 0, k * o);
  for (let r0 = 0; r0 < total; r0 += chunk) {
    const rows = Math.min(chunk, total - r0);
    im2col(x.buffer, s, r0, rows, p);
    // A = Pᵀ [K, rows], B = dy rows [rows, O]; dw accumulates over chunks.
    packB(dy.buffer, r0 * o, o, 1, rows, o, bp);
    gemm(p, 0, 1, k, bp, k, o, rows, dw, 0, o);
  }
  out.set(dw.subarray(0, k * o));
}
