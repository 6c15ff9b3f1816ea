/** Forward values of the activations and softmax family. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { NestedArray, Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, useDevice } from './util.ts';

const { E, LN2 } = Math;

export function activationSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} activations`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const f = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, dt);

    test('relu', async () => {
      await check(() => T.relu(f([-1, 0, 2, -0.5])), [0, 0, 2, 0], { ...tol, dtype: dt });
      await check(() => T.relu(T.tensor([-3, 4], undefined, 'i32')), [0, 4], { dtype: 'i32' });
    });

    test('elu', async () => {
      await check(() => T.elu(f([-1, 0, 2, -30])), [1 / E - 1, 0, 2, -1], tol);
    });

    // The backend's fused kernel (where it has one) and the composition give the same values.
    for (const fused of [true, false]) {
      test(`relu and elu at special values (${fused ? 'fused kernel' : 'composed'})`, async () => {
        const was = T.setFusedKernels(fused);
        try {
          const inf = Number.POSITIVE_INFINITY;
          await check(() => T.relu(f([Number.NaN, inf, -inf, 0, -0, 1e-30])), [0, inf, 0, 0, 0, dt === 'f32' ? Math.fround(1e-30) : 1e-30], tol);
          await check(() => T.elu(f([Number.NaN, inf, -inf, 0, -1e-30])), [Number.NaN, inf, -1, 0, dt === 'f32' ? Math.fround(-1e-30) : -1e-30], tol);
        } finally {
          T.setFusedKernels(was);
        }
      });
    }

    test('softplus is exact and finite at large |x|', async () => {
      await check(() => T.softplus(f([0, 1, -1, 100, -100, 1000])), [LN2, Math.log1p(E), Math.log1p(1 / E), 100, 0, 1000], tol);
    });

    test('clip limits to the closed interval', async () => {
      await check(() => T.clip(f([-2, -0.5, 0, 0.7, 3]), -0.5, 0.5), [-0.5, -0.5, 0, 0.5, 0.5], tol);
      await check(() => T.clip(f([[1, 5]]), 2, 2), [[2, 2]], tol);
    });

    test('softmax along the last axis and along axis 0', async () => {
      const s = E + E ** 2 + E ** 3;
      await check(() => T.softmax(f([1, 2, 3])), [E / s, E ** 2 / s, E ** 3 / s], tol);
      await check(() => T.softmax(f([[1, 1], [1, 3]]), 0), [[0.5, 1 / (1 + E ** 2)], [0.5, E ** 2 / (1 + E ** 2)]], tol);
      await check(() => T.softmax(f([[5]])), [[1]], tol);
    });

    test('softmax and logSoftmax are stable for large inputs', async () => {
      await check(() => T.softmax(f([1000, 1000, -1000])), [0.5, 0.5, 0], tol);
      await check(() => T.softmax(f([-1000, 0])), [0, 1], tol);
      await check(() => T.logSoftmax(f([1000, 1000])), [-LN2, -LN2], tol);
    });

    test('logSoftmax', async () => {
      const lse = 3 + Math.log(1 + 1 / E + 1 / E ** 2);
      await check(() => T.logSoftmax(f([[1, 2, 3]])), [[1 - lse, 2 - lse, 3 - lse]], tol);
      await check(() => T.logSoftmax(f([[0, 0], [0, 0]]), 0), [[-LN2, -LN2], [-LN2, -LN2]], tol);
    });
  });
}
