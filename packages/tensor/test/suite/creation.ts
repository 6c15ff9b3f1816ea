/** Creating tensors: from values, filled, ranges, identity; reading them back. */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, useDevice } from './util.ts';

export function creationSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} creation`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };

    test('tensor infers shape and dtype (f32 for numbers, bool for booleans)', async () => {
      await check(() => T.tensor([[1, 2, 3], [4, 5, 6]]), [[1, 2, 3], [4, 5, 6]], { dtype: 'f32' });
      await check(() => T.tensor([true, false]), [true, false], { dtype: 'bool' });
      await check(() => T.tensor(3), 3, { dtype: 'f32', shape: [] });
      await check(() => T.tensor([]), [], { dtype: 'f32', shape: [0] });
      await check(() => T.tensor([1, 2, 3, 4, 5, 6], [3, 2], dt), [[1, 2], [3, 4], [5, 6]], { dtype: dt });
      await check(() => T.tensor([1.9, -1.9], undefined, 'i32'), [1, -1], { dtype: 'i32' });
      await check(() => T.tensor([0, 2], undefined, 'bool'), [false, true]);
    });

    test('tensor from typed arrays keeps their dtype unless told otherwise', async () => {
      await check(() => T.tensor(new Int32Array([1, -2])), [1, -2], { dtype: 'i32' });
      await check(() => T.tensor(new Float32Array([0.5, 1.5]), [2, 1]), [[0.5], [1.5]], { dtype: 'f32' });
      await check(() => T.tensor(new Uint8Array([1, 0])), [true, false]);
      await check(() => T.tensor(new Float64Array([2.5, -2.5]), undefined, 'i32'), [2, -2], { dtype: 'i32' });
    });

    test('scalar, zeros, ones, full', async () => {
      await check(() => T.scalar(2.5, dt), 2.5, { dtype: dt });
      await check(() => T.scalar(true), true);
      await check(() => T.zeros([2, 1], dt), [[0], [0]], { dtype: dt });
      await check(() => T.ones([3], 'i32'), [1, 1, 1], { dtype: 'i32' });
      await check(() => T.full([2], 7.5, dt), [7.5, 7.5], { dtype: dt });
      await check(() => T.full([2], 2.7, 'i32'), [2, 2], { dtype: 'i32' });
      await check(() => T.full([1], 1, 'bool'), [true]);
      await check(() => T.zeros([0, 4]), [], { shape: [0, 4] });
    });

    test('zerosLike, onesLike, fullLike keep shape and (by default) dtype', async () => {
      const x = () => T.tensor([[1, 2]], undefined, 'i32');
      await check(() => T.zerosLike(x()), [[0, 0]], { dtype: 'i32' });
      await check(() => T.onesLike(x(), dt), [[1, 1]], { dtype: dt });
      await check(() => T.fullLike(x(), -3), [[-3, -3]], { dtype: 'i32' });
    });

    test('arange and linspace', async () => {
      await check(() => T.arange(4), [0, 1, 2, 3], { dtype: 'f32' });
      await check(() => T.arange(1, 2, 0.25, dt), [1, 1.25, 1.5, 1.75], { dtype: dt });
      await check(() => T.arange(5, 0, -2, 'i32'), [5, 3, 1], { dtype: 'i32' });
      await check(() => T.arange(3, 3), [], { shape: [0] });
      await check(() => T.linspace(0, 1, 5, dt), [0, 0.25, 0.5, 0.75, 1], { ...tol, dtype: dt });
      await check(() => T.linspace(2, 3, 1), [2]);
      await check(() => T.linspace(0, 1, 0), [], { shape: [0] });
    });

    test('eye', async () => {
      await check(() => T.eye(2, undefined, dt), [[1, 0], [0, 1]], { dtype: dt });
      await check(() => T.eye(2, 3, 'i32'), [[1, 0, 0], [0, 1, 0]], { dtype: 'i32' });
    });

    test('array() nests, item() reads one element', async () => {
      const x = T.tensor([[1, 2], [3, 4]], undefined, dt);
      const s = T.tensor([1], undefined, dt);
      const bools = T.tensor([[true], [false]]);
      try {
        expect(await x.array()).toEqual([[1, 2], [3, 4]]);
        expect(await bools.array()).toEqual([[true], [false]]);
        expect(await s.item()).toBe(1);
        await expect(x.item()).rejects.toThrow(/item/);
      } finally {
        T.dispose([x, s, bools]);
      }
    });

    test('chained methods match the functions', async () => {
      await check(() => T.tensor([[1, -2]], undefined, dt).mul(2).add(1).abs().sum(), 6, tol);
      await check(() => T.tensor([[1, 2], [3, 4]], undefined, dt).transpose().reshape([4]).slice([1], [2]), [3, 2], tol);
    });
  });
}
