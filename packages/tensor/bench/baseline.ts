/**
 * The CPU matmul and conv kernels as they were before blocking (git 052b310), kept only so that
 * bench/compare.ts can time old and new side by side in one process. Not used by the engine.
 */
/**
 * CPU matmul. Operands are first laid out as row-major A [M, K] and B [K, N] (transposed
 * operands are copied once), then each output row is accumulated in float64 as
 * Σ_p A[i, p] · B[p, :] — an i-p-j order whose inner loop streams B's rows contiguously.
 */
import type { Conv2dGeometry, Operand } from '../src/backend.ts';
import type { TypedArray } from '../src/dtype.ts';
import type { Shape } from '../src/shape.ts';

type Op = Operand<TypedArray>;

function rowMajor(x: Op, batchIndex: number, rows: number, cols: number, transposed: boolean): Float64Array {
  const n = rows * cols;
  const base = batchIndex * n;
  const out = new Float64Array(n);
  const src = x.buffer;
  if (!transposed) {
    for (let i = 0; i < n; i++) out[i] = src[base + i];
  } else {
    // stored as [cols, rows]
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = src[base + c * rows + r];
  }
  return out;
}

export function matmulBaseline(a: Op, b: Op, transA: boolean, transB: boolean, out: TypedArray): void {
  const m = transA ? a.shape[2] : a.shape[1];
  const k = transA ? a.shape[1] : a.shape[2];
  const n = transB ? b.shape[1] : b.shape[2];
  const batch = Math.max(a.shape[0], b.shape[0]);
  const row = new Float64Array(n);
  let A: Float64Array | null = null;
  let B: Float64Array | null = null;
  for (let bi = 0; bi < batch; bi++) {
    if (A === null || a.shape[0] > 1) A = rowMajor(a, a.shape[0] > 1 ? bi : 0, m, k, transA);
    if (B === null || b.shape[0] > 1) B = rowMajor(b, b.shape[0] > 1 ? bi : 0, k, n, transB);
    const base = bi * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      const aRow = i * k;
      for (let p = 0; p < k; p++) {
        const av = A[aRow + p];
        const bRow = p * n;
        for (let j = 0; j < n; j++) row[j] += av * B[bRow + j];
      }
      for (let j = 0; j < n; j++) out[base + i * n + j] = row[j];
    }
  }
}

/**
 * CPU 2-D convolution, NHWC activations, HWIO filters. Direct loops: for every output pixel
 * and filter tap inside the padded input, the C×O filter slice is applied to one input pixel,
 * so the innermost loop runs over contiguous output channels. Accumulation is float64.
 */
export function conv2dForwardBaseline(x: Op, w: Op, g: Conv2dGeometry, outShape: Shape, out: TypedArray): void {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , o] = w.shape;
  const [, oh, ow] = outShape;
  const [sh, sw] = g.strides;
  const [pt, , pl] = g.pads;
  const X = x.buffer;
  const W = w.buffer;
  const acc = new Float64Array(o);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        acc.fill(0);
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - pt + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = xo * sw - pl + j;
            if (ix < 0 || ix >= wd) continue;
            const xBase = ((b * h + iy) * wd + ix) * c;
            const wBase = (i * kw + j) * c * o;
            for (let ci = 0; ci < c; ci++) {
              const xv = X[xBase + ci];
              const wRow = wBase + ci * o;
              for (let co = 0; co < o; co++) acc[co] += xv * W[wRow + co];
            }
          }
        }
        out.set(acc, ((b * oh + y) * ow + xo) * o);
      }
    }
  }
}

export function conv2dBackwardInputBaseline(dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
  const [n, h, wd, c] = inputShape;
  const [kh, kw, , o] = w.shape;
  const [, oh, ow] = dy.shape;
  const [sh, sw] = g.strides;
  const [pt, , pl] = g.pads;
  const DY = dy.buffer;
  const W = w.buffer;
  const acc = new Float64Array(out.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((b * oh + y) * ow + xo) * o;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - pt + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = xo * sw - pl + j;
            if (ix < 0 || ix >= wd) continue;
            const dxBase = ((b * h + iy) * wd + ix) * c;
            const wBase = (i * kw + j) * c * o;
            for (let ci = 0; ci < c; ci++) {
              const wRow = wBase + ci * o;
              let s = 0;
              for (let co = 0; co < o; co++) s += DY[dyBase + co] * W[wRow + co];
              acc[dxBase + ci] += s;
            }
          }
        }
      }
    }
  }
  out.set(acc);
}

export function conv2dBackwardFilterBaseline(x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , o] = filterShape;
  const [, oh, ow] = dy.shape;
  const [sh, sw] = g.strides;
  const [pt, , pl] = g.pads;
  const X = x.buffer;
  const DY = dy.buffer;
  const acc = new Float64Array(out.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((b * oh + y) * ow + xo) * o;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - pt + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = xo * sw - pl + j;
            if (ix < 0 || ix >= wd) continue;
            const xBase = ((b * h + iy) * wd + ix) * c;
            const wBase = (i * kw + j) * c * o;
            for (let ci = 0; ci < c; ci++) {
              const xv = X[xBase + ci];
              const wRow = wBase + ci * o;
              for (let co = 0; co < o; co++) acc[wRow + co] += xv * DY[dyBase + co];
            }
          }
        }
      }
    }
  }
  out.set(acc);
}
