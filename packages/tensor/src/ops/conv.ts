/**
 * 2-D convolution and transposed convolution. Layouts follow TensorFlow: activations NHWC,
 * conv2d filters [KH, KW, Cin, Cout], conv2dTranspose filters [KH, KW, Cout, Cin].
 * Padding 'VALID', 'SAME' (output = ⌈input / stride⌉, the extra pad going after), or explicit.
 */
import type { Conv2dGeometry } from '../backend.ts';
import { record } from '../autodiff.ts';
import { type Shape, ShapeError, fmt } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { assertTensor, backendOf, wrap } from './util.ts';

export type Padding = 'VALID' | 'SAME' | readonly [number, number, number, number];

export interface ConvOptions {
  /** A number for both axes, or [strideH, strideW]. Default 1. */
  strides?: number | readonly [number, number];
  /** Default 'VALID'. Explicit pads are [top, bottom, left, right]. */
  padding?: Padding;
}

function stridesOf(op: string, s: ConvOptions['strides']): [number, number] {
  const pair: [number, number] = s === undefined ? [1, 1] : typeof s === 'number' ? [s, s] : [s[0], s[1]];
  if (!pair.every((v) => Number.isInteger(v) && v >= 1)) throw new RangeError(`${op}: strides must be positive integers, got ${JSON.stringify(s)}`);
  return pair;
}

/** Explicit paddings and output size of a convolution over an input of size `inSize`. */
function padsFor(op: string, padding: Padding, inH: number, inW: number, kh: number, kw: number, strides: [number, number]): [number, number, number, number] {
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding === 'SAME') {
    const total = (size: number, k: number, s: number) => Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
    const th = total(inH, kh, strides[0]);
    const tw = total(inW, kw, strides[1]);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  if (Array.isArray(padding) && padding.length === 4 && padding.every((v) => Number.isInteger(v) && v >= 0)) {
    return [padding[0], padding[1], padding[2], padding[3]];
  }
  throw new RangeError(`${op}: padding must be 'VALID', 'SAME' or [top, bottom, left, right] of non-negative integers, got ${JSON.stringify(padding)}`);
}

function convOutShape(x: Shape, kh: number, kw: number, cout: number, g: Conv2dGeometry): number[] {
  const oh = Math.floor((x[1] + g.pads[0] + g.pads[1] - kh) / g.strides[0]) + 1;
  const ow = Math.floor((x[2] + g.pads[2] + g.pads[3] - kw) / g.strides[1]) + 1;
  return [x[0], oh, ow, cout];
}

/** x [N, H, W, Cin] ⊛ w [KH, KW, Cin, Cout] → [N, OH, OW, Cout]. */
export function conv2d(x: Tensor, w: Tensor, options: ConvOptions = {}): Tensor {
  assertTensor(x, 'conv2d', 'input');
  assertTensor(w, 'conv2d', 'filter');
  if (x.rank !== 4 || w.rank !== 4) {
    throw new ShapeError(`conv2d: expected input [N, H, W, C] and filter [KH, KW, Cin, Cout], got ${fmt(x.shape)} and ${fmt(w.shape)}`);
  }
  if (x.shape[3] !== w.shape[2]) {
    throw new ShapeError(`conv2d: input has ${x.shape[3]} channels (axis 3 of ${fmt(x.shape)}) but the filter expects ${w.shape[2]} (axis 2 of ${fmt(w.shape)})`);
  }
  if (x.dtype !== w.dtype) throw new TypeError(`conv2d: dtypes differ (${x.dtype} and ${w.dtype})`);
  const [kh, kw, , cout] = w.shape;
  const strides = stridesOf('conv2d', options.strides);
  const geometry: Conv2dGeometry = { strides, pads: padsFor('conv2d', options.padding ?? 'VALID', x.shape[1], x.shape[2], kh, kw, strides) };
  const shape = convOutShape(x.shape, kh, kw, cout, geometry);
  if (shape[1] <= 0 || shape[2] <= 0) {
    throw new ShapeError(`conv2d: a ${kh}×${kw} filter does not fit input ${fmt(x.shape)} with padding ${JSON.stringify(geometry.pads)}`);
  }
  const backend = backendOf('conv2d', x, w);
  const y = wrap('conv2d', backend, backend.conv2d(x, w, geometry), shape, x.dtype, [x, w]);
  return record('conv2d', [x, w], y, (g, needs) => [
    // The input's gradient is skipped for the observations (the first layer's input is a constant).
    needs[0] ? wrap('conv2dBackwardInput', backend, backend.conv2dBackwardInput(g, w, x.shape, geometry), x.shape, x.dtype, [g, w]) : null,
    needs[1] ? wrap('conv2dBackwardFilter', backend, backend.conv2dBackwardFilter(x, g, w.shape, geometry), w.shape, w.dtype, [x, g]) : null,
  ]);
}

export interface ConvTransposeOptions extends ConvOptions {
  /** [OH, OW]; by default (H−1)·s + KH for VALID and H·s for SAME. */
  outputSize?: readonly [number, number];
}

/**
 * Transposed convolution (the gradient of conv2d with respect to its input):
 * x [N, H, W, Cin] with w [KH, KW, Cout, Cin] → [N, OH, OW, Cout].
 */
export function conv2dTranspose(x: Tensor, w: Tensor, options: ConvTransposeOptions = {}): Tensor {
  assertTensor(x, 'conv2dTranspose', 'input');
  assertTensor(w, 'conv2dTranspose', 'filter');
  if (x.rank !== 4 || w.rank !== 4) {
    throw new ShapeError(`conv2dTranspose: expected input [N, H, W, Cin] and filter [KH, KW, Cout, Cin], got ${fmt(x.shape)} and ${fmt(w.shape)}`);
  }
  if (x.shape[3] !== w.shape[3]) {
    throw new ShapeError(`conv2dTranspose: input has ${x.shape[3]} channels (axis 3 of ${fmt(x.shape)}) but the filter expects ${w.shape[3]} (axis 3 of ${fmt(w.shape)})`);
  }
  if (x.dtype !== w.dtype) throw new TypeError(`conv2dTranspose: dtypes differ (${x.dtype} and ${w.dtype})`);
  const [kh, kw, cout] = w.shape;
  const strides = stridesOf('conv2dTranspose', options.strides);
  const padding = options.padding ?? 'VALID';
  const [oh, ow] =
    options.outputSize ??
    (padding === 'SAME'
      ? [x.shape[1] * strides[0], x.shape[2] * strides[1]]
      : padding === 'VALID'
        ? [(x.shape[1] - 1) * strides[0] + kh, (x.shape[2] - 1) * strides[1] + kw]
        : [(x.shape[1] - 1) * strides[0] + kh - padding[0] - padding[1], (x.shape[2] - 1) * strides[1] + kw - padding[2] - padding[3]]);
  const geometry: Conv2dGeometry = { strides, pads: padsFor('conv2dTranspose', padding, oh, ow, kh, kw, strides) };
  const outShape = [x.shape[0], oh, ow, cout];
  const fwd = convOutShape(outShape, kh, kw, x.shape[3], geometry);
  if (fwd[1] !== x.shape[1] || fwd[2] !== x.shape[2]) {
    throw new ShapeError(`conv2dTranspose: output size ${oh}×${ow} is inconsistent with input ${fmt(x.shape)}, filter ${fmt(w.shape)} and strides ${strides.join('×')}`);
  }
  const backend = backendOf('conv2dTranspose', x, w);
  const y = wrap('conv2dTranspose', backend, backend.conv2dBackwardInput(x, w, outShape, geometry), outShape, x.dtype, [x, w]);
  return record('conv2dTranspose', [x, w], y, (g, needs) => [
    needs[0] ? wrap('conv2d', backend, backend.conv2d(g, w, geometry), x.shape, x.dtype, [g, w]) : null,
    needs[1] ? wrap('conv2dBackwardFilter', backend, backend.conv2dBackwardFilter(g, x, w.shape, geometry), w.shape, w.dtype, [g, x]) : null,
  ]);
}
