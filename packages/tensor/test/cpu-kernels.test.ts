/**
 * The blocked CPU kernels (src/cpu/matmul.ts, src/cpu/conv.ts) against naive loops written
 * independently here, called through the CpuBackend primitives so that transposed operands and
 * both convolution gradients are reached directly. Shapes are chosen to hit the kernels' edges:
 * partial 3×4 micro-tiles, K deeper than one 256-deep block, M taller than one 96-row block,
 * broadcast batches, and convolutions whose im2col chunks group several images or split one.
 *
 * f32 results must match to ~1e-5 relative (they are float64 sums rounded once); f64 results to
 * 1e-12, which an f32 accumulator could not meet.
 */
import { describe, expect, test } from 'vitest';
import { type Conv2dGeometry, CpuBackend, type DType, type TypedArray } from '../src/index.ts';

const backend = new CpuBackend();

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Random values already rounded to `dtype`, as plain numbers and as a backend operand. */
function operand(shape: number[], dtype: DType, rand: () => number) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'i32' ? Int32Array.from({ length: n }, () => Math.round(rand() * 20)) : dtype === 'f32' ? Float32Array.from({ length: n }, rand) : Float64Array.from({ length: n }, rand);
  return { values: Array.from(values), op: { buffer: backend.upload(values, dtype), shape, dtype } };
}

const tols: Record<string, { rtol: number; atol: number }> = {
  f32: { rtol: 1e-5, atol: 1e-6 },
  f64: { rtol: 1e-12, atol: 1e-13 },
  i32: { rtol: 0, atol: 0 },
};

function expectClose(got: TypedArray, expected: number[], dtype: DType, what: string): void {
  expect(got.length, `${what}: length`).toBe(expected.length);
  const { rtol, atol } = tols[dtype];
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(got[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) {
      expect.fail(`${what}: element ${i} is ${got[i]}, expected ${expected[i]} (error ${err.toExponential(2)})`);
    }
  }
}

// ---- matmul ------------------------------------------------------------------------------------

/** out[b, i, j] = Σ_p A_b(i, p)·B_b(p, j), reading the operands through their stored layouts. */
function naiveMatmul(a: number[], b: number[], ba: number, bb: number, m: number, k: number, n: number, transA: boolean, transB: boolean): number[] {
  const out: number[] = [];
  for (let t = 0; t < Math.max(ba, bb); t++) {
    const ao = ba === 1 ? 0 : t * m * k;
    const bo = bb === 1 ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[ao + p * m + i] : a[ao + i * k + p];
          const bv = transB ? b[bo + j * k + p] : b[bo + p * n + j];
          s += av * bv;
        }
        out.push(s);
      }
    }
  }
  return out;
}

function checkMatmul(dtype: DType, [ba, bb]: [number, number], [m, k, n]: [number, number, number], transA: boolean, transB: boolean): void {
  const rand = rng(m * 7919 + k * 104729 + n * 31 + ba * 5 + bb);
  const a = operand(transA ? [ba, k, m] : [ba, m, k], dtype, rand);
  const b = operand(transB ? [bb, n, k] : [bb, k, n], dtype, rand);
  const out = backend.matmul(a.op, b.op, transA, transB);
  const expected = naiveMatmul(a.values, b.values, ba, bb, m, k, n, transA, transB);
  expectClose(backend.readSync(out, dtype, out.length), expected, dtype, `matmul ${dtype} [${ba}|${bb}] ${m}×${k}×${n} tA=${transA} tB=${transB}`);
  for (const buf of [a.op.buffer, b.op.buffer, out]) backend.dispose(buf);
}

const matmulShapes: [number, number, number][] = [
  [7, 13, 5],
  [1, 1, 1],
  [33, 65, 17],
  [2, 3, 1],
  [3, 300, 9], // K over one 256-deep block
  [100, 20, 12], // M over one 96-row block, whole micro-tiles
  [97, 9, 130],
  [4, 0, 3], // empty sum: zeros
];

describe('cpu matmul kernel vs naive triple loop', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    for (const shape of matmulShapes) {
      test(`${dtype} ${shape.join('×')}, all four transpose combinations`, () => {
        for (const transA of [false, true]) for (const transB of [false, true]) checkMatmul(dtype, [1, 1], shape, transA, transB);
      });
    }
    test(`${dtype} batched, with a batch of 1 broadcast on either side`, () => {
      for (const batches of [[3, 3], [3, 1], [1, 4]] as [number, number][]) {
        for (const shape of [[7, 13, 5], [5, 2, 9]] as [number, number, number][]) {
          for (const transA of [false, true]) for (const transB of [false, true]) checkMatmul(dtype, batches, shape, transA, transB);
        }
      }
    });
  }
  test('i32 is exact', () => {
    checkMatmul('i32', [2, 1], [9, 31, 6], false, true);
  });
  test('a 260×270×250 product matches in f32', () => {
    checkMatmul('f32', [1, 1], [260, 270, 250], false, false);
  });
});

// ---- conv2d ------------------------------------------------------------------------------------

interface ConvCase {
  x: [number, number, number, number];
  /** [KH, KW, O] (C comes from x). */
  k: [number, number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  note: string;
}

function outSize(c: ConvCase): [number, number] {
  const [, h, w] = c.x;
  return [Math.floor((h + c.pads[0] + c.pads[1] - c.k[0]) / c.strides[0]) + 1, Math.floor((w + c.pads[2] + c.pads[3] - c.k[1]) / c.strides[1]) + 1];
}

/** Calls f(b, oy, ox, i, j, iy, ix) for every output pixel and filter tap that lands inside the input. */
function forTaps(c: ConvCase, f: (b: number, oy: number, ox: number, i: number, j: number, iy: number, ix: number) => void): void {
  const [n, h, w] = c.x;
  const [oh, ow] = outSize(c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let i = 0; i < c.k[0]; i++)
          for (let j = 0; j < c.k[1]; j++) {
            const iy = oy * c.strides[0] - c.pads[0] + i;
            const ix = ox * c.strides[1] - c.pads[2] + j;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) f(b, oy, ox, i, j, iy, ix);
          }
}

function naiveConv(c: ConvCase, x: number[], w: number[]) {
  const [n, h, wd, ch] = c.x;
  const [kh, kw, o] = c.k;
  const [oh, ow] = outSize(c);
  const xi = (b: number, y: number, q: number, ci: number) => ((b * h + y) * wd + q) * ch + ci;
  const wi = (i: number, j: number, ci: number, co: number) => ((i * kw + j) * ch + ci) * o + co;
  const yi = (b: number, y: number, q: number, co: number) => ((b * oh + y) * ow + q) * o + co;
  return {
    forward(): number[] {
      const y = new Array<number>(n * oh * ow * o).fill(0);
      forTaps(c, (b, oy, ox, i, j, iy, ix) => {
        for (let ci = 0; ci < ch; ci++) for (let co = 0; co < o; co++) y[yi(b, oy, ox, co)] += x[xi(b, iy, ix, ci)] * w[wi(i, j, ci, co)];
      });
      return y;
    },
    backwardInput(dy: number[]): number[] {
      const dx = new Array<number>(n * h * wd * ch).fill(0);
      forTaps(c, (b, oy, ox, i, j, iy, ix) => {
        for (let ci = 0; ci < ch; ci++) for (let co = 0; co < o; co++) dx[xi(b, iy, ix, ci)] += dy[yi(b, oy, ox, co)] * w[wi(i, j, ci, co)];
      });
      return dx;
    },
    backwardFilter(dy: number[]): number[] {
      const dw = new Array<number>(kh * kw * ch * o).fill(0);
      forTaps(c, (b, oy, ox, i, j, iy, ix) => {
        for (let ci = 0; ci < ch; ci++) for (let co = 0; co < o; co++) dw[wi(i, j, ci, co)] += x[xi(b, iy, ix, ci)] * dy[yi(b, oy, ox, co)];
      });
      return dw;
    },
  };
}

const convCases: ConvCase[] = [
  { x: [2, 7, 9, 3], k: [3, 3, 4], strides: [1, 1], pads: [0, 0, 0, 0], note: 'VALID, stride 1' },
  { x: [2, 7, 9, 3], k: [3, 3, 4], strides: [1, 1], pads: [1, 1, 1, 1], note: 'SAME, stride 1' },
  { x: [3, 10, 11, 5], k: [4, 3, 6], strides: [2, 2], pads: [1, 2, 0, 1], note: 'SAME-like asymmetric, stride 2' },
  { x: [2, 9, 8, 2], k: [4, 4, 3], strides: [2, 2], pads: [1, 1, 1, 1], note: 'even kernel, stride 2' },
  { x: [2, 8, 7, 3], k: [2, 3, 5], strides: [2, 1], pads: [0, 1, 1, 1], note: 'mixed strides' },
  { x: [1, 5, 5, 2], k: [5, 5, 3], strides: [1, 1], pads: [2, 2, 2, 2], note: 'kernel as large as the input' },
  { x: [1, 1, 1, 1], k: [1, 1, 1], strides: [1, 1], pads: [0, 0, 0, 0], note: '1×1 everything' },
  { x: [2, 6, 6, 3], k: [3, 3, 2], strides: [3, 3], pads: [0, 0, 0, 0], note: 'stride = kernel' },
  { x: [2, 31, 31, 32], k: [4, 4, 64], strides: [2, 2], pads: [0, 0, 0, 0], note: 'Dreamer encoder layer 2 (batch 2)' },
  { x: [2, 24, 20, 40], k: [3, 3, 5], strides: [1, 1], pads: [1, 1, 1, 1], note: 'chunks split an image' },
  { x: [40, 3, 3, 2], k: [3, 3, 2], strides: [1, 1], pads: [1, 1, 1, 1], note: 'chunks group many images' },
];

describe('cpu conv2d kernels vs naive loops', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    for (const c of convCases) {
      test(`${dtype} x[${c.x.join(',')}] k${c.k[0]}×${c.k[1]}→${c.k[2]} s${c.strides.join(',')} p[${c.pads.join(',')}] (${c.note})`, () => {
        const rand = rng(c.x.reduce((a, b) => a * 31 + b, 7) + c.k[2]);
        const [oh, ow] = outSize(c);
        const x = operand(c.x, dtype, rand);
        const w = operand([c.k[0], c.k[1], c.x[3], c.k[2]], dtype, rand);
        const dy = operand([c.x[0], oh, ow, c.k[2]], dtype, rand);
        const g: Conv2dGeometry = { strides: c.strides, pads: c.pads };
        const naive = naiveConv(c, x.values, w.values);
        const y = backend.conv2d(x.op, w.op, g);
        const dx = backend.conv2dBackwardInput(dy.op, w.op, c.x, g);
        const dw = backend.conv2dBackwardFilter(x.op, dy.op, w.op.shape, g);
        expectClose(backend.readSync(y, dtype, y.length), naive.forward(), dtype, 'forward');
        expectClose(backend.readSync(dx, dtype, dx.length), naive.backwardInput(dy.values), dtype, 'backward input');
        expectClose(backend.readSync(dw, dtype, dw.length), naive.backwardFilter(dy.values), dtype, 'backward filter');
        for (const buf of [x.op.buffer, w.op.buffer, dy.op.buffer, y, dx, dw]) backend.dispose(buf);
      });
    }
  }
});
