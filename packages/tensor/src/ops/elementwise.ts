/**
 * Elementwise ops. Each states its forward primitive and its gradient rule once.
 * Binary ops broadcast NumPy-style; a plain number takes the other operand's dtype.
 */
import type { BinaryOp, UnaryOp } from '../backend.ts';
import { record } from '../autodiff.ts';
import { type DType, assertDType, isFloat } from '../dtype.ts';
import { broadcastShapes, fmt } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { type TensorLike, asTensor, assertTensor, backendOf, constant, unbroadcast, wrap } from './util.ts';

// ---- unary ------------------------------------------------------------------------------

type UnaryGrad = (g: Tensor, x: Tensor, y: Tensor) => Tensor | null;

const unaryGrads: Record<UnaryOp, UnaryGrad> = {
  neg: (g) => neg(g),
  exp: (g, _x, y) => mul(g, y),
  expm1: (g, _x, y) => mul(g, add(y, 1)),
  log: (g, x) => div(g, x),
  log1p: (g, x) => div(g, add(x, 1)),
  sqrt: (g, _x, y) => div(mul(g, 0.5), y),
  rsqrt: (g, _x, y) => mul(mul(g, -0.5), mul(y, mul(y, y))),
  tanh: (g, _x, y) => mul(g, sub(1, mul(y, y))),
  sigmoid: (g, _x, y) => mul(g, mul(y, sub(1, y))),
  abs: (g, x) => mul(g, sign(x)),
  reciprocal: (g, _x, y) => neg(mul(g, mul(y, y))),
  sin: (g, x) => mul(g, cos(x)),
  cos: (g, x) => neg(mul(g, sin(x))),
  sign: () => null,
  floor: () => null,
  ceil: () => null,
  round: () => null,
  not: () => null,
};

const FLOAT_ONLY = new Set<UnaryOp>(['exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'reciprocal', 'sin', 'cos']);

function unary(op: UnaryOp, x: Tensor): Tensor {
  assertTensor(x, op);
  if (op === 'not' ? x.dtype !== 'bool' : x.dtype === 'bool' || (FLOAT_ONLY.has(op) && !isFloat(x.dtype))) {
    const want = op === 'not' ? 'bool' : FLOAT_ONLY.has(op) ? 'f32 or f64' : 'a numeric dtype';
    throw new TypeError(`${op}: input (shape ${fmt(x.shape)}) has dtype ${x.dtype}; expected ${want}`);
  }
  const backend = x.backend;
  const y = wrap(op, backend, backend.unary(op, x), x.shape, x.dtype, [x]);
  const rule = unaryGrads[op];
  return record(op, [x], y, (g) => [rule(g, x, y)]);
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** exp(x) − 1, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => unary('expm1', x);
export const log = (x: Tensor): Tensor => unary('log', x);
/** log(1 + x), accurate near 0. */
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** 1 / sqrt(x). */
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** 1 / (1 + exp(−x)), computed without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** −1, 0 or 1 (gradient zero). */
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
export const ceil = (x: Tensor): Tensor => unary('ceil', x);
/** Rounds to the nearest integer, ties to even (as NumPy and WGSL). */
export const round = (x: Tensor): Tensor => unary('round', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const logicalNot = (x: Tensor): Tensor => unary('not', x);

// ---- binary -----------------------------------------------------------------------------

/** Both operands' gradients; `needs` as the autodiff passes it (a rule may skip an operand that needs none). */
type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];

/** Gradient weight of `a` in max/min: 1 where it wins, ½ on ties (so both sides share), 0 otherwise. */
function winWeight(wins: Tensor, ties: Tensor, dtype: DType): Tensor {
  return add(cast(wins, dtype), mul(cast(ties, dtype), 0.5));
}

const binaryGrads: Partial<Record<BinaryOp, BinaryGrad>> = {
  add: (g) => [g, g],
  sub: (g) => [g, neg(g)],
  mul: (g, a, b, _y, needs) => [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null],
  div: (g, _a, b, y, needs) => [needs[0] ? div(g, b) : null, needs[1] ? neg(div(mul(g, y), b)) : null],
  pow: (g, a, b, y) => [
    mul(g, mul(b, pow(a, sub(b, 1)))),
    mul(g, where(greater(a, 0), mul(y, log(where(greater(a, 0), a, 1))), 0)),
  ],
  maximum: (g, a, b) => [mul(g, winWeight(greater(a, b), equal(a, b), g.dtype)), mul(g, winWeight(greater(b, a), equal(a, b), g.dtype))],
  minimum: (g, a, b) => [mul(g, winWeight(less(a, b), equal(a, b), g.dtype)), mul(g, winWeight(less(b, a), equal(a, b), g.dtype))],
  mod: (g, a, b) => [g, neg(mul(g, floor(div(a, b))))],
  atan2: (g, a, b) => {
    const r2 = add(mul(a, a), mul(b, b));
    return [mul(g, div(b, r2)), neg(mul(g, div(a, r2)))];
  },
};

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const LOGICAL = new Set<BinaryOp>(['and', 'or']);

function binary(op: BinaryOp, x: TensorLike, z: TensorLike): Tensor {
  if (typeof x === 'number' && typeof z === 'number') {
    throw new TypeError(`${op}: at least one operand must be a Tensor (got two numbers)`);
  }
  if (typeof x !== 'number') assertTensor(x, op, 'first operand');
  if (typeof z !== 'number') assertTensor(z, op, 'second operand');
  const a = typeof x === 'number' ? asTensor(x, z as Tensor) : x;
  const b = typeof z === 'number' ? asTensor(z, a) : z;
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: dtypes differ (${a.dtype} ${fmt(a.shape)} and ${b.dtype} ${fmt(b.shape)}); cast one with cast()`);
  }
  if (LOGICAL.has(op) !== (a.dtype === 'bool')) {
    throw new TypeError(`${op}: operands have dtype ${a.dtype}; expected ${LOGICAL.has(op) ? 'bool' : 'a numeric dtype'}`);
  }
  const backend = backendOf(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const dtype: DType = COMPARISONS.has(op) ? 'bool' : a.dtype;
  const y = wrap(op, backend, backend.binary(op, a, b, shape, dtype), shape, dtype, [a, b]);
  const rule = binaryGrads[op];
  if (rule) {
    record(op, [a, b], y, (g, needs) => {
      const [ga, gb] = rule(g, a, b, y, needs);
      // The broadcast reduction is the costly part for a bias: skip it for a constant operand.
      return [ga && needs[0] ? unbroadcast(ga, a.shape) : null, gb && needs[1] ? unbroadcast(gb, b.shape) : null];
    });
  }
  // Scalars made here are ours; the tape holds them if it needs them.
  if (a !== x) a.dispose();
  if (b !== z) b.dispose();
  return y;
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
/** a ** b (the gradient with respect to b is taken as 0 where a ≤ 0). */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
/** Elementwise max; on ties the gradient is split evenly. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
/** Elementwise min; on ties the gradient is split evenly. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
/** Remainder with the sign of the divisor (Python / NumPy `%`). */
export const mod = (a: TensorLike, b: TensorLike): Tensor => binary('mod', a, b);
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => binary('atan2', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => binary('and', a, b);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => binary('or', a, b);

// ---- where, cast ------------------------------------------------------------------------

/** cond ? a : b elementwise, broadcasting all three. The unselected side gets zero gradient. */
export function where(cond: Tensor, x: TensorLike, z: TensorLike): Tensor {
  assertTensor(cond, 'where', 'condition');
  if (cond.dtype !== 'bool') throw new TypeError(`where: condition has dtype ${cond.dtype}; expected bool`);
  const made: Tensor[] = [];
  const scalarOf = (v: number, dtype: DType): Tensor => {
    const t = constant(v, dtype, cond.backend);
    made.push(t);
    return t;
  };
  const dtype: DType = typeof x !== 'number' ? x.dtype : typeof z !== 'number' ? z.dtype : 'f32';
  const a = typeof x === 'number' ? scalarOf(x, dtype) : x;
  const b = typeof z === 'number' ? scalarOf(z, dtype) : z;
  assertTensor(a, 'where', 'first branch');
  assertTensor(b, 'where', 'second branch');
  if (a.dtype !== b.dtype) throw new TypeError(`where: branches have dtypes ${a.dtype} and ${b.dtype}; expected one dtype`);
  const backend = backendOf('where', cond, a, b);
  const shape = broadcastShapes('where', cond.shape, a.shape, b.shape);
  const y = wrap('where', backend, backend.where(cond, a, b, shape), shape, a.dtype, [cond, a, b]);
  record('where', [cond, a, b], y, (g) => {
    const zero = constant(0, g.dtype, g.backend);
    return [null, unbroadcast(where(cond, g, zero), a.shape), unbroadcast(where(cond, zero, g), b.shape)];
  });
  for (const t of made) t.dispose();
  return y;
}

/** Converts to another dtype (float → i32 truncates toward zero and saturates, NaN → 0; to bool tests ≠ 0). */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor(x, 'cast');
  assertDType(dtype, 'cast');
  if (x.dtype === dtype) return record('cast', [x], x.view(x.shape), (g) => [g]);
  const backend = x.backend;
  if (!backend.dtypes.includes(dtype)) throw new TypeError(`cast: backend "${backend.name}" has no ${dtype}; it supports ${backend.dtypes.join(', ')}`);
  const y = wrap('cast', backend, backend.cast(x, dtype), x.shape, dtype, [x]);
  if (isFloat(x.dtype) && isFloat(dtype)) record('cast', [x], y, (g) => [cast(g, x.dtype)]);
  return y;
}
