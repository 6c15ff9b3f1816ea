// Every WebGPU primitive against the CPU reference backend, at the Backend level, on odd shapes
// (not multiples of workgroup or tile sizes). Tolerances: |gpu − cpu| ≤ atol + rtol·|cpu| with
// rtol 1e-5 / atol 1e-6 for element-wise ops (f32 transcendental builtins on lavapipe are a few
// ulps off; the CPU computes in f64 and rounds once), 1e-4 for reductions, matmul and conv
// (different summation order); i32 and bool compare exactly; uniform random compares bit-exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, type BinaryOp, type DType, type Operand, type Shape, type TypedArray, type UnaryOp } from '@dreamer/tensor';
import { GpuBuffer, PACK_A_MIN_MACS, PORTABLE_PACK_MIN_MACS, WebGPUBackend, sizeClass } from './backend.ts';
import { openAdapter } from './adapter.ts';
import { rng } from '../../tensor/test/suite/util.ts';

let gpu: WebGPUBackend;
const cpu = new CpuBackend();

beforeAll(async () => {
  gpu = await WebGPUBackend.create();
});
afterAll(() => {
  gpu?.destroy();
});


interface Pair {
  g: Operand<GpuBuffer>;
  c: Operand<TypedArray>;
}

const live: GpuBuffer[] = [];
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

function make(shape: Shape, dtype: DType, values: ArrayLike<number>): Pair {
  const arr = dtype === 'f32' ? Float32Array.from(values) : dtype === 'i32' ? Int32Array.from(values) : Uint8Array.from(values, (v) => (v ? 1 : 0));
  const g = gpu.upload(arr, dtype);
  live.push(g);
  return { g: { buffer: g, shape, dtype }, c: { buffer: cpu.upload(arr, dtype), shape, dtype } };
}

function randT(shape: Shape, seed: number, lo = -2, hi = 2, dtype: DType = 'f32'): Pair {
  const r = rng(seed);
  const n = size(shape);
  const v = Array.from({ length: n }, () => lo + (hi - lo) * r());
  return make(shape, dtype, dtype === 'f32' ? v : v.map(Math.floor));
}

interface Tol {
  rtol?: number;
  atol?: number;
}

async function compare(gBuf: GpuBuffer, cBuf: TypedArray, dtype: DType, what: string, tol: Tol = {}): Promise<void> {
  const got = await gpu.read(gBuf, dtype, cBuf.length);
  gpu.dispose(gBuf);
  expect(got.constructor.name, `${what}: array type`).toBe(cBuf.constructor.name);
  expect(got.length, `${what}: length`).toBe(cBuf.length);
  const exact = dtype !== 'f32';
  const rtol = exact ? 0 : (tol.rtol ?? 1e-5);
  const atol = exact ? 0 : (tol.atol ?? 1e-6);
  const bad: string[] = [];
  for (let i = 0; i < cBuf.length; i++) {
    const e = cBuf[i];
    const a = got[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) bad.push(`[${i}] gpu ${a}, cpu ${e}`);
  }
  expect(bad, `${what}: ${bad.length}/${cBuf.length} differ: ${bad.slice(0, 6).join('; ')}`).toEqual([]);
}

function cleanup(): void {
  for (const b of live.splice(0)) gpu.dispose(b);
}

describe('webgpu kernels vs cpu', () => {
  it('fill f32/i32/bool, including an empty and a 2-D-grid (> 65535·256) size', async () => {
    for (const [shape, dtype, v] of [
      [[3, 5, 7], 'f32', 1.25],
      [[13], 'i32', -7],
      [[2, 3], 'bool', 1],
      [[0, 4], 'f32', 3],
      [[1], 'f32', Number.NaN],
      [[16_800_001], 'f32', -0.5],
    ] as [Shape, DType, number][]) {
      await compare(gpu.fill(shape, dtype, v), cpu.fill(shape, dtype, v), dtype, `fill ${dtype} [${shape}]`);
    }
  });

  it('unary: every op on f32 (special values included), i32 neg/abs/sign, bool not', async () => {
    const specials = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-7, -1e-7, 1e-3, -1e-3, 0.34, -0.34, 0.36, 0.59, 0.61, -0.39, -0.41, 20, -20, 90, -90, 1e30, Number.NaN, Infinity, -Infinity];
    const r = rng(1);
    const values = [...specials, 1e4 + 0.5, -31415.9, ...Array.from({ length: 97 }, () => (r() - 0.5) * 12)];
    const x = make([values.length], 'f32', values);
    const pos = make([values.length], 'f32', values.map((v) => Math.abs(v) + 1e-3));
    const ops: UnaryOp[] = ['neg', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'abs', 'sign', 'reciprocal', 'floor', 'ceil', 'round', 'sin', 'cos', 'not'];
    for (const op of ops) {
      // sin/cos: lavapipe's builtins are accurate to ~1e-7 up to |x| ~ 1e5 (checked) but lose the
      // range reduction for huge arguments (sin(1e30) gives -1), so 1e30 is left out for them.
      const trig = op === 'sin' || op === 'cos' ? make([values.length - 1], 'f32', values.filter((v) => v !== 1e30)) : null;
      const input = trig ?? (op === 'log' || op === 'sqrt' || op === 'rsqrt' ? pos : op === 'log1p' ? make([values.length], 'f32', values.map((v) => Math.max(v, -0.999))) : x);
      await compare(gpu.unary(op, input.g), cpu.unary(op, input.c), 'f32', `unary ${op}`);
    }
    const xi = make([11], 'i32', [-5, -1, 0, 1, 7, 2147483647, -2147483647, 3, -3, 100, -100]);
    for (const op of ['neg', 'abs', 'sign'] as UnaryOp[]) await compare(gpu.unary(op, xi.g), cpu.unary(op, xi.c), 'i32', `unary ${op} i32`);
    const xb = make([5], 'bool', [1, 0, 0, 1, 1]);
    await compare(gpu.unary('not', xb.g), cpu.unary('not', xb.c), 'bool', 'not bool');
    cleanup();
  });

  it('binary: every op, equal shapes, scalar operands and broadcast [3,1,4]+[5,1]', async () => {
    const floatOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'atan2'];
    const cmpOps: BinaryOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    const cases: [Shape, Shape, Shape][] = [
      [[7, 13], [7, 13], [7, 13]],
      [[3, 1, 4], [5, 1], [3, 5, 4]],
      [[2, 3], [1], [2, 3]],
      [[1], [6, 5], [6, 5]],
      [[], [4], [4]],
      [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    ];
    let seed = 10;
    for (const [sa, sb, so] of cases) {
      const a = randT(sa, seed++, -3, 3);
      const b = randT(sb, seed++, -3, 3);
      const pa = randT(sa, seed++, 0.1, 3);
      for (const op of floatOps) {
        const [x, y] = op === 'pow' ? [pa, b] : [a, b];
        await compare(gpu.binary(op, x.g, y.g, so, 'f32'), cpu.binary(op, x.c, y.c, so, 'f32'), 'f32', `binary ${op} [${sa}]·[${sb}]`, { rtol: 1e-5, atol: 1e-6 });
      }
      for (const op of cmpOps) await compare(gpu.binary(op, a.g, b.g, so, 'bool'), cpu.binary(op, a.c, b.c, so, 'bool'), 'bool', `binary ${op} [${sa}]·[${sb}]`);
      const ia = randT(sa, seed++, -20, 20, 'i32');
      const ib = randT(sb, seed++, -6, 6, 'i32');
      for (const op of ['add', 'sub', 'mul', 'div', 'mod', 'maximum', 'minimum'] as BinaryOp[]) {
        await compare(gpu.binary(op, ia.g, ib.g, so, 'i32'), cpu.binary(op, ia.c, ib.c, so, 'i32'), 'i32', `binary ${op} i32 [${sa}]·[${sb}]`);
      }
      for (const op of ['less', 'equal'] as BinaryOp[]) await compare(gpu.binary(op, ia.g, ib.g, so, 'bool'), cpu.binary(op, ia.c, ib.c, so, 'bool'), 'bool', `binary ${op} i32`);
      const ba = randT(sa, seed++, 0, 2, 'bool');
      const bb = randT(sb, seed++, 0, 2, 'bool');
      for (const op of ['and', 'or', 'equal', 'notEqual'] as BinaryOp[]) {
        await compare(gpu.binary(op, ba.g, bb.g, so, 'bool'), cpu.binary(op, ba.c, bb.c, so, 'bool'), 'bool', `binary ${op} bool`);
      }
      cleanup();
    }
    // pow with negative bases / integer exponents, zeros, NaN; maximum/minimum NaN; mod signs.
    const a = make([10], 'f32', [-2, -2, -0.5, 0, 0, -0, 3, Number.NaN, 2, -8]);
    const b = make([10], 'f32', [3, 2, -3, 2, -1, 3, 0, 1, Number.NaN, 1 / 3]);
    for (const op of ['pow', 'maximum', 'minimum', 'mod', 'equal', 'notEqual'] as BinaryOp[]) {
      const out: DType = op === 'equal' || op === 'notEqual' ? 'bool' : 'f32';
      await compare(gpu.binary(op, a.g, b.g, [10], out), cpu.binary(op, a.c, b.c, [10], out), out, `binary ${op} specials`);
    }
    cleanup();
  });

  it('where with broadcast cond/a/b, and cast between every dtype pair', async () => {
    const c = randT([3, 1, 4], 1, 0, 2, 'bool');
    const a = randT([5, 1], 2);
    const b = randT([1], 3);
    await compare(gpu.where(c.g, a.g, b.g, [3, 5, 4]), cpu.where(c.c, a.c, b.c, [3, 5, 4]), 'f32', 'where');
    const ai = randT([5, 4], 4, -9, 9, 'i32');
    const bi = randT([3, 5, 4], 5, -9, 9, 'i32');
    await compare(gpu.where(c.g, ai.g, bi.g, [3, 5, 4]), cpu.where(c.c, ai.c, bi.c, [3, 5, 4]), 'i32', 'where i32');
    const f = make([12], 'f32', [0, -0, 0.5, -1.7, 2.9, 3e9, -3e9, Number.NaN, Infinity, -Infinity, 1e-30, 123456.7]);
    const i = make([5], 'i32', [0, -3, 7, 2147483647, -2147483648]);
    const bo = make([3], 'bool', [1, 0, 1]);
    for (const x of [f, i, bo]) {
      for (const to of ['f32', 'i32', 'bool'] as DType[]) {
        await compare(gpu.cast(x.g, to), cpu.cast(x.c, to), to, `cast ${x.g.dtype}→${to}`);
      }
    }
    cleanup();
  });

  it('reduce over middle, outer, all and no-op axes (short loop and workgroup tree), f32 and i32', async () => {
    const x = randT([4, 7, 5, 3], 7, -1.5, 1.5);
    const long = randT([3, 700], 8, 0.5, 1.5);
    const xi = randT([6, 5, 9], 9, -50, 50, 'i32');
    for (const op of ['sum', 'prod', 'max', 'min'] as const) {
      for (const axes of [[1], [1, 2], [0, 3], [0, 1, 2, 3], [3]]) {
        await compare(gpu.reduce(op, x.g, axes), cpu.reduce(op, x.c, axes), 'f32', `reduce ${op} axes [${axes}]`, { rtol: 1e-4, atol: 1e-5 });
      }
      if (op !== 'prod') {
        await compare(gpu.reduce(op, long.g, [1]), cpu.reduce(op, long.c, [1]), 'f32', `reduce ${op} long`, { rtol: 1e-4, atol: 1e-5 });
        await compare(gpu.reduce(op, long.g, [0, 1]), cpu.reduce(op, long.c, [0, 1]), 'f32', `reduce ${op} all long`, { rtol: 1e-4, atol: 1e-5 });
        await compare(gpu.reduce(op, xi.g, [1]), cpu.reduce(op, xi.c, [1]), 'i32', `reduce ${op} i32`);
      }
    }
    const nan = make([2, 3], 'f32', [1, Number.NaN, 3, 4, 5, 6]);
    for (const op of ['max', 'min', 'sum'] as const) await compare(gpu.reduce(op, nan.g, [1]), cpu.reduce(op, nan.c, [1]), 'f32', `reduce ${op} NaN`);
    const big = randT([1, 3000], 10, 0, 1);
    await compare(gpu.reduce('sum', big.g, [1]), cpu.reduce('sum', big.c, [1]), 'f32', 'reduce sum 3000', { rtol: 1e-5 });
    cleanup();
  });

  it('argmax/argmin over every axis, ties and NaN', async () => {
    const x = randT([4, 7, 5], 11, -3, 3);
    for (const op of ['argmax', 'argmin'] as const) {
      for (const axis of [0, 1, 2]) await compare(gpu.argReduce(op, x.g, axis), cpu.argReduce(op, x.c, axis), 'i32', `${op} axis ${axis}`);
    }
    const t = make([2, 5], 'f32', [1, 3, 3, 0, 0, 2, Number.NaN, 5, Number.NaN, -1]);
    for (const op of ['argmax', 'argmin'] as const) await compare(gpu.argReduce(op, t.g, 1), cpu.argReduce(op, t.c, 1), 'i32', `${op} ties/NaN`);
    const xi = randT([3, 8], 12, -4, 4, 'i32');
    await compare(gpu.argReduce('argmax', xi.g, 1), cpu.argReduce('argmax', xi.c, 1), 'i32', 'argmax i32');
    cleanup();
  });

  // The f32 kernels (the portable 'blocked' one with its k-major packing, the old 4×4 one kept as a
  // benchmark baseline and, where the device supports it, the subgroup-broadcast kernel with its
  // packing of transposed / unaligned operands) on odd shapes, every transpose combination and
  // broadcast batches.
  const matmulKernels = (): ('blocked' | 'subgroup')[] => (gpu.subgroupMatmul ? ['blocked', 'subgroup'] : ['blocked']);
  it('matmul (all kernels): 7×13×5, 65×70×9, 1×1×1, transposed operands, broadcast batches', async () => {
    // The big cases below reach the kernels' packing (and the portable kernel's 16-row tiles).
    expect(600 * 120 * 60).toBeGreaterThanOrEqual(PORTABLE_PACK_MIN_MACS);
    expect(520 * 130 * 260).toBeGreaterThanOrEqual(PACK_A_MIN_MACS);
    let seed = 20;
    for (const kernel of [...matmulKernels(), 'blocked4x4' as const]) {
      gpu.matmulKernel = kernel;
      try {
        for (const [ba, bb, m, k, n] of [
          [1, 1, 7, 13, 5],
          [1, 1, 65, 70, 9],
          [1, 1, 1, 1, 1],
          [3, 3, 9, 17, 11],
          [1, 4, 5, 6, 7],
          [4, 1, 33, 2, 19],
          [2, 2, 65, 70, 9],
          [1, 1, 17, 8, 36],
          [2, 1, 40, 33, 70],
          // ≥ PACK_A_MIN_TILES column tiles (and ≥ PACK_A_MIN_MACS for the last): the subgroup kernel
          // packs a transposed or unaligned A.
          [1, 1, 9, 7, 260],
          [2, 1, 9, 12, 260],
          [1, 1, 520, 130, 260],
          // ≥ PORTABLE_PACK_MIN_MACS: the portable kernel packs whatever it cannot read as k-major vec4;
          // several row and column tiles of every width (N ≤ 32, ≤ 64, > 64), odd M, N and K (K ≤ 130:
          // longer sums with cancellation leave the 1e-4 tolerance).
          [1, 1, 301, 97, 151],
          [2, 1, 285, 120, 123],
          [1, 2, 1200, 120, 30],
          [1, 1, 600, 120, 60],
        ]) {
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const a = randT(transA ? [ba, k, m] : [ba, m, k], seed++);
              const b = randT(transB ? [bb, n, k] : [bb, k, n], seed++);
              const what = `matmul[${kernel}] ${ba}/${bb} ${m}×${k}×${n} tA=${transA} tB=${transB}`;
              await compare(gpu.matmul(a.g, b.g, transA, transB), cpu.matmul(a.c, b.c, transA, transB), 'f32', what, { rtol: 1e-4, atol: 1e-5 });
              cleanup();
            }
          }
        }
      } finally {
        gpu.matmulKernel = 'auto';
      }
    }
  });

  it('matmul kernel selection: subgroup on a subgroup-size-8 device with the feature, blocked otherwise', async () => {
    const { info, features } = await openAdapter();
    const expected = features.includes('subgroups') && info.subgroupMinSize === 8 && (info.subgroupMaxSize ?? 8) === 8;
    expect(gpu.subgroupMatmul).toBe(expected);
    expect(gpu.device.features.has('subgroups')).toBe(features.includes('subgroups'));
  });

  it('conv2d forward and both gradients: stride 2, asymmetric SAME pads, 1×1 and valid', async () => {
    let seed = 40;
    const cases: { x: Shape; w: Shape; strides: [number, number]; pads: [number, number, number, number] }[] = [
      { x: [2, 9, 7, 3], w: [4, 4, 3, 5], strides: [2, 2], pads: [1, 2, 1, 2] },
      { x: [1, 8, 8, 2], w: [3, 3, 2, 4], strides: [1, 1], pads: [1, 1, 1, 1] },
      { x: [3, 5, 6, 4], w: [1, 1, 4, 3], strides: [1, 2], pads: [0, 0, 0, 0] },
      { x: [2, 11, 10, 3], w: [3, 2, 3, 6], strides: [2, 3], pads: [0, 1, 1, 0] },
      { x: [1, 1, 1, 1], w: [1, 1, 1, 1], strides: [1, 1], pads: [0, 0, 0, 0] },
    ];
    for (const { x: xs, w: ws, strides, pads } of cases) {
      const g = { strides, pads };
      const x = randT(xs, seed++);
      const w = randT(ws, seed++);
      const yc = cpu.conv2d(x.c, w.c, g);
      const oh = Math.floor((xs[1] + pads[0] + pads[1] - ws[0]) / strides[0]) + 1;
      const ow = Math.floor((xs[2] + pads[2] + pads[3] - ws[1]) / strides[1]) + 1;
      const yShape = [xs[0], oh, ow, ws[3]];
      await compare(gpu.conv2d(x.g, w.g, g), yc, 'f32', `conv2d x[${xs}] w[${ws}]`, { rtol: 1e-4, atol: 1e-5 });
      const dy = randT(yShape, seed++);
      await compare(gpu.conv2dBackwardInput(dy.g, w.g, xs, g), cpu.conv2dBackwardInput(dy.c, w.c, xs, g), 'f32', `conv2dBackwardInput x[${xs}]`, { rtol: 1e-4, atol: 1e-5 });
      await compare(gpu.conv2dBackwardFilter(x.g, dy.g, ws, g), cpu.conv2dBackwardFilter(x.c, dy.c, ws, g), 'f32', `conv2dBackwardFilter x[${xs}]`, { rtol: 1e-4, atol: 1e-5 });
      cleanup();
    }
  });

  // Both forward kernel families: 'blocked' (portable implicit GEMM) and 'subgroup' (conv.gpu.test.ts has more).
  it('conv2d forward (both kernels): odd channels, strides, asymmetric pads, several row/column tiles', async () => {
    let seed = 60;
    const cases: { x: Shape; w: Shape; strides: [number, number]; pads: [number, number, number, number] }[] = [
      { x: [2, 9, 7, 3], w: [4, 4, 3, 5], strides: [2, 2], pads: [1, 2, 1, 2] },
      { x: [3, 5, 6, 4], w: [1, 1, 4, 3], strides: [1, 2], pads: [0, 0, 0, 0] },
      { x: [2, 11, 10, 3], w: [3, 2, 3, 6], strides: [2, 3], pads: [0, 1, 1, 0] },
      { x: [1, 1, 1, 1], w: [1, 1, 1, 1], strides: [1, 1], pads: [0, 0, 0, 0] },
      { x: [2, 17, 19, 5], w: [4, 4, 5, 36], strides: [2, 2], pads: [1, 2, 2, 1] },
      { x: [3, 16, 16, 8], w: [3, 3, 8, 32], strides: [1, 1], pads: [1, 1, 1, 1] },
      { x: [1, 33, 30, 3], w: [4, 4, 3, 40], strides: [2, 2], pads: [0, 0, 0, 0] },
    ];
    for (const kernel of matmulKernels()) {
      gpu.matmulKernel = kernel;
      try {
        for (const { x: xs, w: ws, strides, pads } of cases) {
          const g = { strides, pads };
          const x = randT(xs, seed++);
          const w = randT(ws, seed++);
          await compare(gpu.conv2d(x.g, w.g, g), cpu.conv2d(x.c, w.c, g), 'f32', `conv2d[${kernel}] x[${xs}] w[${ws}] s${strides} p${pads}`, { rtol: 1e-4, atol: 1e-5 });
          cleanup();
        }
      } finally {
        gpu.matmulKernel = 'auto';
      }
    }
  });

  it('transpose, expand, slice, pad, concat (f32, i32, bool)', async () => {
    const x = randT([3, 4, 5], 50);
    for (const perm of [[2, 0, 1], [1, 0, 2], [0, 1, 2], [2, 1, 0]]) {
      await compare(gpu.transpose(x.g, perm), cpu.transpose(x.c, perm), 'f32', `transpose [${perm}]`);
    }
    const e = randT([3, 1, 4], 51, -5, 5, 'i32');
    await compare(gpu.expand(e.g, [3, 5, 4]), cpu.expand(e.c, [3, 5, 4]), 'i32', 'expand');
    await compare(gpu.slice(x.g, [1, 0, 2], [2, 3, 3]), cpu.slice(x.c, [1, 0, 2], [2, 3, 3]), 'f32', 'slice');
    await compare(gpu.slice(x.g, [0, 3, 0], [3, 1, 5]), cpu.slice(x.c, [0, 3, 0], [3, 1, 5]), 'f32', 'slice row');
    await compare(gpu.pad(x.g, [[1, 0], [0, 2], [3, 1]], -1.5), cpu.pad(x.c, [[1, 0], [0, 2], [3, 1]], -1.5), 'f32', 'pad');
    const b = randT([2, 3], 52, 0, 2, 'bool');
    await compare(gpu.pad(b.g, [[0, 1], [2, 0]], 1), cpu.pad(b.c, [[0, 1], [2, 0]], 1), 'bool', 'pad bool');
    const parts = [randT([2, 1, 3], 53), randT([2, 4, 3], 54), randT([2, 2, 3], 55)];
    for (const axis of [1]) {
      await compare(gpu.concat(parts.map((p) => p.g), axis), cpu.concat(parts.map((p) => p.c), axis), 'f32', `concat axis ${axis}`);
    }
    const rows = [randT([1, 5], 56), randT([3, 5], 57)];
    await compare(gpu.concat(rows.map((p) => p.g), 0), cpu.concat(rows.map((p) => p.c), 0), 'f32', 'concat axis 0');
    const cols = [randT([4, 2], 58, -3, 3, 'i32'), randT([4, 1], 59, -3, 3, 'i32')];
    await compare(gpu.concat(cols.map((p) => p.g), 1), cpu.concat(cols.map((p) => p.c), 1), 'i32', 'concat axis 1 i32');
    // More inputs than one launch can bind (split into launches), empty ones among them, and bool.
    const many = Array.from({ length: 23 }, (_, j) => randT([3, j % 5 === 0 ? 0 : (j % 3) + 1, 2], 200 + j));
    await compare(gpu.concat(many.map((p) => p.g), 1), cpu.concat(many.map((p) => p.c), 1), 'f32', 'concat of 23, axis 1');
    const flags = [randT([2, 2], 230, 0, 2, 'bool'), randT([0, 2], 231, 0, 2, 'bool'), randT([3, 2], 232, 0, 2, 'bool')];
    await compare(gpu.concat(flags.map((p) => p.g), 0), cpu.concat(flags.map((p) => p.c), 0), 'bool', 'concat bool with an empty part');
    const lone = [randT([2, 0], 233), randT([2, 3], 234)];
    await compare(gpu.concat(lone.map((p) => p.g), 1), cpu.concat(lone.map((p) => p.c), 1), 'f32', 'concat with one non-empty part');
    cleanup();
  });

  it('gather (clamped indices) and scatterAdd (repeated indices) along each axis', async () => {
    const x = randT([4, 5, 3], 60);
    const idx = make([7], 'i32', [0, 4, 2, 2, -3, 9, 1]);
    for (const axis of [0, 1, 2]) {
      await compare(gpu.gather(x.g, idx.g, axis), cpu.gather(x.c, idx.c, axis), 'f32', `gather axis ${axis}`);
      const shape = [4, 5, 3];
      const uShape = [...shape];
      uShape[axis] = 7;
      const u = randT(uShape, 61 + axis);
      await compare(gpu.scatterAdd(u.g, idx.g, axis, shape), cpu.scatterAdd(u.c, idx.c, axis, shape), 'f32', `scatterAdd axis ${axis}`, { rtol: 1e-5, atol: 1e-6 });
    }
    const xi = randT([6, 2], 64, -9, 9, 'i32');
    const idx2 = make([2, 2], 'i32', [5, 0, 0, 3]);
    await compare(gpu.gather(xi.g, idx2.g, 0), cpu.gather(xi.c, idx2.c, 0), 'i32', 'gather i32 2-D indices');
    cleanup();
  });

  it('scan sum/prod, inclusive/exclusive, forward/reverse, along each axis', async () => {
    const x = randT([3, 6, 4], 70, 0.5, 1.5);
    for (const op of ['sum', 'prod'] as const) {
      for (const axis of [0, 1, 2]) {
        for (const exclusive of [false, true]) {
          for (const reverse of [false, true]) {
            await compare(gpu.scan(op, x.g, axis, exclusive, reverse), cpu.scan(op, x.c, axis, exclusive, reverse), 'f32', `scan ${op} axis ${axis} ex=${exclusive} rev=${reverse}`, { rtol: 1e-5, atol: 1e-6 });
          }
        }
      }
    }
    const xi = randT([2, 5], 71, -5, 5, 'i32');
    await compare(gpu.scan('sum', xi.g, 1, false, false), cpu.scan('sum', xi.c, 1, false, false), 'i32', 'scan i32');
    cleanup();
  });

  it('random uniform is bit-identical to the CPU; normal matches within 1e-4', async () => {
    for (const [key, shape] of [
      [[0, 0], [1]],
      [[42, 7], [3, 5, 7]],
      [[0xdeadbeef, 0x12345678], [1001]],
      [[1, 2], [70_001]],
    ] as [[number, number], Shape][]) {
      const g = gpu.random('uniform', key, shape, 'f32');
      const c = cpu.random('uniform', key, shape, 'f32');
      const got = (await gpu.read(g, 'f32', c.length)) as Float32Array;
      gpu.dispose(g);
      expect(Buffer.from(new Uint32Array(got.buffer, got.byteOffset, got.length).buffer).equals(Buffer.from(new Uint32Array((c as Float32Array).buffer).buffer)), `uniform key ${key}`).toBe(true);
      await compare(gpu.random('normal', key, shape, 'f32'), cpu.random('normal', key, shape, 'f32'), 'f32', `normal key ${key}`, { rtol: 1e-4, atol: 1e-4 });
    }
  });

  it('i32 matmul is exact, including transposed and broadcast batches', async () => {
    const a = randT([2, 7, 13], 90, -9, 9, 'i32');
    const b = randT([1, 5, 13], 91, -9, 9, 'i32');
    await compare(gpu.matmul(a.g, b.g, false, true), cpu.matmul(a.c, b.c, false, true), 'i32', 'matmul i32');
    // Big enough for the portable kernel to pack both operands (a bit-exact copy of i32 words).
    const c = randT([1, 130, 301], 92, -9, 9, 'i32');
    const d = randT([2, 151, 130], 93, -9, 9, 'i32');
    await compare(gpu.matmul(c.g, d.g, true, true), cpu.matmul(c.c, d.c, true, true), 'i32', 'matmul i32 packed');
    cleanup();
  });

  it('errors are thrown, naming the kernel or the limit, and the backend stays usable', async () => {
    const out = gpu.fill([4], 'f32', 0);
    // A kernel that fails to compile: the error names it, at the next launch or read.
    gpu.runWGSL('broken-kernel', 'this is not wgsl', [4], [out], 4);
    await expect(gpu.read(out, 'f32', 4)).rejects.toThrow(/broken-kernel/);
    expect(() => gpu.runWGSL('broken-kernel', 'this is not wgsl', [4], [out], 4)).toThrow(/broken-kernel failed to compile/);
    // The failed batch never ran: its outputs (here `out`, filled in the same batch) are lost, not stale.
    await expect(gpu.read(out, 'f32', 4)).rejects.toThrow(/contents were lost/);
    expect(() => gpu.unary('exp', { buffer: out, shape: [4], dtype: 'f32' })).toThrow(/input of unary.exp was lost/);
    // Still usable afterwards.
    const fresh = gpu.fill([4], 'f32', 2);
    expect(Array.from(await gpu.read(fresh, 'f32', 4))).toEqual([2, 2, 2, 2]);
    gpu.dispose(fresh);
    // Tensors over a storage binding are split (limits.gpu.test.ts); over maxBufferSize, refused.
    const limit = gpu.device.limits.maxBufferSize;
    expect(() => gpu.fill([Math.floor(limit / 4) + 1], 'f32', 0)).toThrow(/exceeds maxBufferSize/);
    expect(() => gpu.random('uniform', [1, 2], [3], 'i32')).toThrow(/not implemented on webgpu yet: random for i32/);
    expect(() => gpu.upload(new Float64Array(2), 'f64')).toThrow(/f64/);
    gpu.dispose(out);
    await expect(gpu.read(out, 'f32', 4)).rejects.toThrow(/disposed/);
  });

  it('concurrent reads and reads of results still being recorded resolve independently', async () => {
    const a = gpu.fill([1000], 'f32', 3);
    const b = gpu.unary('neg', { buffer: a, shape: [1000], dtype: 'f32' });
    const c = gpu.fill([5], 'i32', 7);
    const [ra, rb, rc] = await Promise.all([gpu.read(a, 'f32', 1000), gpu.read(b, 'f32', 1000), gpu.read(c, 'i32', 5)]);
    expect(ra.every((v) => v === 3)).toBe(true);
    expect(rb.every((v) => v === -3)).toBe(true);
    expect(Array.from(rc)).toEqual([7, 7, 7, 7, 7]);
    // More launches than one batch holds (64), each depending on the previous one, disposing as it goes.
    let z = gpu.fill([1000], 'f32', 0);
    const one = gpu.fill([1], 'f32', 1);
    for (let i = 0; i < 150; i++) {
      const y = gpu.binary('add', { buffer: z, shape: [1000], dtype: 'f32' }, { buffer: one, shape: [1], dtype: 'f32' }, [1000], 'f32');
      gpu.dispose(z);
      z = y;
    }
    expect((await gpu.read(z, 'f32', 1000)).every((v) => v === 150)).toBe(true);
    for (const t of [a, b, c, z, one]) gpu.dispose(t);
  });

  it('pools buffers: bytesInUse returns to its start, and disposed buffers are reused after a flush', async () => {
    const start = gpu.bytesInUse();
    const a = gpu.fill([1000], 'f32', 1);
    const b = gpu.unary('exp', { buffer: a, shape: [1000], dtype: 'f32' });
    expect(gpu.bytesInUse()).toBeGreaterThan(start);
    const before = a.buffer;
    gpu.dispose(a);
    await gpu.read(b, 'f32', 1000);
    const c = gpu.fill([999], 'f32', 2);
    expect(c.buffer).toBe(before);
    gpu.dispose(b);
    gpu.dispose(c);
    expect(gpu.bytesInUse()).toBe(start);
    await gpu.sync();
    expect(gpu.pooledBytes()).toBeGreaterThan(0);
    gpu.trimPool();
    expect(gpu.pooledBytes()).toBe(0);
  });

  it('keeps at most poolLimit bytes in the pool', async () => {
    const limit = gpu.poolLimit;
    try {
      gpu.trimPool();
      gpu.poolLimit = 4096 * 4 + 100; // room for one of the two buffers below
      const a = gpu.fill([4096], 'f32', 1);
      const b = gpu.fill([4096], 'f32', 2);
      gpu.dispose(a);
      gpu.dispose(b);
      await gpu.sync();
      // One of the two is kept (small helper buffers may sit beside it), not both.
      expect(gpu.pooledBytes()).toBeGreaterThanOrEqual(4096 * 4);
      expect(gpu.pooledBytes()).toBeLessThanOrEqual(gpu.poolLimit);
      gpu.poolLimit = 0;
      gpu.trimPool();
      const c = gpu.fill([4096], 'f32', 3);
      gpu.dispose(c);
      await gpu.sync();
      expect(gpu.pooledBytes()).toBe(0);
    } finally {
      gpu.poolLimit = limit;
    }
  });

  it('size classes: at least 16 bytes, four steps per power of two, never smaller than asked', () => {
    expect([1, 16, 17, 20, 33, 100, 1000, 4096, 4097].map(sizeClass)).toEqual([16, 16, 20, 20, 40, 112, 1024, 4096, 5120]);
    for (let b = 1; b < 5000; b += 7) expect(sizeClass(b)).toBeGreaterThanOrEqual(b);
  });
});
