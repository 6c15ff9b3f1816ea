/** Forward values of cumsum and cumprod: inclusive/exclusive, forward/reverse, any axis. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, useDevice } from './util.ts';

export function scanSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} scans`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const x = () => T.tensor([1, 2, 3, 4], undefined, dt);

    const cases: [string, T.ScanOptions, number[], number[]][] = [
      ['inclusive', {}, [1, 3, 6, 10], [1, 2, 6, 24]],
      ['exclusive', { exclusive: true }, [0, 1, 3, 6], [1, 1, 2, 6]],
      ['reverse', { reverse: true }, [10, 9, 7, 4], [24, 24, 12, 4]],
      ['exclusive reverse', { exclusive: true, reverse: true }, [9, 7, 4, 0], [24, 12, 4, 1]],
    ];
    test.each(cases)('%s', async (_name, options, sums, prods) => {
      await check(() => T.cumsum(x(), -1, options), sums, { ...tol, dtype: dt });
      await check(() => T.cumprod(x(), 0, options), prods, { ...tol, dtype: dt });
    });

    test('along axis 0 and a middle axis', async () => {
      const m = () => T.tensor([[1, 2], [3, 4], [5, 6]], undefined, dt);
      await check(() => T.cumsum(m(), 0), [[1, 2], [4, 6], [9, 12]], tol);
      await check(() => T.cumsum(m(), -2, { exclusive: true, reverse: true }), [[8, 10], [5, 6], [0, 0]], tol);
      await check(() => T.cumprod(m(), 1), [[1, 2], [3, 12], [5, 30]], tol);
      await check(() => T.cumsum(T.reshape(m(), [1, 3, 2]), 1), [[[1, 2], [4, 6], [9, 12]]], tol);
      await check(() => m().cumsum(-1, { reverse: true }), [[3, 2], [7, 4], [11, 6]], tol);
    });

    test('i32 scans, zeros in cumprod, size-1 axes', async () => {
      await check(() => T.cumsum(T.tensor([5, -2, 7], undefined, 'i32')), [5, 3, 10], { dtype: 'i32' });
      await check(() => T.cumprod(T.tensor([2, 0, 3], undefined, dt)), [2, 0, 0], tol);
      await check(() => T.cumsum(T.tensor([[4]], undefined, dt), 1, { exclusive: true }), [[0]], tol);
      await check(() => T.cumsum(T.tensor([NaN, 1], undefined, dt)), [NaN, NaN]);
    });
  });
}
