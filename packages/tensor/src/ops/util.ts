/** Plumbing shared by the op files: backend checks, wrapping outputs, scalar operands, gradient reduction. */
import type { Backend } from '../backend.ts';
import { type DType, toTypedArray } from '../dtype.ts';
import { getBackend } from '../engine.ts';
import { type Shape, broadcastedAxes, fmt, shapesEqual } from '../shape.ts';
import { Tensor, wrapBuffer } from '../tensor.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';

export type TensorLike = Tensor | number;

/** The backend all `tensors` live on; mixing backends is an error naming the op. */
export function backendOf(op: string, ...tensors: Tensor[]): Backend {
  const b = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== b) {
      throw new Error(`${op}: inputs live on different backends (${b.name} and ${t.backend.name}); move them with toBackend()`);
    }
  }
  return b;
}

export function wrap(op: string, backend: Backend, buffer: unknown, shape: Shape, dtype: DType, inputs: readonly Tensor[]): Tensor {
  return wrapBuffer(backend, buffer, shape, dtype, op, inputs);
}

/** A rank-0 tensor holding `value` as `dtype` on `backend`. */
export function constant(value: number, dtype: DType, backend: Backend = getBackend()): Tensor {
  return wrapBuffer(backend, backend.upload(toTypedArray([value], dtype), dtype), [], dtype, 'constant');
}

/** Turns a number into a scalar of `like`'s dtype and backend; tensors pass through. */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  return typeof x === 'number' ? constant(x, like.dtype, like.backend) : x;
}

export function assertTensor(x: unknown, op: string, name = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  if (x.disposed) throw new Error(`${op}: ${name} (shape ${fmt(x.shape)}) was already disposed`);
}

/** Sums a gradient over the axes along which an operand of `shape` was broadcast, then gives it that shape. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastedAxes(shape, g.shape);
  const summed = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(summed, shape);
}
