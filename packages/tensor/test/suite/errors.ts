/** Error messages name the op, the shapes/axes/dtypes involved; debug checks; use after dispose. */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import { NumericsError, RandomKey, ShapeError, type Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { expectThrows, useDevice } from './util.ts';

export function errorSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} errors`, () => {
    useDevice(device);
    const dt = device.dtype;
    const z = (shape: number[]): Tensor => T.zeros(shape, dt);

    test('shape mismatches name the op and both shapes', () => {
      expectThrows(() => T.add(z([2, 3]), z([4])), ['add', '[2, 3]', '[4]'], ShapeError);
      expectThrows(() => T.mul(z([2, 3]), z([3, 2])), ['mul', '[2, 3]', '[3, 2]'], ShapeError);
      expectThrows(() => T.where(T.zeros([2], 'bool'), z([3]), z([3])), ['where', '[2]', '[3]'], ShapeError);
      expectThrows(() => T.matmul(z([2, 3]), z([4, 5])), ['matmul', '[2, 3]', '[4, 5]'], ShapeError);
      expectThrows(() => T.matmul(z([2, 2, 3]), z([3, 3, 1])), ['matmul', '[2]', '[3]'], ShapeError);
      expectThrows(() => T.concat([z([2, 3]), z([3, 3])], 1), ['concat', '[2, 3]', '[3, 3]'], ShapeError);
      expectThrows(() => T.reshape(z([2, 3]), [4, 2]), ['reshape', '[2, 3]', '[4, 2]'], ShapeError);
      expectThrows(() => T.broadcastTo(z([2, 3]), [3, 3]), ['broadcastTo', '[2, 3]', '[3, 3]'], ShapeError);
      expectThrows(() => T.stack([z([2]), z([3])]), ['stack', '[2]', '[3]'], ShapeError);
      expectThrows(() => T.conv2d(z([1, 5, 5, 3]), z([3, 3, 2, 4])), ['conv2d', '[1, 5, 5, 3]', '[3, 3, 2, 4]'], ShapeError);
      expectThrows(() => T.conv2d(z([1, 2, 2, 1]), z([3, 3, 1, 1])), ['conv2d', '[1, 2, 2, 1]'], ShapeError);
      expectThrows(() => T.conv2dTranspose(z([1, 3, 3, 1]), z([3, 3, 1, 1]), { strides: 2, outputSize: [9, 9] }), ['conv2dTranspose', '9×9'], ShapeError);
      expectThrows(() => T.slice(z([2, 3]), [1, 2], [1, 2]), ['slice', 'axis 1', '[2, 3]'], ShapeError);
      expectThrows(() => T.split(z([5, 2]), 2), ['split', '[5, 2]'], ShapeError);
      expectThrows(() => T.scatterAdd(z([2]), T.zeros([3], 'i32'), 0, [4]), ['scatterAdd', '[2]', '[3]'], ShapeError);
      expectThrows(() => T.tensor([[1, 2], [3]]), ['tensor', 'ragged'], ShapeError);
      expectThrows(() => T.tensor([1, 2, 3], [2, 2]), ['tensor', '[2, 2]'], ShapeError);
    });

    test('bad axes name the op and the axis', () => {
      expectThrows(() => T.sum(z([2, 3]), 2), ['sum', 'axis 2', '[2, 3]'], ShapeError);
      expectThrows(() => T.max(z([2, 3]), -3), ['max', 'axis -3'], ShapeError);
      expectThrows(() => T.argmax(z([2, 3]), 5), ['argmax', 'axis 5'], ShapeError);
      expectThrows(() => T.mean(z([2, 3]), [0, 0]), ['mean', 'repeated axis'], ShapeError);
      expectThrows(() => T.concat([z([2]), z([2])], 1), ['concat', 'axis 1'], ShapeError);
      expectThrows(() => T.cumsum(z([2]), 1), ['cumsum', 'axis 1'], ShapeError);
      expectThrows(() => T.expandDims(z([2]), 3), ['expandDims', 'axis 3'], ShapeError);
      expectThrows(() => T.squeeze(z([2, 1]), 0), ['squeeze', 'axis 0', '[2, 1]'], ShapeError);
      expectThrows(() => T.gather(z([2]), T.zeros([1], 'i32'), 1), ['gather', 'axis 1'], ShapeError);
      expectThrows(() => T.transpose(z([2, 3]), [0, 0]), ['transpose', '[2, 3]'], ShapeError);
      expectThrows(() => T.softmax(z([2, 3]), 2), ['axis 2'], ShapeError);
    });

    test('a rank-0 tensor has no axes', () => {
      const s = () => T.scalar(3, dt);
      expectThrows(() => T.cumsum(s(), 0), ['cumsum', 'axis 0', 'rank 0'], ShapeError);
      expectThrows(() => T.sum(s(), 0), ['sum', 'axis 0'], ShapeError);
      expectThrows(() => T.argmax(s(), 0), ['argmax', 'axis 0'], ShapeError);
      expectThrows(() => T.concat([s(), s()]), ['concat', 'axis 0'], ShapeError);
      expectThrows(() => T.gather(s(), T.scalar(0, 'i32')), ['gather', 'axis 0'], ShapeError);
      expectThrows(() => T.split(s(), 1), ['split', 'axis 0'], ShapeError);
      expectThrows(() => T.softmax(s()), ['axis -1'], ShapeError);
    });

    test('dtype mismatches name both dtypes', () => {
      const f = () => T.zeros([2], 'f32');
      const i = () => T.zeros([2], 'i32');
      expectThrows(() => T.add(f(), i()), ['add', 'f32', 'i32'], TypeError);
      expectThrows(() => T.less(i(), f()), ['less', 'i32', 'f32'], TypeError);
      expectThrows(() => T.where(T.zeros([2], 'bool'), f(), i()), ['where', 'f32', 'i32'], TypeError);
      expectThrows(() => T.matmul(T.zeros([2, 2]), T.zeros([2, 2], 'i32')), ['matmul', 'f32', 'i32'], TypeError);
      expectThrows(() => T.concat([f(), i()]), ['concat', 'f32', 'i32'], TypeError);
      expectThrows(() => T.conv2d(T.zeros([1, 2, 2, 1]), T.zeros([1, 1, 1, 1], 'i32')), ['conv2d', 'f32', 'i32'], TypeError);
    });

    test('ops refuse dtypes they do not support, naming the dtype', () => {
      expectThrows(() => T.exp(T.zeros([2], 'i32')), ['exp', 'i32'], TypeError);
      expectThrows(() => T.neg(T.zeros([2], 'bool')), ['neg', 'bool'], TypeError);
      expectThrows(() => T.logicalNot(T.zeros([2])), ['not', 'f32'], TypeError);
      expectThrows(() => T.logicalAnd(T.zeros([2]), T.zeros([2])), ['and', 'f32'], TypeError);
      expectThrows(() => T.sum(T.zeros([2], 'bool')), ['sum', 'bool'], TypeError);
      expectThrows(() => T.mean(T.zeros([2], 'i32')), ['mean', 'i32'], TypeError);
      expectThrows(() => T.gather(T.zeros([2]), T.zeros([1])), ['gather', 'f32', 'i32'], TypeError);
      expectThrows(() => T.oneHot(T.zeros([1]), 3), ['oneHot', 'f32'], TypeError);
      expectThrows(() => T.where(T.zeros([2]), 1, 0), ['where', 'f32', 'bool'], TypeError);
      expectThrows(() => T.randomNormal(RandomKey.fromSeed(0), [2], { dtype: 'i32' }), ['randomNormal', 'i32'], TypeError);
      expectThrows(() => T.cast(T.zeros([1]), 'f16' as T.DType), ['cast', 'f16'], TypeError);
    });

    test('bad arguments are rejected with the value', () => {
      expectThrows(() => T.clip(z([1]), 1, 0), ['clip', '1', '0'], RangeError);
      expectThrows(() => T.conv2d(z([1, 3, 3, 1]), z([1, 1, 1, 1]), { strides: 0 }), ['conv2d', 'strides'], RangeError);
      expectThrows(() => T.arange(0, 1, 0), ['arange', 'step'], RangeError);
      expectThrows(() => T.oneHot(T.zeros([1], 'i32'), 0), ['oneHot', 'depth'], RangeError);
      expectThrows(() => T.randomUniform({} as RandomKey, [2]), ['randomUniform', 'RandomKey'], TypeError);
      expect(() => RandomKey.fromSeed(-1)).toThrow(/fromSeed/);
    });

    test('an unknown backend is named', async () => {
      await expect(T.setBackend('no-such-backend')).rejects.toThrow(/no-such-backend/);
      expect(T.getBackend().name).toBe(device.name);
    });

    test('setDebugChecks(true): log of −1 throws a NumericsError naming log', async (ctx) => {
      if (!T.getBackend().readSync) ctx.skip(); // checks need synchronous reads
      const x = T.tensor([-1, 1], undefined, dt);
      T.setDebugChecks(true);
      try {
        const error = expectThrows(() => T.log(x), ['log', 'NaN'], NumericsError);
        expect(error.name).toBe('NumericsError');
        // Without an enclosing scope the failed output is released too.
        expect(() => T.log(x)).toThrow(NumericsError);
        expect(() => T.tidy(() => T.exp(T.mul(x, 1000)))).toThrow(/exp/);
      } finally {
        T.setDebugChecks(false);
        x.dispose();
      }
      // Off again: NaN is allowed through.
      const y = T.tidy(() => T.log(T.tensor([-1], undefined, dt)));
      expect(Number.isNaN((await y.data())[0])).toBe(true);
      y.dispose();
    });

    test('use after dispose throws and names the tensor', async () => {
      const x = T.tensor([1, 2], undefined, dt);
      x.dispose();
      expect(x.disposed).toBe(true);
      expectThrows(() => T.add(x, 1), ['add', 'disposed'], Error);
      expectThrows(() => T.exp(x), ['exp', 'disposed'], Error);
      expectThrows(() => T.sum(x), ['disposed'], Error);
      await expect(x.data()).rejects.toThrow(/disposed/);
      expect(() => x.dispose()).not.toThrow();
      const y = T.tensor([1], undefined, dt);
      const v = T.reshape(y, []);
      y.dispose();
      // A view keeps its storage alive.
      expect(Array.from(await v.data())).toEqual([1]);
      v.dispose();
    });
  });
}
