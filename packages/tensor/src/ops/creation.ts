/** Creating tensors from values, and filled tensors. None are differentiable inputs by themselves. */
import { type DType, type TypedArray, assertDType, dtypeOfArray, toTypedArray } from '../dtype.ts';
import { getBackend } from '../engine.ts';
import { type Shape, ShapeError, assertShape, fmt, sizeOf } from '../shape.ts';
import { type NestedArray, Tensor, wrapBuffer } from '../tensor.ts';

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(values: NestedArray, shape: Shape, axis: number, out: (number | boolean)[]): void {
  if (axis === shape.length) {
    if (Array.isArray(values)) throw new ShapeError(`tensor: ragged nested array (expected a scalar at depth ${axis})`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new ShapeError(`tensor: ragged nested array (expected ${shape[axis]} items at depth ${axis}, shape ${fmt(shape)})`);
  }
  for (const v of values) flatten(v, shape, axis + 1, out);
}

/**
 * A tensor from nested arrays, a typed array or a number. The shape is inferred from nesting
 * unless given (a flat array then fills it in row-major order). The dtype defaults to that of
 * a typed array, `bool` for booleans and `f32` for numbers.
 */
export function tensor(values: NestedArray | TypedArray, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) assertDType(dtype, 'tensor');
  let flat: ArrayLike<number> | ArrayLike<boolean>;
  let inferred: Shape;
  let dt: DType;
  if (ArrayBuffer.isView(values)) {
    flat = values;
    inferred = [values.length];
    dt = dtype ?? dtypeOfArray(values);
  } else {
    inferred = inferShape(values);
    const out: (number | boolean)[] = [];
    flatten(values, inferred, 0, out);
    flat = out as ArrayLike<number>;
    dt = dtype ?? (typeof out[0] === 'boolean' ? 'bool' : 'f32');
  }
  const finalShape = shape ?? inferred;
  assertShape(finalShape, 'tensor');
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values cannot fill shape ${fmt(finalShape)} (${sizeOf(finalShape)} elements)`);
  }
  const backend = getBackend();
  const data = ArrayBuffer.isView(flat) && dtypeOfArray(flat as TypedArray) === dt ? (flat as TypedArray) : toTypedArray(flat, dt);
  return wrapBuffer(backend, backend.upload(data, dt), finalShape, dt, 'tensor');
}

export function scalar(value: number | boolean, dtype: DType = typeof value === 'boolean' ? 'bool' : 'f32'): Tensor {
  return tensor(value, [], dtype);
}

export function full(shape: Shape, value: number, dtype: DType = 'f32'): Tensor {
  assertShape(shape, 'full');
  assertDType(dtype, 'full');
  const backend = getBackend();
  return wrapBuffer(backend, backend.fill(shape, dtype, value), shape, dtype, 'full');
}

export function zeros(shape: Shape, dtype: DType = 'f32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'f32'): Tensor {
  return full(shape, 1, dtype);
}

function fullOn(like: Tensor, value: number, dtype: DType): Tensor {
  const backend = like.backend;
  return wrapBuffer(backend, backend.fill(like.shape, dtype, value), like.shape, dtype, 'full');
}

export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return fullOn(x, 0, dtype);
}

export function onesLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return fullOn(x, 1, dtype);
}

export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  return fullOn(x, value, dtype);
}

/** start, start + step, … up to (not including) stop; with one argument, 0 … stop − 1. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'f32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return tensor(toTypedArray(values, dtype), [n], dtype);
}

/** `n` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, n: number, dtype: DType = 'f32'): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`linspace: n must be a non-negative integer, got ${n}`);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = n === 1 ? start : start + ((stop - start) * i) / (n - 1);
  return tensor(toTypedArray(values, dtype), [n], dtype);
}

/** The n×n identity (or n×m with ones on the main diagonal). */
export function eye(n: number, m = n, dtype: DType = 'f32'): Tensor {
  const values = new Array<number>(n * m).fill(0);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return tensor(toTypedArray(values, dtype), [n, m], dtype);
}
