/** Forward values of reductions: axes, negative axes, keepdims, ties, NaN, integer and empty inputs. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { NestedArray, Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, useDevice } from './util.ts';

const { LN2 } = Math;

export function reduceSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} reductions`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const f = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, dt);
    const x = (): Tensor => f([[1, 2, 3], [4, 5, 6]]);
    /** arange(24) as [2, 3, 4]: x[i][j][k] = 12i + 4j + k. */
    const x3 = (): Tensor => T.reshape(T.arange(0, 24, 1, dt), [2, 3, 4]);

    test('sum over all, one, negative and several axes, with keepdims', async () => {
      await check(() => T.sum(x()), 21, { ...tol, dtype: dt });
      await check(() => T.sum(x(), 0), [5, 7, 9], tol);
      await check(() => T.sum(x(), -1), [6, 15], tol);
      await check(() => T.sum(x(), 1, true), [[6], [15]], tol);
      await check(() => T.sum(x(), [0, 1]), 21, tol);
      await check(() => T.sum(x(), [-1, 0], true), [[21]], tol);
      // Σ_i Σ_k (12i + 4j + k) = 32j + 60
      await check(() => T.sum(x3(), [0, 2]), [60, 92, 124], tol);
      await check(() => T.sum(x3(), [0, -1], true), [[[60], [92], [124]]], tol);
    });

    test('mean', async () => {
      await check(() => T.mean(x()), 3.5, tol);
      await check(() => T.mean(x(), 0), [2.5, 3.5, 4.5], tol);
      await check(() => T.mean(x(), -1, true), [[2], [5]], tol);
      await check(() => T.mean(x3(), [0, 2]), [7.5, 11.5, 15.5], tol);
    });

    test('max and min', async () => {
      const y = () => f([[3, -1, 7], [-4, 9, 0]]);
      await check(() => T.max(y()), 9, tol);
      await check(() => T.min(y()), -4, tol);
      await check(() => T.max(y(), 0), [3, 9, 7], tol);
      await check(() => T.min(y(), -1), [-1, -4], tol);
      await check(() => T.max(y(), 1, true), [[7], [9]], tol);
      await check(() => T.min(x3(), [1, 2]), [0, 12], tol);
      await check(() => T.max(f([-Infinity, -5])), -5, tol);
    });

    test('prod', async () => {
      await check(() => T.prod(x(), 1), [6, 120], tol);
      await check(() => T.prod(x()), 720, tol);
      await check(() => T.prod(f([[2, -0.5], [0, 3]]), 0, true), [[0, -1.5]], tol);
    });

    test('logsumexp is stable', async () => {
      await check(() => T.logsumexp(f([1, 2, 3])), 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), tol);
      await check(() => T.logsumexp(f([[1000, 1000], [-1000, -1000]]), -1), [1000 + LN2, -1000 + LN2], tol);
      await check(() => T.logsumexp(f([[0, 0], [0, 0]]), 0, true), [[LN2, LN2]], tol);
      await check(() => T.logsumexp(f([0, -Infinity])), 0, tol);
      // An infinite max must not turn into ∞ − ∞.
      await check(() => T.logsumexp(f([[-Infinity, -Infinity], [Infinity, 0]]), 1), [-Infinity, Infinity]);
      await check(() => T.logsumexp(f([[0, -Infinity], [-Infinity, -Infinity]]), -1, true), [[0], [-Infinity]], tol);
    });

    test('NaN propagates through sum, max and min', async () => {
      await check(() => T.sum(f([1, NaN, 2])), NaN);
      await check(() => T.max(f([1, NaN, 3])), NaN);
      await check(() => T.min(f([[NaN, 1], [2, 3]]), 1), [NaN, 2]);
      await check(() => T.max(f([NaN, 5, 1])), NaN);
    });

    test('argmax / argmin give i32 and the first index on ties', async () => {
      const y = () => f([[1, 3, 3], [5, 5, 0]]);
      await check(() => T.argmax(y()), [1, 0], { dtype: 'i32' });
      await check(() => T.argmin(y()), [0, 2], { dtype: 'i32' });
      await check(() => T.argmax(y(), 0), [1, 1, 0], { dtype: 'i32' });
      await check(() => T.argmin(y(), -2, true), [[0, 0, 1]], { dtype: 'i32' });
      await check(() => T.argmax(y(), 1, true), [[1], [0]], { dtype: 'i32' });
      await check(() => T.argmax(f([2, 2, 2, 2])), 0, { dtype: 'i32' });
      await check(() => T.argmin(T.tensor([4, -1, -1], undefined, 'i32')), 1, { dtype: 'i32' });
      await check(() => T.argmax(x3(), 1), [[2, 2, 2, 2], [2, 2, 2, 2]], { dtype: 'i32' });
    });

    test('argmax / argmin pick the first NaN', async () => {
      await check(() => T.argmax(f([1, NaN, 3, NaN])), 1, { dtype: 'i32' });
      await check(() => T.argmin(f([1, -5, NaN])), 2, { dtype: 'i32' });
      await check(() => T.argmax(f([NaN, 7])), 0, { dtype: 'i32' });
    });

    test('i32 reductions stay i32', async () => {
      const y = () => T.tensor([[1, -2], [3, 4]], undefined, 'i32');
      await check(() => T.sum(y()), 6, { dtype: 'i32' });
      await check(() => T.sum(y(), 0), [4, 2], { dtype: 'i32' });
      await check(() => T.max(y(), 1), [1, 4], { dtype: 'i32' });
      await check(() => T.min(y()), -2, { dtype: 'i32' });
      await check(() => T.prod(y()), -24, { dtype: 'i32' });
    });

    test('size-1 and empty axes', async () => {
      await check(() => T.sum(f([[1, 2, 3]]), 0), [1, 2, 3], tol);
      await check(() => T.max(f([[1], [2]]), -1), [1, 2], tol);
      await check(() => T.sum(T.zeros([2, 0], dt), 1), [0, 0], tol);
      await check(() => T.prod(T.zeros([2, 0], dt), 1), [1, 1], tol);
      await check(() => T.sum(f(4, [])), 4, tol);
    });
  });
}
