/** Forward values of unary and binary elementwise ops, comparisons, where and cast. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { NestedArray, Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { supports } from './gradcheck.ts';
import { check, useDevice } from './util.ts';

const { E, PI, LN2, SQRT2 } = Math;

export function elementwiseSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} elementwise`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const f = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, dt);
    const i = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, 'i32');
    const b = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, 'bool');

    const unaryCases: [string, (x: Tensor) => Tensor, number[], number[]][] = [
      ['neg', T.neg, [-2, 0, 3.5], [2, -0, -3.5]],
      ['exp', T.exp, [0, 1, -1, -Infinity, Infinity], [1, E, 1 / E, 0, Infinity]],
      ['expm1', T.expm1, [0, 1e-5, 1, -1], [0, 1.0000050000166667e-5, E - 1, 1 / E - 1]],
      ['log', T.log, [1, E, 0.5, 0, -1], [0, 1, -LN2, -Infinity, NaN]],
      ['log1p', T.log1p, [0, 1e-5, E - 1, -1, -2], [0, 9.99995000033333e-6, 1, -Infinity, NaN]],
      ['sqrt', T.sqrt, [0, 4, 2, 0.25, -1], [0, 2, SQRT2, 0.5, NaN]],
      ['rsqrt', T.rsqrt, [4, 0.25, 1, 0], [0.5, 2, 1, Infinity]],
      ['tanh', T.tanh, [0, 0.5, -20, 20], [0, 0.46211715726000974, -1, 1]],
      // No overflow to NaN at large |x|.
      ['sigmoid', T.sigmoid, [0, 2, -2, -1000, 1000], [0.5, 0.8807970779778823, 0.11920292202211755, 0, 1]],
      ['abs', T.abs, [-3, 0, 2.5], [3, 0, 2.5]],
      ['sign', T.sign, [-3, 0, 2.5, NaN], [-1, 0, 1, NaN]],
      ['reciprocal', T.reciprocal, [2, -4, 0], [0.5, -0.25, Infinity]],
      ['floor', T.floor, [-1.5, 1.5, 2, -0.2], [-2, 1, 2, -1]],
      ['ceil', T.ceil, [-1.5, 1.5, 2, -0.2], [-1, 2, 2, -0]],
      // Half to even, as NumPy and WGSL.
      ['round', T.round, [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 3], [0, 2, 2, -0, -2, -2, 2, 3, -3, 3]],
      ['sin', T.sin, [0, PI / 2, PI / 6, -PI / 2], [0, 1, 0.5, -1]],
      ['cos', T.cos, [0, PI, PI / 3], [1, -1, 0.5]],
      ['square', T.square, [-3, 0.5, 0], [9, 0.25, 0]],
    ];
    test.each(unaryCases)('%s', async (_name, op, x, expected) => {
      await check(() => op(f(x)), expected, { ...tol, dtype: dt });
    });

    test('unary ops keep the shape, including rank 0 and empty tensors', async () => {
      await check(() => T.exp(f([[0], [0]])), [[1], [1]], tol);
      await check(() => T.neg(f(2, [])), -2, tol);
      await check(() => T.tanh(f([], [0, 3])), [], { shape: [0, 3] });
    });

    test('NaN propagates through arithmetic', async () => {
      await check(() => T.exp(f([NaN])), [NaN]);
      await check(() => T.add(f([NaN, 1]), f([1, NaN])), [NaN, NaN]);
      await check(() => T.mul(f([NaN]), 0), [NaN]);
    });

    test('i32: neg, abs, sign, floor, round keep i32; float-only ops refuse it', async () => {
      await check(() => T.neg(i([3, -2, 0])), [-3, 2, 0], { dtype: 'i32' });
      await check(() => T.abs(i([3, -2, 0])), [3, 2, 0], { dtype: 'i32' });
      await check(() => T.sign(i([3, -2, 0])), [1, -1, 0], { dtype: 'i32' });
      await check(() => T.floor(i([3, -2])), [3, -2], { dtype: 'i32' });
      await check(() => T.round(i([3, -2])), [3, -2], { dtype: 'i32' });
    });

    test('bool: logicalNot, logicalAnd, logicalOr', async () => {
      await check(() => T.logicalNot(b([true, false])), [false, true]);
      await check(() => T.logicalAnd(b([true, true, false, false]), b([true, false, true, false])), [true, false, false, false]);
      await check(() => T.logicalOr(b([true, true, false, false]), b([true, false, true, false])), [true, true, true, false]);
      await check(() => T.logicalAnd(b([[true], [false]]), b([true, false])), [[true, false], [false, false]]);
    });

    test('add, sub, mul, div broadcast NumPy-style', async () => {
      await check(() => T.add(f([[1], [2]]), f([10, 20, 30])), [[11, 21, 31], [12, 22, 32]], tol);
      await check(() => T.sub(f([[1], [2]]), f([10, 20, 30])), [[-9, -19, -29], [-8, -18, -28]], tol);
      await check(() => T.mul(f([[[1, 2]]]), f([[3], [4]])), [[[3, 6], [4, 8]]], tol);
      await check(() => T.div(f([1, -1, 0, 3]), f([0, 0, 0, 4])), [Infinity, -Infinity, NaN, 0.75], tol);
      await check(() => T.add(f(5, []), f([[1, 2]])), [[6, 7]], tol);
      await check(() => T.add(f([], [0, 2]), f([1, 2])), [], { shape: [0, 2] });
    });

    test('plain numbers take the tensor operand\'s dtype', async () => {
      await check(() => T.add(f([1, 2]), 0.5), [1.5, 2.5], { ...tol, dtype: dt });
      await check(() => T.sub(10, f([1, 2])), [9, 8], { ...tol, dtype: dt });
      await check(() => T.div(1, f([4, -2])), [0.25, -0.5], { ...tol, dtype: dt });
      await check(() => T.mul(i([1, 2, 3]), 2), [2, 4, 6], { dtype: 'i32' });
      // 2.7 becomes the i32 scalar 2.
      await check(() => T.add(i([1, 2, 3]), 2.7), [3, 4, 5], { dtype: 'i32' });
    });

    test('pow', async () => {
      await check(() => T.pow(f([2, 4, 9, 2, 0, 5, -2, -8]), f([3, 0.5, 0.5, -1, 0, 0, 2, 1 / 3])), [8, 2, 3, 0.5, 1, 1, 4, NaN], tol);
      await check(() => T.pow(f([[2], [3]]), f([0, 1, 2])), [[1, 2, 4], [1, 3, 9]], tol);
    });

    test('maximum and minimum propagate NaN', async () => {
      await check(() => T.maximum(f([1, 5, NaN, 3]), f([2, 2, 2, NaN])), [2, 5, NaN, NaN], tol);
      await check(() => T.minimum(f([1, 5, NaN, 3]), f([2, 2, 2, NaN])), [1, 2, NaN, NaN], tol);
      await check(() => T.maximum(f([[-1], [4]]), 0), [[0], [4]], tol);
      await check(() => T.minimum(i([-1, 4]), i([0, 0])), [-1, 0], { dtype: 'i32' });
    });

    test('mod has the sign of the divisor (Python semantics)', async () => {
      await check(() => T.mod(f([-7.5, 7.5, -7.5, 7.5, 6, 0]), f([2, -2, -2, 2, 3, 5])), [0.5, -0.5, -1.5, 1.5, 0, 0], tol);
      await check(() => T.mod(i([-7, 7, -7, 7, 6, -6]), i([3, -3, -3, 3, 3, 4])), [2, -2, -1, 1, 0, 2], { dtype: 'i32' });
      await check(() => T.mod(f([5.5]), f([0])), [NaN]);
    });

    test('atan2 covers all quadrants', async () => {
      await check(() => T.atan2(f([1, 1, -1, 0, 0, -1]), f([1, -1, -1, -1, 1, 0])), [PI / 4, (3 * PI) / 4, (-3 * PI) / 4, PI, 0, -PI / 2], tol);
    });

    test('i32 arithmetic stays i32; division truncates toward zero (as C and WGSL)', async () => {
      await check(() => T.add(i([1, -2]), i([3, 4])), [4, 2], { dtype: 'i32' });
      await check(() => T.sub(i([1, -2]), i([3, 4])), [-2, -6], { dtype: 'i32' });
      await check(() => T.mul(i([[1], [-2]]), i([3, 4])), [[3, 4], [-6, -8]], { dtype: 'i32' });
      await check(() => T.div(i([7, -7, 6, 1]), i([2, 2, 4, 3])), [3, -3, 1, 0], { dtype: 'i32' });
      await check(() => T.pow(i([2, 3]), i([3, 2])), [8, 9], { dtype: 'i32' });
    });

    test('comparisons give bool and broadcast', async () => {
      const x = () => f([1, 2, 3]);
      await check(() => T.equal(x(), 2), [false, true, false]);
      await check(() => T.notEqual(x(), 2), [true, false, true]);
      await check(() => T.less(x(), 2), [true, false, false]);
      await check(() => T.lessEqual(x(), 2), [true, true, false]);
      await check(() => T.greater(x(), 2), [false, false, true]);
      await check(() => T.greaterEqual(x(), 2), [false, true, true]);
      await check(() => T.less(f([[1], [3]]), f([2, 3, 4])), [[true, true, true], [false, false, true]]);
      await check(() => T.greater(i([1, 5]), i([3, 3])), [false, true]);
    });

    test('comparisons with NaN are false (notEqual is true)', async () => {
      const nan = () => f([NaN, NaN, 1]);
      await check(() => T.equal(nan(), f([NaN, 1, 1])), [false, false, true]);
      await check(() => T.notEqual(nan(), f([NaN, 1, 1])), [true, true, false]);
      await check(() => T.less(nan(), 2), [false, false, true]);
      await check(() => T.greaterEqual(nan(), 0), [false, false, true]);
    });

    test('where broadcasts condition and branches; numbers take the tensor dtype', async () => {
      await check(() => T.where(b([true, false, true]), f([1, 2, 3]), f([10, 20, 30])), [1, 20, 3], tol);
      await check(() => T.where(b([[true], [false]]), f([1, 2]), f(0, [])), [[1, 2], [0, 0]], tol);
      await check(() => T.where(b([true, false]), f([[1, 2], [3, 4]]), -1), [[1, -1], [3, -1]], { ...tol, dtype: dt });
      await check(() => T.where(b([false, true]), 7, i([1, 2])), [1, 7], { dtype: 'i32' });
    });

    test('cast float → i32 truncates toward zero; → bool tests ≠ 0', async () => {
      await check(() => T.cast(f([2.7, -2.7, 0.5, -0.5, 3]), 'i32'), [2, -2, 0, 0, 3], { dtype: 'i32' });
      // Out of range saturates and NaN becomes 0, as WGSL's i32(f32) conversion does.
      await check(() => T.cast(f([3e9, -3e9, NaN]), 'i32'), [2147483647, -2147483648, 0], { dtype: 'i32' });
      await check(() => T.cast(f([0, 0.5, -1, NaN]), 'bool'), [false, true, true, true]);
      await check(() => T.cast(i([0, 3, -1]), 'bool'), [false, true, true]);
      await check(() => T.cast(b([true, false]), dt), [1, 0], { dtype: dt });
      await check(() => T.cast(b([true, false]), 'i32'), [1, 0], { dtype: 'i32' });
      await check(() => T.cast(i([-3, 7]), dt), [-3, 7], { dtype: dt });
      await check(() => T.cast(f([1.5]), dt), [1.5], { dtype: dt });
    });

    test('cast between f32 and f64 rounds to nearest', async (ctx) => {
      if (!supports('f64')) ctx.skip();
      await check(() => T.cast(T.tensor([0.1, 1 / 3], undefined, 'f64'), 'f32'), [Math.fround(0.1), Math.fround(1 / 3)], { dtype: 'f32' });
      await check(() => T.cast(T.tensor([0.1], undefined, 'f32'), 'f64'), [Math.fround(0.1)], { dtype: 'f64' });
    });
  });
}
