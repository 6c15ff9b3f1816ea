/**
 * CPU 2-D convolution, NHWC activations, HWIO filters. Direct loops: for every output pixel
 * and filter tap inside the padded input, the C×O filter slice is applied to one input pixel,
 * so the innermost loop runs over contiguous output channels. Accumulation is float64.
 */
import type { Conv2dGeometry, Operand } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import type { Shape } from '../shape.ts';

type Op = Operand<TypedArray>;

export function conv2dForward(x: Op, w: Op, g: Conv2dGeometry, outShape: Shape, out: TypedArray): void {
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

export function conv2dBackwardInput(dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
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

export function conv2dBackwardFilter(x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry, out: TypedArray): void {
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
