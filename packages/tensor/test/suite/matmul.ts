/** Forward values of matmul against a naive triple loop: transposes, batch broadcasting, vectors. */
import { describe, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { Shape } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { check, normals, rng, sizeOfShape, useDevice } from './util.ts';

/** a [M, K] · b [K, N], both row-major. */
function naive(a: readonly number[], b: readonly number[], m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      out.push(s);
    }
  }
  return out;
}

/** Row-major [rows, cols] → its transpose [cols, rows]. */
function transposed(x: readonly number[], rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(x[r * cols + c]);
  return out;
}

export function matmulSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} matmul`, () => {
    useDevice(device);
    const dt = device.dtype;
    // Sums of up to 13 products: allow a few rounding steps more than a single op.
    const tol = { rtol: device.tol.rtol * 8, atol: device.tol.atol * 8 };
    const rand = rng(42);
    const data = (shape: Shape): number[] => normals(rand, sizeOfShape(shape));
    const [M, K, N] = [7, 13, 5];
    const a = data([M, K]);
    const b = data([K, N]);
    const expected = naive(a, b, M, K, N);

    test('7×13 · 13×5 matches the naive triple loop', async () => {
      await check(() => T.matmul(T.tensor(a, [M, K], dt), T.tensor(b, [K, N], dt)), expected, { ...tol, shape: [M, N], dtype: dt });
    });

    test('transposeA / transposeB read the stored operands transposed', async () => {
      const at = T.tensor(transposed(a, M, K), [K, M], dt);
      const bt = T.tensor(transposed(b, K, N), [N, K], dt);
      const A = T.tensor(a, [M, K], dt);
      const B = T.tensor(b, [K, N], dt);
      try {
        await check(() => T.matmul(at, B, { transposeA: true }), expected, { ...tol, shape: [M, N] });
        await check(() => T.matmul(A, bt, { transposeB: true }), expected, { ...tol, shape: [M, N] });
        await check(() => T.matmul(at, bt, { transposeA: true, transposeB: true }), expected, { ...tol, shape: [M, N] });
        await check(() => A.matmul(bt, { transposeB: true }), expected, { ...tol, shape: [M, N] });
      } finally {
        T.dispose([at, bt, A, B]);
      }
    });

    test('batch axes broadcast: [2, 1, 3, 4] · [5, 4, 2] → [2, 5, 3, 2]', async () => {
      const x = data([2, 1, 3, 4]);
      const y = data([5, 4, 2]);
      const want: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 5; j++) want.push(...naive(x.slice(i * 12, i * 12 + 12), y.slice(j * 8, j * 8 + 8), 3, 4, 2));
      }
      await check(() => T.matmul(T.tensor(x, [2, 1, 3, 4], dt), T.tensor(y, [5, 4, 2], dt)), want, { ...tol, shape: [2, 5, 3, 2] });
      // A single shared matrix on either side.
      const want2: number[] = [];
      for (let j = 0; j < 5; j++) want2.push(...naive(x.slice(0, 12), y.slice(j * 8, j * 8 + 8), 3, 4, 2));
      await check(() => T.matmul(T.tensor(x.slice(0, 12), [3, 4], dt), T.tensor(y, [5, 4, 2], dt)), want2, { ...tol, shape: [5, 3, 2] });
    });

    test('1-D operands are vectors and their axis is dropped', async () => {
      const m = () => T.tensor([[1, 0], [0, 1], [1, 1]], undefined, dt);
      await check(() => T.matmul(T.tensor([1, 2, 3], undefined, dt), m()), [4, 5], tol);
      await check(() => T.matmul(T.tensor([[1, 2, 3], [4, 5, 6]], undefined, dt), T.tensor([1, 0, -1], undefined, dt)), [-2, -2], tol);
      await check(() => T.matmul(T.tensor([1, 2, 3], undefined, dt), T.tensor([4, 5, 6], undefined, dt)), 32, { ...tol, shape: [] });
      await check(() => T.matmul(T.ones([2, 2, 3], dt), T.tensor([1, 2, 3], undefined, dt)), [[6, 6], [6, 6]], tol);
      await check(() => T.matmul(T.tensor([1, 2], undefined, dt), T.ones([3, 2, 4], dt)), [[3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 3, 3]], tol);
      await check(() => T.matmul(m(), T.tensor([1, 2, 3], undefined, dt), { transposeA: true }), [4, 5], tol);
    });

    test('i32 matmul is exact', async () => {
      const x = T.tensor([[1, 2], [3, 4]], undefined, 'i32');
      try {
        await check(() => T.matmul(x, T.tensor([[5, 6], [7, 8]], undefined, 'i32')), [[19, 22], [43, 50]], { dtype: 'i32' });
      } finally {
        x.dispose();
      }
    });

    test('size-1 and empty inner dimensions', async () => {
      await check(() => T.matmul(T.tensor([[2], [3]], undefined, dt), T.tensor([[4, 5]], undefined, dt)), [[8, 10], [12, 15]], tol);
      await check(() => T.matmul(T.zeros([2, 0], dt), T.zeros([0, 3], dt)), [[0, 0, 0], [0, 0, 0]], tol);
    });
  });
}
