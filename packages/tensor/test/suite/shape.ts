/** Forward values of the layout ops: reshape … gather, scatterAdd, oneHot. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { NestedArray, Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, expectTensor, useDevice } from './util.ts';

export function shapeSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} shape and layout`, () => {
    useDevice(device);
    const dt = device.dtype;
    const f = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, dt);
    const i = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, 'i32');
    const x23 = (): Tensor => f([[1, 2, 3], [4, 5, 6]]);

    test('reshape (with -1), flatten', async () => {
      await check(() => T.reshape(x23(), [3, -1]), [[1, 2], [3, 4], [5, 6]]);
      await check(() => T.reshape(x23(), [6]), [1, 2, 3, 4, 5, 6]);
      await check(() => T.reshape(f([7]), []), 7);
      await check(() => T.flatten(f([[[1], [2]]])), [1, 2]);
      await check(() => T.reshape(T.tensor([true, false], undefined, 'bool'), [2, 1]), [[true], [false]]);
    });

    test('transpose: default reverses the axes; perm may be negative', async () => {
      await check(() => T.transpose(x23()), [[1, 4], [2, 5], [3, 6]]);
      await check(() => T.transpose(f([[[0, 1, 2]], [[3, 4, 5]]]), [2, 0, 1]), [[[0], [3]], [[1], [4]], [[2], [5]]]);
      await check(() => T.transpose(f([[[0, 1, 2]], [[3, 4, 5]]]), [-1, 0, -2]), [[[0], [3]], [[1], [4]], [[2], [5]]]);
      await check(() => T.transpose(i([[1, 2]])), [[1], [2]], { dtype: 'i32' });
      // out[k][i][j] = x[i][j][k] for x = arange(24) as [2, 3, 4]
      const expected = [0, 1, 2, 3].map((k) => [0, 1].map((a) => [0, 1, 2].map((j) => 12 * a + 4 * j + k)));
      await check(() => T.transpose(T.reshape(T.arange(0, 24, 1, dt), [2, 3, 4]), [2, 0, 1]), expected);
    });

    test('broadcastTo', async () => {
      await check(() => T.broadcastTo(f([1, 2, 3]), [2, 3]), [[1, 2, 3], [1, 2, 3]]);
      await check(() => T.broadcastTo(f([[1], [2]]), [2, 3]), [[1, 1, 1], [2, 2, 2]]);
      await check(() => T.broadcastTo(f(5, []), [2]), [5, 5]);
      await check(() => T.broadcastTo(f([[1], [2]]), [2, 2, 2]), [[[1, 1], [2, 2]], [[1, 1], [2, 2]]]);
    });

    test('expandDims and squeeze', async () => {
      await check(() => T.expandDims(x23(), 0), [[[1, 2, 3], [4, 5, 6]]]);
      await check(() => T.expandDims(x23(), -1), [[[1], [2], [3]], [[4], [5], [6]]]);
      await check(() => T.expandDims(x23(), 1), [[[1, 2, 3]], [[4, 5, 6]]]);
      await check(() => T.squeeze(f([[[1], [2], [3]]])), [1, 2, 3]);
      await check(() => T.squeeze(f([[[1], [2], [3]]]), -1), [[1, 2, 3]]);
      await check(() => T.squeeze(f([[[1], [2], [3]]]), [0, 2]), [1, 2, 3]);
    });

    test('slice with negative begins and size -1', async () => {
      const x = () => T.reshape(T.arange(1, 16, 1, dt), [3, 5]);
      await check(() => T.slice(x(), [1, -3], [2, -1]), [[8, 9, 10], [13, 14, 15]]);
      await check(() => T.slice(x(), [2]), [[11, 12, 13, 14, 15]]);
      await check(() => T.slice(x(), [0, 1], [3, 1]), [[2], [7], [12]]);
      await check(() => T.slice(x(), [1, 1], [0, 2]), [], { shape: [0, 2] });
    });

    test('pad with a value', async () => {
      await check(() => T.pad(f([[1, 2], [3, 4]]), [[1, 0], [0, 2]], 9), [[9, 9, 9, 9], [1, 2, 9, 9], [3, 4, 9, 9]]);
      await check(() => T.pad(f([1]), [[2, 1]]), [0, 0, 1, 0]);
      await check(() => T.pad(i([[5]]), [[0, 1], [1, 0]], -1), [[-1, 5], [-1, -1]], { dtype: 'i32' });
    });

    test('concat and stack', async () => {
      await check(() => T.concat([x23(), f([[7], [8]])], -1), [[1, 2, 3, 7], [4, 5, 6, 8]]);
      await check(() => T.concat([x23(), f([[7, 8, 9]])], 0), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
      await check(() => T.concat([i([1]), i([2, 3]), i([4])]), [1, 2, 3, 4], { dtype: 'i32' });
      await check(() => T.stack([f([1, 2]), f([3, 4])]), [[1, 2], [3, 4]]);
      await check(() => T.stack([f([1, 2]), f([3, 4])], 1), [[1, 3], [2, 4]]);
      await check(() => T.stack([f([1, 2]), f([3, 4]), f([5, 6])], -1), [[1, 3, 5], [2, 4, 6]]);
      await check(() => T.stack([f(1, []), f(2, [])]), [1, 2]);
    });

    test('split into equal parts and into sizes', async () => {
      const parts = T.tidy(() => T.split(T.reshape(T.arange(0, 12, 1, dt), [6, 2]), 3));
      await expectTensor(parts[0], [[0, 1], [2, 3]]);
      await expectTensor(parts[2], [[8, 9], [10, 11]]);
      T.dispose(parts);
      const sized = T.tidy(() => T.split(x23(), [1, 2], -1));
      await expectTensor(sized[0], [[1], [4]]);
      await expectTensor(sized[1], [[2, 3], [5, 6]]);
      T.dispose(sized);
    });

    test('gather along an axis with indices of any shape; out-of-range indices clamp', async () => {
      const x = () => f([[1, 2], [3, 4], [5, 6]]);
      await check(() => T.gather(x(), i([[2, 0], [1, 1]])), [[[5, 6], [1, 2]], [[3, 4], [3, 4]]]);
      await check(() => T.gather(x(), i([1, 0, 1]), 1), [[2, 1, 2], [4, 3, 4], [6, 5, 6]]);
      await check(() => T.gather(x(), i([-1, 5, -100])), [[1, 2], [5, 6], [1, 2]]);
      await check(() => T.gather(x(), i(1, []), -1), [2, 4, 6]);
      await check(() => T.gather(i([10, 20, 30]), i([2, 2, 0])), [30, 30, 10], { dtype: 'i32' });
    });

    test('scatterAdd sums duplicates and clamps like gather', async () => {
      const u = () => f([[1, 2], [3, 4], [5, 6], [7, 8]]);
      await check(() => T.scatterAdd(u(), i([0, 2, 0, 9]), 0, [3, 2]), [[6, 8], [0, 0], [10, 12]]);
      await check(() => T.scatterAdd(f([[1, 2, 3]]), i([1, 1, -4]), 1, [1, 3]), [[3, 3, 0]]);
    });

    test('oneHot (out-of-range indices give zero rows)', async () => {
      await check(() => T.oneHot(i([0, 2, -1, 3]), 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], { dtype: 'f32' });
      await check(() => T.oneHot(i([[1], [0]]), 2, 'i32'), [[[0, 1]], [[1, 0]]], { dtype: 'i32' });
    });
  });
}
