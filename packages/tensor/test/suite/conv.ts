/**
 * Forward values of conv2d and conv2dTranspose against independent naive loops (an explicitly
 * zero-padded input for conv2d, a scatter formulation for the transpose), and output sizes.
 */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { Shape } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, normals, rng, sizeOfShape, useDevice } from './util.ts';

type Pads = [number, number, number, number];

/** TensorFlow's SAME padding of one axis: [before, after]. */
function samePads(size: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** y[n, oy, ox, o] = Σ xpad[n, oy·sh + i, ox·sw + j, c] · w[i, j, c, o], xpad zero-padded explicitly. */
function naiveConv(x: number[], xs: Shape, w: number[], ws: Shape, strides: [number, number], pads: Pads): { out: number[]; shape: number[] } {
  const [n, h, wd, c] = xs;
  const [kh, kw, , o] = ws;
  const [pt, pb, pl, pr] = pads;
  const ph = h + pt + pb;
  const pw = wd + pl + pr;
  const xpad = new Array<number>(n * ph * pw * c).fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let q = 0; q < wd; q++)
        for (let ci = 0; ci < c; ci++) xpad[((b * ph + y + pt) * pw + q + pl) * c + ci] = x[((b * h + y) * wd + q) * c + ci];
  const oh = Math.floor((ph - kh) / strides[0]) + 1;
  const ow = Math.floor((pw - kw) / strides[1]) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let co = 0; co < o; co++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++)
              for (let ci = 0; ci < c; ci++) {
                s += xpad[((b * ph + oy * strides[0] + i) * pw + ox * strides[1] + j) * c + ci] * w[((i * kw + j) * c + ci) * o + co];
              }
          out.push(s);
        }
  return { out, shape: [n, oh, ow, o] };
}

/** Transposed conv as a scatter: every input pixel adds x · w[i, j, :, ci] at (y·s + i − pt, x·s + j − pl). */
function naiveConvTranspose(x: number[], xs: Shape, w: number[], ws: Shape, strides: [number, number], pads: Pads, outHW: [number, number]): number[] {
  const [n, h, wd, cin] = xs;
  const [kh, kw, cout] = ws;
  const [oh, ow] = outHW;
  const out = new Array<number>(n * oh * ow * cout).fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let q = 0; q < wd; q++)
        for (let ci = 0; ci < cin; ci++) {
          const v = x[((b * h + y) * wd + q) * cin + ci];
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const oy = y * strides[0] + i - pads[0];
              const ox = q * strides[1] + j - pads[2];
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
              for (let co = 0; co < cout; co++) out[((b * oh + oy) * ow + ox) * cout + co] += v * w[((i * kw + j) * cout + co) * cin + ci];
            }
        }
  return out;
}

export function convSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} convolution`, () => {
    useDevice(device);
    const dt = device.dtype;
    // Sums of up to ~30 products.
    const tol = { rtol: device.tol.rtol * 16, atol: device.tol.atol * 16 };
    const rand = rng(7);
    const data = (shape: Shape): number[] => normals(rand, sizeOfShape(shape));

    const convCases: [string, Shape, Shape, [number, number], T.Padding][] = [
      ['stride 1 VALID', [2, 5, 7, 3], [3, 3, 3, 4], [1, 1], 'VALID'],
      ['stride 2 VALID, odd input', [1, 7, 9, 2], [3, 3, 2, 3], [2, 2], 'VALID'],
      ['stride 2 VALID, rows left over', [1, 8, 6, 1], [3, 2, 1, 2], [2, 2], 'VALID'],
      ['stride 1 SAME, even kernel', [2, 5, 6, 2], [4, 2, 2, 3], [1, 1], 'SAME'],
      ['stride 2 SAME, odd input', [1, 7, 5, 3], [3, 3, 3, 2], [2, 2], 'SAME'],
      ['strides [1, 2], explicit pads', [1, 5, 6, 2], [3, 3, 2, 2], [1, 2], [1, 2, 0, 1]],
      ['1×1 kernel', [1, 3, 3, 4], [1, 1, 4, 5], [1, 1], 'VALID'],
    ];
    test.each(convCases)('conv2d %s matches the naive loop', async (_name, xs, ws, strides, padding) => {
      const x = data(xs);
      const w = data(ws);
      const pads: Pads =
        padding === 'VALID'
          ? [0, 0, 0, 0]
          : padding === 'SAME'
            ? [...samePads(xs[1], ws[0], strides[0]), ...samePads(xs[2], ws[1], strides[1])]
            : [padding[0], padding[1], padding[2], padding[3]];
      const { out, shape } = naiveConv(x, xs, w, ws, strides, pads);
      await check(() => T.conv2d(T.tensor(x, xs, dt), T.tensor(w, ws, dt), { strides, padding }), out, { ...tol, shape, dtype: dt });
    });

    const transposeCases: [string, Shape, Shape, [number, number], T.Padding, [number, number]][] = [
      ['stride 1 VALID', [1, 3, 4, 2], [3, 3, 3, 2], [1, 1], 'VALID', [5, 6]],
      ['stride 2 VALID', [2, 3, 2, 3], [4, 3, 2, 3], [2, 2], 'VALID', [8, 5]],
      ['stride 2 SAME', [1, 3, 3, 2], [3, 3, 2, 2], [2, 2], 'SAME', [6, 6]],
      ['stride 2 SAME, even kernel', [1, 2, 3, 1], [4, 4, 2, 1], [2, 2], 'SAME', [4, 6]],
      ['stride 2 explicit pads', [1, 3, 3, 1], [3, 4, 2, 1], [2, 2], [1, 1, 0, 1], [5, 7]],
    ];
    test.each(transposeCases)('conv2dTranspose %s matches the naive scatter', async (_name, xs, ws, strides, padding, outHW) => {
      const x = data(xs);
      const w = data(ws);
      const pads: Pads =
        padding === 'VALID'
          ? [0, 0, 0, 0]
          : padding === 'SAME'
            ? [...samePads(outHW[0], ws[0], strides[0]), ...samePads(outHW[1], ws[1], strides[1])]
            : [padding[0], padding[1], padding[2], padding[3]];
      const out = naiveConvTranspose(x, xs, w, ws, strides, pads, outHW);
      await check(() => T.conv2dTranspose(T.tensor(x, xs, dt), T.tensor(w, ws, dt), { strides, padding }), out, {
        ...tol,
        shape: [xs[0], ...outHW, ws[2]],
        dtype: dt,
      });
    });

    test('conv2dTranspose with an explicit outputSize', async () => {
      const xs = [1, 2, 3, 1];
      const ws = [3, 3, 2, 1];
      const x = data(xs);
      const w = data(ws);
      const out = naiveConvTranspose(x, xs, w, ws, [2, 2], [0, 0, 0, 0], [6, 8]);
      await check(() => T.conv2dTranspose(T.tensor(x, xs, dt), T.tensor(w, ws, dt), { strides: 2, outputSize: [6, 8] }), out, {
        ...tol,
        shape: [1, 6, 8, 2],
      });
    });

    test('a hand-computed 3×3 convolution', async () => {
      // x = 1..9 (3×3, one channel), w = [[1, 0], [0, -1]]: y[i][j] = x[i][j] − x[i+1][j+1] = −4.
      await check(
        () => T.conv2d(T.reshape(T.arange(1, 10, 1, dt), [1, 3, 3, 1]), T.tensor([1, 0, 0, -1], [2, 2, 1, 1], dt)),
        [[[[-4], [-4]], [[-4], [-4]]]],
        tol,
      );
      // SAME with stride 1 pads one zero after: the last row/column see x[i][j] − 0.
      await check(
        () => T.conv2d(T.reshape(T.arange(1, 10, 1, dt), [1, 3, 3, 1]), T.tensor([1, 0, 0, -1], [2, 2, 1, 1], dt), { padding: 'SAME' }),
        [[[[-4], [-4], [3]], [[-4], [-4], [6]], [[7], [8], [9]]]],
        tol,
      );
    });

    const shapeOf = (fn: () => T.Tensor): readonly number[] => {
      const y = fn();
      const shape = y.shape;
      y.dispose();
      return shape;
    };

    test('SAME output size is ⌈input / stride⌉', () => {
      const cases: [number, number, number, number][] = [
        // [input, kernel, stride, expected]
        [7, 3, 2, 4],
        [8, 3, 2, 4],
        [5, 3, 1, 5],
        [7, 2, 3, 3],
        [1, 4, 2, 1],
      ];
      for (const [size, k, s, want] of cases) {
        const got = T.tidy(() => shapeOf(() => T.conv2d(T.zeros([1, size, size + 1, 1], dt), T.zeros([k, k, 1, 2], dt), { strides: s, padding: 'SAME' })));
        expect(got, `input ${size}, kernel ${k}, stride ${s}`).toEqual([1, want, Math.ceil((size + 1) / s), 2]);
      }
    });

    test('Dreamer encoder chain 64 → 31 → 14 → 6 → 2 (k4 s2 VALID)', () => {
      const sizes = T.tidy(() => {
        let x = T.zeros([1, 64, 64, 1], dt);
        const out = [x.shape[1]];
        for (let i = 0; i < 4; i++) {
          x = T.conv2d(x, T.zeros([4, 4, 1, 1], dt), { strides: 2 });
          out.push(x.shape[1]);
        }
        return out;
      });
      expect(sizes).toEqual([64, 31, 14, 6, 2]);
    });

    test('Dreamer decoder chain 1 → 5 → 13 → 30 → 64 (k5, k5, k6, k6, s2 VALID)', () => {
      const sizes = T.tidy(() => {
        let x = T.zeros([1, 1, 1, 2], dt);
        const out = [x.shape[1]];
        for (const k of [5, 5, 6, 6]) {
          x = T.conv2dTranspose(x, T.zeros([k, k, 2, 2], dt), { strides: 2 });
          out.push(x.shape[1]);
          expect(x.shape[2]).toBe(x.shape[1]);
        }
        return out;
      });
      expect(sizes).toEqual([1, 5, 13, 30, 64]);
    });

    test('conv2dTranspose SAME output is input · stride', () => {
      const shape = T.tidy(() => shapeOf(() => T.conv2dTranspose(T.zeros([2, 3, 5, 4], dt), T.zeros([3, 3, 1, 4], dt), { strides: 2, padding: 'SAME' })));
      expect(shape).toEqual([2, 6, 10, 1]);
    });
  });
}
