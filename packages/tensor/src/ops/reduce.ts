/** Reductions along axes. `axis` undefined reduces everything; `keepdims` keeps reduced axes as size 1. */
import type { ReduceOp } from '../backend.ts';
import { record } from '../autodiff.ts';
import { tidy } from '../engine.ts';
import { isFloat } from '../dtype.ts';
import { type Shape, ShapeError, fmt, normalizeAxes, normalizeAxis } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { abs, add, cast, div, equal, exp, less, log, mul, sub, where } from './elementwise.ts';
import { reshape, stopGradient } from './shape.ts';
import { assertTensor, wrap } from './util.ts';

export type Axis = number | readonly number[];

function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function reduce(op: ReduceOp, x: Tensor, axis: Axis | undefined, keepdims: boolean): Tensor {
  assertTensor(x, op);
  if (x.dtype === 'bool') throw new TypeError(`${op}: input has dtype bool; cast it to f32 or i32 first`);
  const axes = normalizeAxes(op, axis, x.shape);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(`${op}: cannot reduce an empty axis (shape ${fmt(x.shape)}, axes ${JSON.stringify(axes)})`);
  }
  const backend = x.backend;
  const kept = reducedShape(x.shape, axes, true);
  const yk = wrap(op, backend, backend.reduce(op, x, axes), kept, x.dtype, [x]);
  record(op, [x], yk, (g) => {
    if (op === 'sum') return [mul(g, onesFor(x))];
    if (op === 'prod') return [div(mul(g, yk), x)];
    // max/min: the gradient goes to the extreme elements, shared evenly among ties.
    const hit = cast(equal(x, yk), g.dtype);
    return [div(mul(g, hit), sum(hit, axes, true))];
  });
  if (keepdims) return yk;
  const y = reshape(yk, reducedShape(x.shape, axes, false));
  yk.dispose();
  return y;
}

/** A ones tensor of x's shape and dtype, used to broadcast a reduced gradient back. */
function onesFor(x: Tensor): Tensor {
  const b = x.backend;
  return wrap('ones', b, b.fill(x.shape, x.dtype, 1), x.shape, x.dtype, []);
}

export const sum = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduce('sum', x, axis, keepdims);
/** Product of elements (its gradient divides by x: undefined where x has zeros). */
export const prod = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduce('prod', x, axis, keepdims);
/** Maximum; the gradient is shared evenly among tied maxima. */
export const max = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduce('max', x, axis, keepdims);
export const min = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduce('min', x, axis, keepdims);

export function mean(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  assertTensor(x, 'mean');
  if (!isFloat(x.dtype)) throw new TypeError(`mean: input has dtype ${x.dtype}; expected f32 or f64`);
  const axes = normalizeAxes('mean', axis, x.shape);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  return tidy(() => div(sum(x, axes, keepdims), n));
}

/** log Σ exp(x), stable: the max is subtracted first (and gets no gradient of its own). */
export function logsumexp(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  assertTensor(x, 'logsumexp');
  const axes = normalizeAxes('logsumexp', axis, x.shape);
  return tidy(() => {
    const mx = stopGradient(max(x, axes, true));
    // An infinite max (all −∞, or some +∞) would make x − m NaN; shifting by 0 gives ∓∞ as it should.
    const m = where(less(abs(mx), Infinity), mx, 0);
    const out = add(log(sum(exp(sub(x, m)), axes, true)), m);
    return keepdims ? out : reshape(out, reducedShape(x.shape, axes, false));
  });
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepdims: boolean): Tensor {
  assertTensor(x, op);
  const ax = normalizeAxis(op, axis, x.rank, x.shape);
  if (x.shape[ax] === 0) throw new ShapeError(`${op}: axis ${axis} of shape ${fmt(x.shape)} is empty`);
  const backend = x.backend;
  const kept = reducedShape(x.shape, [ax], true);
  const yk = wrap(op, backend, backend.argReduce(op, x, ax), kept, 'i32', [x]);
  if (keepdims) return yk;
  const y = reshape(yk, reducedShape(x.shape, [ax], false));
  yk.dispose();
  return y;
}

/** Index (i32) of the first maximum along `axis`. */
export const argmax = (x: Tensor, axis = -1, keepdims = false): Tensor => argReduce('argmax', x, axis, keepdims);
export const argmin = (x: Tensor, axis = -1, keepdims = false): Tensor => argReduce('argmin', x, axis, keepdims);
