/** Ops that move or select elements: reshape, transpose, broadcast, slice, concat, pad, gather. */
import { record } from '../autodiff.ts';
import { type DType, isFloat } from '../dtype.ts';
import { tidy } from '../engine.ts';
import { type Shape, ShapeError, assertShape, broadcastShapes, fmt, normalizeAxis, shapesEqual, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { arange } from './creation.ts';
import { cast, equal } from './elementwise.ts';
import { assertTensor, unbroadcast, wrap } from './util.ts';

/** Same elements, new shape (one entry may be −1 to infer it). No copy. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  assertTensor(x, 'reshape');
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new ShapeError(`reshape: shape must be integers >= -1, got ${JSON.stringify(shape)}`);
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new ShapeError(`reshape: at most one -1 allowed in ${fmt(shape)}`);
  let target = [...shape];
  if (unknown >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot infer -1 in ${fmt(shape)} for ${x.size} elements (input shape ${fmt(x.shape)})`);
    }
    target[unknown] = x.size / known;
  }
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(`reshape: shape ${fmt(x.shape)} (${x.size} elements) cannot become ${fmt(target)} (${sizeOf(target)} elements)`);
  }
  return record('reshape', [x], x.view(target), (g) => [reshape(g, x.shape)]);
}

/** The same values with no gradient flowing back through them. No copy. */
export function stopGradient(x: Tensor): Tensor {
  assertTensor(x, 'stopGradient');
  return x.view(x.shape);
}

export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). */
export function expandDims(x: Tensor, axis: number): Tensor {
  assertTensor(x, 'expandDims');
  const ax = normalizeAxis('expandDims', axis, x.rank + 1, x.shape);
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 axes (all of them, or those listed). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  assertTensor(x, 'squeeze');
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis('squeeze', a, x.rank, x.shape));
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of shape ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Permutes axes (default: reverse them). out.shape[i] = x.shape[perm[i]]. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor(x, 'transpose');
  const p = perm ? perm.map((a) => normalizeAxis('transpose', a, x.rank, x.shape)) : [...x.shape.keys()].reverse();
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new ShapeError(`transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`);
  }
  if (p.every((a, i) => a === i)) return reshape(x, x.shape);
  const backend = x.backend;
  const shape = p.map((a) => x.shape[a]);
  const y = wrap('transpose', backend, backend.transpose(x, p), shape, x.dtype, [x]);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return record('transpose', [x], y, (g) => [transpose(g, inverse)]);
}

/** Repeats x along broadcast axes to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  assertTensor(x, 'broadcastTo');
  assertShape(shape, 'broadcastTo');
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(out, shape)) throw new ShapeError(`broadcastTo: shape ${fmt(x.shape)} cannot be broadcast to ${fmt(shape)}`);
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  const backend = x.backend;
  const lifted = [...new Array<number>(shape.length - x.rank).fill(1), ...x.shape];
  const y = wrap('broadcastTo', backend, backend.expand({ buffer: x.buffer, shape: lifted, dtype: x.dtype }, shape), shape, x.dtype, [x]);
  return record('broadcastTo', [x], y, (g) => [unbroadcast(g, x.shape)]);
}

/**
 * The box starting at `begin` with extent `size` (−1: to the end). Negative begins count from
 * the end. Missing trailing axes are taken whole.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  assertTensor(x, 'slice');
  if (begin.length > x.rank || (size && size.length !== begin.length)) {
    throw new ShapeError(`slice: begin ${JSON.stringify(begin)} / size ${JSON.stringify(size)} do not fit shape ${fmt(x.shape)}`);
  }
  const b = x.shape.map((d, i) => {
    const v = begin[i] ?? 0;
    return v < 0 ? v + d : v;
  });
  const s = x.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    return v === -1 ? d - b[i] : v;
  });
  for (let i = 0; i < x.rank; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i] < 0 || s[i] < 0 || b[i] + s[i] > x.shape[i]) {
      throw new ShapeError(
        `slice: axis ${i}: begin ${begin[i] ?? 0}, size ${size?.[i] ?? -1} is outside 0..${x.shape[i]} (shape ${fmt(x.shape)})`,
      );
    }
  }
  if (s.every((d, i) => d === x.shape[i])) return reshape(x, x.shape);
  const backend = x.backend;
  const y = wrap('slice', backend, backend.slice(x, b, s), s, x.dtype, [x]);
  return record('slice', [x], y, (g) => [pad(g, x.shape.map((d, i) => [b[i], d - b[i] - s[i]] as [number, number]))]);
}

/** Pads each axis with `pads[i] = [before, after]` copies of `value`. */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  assertTensor(x, 'pad');
  if (pads.length !== x.rank || !pads.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new ShapeError(`pad: expected ${x.rank} pairs of non-negative integers for shape ${fmt(x.shape)}, got ${JSON.stringify(pads)}`);
  }
  if (pads.every(([a, b]) => a === 0 && b === 0)) return reshape(x, x.shape);
  const backend = x.backend;
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const y = wrap('pad', backend, backend.pad(x, pads, value), shape, x.dtype, [x]);
  return record('pad', [x], y, (g) => [slice(g, pads.map((p) => p[0]), x.shape)]);
}

/** Joins tensors of equal rank along `axis`; the other sizes must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError('concat: expected a non-empty array of tensors');
  xs.forEach((x, i) => assertTensor(x, 'concat', `tensor ${i}`));
  const first = xs[0];
  const ax = normalizeAxis('concat', axis, first.rank, first.shape);
  for (const x of xs) {
    if (x.dtype !== first.dtype) throw new TypeError(`concat: dtypes differ (${first.dtype} and ${x.dtype})`);
    if (x.rank !== first.rank || x.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ outside axis ${ax}`);
    }
  }
  if (xs.length === 1) return reshape(first, first.shape);
  const backend = first.backend;
  const shape = [...first.shape];
  shape[ax] = xs.reduce((n, x) => n + x.shape[ax], 0);
  const y = wrap('concat', backend, backend.concat(xs, ax), shape, first.dtype, xs);
  return record('concat', xs, y, (g) => {
    let offset = 0;
    return xs.map((x) => {
      const begin = new Array<number>(x.rank).fill(0);
      begin[ax] = offset;
      offset += x.shape[ax];
      return slice(g, begin, x.shape);
    });
  });
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError('stack: expected a non-empty array of tensors');
  const rank = xs[0].rank;
  for (const x of xs) {
    assertTensor(x, 'stack');
    if (!shapesEqual(x.shape, xs[0].shape)) throw new ShapeError(`stack: shapes differ (${xs.map((t) => fmt(t.shape)).join(', ')})`);
  }
  const ax = normalizeAxis('stack', axis, rank + 1, xs[0].shape);
  return tidy(() => concat(xs.map((x) => expandDims(x, ax)), ax));
}

/** Splits along `axis` into `sections` equal parts, or into parts of the listed sizes. */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  assertTensor(x, 'split');
  const ax = normalizeAxis('split', axis, x.rank, x.shape);
  const d = x.shape[ax];
  let sizes: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || d % sections !== 0) {
      throw new ShapeError(`split: axis ${ax} of shape ${fmt(x.shape)} (size ${d}) cannot be split into ${sections} equal parts`);
    }
    sizes = new Array<number>(sections).fill(d / sections);
  } else {
    sizes = [...sections];
    if (sizes.reduce((a, b) => a + b, 0) !== d || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(`split: sizes ${JSON.stringify(sections)} do not add up to ${d} (axis ${ax} of ${fmt(x.shape)})`);
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = new Array<number>(x.rank).fill(0);
    const size = [...x.shape];
    begin[ax] = offset;
    size[ax] = s;
    offset += s;
    return slice(x, begin, size);
  });
}

/**
 * Picks entries of `x` along `axis` by integer `indices` (any shape): the result's shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices outside 0..size−1 are clamped.
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  assertTensor(x, 'gather');
  assertTensor(indices, 'gather', 'indices');
  if (indices.dtype !== 'i32') throw new TypeError(`gather: indices have dtype ${indices.dtype}; expected i32`);
  const ax = normalizeAxis('gather', axis, x.rank, x.shape);
  if (x.shape[ax] === 0 && indices.size > 0) throw new ShapeError(`gather: axis ${ax} of shape ${fmt(x.shape)} is empty; there is nothing to pick`);
  const backend = x.backend;
  const shape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  const y = wrap('gather', backend, backend.gather(x, indices, ax), shape, x.dtype, [x, indices]);
  return record('gather', [x, indices], y, (g) => [scatterAdd(g, indices, ax, x.shape), null]);
}

/** The adjoint of gather: zeros of `shape` with `updates` summed in at `indices` along `axis`. */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  assertTensor(updates, 'scatterAdd', 'updates');
  assertTensor(indices, 'scatterAdd', 'indices');
  if (indices.dtype !== 'i32') throw new TypeError(`scatterAdd: indices have dtype ${indices.dtype}; expected i32`);
  const ax = normalizeAxis('scatterAdd', axis, shape.length, shape);
  const expected = [...shape.slice(0, ax), ...indices.shape, ...shape.slice(ax + 1)];
  if (!shapesEqual(updates.shape, expected)) {
    throw new ShapeError(`scatterAdd: updates have shape ${fmt(updates.shape)}; expected ${fmt(expected)} for indices ${fmt(indices.shape)} into ${fmt(shape)}`);
  }
  const backend = updates.backend;
  const y = wrap('scatterAdd', backend, backend.scatterAdd(updates, indices, ax, shape), shape, updates.dtype, [updates, indices]);
  return record('scatterAdd', [updates, indices], y, (g) => [gather(g, indices, ax), null]);
}

/** One-hot encoding of integer `indices` along a new last axis of size `depth`. */
export function oneHot(indices: Tensor, depth: number, dtype: DType = 'f32'): Tensor {
  assertTensor(indices, 'oneHot', 'indices');
  if (indices.dtype !== 'i32') throw new TypeError(`oneHot: indices have dtype ${indices.dtype}; expected i32`);
  if (!Number.isInteger(depth) || depth <= 0) throw new RangeError(`oneHot: depth must be a positive integer, got ${depth}`);
  if (!isFloat(dtype) && dtype !== 'i32') throw new TypeError(`oneHot: dtype ${dtype} not supported; use f32, f64 or i32`);
  return tidy(() => cast(equal(expandDims(indices, -1), arange(0, depth, 1, 'i32')), dtype));
}
