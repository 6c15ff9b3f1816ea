/**
 * Finite-difference gradient checks of the elementwise ops, where, cast and the activations.
 * Shapes cover rank 0, size-1 axes and broadcasting ([3, 1, 4] with [5, 1]); generators keep
 * inputs away from kinks (abs/relu at 0, ties of maximum/minimum, mod's jumps, log of ≤ 0).
 */
import { describe } from 'vitest';
import * as T from '../../src/index.ts';
import type { Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { type Gen, type GradCase, avoiding, gens, registerGradCases } from './gradcheck.ts';
import { rng, useDevice } from './util.ts';

const UNARY_SHAPES: readonly Shape[] = [[2, 3], [], [1], [3, 1, 4]];
const BINARY_SHAPES: readonly (readonly [Shape, Shape])[] = [
  [[2, 3], [2, 3]],
  [[3, 1, 4], [5, 1]],
  [[1], [2, 3]],
  [[], [2, 3]],
  [[2, 1], [1, 3]],
];

const unaryShapes = (gen: Gen) => UNARY_SHAPES.map((shape) => [{ shape, gen }]);
const binaryShapes = (ga: Gen, gb: Gen) => BINARY_SHAPES.map(([a, b]) => [{ shape: a, gen: ga }, { shape: b, gen: gb }]);
const unary = (name: string, f: (x: Tensor) => Tensor, gen: Gen = gens.normal): GradCase => ({ name, f, shapes: unaryShapes(gen) });
const binary = (name: string, f: (a: Tensor, b: Tensor) => Tensor, ga: Gen = gens.normal, gb: Gen = gens.normal): GradCase => ({
  name,
  f,
  shapes: binaryShapes(ga, gb),
});

/** A fixed pseudo-random bool mask of `shape` (created inside the checked function). */
function mask(shape: Shape): Tensor {
  const r = rng(shape.length * 131 + 7);
  const n = shape.reduce((a, b) => a * b, 1);
  return T.tensor(Array.from({ length: n }, () => r() < 0.5), shape, 'bool');
}

function whereCase(cond: Shape, a: Shape, b: Shape): GradCase {
  return { name: `where cond [${cond.join(', ')}]`, f: (x, y) => T.where(mask(cond), x, y), shapes: [[{ shape: a }, { shape: b }]] };
}

function cases(dtype: 'f32' | 'f64'): GradCase[] {
  const other = dtype === 'f64' ? 'f32' : 'f64';
  return [
    unary('neg', T.neg),
    unary('exp', T.exp),
    unary('expm1', T.expm1),
    unary('log', T.log, gens.positive),
    unary('log1p', T.log1p, (r, n) => gens.positive(r, n).map((v) => v - 0.4)),
    unary('sqrt', T.sqrt, gens.positive),
    unary('rsqrt', T.rsqrt, gens.positive),
    unary('tanh', T.tanh),
    unary('sigmoid', T.sigmoid, avoiding([], 0, 2)),
    unary('abs', T.abs, gens.nonzero),
    unary('reciprocal', T.reciprocal, gens.factors),
    unary('sin', T.sin, avoiding([], 0, 2)),
    unary('cos', T.cos, avoiding([], 0, 2)),

    binary('add', T.add),
    binary('sub', T.sub),
    binary('mul', T.mul),
    binary('div', T.div, gens.normal, gens.factors),
    binary('pow', T.pow, gens.positive, (r, n) => gens.small(r, n).map((v) => v * 1.6)),
    binary('maximum', T.maximum, gens.distinct, gens.distinctShifted),
    binary('minimum', T.minimum, gens.distinct, gens.distinctShifted),
    binary('mod', T.mod, gens.modDividend, gens.modDivisor),
    binary('atan2', T.atan2, gens.normal, gens.nonzero),
    unary('add scalar', (x) => T.add(x, 1.5)),
    unary('sub from scalar', (x) => T.sub(2, x)),
    unary('mul by scalar', (x) => T.mul(x, -3)),
    unary('div scalar by x', (x) => T.div(1.5, x), gens.factors),
    unary('pow by scalar', (x) => T.pow(x, 2.5), gens.positive),
    unary('scalar pow x', (x) => T.pow(1.7, x)),

    whereCase([2, 3], [2, 3], [2, 3]),
    whereCase([5, 4], [3, 1, 4], [5, 1]),
    whereCase([2, 3], [], [2, 1]),
    { name: 'where with a scalar branch', f: (x) => T.where(mask([2, 3]), x, 0), shapes: [[{ shape: [2, 3] }], [{ shape: [3] }]] },

    unary(`cast ${dtype}→${dtype}`, (x) => T.cast(x, dtype)),
    {
      ...unary(`cast ${dtype}→${other}`, (x) => T.cast(x, other)),
      needs: other,
      // Rounding to f32 makes an f64-sized step meaningless; cast is linear, so a large step
      // has no truncation error and the f32 rounding of the loss (~1e-7·|L|/2h) stays below 1e-4.
      tol: dtype === 'f64' ? { eps: 1e-2, rtol: 1e-4, atol: 1e-4 } : undefined,
    },

    unary('relu', T.relu, avoiding([0])),
    unary('elu', T.elu, avoiding([0])),
    unary('softplus', T.softplus, avoiding([], 0, 4)),
    unary('square', T.square),
    unary('clip', (x) => T.clip(x, -0.5, 0.5), avoiding([-0.5, 0.5])),
    { name: 'softmax axis -1', f: (x) => T.softmax(x), shapes: [[{ shape: [2, 3] }], [{ shape: [3, 1, 4] }], [{ shape: [1] }]] },
    { name: 'softmax axis 0', f: (x) => T.softmax(x, 0), shapes: [[{ shape: [3, 2] }], [{ shape: [4, 1, 2] }]] },
    { name: 'logSoftmax axis -1', f: (x) => T.logSoftmax(x), shapes: [[{ shape: [2, 3] }], [{ shape: [3, 1, 4] }]] },
    { name: 'logSoftmax axis 1', f: (x) => T.logSoftmax(x, 1), shapes: [[{ shape: [2, 4, 3] }]] },
  ];
}

export function elementwiseGradSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} gradients: elementwise and activations`, () => {
    useDevice(device);
    registerGradCases(device, cases(device.dtype));
  });
}
