// WebGPU's limits are respected by splitting work, not by rejecting it:
// - 65535 workgroups per dimension: an element-wise op over more than 65535·256 elements, a tree
//   reduction with more than 65535 outputs, matmuls with more than 65535 row or column tiles (both
//   kernels) run on a 2-D grid or as several launches. (The conv kernels' split grids: conv.gpu.test.ts.)
// - maxStorageBufferBindingSize (128 MiB on lavapipe): a tensor bigger than a binding lives in one
//   buffer (up to maxBufferSize) and each op on it runs as several launches on windows of it
//   (windows.ts; the planners' own tests are in windows.test.ts). Every op family is compared with
//   the CPU backend on a backend whose binding limit is lowered to 64 KiB, so that operands of a few
//   ten thousand elements (odd sizes, not multiples of tiles) are split several ways: element-wise
//   ops, where and broadcasting, reductions (including over more than a binding: partial sums),
//   matmul (batch chunks; single products over the limit as blocks with split K), conv2d and both
//   gradients in every kernel family (batch chunks; filter gradients summed over chunks), layout ops,
//   gather/scatter/scan, random and the fused kernels; what cannot be split is refused with a
//   RangeError naming the op, its shape and the limit. Exact where the arithmetic is (integers,
//   copies, comparisons), else within stated tolerances (|gpu − cpu| ≤ 1e-5·Σ|terms| + 1e-6 for
//   matmul and conv, as conv.gpu.test.ts). At the device's own limit: a bias add, ReLU and sums
//   over a tensor just over 128 MiB, and the case that made this necessary — the Dreamer encoder's
//   first conv (k4 s2, 32 filters, NHWC) at the default training batch of 2500 images, whose output
//   is 307 MB: forward, input and filter gradients against the CPU (~20 s on a loaded 2-core machine).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Conv2dGeometry, CpuBackend, type DType, type Operand, type Shape, type TypedArray } from '@dreamer/tensor';
import { type ConvKernel, type GpuBuffer, type MatmulKernel, WebGPUBackend } from './backend.ts';
import { rng } from '../../tensor/test/suite/util.ts';

let gpu: WebGPUBackend;
const cpu = new CpuBackend();

beforeAll(async () => {
  gpu = await WebGPUBackend.create();
});
afterAll(() => {
  gpu?.destroy();
});

/** Values that are exact in f32 and whose sums of a few hundred stay exact. */
function ramp(n: number, mod: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % mod) - (mod >> 1));
}
const f32 = (buffer: GpuBuffer, shape: Shape) => ({ buffer, shape, dtype: 'f32' as const });

/** Indices of the first mismatches (exact comparison). */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>): string[] {
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) if (got[i] !== want[i]) bad.push(`[${i}] ${got[i]} ≠ ${want[i]}`);
  return bad;
}

describe('dispatch grids over 65535 workgroups', () => {
  it('element-wise: x + scalar over 65535·256 + 9 elements (a 2-D grid of 256-lane workgroups)', async () => {
    const n = 65535 * 256 + 9;
    const values = ramp(n, 1001);
    const x = gpu.upload(values, 'f32');
    const half = gpu.upload(new Float32Array([0.5]), 'f32');
    const out = gpu.binary('add', f32(x, [n]), f32(half, [1]), [n], 'f32');
    expect(mismatches(await gpu.read(out, 'f32', n), values.map((v) => v + 0.5))).toEqual([]);
    for (const b of [x, half, out]) gpu.dispose(b);
  });

  it('reduce: a tree reduction (a workgroup per output) with 65537 outputs', async () => {
    const [rows, len] = [65537, 256];
    const values = ramp(rows * len, 97);
    const x = gpu.upload(values, 'f32');
    const out = gpu.reduce('sum', f32(x, [rows, len]), [1]);
    const want = cpu.reduce('sum', { buffer: values, shape: [rows, len], dtype: 'f32' }, [1]);
    expect(mismatches(await gpu.read(out, 'f32', rows), want)).toEqual([]);
    for (const b of [x, out]) gpu.dispose(b);
  });

  const matmulKernels = (): MatmulKernel[] => (gpu.subgroupMatmul ? ['blocked', 'subgroup'] : ['blocked']);
  it('matmul (both kernels): 2.1 M rows × 3 columns and 2 rows × 2.1 M columns', async () => {
    const cases: [number, number, number][] = [
      [2_100_000, 2, 3],
      [2, 3, 2_100_000],
    ];
    for (const [m, k, n] of cases) {
      const a = ramp(m * k, 13);
      const b = ramp(k * n, 11);
      const want = cpu.matmul({ buffer: a, shape: [1, m, k], dtype: 'f32' }, { buffer: b, shape: [1, k, n], dtype: 'f32' }, false, false);
      const ga = gpu.upload(a, 'f32');
      const gb = gpu.upload(b, 'f32');
      for (const kernel of matmulKernels()) {
        gpu.matmulKernel = kernel;
        try {
          const out = gpu.matmul(f32(ga, [1, m, k]), f32(gb, [1, k, n]), false, false);
          expect(mismatches(await gpu.read(out, 'f32', m * n), want), `${kernel} ${m}×${k}×${n}`).toEqual([]);
          gpu.dispose(out);
        } finally {
          gpu.matmulKernel = 'auto';
        }
      }
      for (const buf of [ga, gb]) gpu.dispose(buf);
    }
  });
});


// ---- tensors bigger than a storage binding ---------------------------------------------------

/** Deterministic values in [-1, 1). */
function uniform(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}
/** Small integers (as f32): sums and products stay exact in any order. */
function ints(n: number, seed: number, mod = 7): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(r() * mod) - (mod >> 1));
}
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
/** Values in [-1, 1) from a hash of the index: as deterministic as `uniform`, fast enough for 10⁸ elements. */
function hashed(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = Math.imul(i ^ Math.imul(seed, 0x9e3779b9), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    out[i] = ((h ^ (h >>> 16)) >>> 8) / 8388608 - 1;
  }
  return out;
}

/** The first mismatches, |got − want| ≤ tol(i) (0: exact; NaN matches NaN). */
function diff(got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number = () => 0): string[] {
  if (got.length !== want.length) return [`length ${got.length} ≠ ${want.length}`];
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= tol(i);
    if (!ok) bad.push(`[${i}] ${got[i]} ≠ ${want[i]}`);
  }
  return bad;
}
const rel = (want: ArrayLike<number>, r: number, a = 0) => (i: number) => r * Math.abs(want[i]) + a;

/**
 * The binding limit of the split tests: 64 KiB (16 Ki floats), so every operand below is several
 * bindings big and each op runs as several windowed launches (an unsplit launch would throw).
 */
const SMALL = 64 * 1024;
const L = SMALL / 4;

describe(`tensors over the storage-binding limit are split (limit lowered to ${SMALL / 1024} KiB)`, () => {
  let small: WebGPUBackend;
  let live: GpuBuffer[] = [];
  beforeAll(async () => {
    small = await WebGPUBackend.create({ maxBindingBytes: SMALL });
  });
  afterAll(() => {
    small?.destroy();
  });
  afterEach(() => {
    for (const b of live) small.dispose(b);
    live = [];
    small.trimPool();
  });
  type T = { g: Operand<GpuBuffer>; c: Operand<TypedArray> };
  const put = (values: TypedArray, shape: Shape, dtype: DType = 'f32'): T => {
    const buffer = small.upload(values, dtype);
    live.push(buffer);
    return { g: { buffer, shape, dtype }, c: { buffer: values, shape, dtype } };
  };
  const read = (buffer: GpuBuffer, dtype: DType, n: number): Promise<TypedArray> => {
    live.push(buffer);
    return small.read(buffer, dtype, n);
  };
  /** The GPU result against the CPU's, exactly or within `tol`. */
  const match = async (label: string, out: GpuBuffer, want: TypedArray, dtype: DType = 'f32', tol?: (i: number) => number) => {
    expect(diff(await read(out, dtype, want.length), want, tol), label).toEqual([]);
  };

  it('element-wise: fill, unary, cast, binary (equal shapes, scalar, broadcast), where', async () => {
    const n = 4 * L + 1237;
    const x = put(uniform(n, 1), [n]);
    const y = put(uniform(n, 2), [n]);
    const half = put(new Float32Array([0.5]), [1]);
    await match('fill', small.fill([n], 'f32', 2.5), cpu.fill([n], 'f32', 2.5));
    await match('neg', small.unary('neg', x.g), cpu.unary('neg', x.c));
    const ex = cpu.unary('exp', x.c);
    await match('exp', small.unary('exp', x.g), ex, 'f32', rel(ex, 1e-6));
    const scaled = put(x.c.buffer.map((v) => v * 1000), [n]);
    await match('cast f32→i32', small.cast(scaled.g, 'i32'), cpu.cast(scaled.c, 'i32'), 'i32');
    await match('add', small.binary('add', x.g, y.g, [n], 'f32'), cpu.binary('add', x.c, y.c, [n], 'f32'));
    await match('mul scalar', small.binary('mul', x.g, half.g, [n], 'f32'), cpu.binary('mul', x.c, half.c, [n], 'f32'));
    await match('greater → bool', small.binary('greater', x.g, y.g, [n], 'bool'), cpu.binary('greater', x.c, y.c, [n], 'bool'), 'bool');
    // A bias over the last axis, and a broadcast of both operands ([61, 1, 29] − [300, 29]).
    const rows = Math.ceil((4 * L) / 37) + 3;
    const m = put(uniform(rows * 37, 3), [rows, 37]);
    const bias = put(uniform(37, 4), [37]);
    await match('bias add', small.binary('add', m.g, bias.g, [rows, 37], 'f32'), cpu.binary('add', m.c, bias.c, [rows, 37], 'f32'));
    const p = put(uniform(61 * 29, 5), [61, 1, 29]);
    const q = put(uniform(300 * 29, 6), [300, 29]);
    await match('outer sub', small.binary('sub', p.g, q.g, [61, 300, 29], 'f32'), cpu.binary('sub', p.c, q.c, [61, 300, 29], 'f32'));
    const cond = put(Uint8Array.from({ length: rows }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [rows, 1], 'bool');
    await match('where', small.where(cond.g, m.g, bias.g, [rows, 37]), cpu.where(cond.c, m.c, bias.c, [rows, 37]));
  });

  it('reductions: over the last axis, over N·H·W of an NHWC tensor, middle axis, everything; argmax', async () => {
    const rows = Math.ceil((3 * L) / 37) + 11;
    const m = put(uniform(rows * 37, 7), [rows, 37]);
    const want = cpu.reduce('sum', m.c, [1]);
    await match('sum last axis', small.reduce('sum', m.g, [1]), want, 'f32', rel(want, 1e-5, 1e-5));
    // A bias gradient: each output sums more than a binding holds (partial sums, then combined).
    const nhwc: Shape = [40, 13, 13, 32];
    const t = put(ints(size(nhwc), 8), nhwc);
    await match('sum N·H·W', small.reduce('sum', t.g, [0, 1, 2]), cpu.reduce('sum', t.c, [0, 1, 2]));
    await match('max N·H·W', small.reduce('max', t.g, [0, 1, 2]), cpu.reduce('max', t.c, [0, 1, 2]));
    const mid = put(uniform(50 * 700 * 3, 9), [50, 700, 3]);
    await match('max middle', small.reduce('max', mid.g, [1]), cpu.reduce('max', mid.c, [1]));
    const n = 5 * L + 5;
    const all = put(ints(n, 10), [n]);
    await match('sum all', small.reduce('sum', all.g, [0]), cpu.reduce('sum', all.c, [0]));
    const im = put(ints(rows * 37, 11, 1000), [rows, 37], 'i32');
    await match('min i32 axis 0', small.reduce('min', im.g, [0]), cpu.reduce('min', im.c, [0]), 'i32');
    await match('argmax', small.argReduce('argmax', m.g, 1), cpu.argReduce('argmax', m.c, 1), 'i32');
  });

  it('matmul (both kernels): batch chunks, a broadcast operand, single products over the limit (blocks, split K)', async () => {
    const cases: { a: Shape; b: Shape; tA: boolean; tB: boolean }[] = [
      { a: [40, 30, 50], b: [40, 50, 20], tA: false, tB: false },
      { a: [40, 50, 30], b: [1, 20, 50], tA: true, tB: true },
      { a: [1, 200, 150], b: [1, 150, 130], tA: false, tB: false },
      { a: [1, 150, 200], b: [1, 130, 150], tA: true, tB: true },
      { a: [2, 3, 9000], b: [1, 9000, 5], tA: false, tB: false },
    ];
    const kernels: MatmulKernel[] = small.subgroupMatmul ? ['blocked', 'subgroup'] : ['blocked'];
    for (const [j, { a, b, tA, tB }] of cases.entries()) {
      const x = put(uniform(size(a), 20 + j), a);
      const y = put(uniform(size(b), 30 + j), b);
      const want = cpu.matmul(x.c, y.c, tA, tB);
      const abs = (t: T) => ({ ...t.c, buffer: t.c.buffer.map(Math.abs) });
      const mag = cpu.matmul(abs(x), abs(y), tA, tB);
      for (const kernel of kernels) {
        small.matmulKernel = kernel;
        try {
          await match(`${kernel} [${a}]${tA ? 'ᵀ' : ''} × [${b}]${tB ? 'ᵀ' : ''}`, small.matmul(x.g, y.g, tA, tB), want, 'f32', (i) => 1e-5 * mag[i] + 1e-6);
        } finally {
          small.matmulKernel = 'auto';
        }
      }
    }
  });

  it('conv2d forward and both gradients (every kernel family): batch chunks, filter gradients summed over chunks', async () => {
    const cases: { x: Shape; w: Shape; g: Conv2dGeometry }[] = [
      // The encoder's first layer (C = 3: the subgroup family's 'conv' matmul mode), O = 16 and O = 6 (packed filter).
      { x: [37, 16, 16, 3], w: [4, 4, 3, 16], g: { strides: [2, 2], pads: [0, 0, 0, 0] } },
      { x: [37, 16, 16, 3], w: [4, 4, 3, 6], g: { strides: [2, 2], pads: [0, 0, 0, 0] } },
      // vec4 channels, stride 1 SAME; the input gradient's narrow (C ≤ 8) and wide (C = 12) kernels.
      { x: [21, 11, 11, 8], w: [3, 3, 8, 12], g: { strides: [1, 1], pads: [1, 1, 1, 1] } },
      { x: [25, 9, 9, 12], w: [3, 3, 12, 8], g: { strides: [2, 2], pads: [1, 1, 1, 1] } },
    ];
    const families: ConvKernel[] = [...(small.subgroupMatmul ? (['subgroup'] as const) : []), 'blocked', 'direct'];
    for (const [j, { x: xs, w: ws, g }] of cases.entries()) {
      const oh = Math.floor((xs[1] + g.pads[0] + g.pads[1] - ws[0]) / g.strides[0]) + 1;
      const ow = Math.floor((xs[2] + g.pads[2] + g.pads[3] - ws[1]) / g.strides[1]) + 1;
      const ys: Shape = [xs[0], oh, ow, ws[3]];
      const x = put(uniform(size(xs), 40 + j), xs);
      const w = put(uniform(size(ws), 50 + j), ws);
      const dy = put(uniform(size(ys), 60 + j), ys);
      const abs = (t: T) => ({ ...t.c, buffer: t.c.buffer.map(Math.abs) });
      const want = [cpu.conv2d(x.c, w.c, g), cpu.conv2dBackwardInput(dy.c, w.c, xs, g), cpu.conv2dBackwardFilter(x.c, dy.c, ws, g)];
      const mag = [cpu.conv2d(abs(x), abs(w), g), cpu.conv2dBackwardInput(abs(dy), abs(w), xs, g), cpu.conv2dBackwardFilter(abs(x), abs(dy), ws, g)];
      const tol = (k: number) => (i: number) => 1e-5 * mag[k][i] + 1e-6;
      for (const family of families) {
        small.convKernel = family;
        try {
          const label = `${family} x [${xs}] w [${ws}]`;
          await match(`${label} forward`, small.conv2d(x.g, w.g, g), want[0], 'f32', tol(0));
          await match(`${label} input`, small.conv2dBackwardInput(dy.g, w.g, xs, g), want[1], 'f32', tol(1));
          await match(`${label} filter`, small.conv2dBackwardFilter(x.g, dy.g, ws, g), want[2], 'f32', tol(2));
        } finally {
          small.convKernel = 'auto';
        }
      }
    }
  });

  it('layout ops: transpose, slice, pad, expand, concat (both paths), gather (both paths), scatterAdd, scan, random', async () => {
    const x = put(ints(300 * 250, 70, 1000), [300, 250]);
    await match('transpose 2-D', small.transpose(x.g, [1, 0]), cpu.transpose(x.c, [1, 0]));
    const x3 = put(ints(5 * 130 * 60, 71, 1000), [5, 130, 60]);
    await match('transpose [0, 2, 1]', small.transpose(x3.g, [0, 2, 1]), cpu.transpose(x3.c, [0, 2, 1]));
    await match('slice', small.slice(x.g, [7, 11], [283, 230]), cpu.slice(x.c, [7, 11], [283, 230]));
    const pads: [number, number][] = [
      [3, 4],
      [5, 6],
    ];
    await match('pad', small.pad(x.g, pads, 2), cpu.pad(x.c, pads, 2));
    const row = put(ints(300, 72), [1, 300]);
    await match('expand', small.expand(row.g, [200, 300]), cpu.expand(row.c, [200, 300]));
    const a = put(ints(150 * 130, 73), [150, 130]);
    const b = put(ints(160 * 130, 74), [160, 130]);
    await match('concat axis 0', small.concat([a.g, b.g], 0), cpu.concat([a.c, b.c], 0));
    const c = put(ints(300 * 70, 75), [300, 70]);
    await match('concat axis 1', small.concat([x.g, c.g], 1), cpu.concat([x.c, c.c], 1));
    // gather by indices: one outer row (chunks of the indices), and along a middle axis (chunks of rows).
    const table = put(ints(300 * 40, 76, 100), [300, 40]);
    const idx = put(Int32Array.from({ length: 900 }, (_, i) => (i * 37) % 300), [900], 'i32');
    await match('gather axis 0', small.gather(table.g, idx.g, 0), cpu.gather(table.c, idx.c, 0));
    const cube = put(ints(200 * 90 * 3, 77, 100), [200, 90, 3]);
    const idx2 = put(Int32Array.from({ length: 50 }, (_, i) => (i * 13) % 90), [50], 'i32');
    await match('gather axis 1', small.gather(cube.g, idx2.g, 1), cpu.gather(cube.c, idx2.c, 1));
    const upd = put(ints(200 * 50 * 3, 78), [200, 50, 3]);
    await match('scatterAdd axis 1', small.scatterAdd(upd.g, idx2.g, 1, [200, 90, 3]), cpu.scatterAdd(upd.c, idx2.c, 1, [200, 90, 3]));
    await match('scan sum axis 1', small.scan('sum', cube.g, 1, false, false), cpu.scan('sum', cube.c, 1, false, false));
    const n = 4 * L + 13;
    await match('random uniform', small.random('uniform', [7, 9], [n], 'f32'), cpu.random('uniform', [7, 9], [n], 'f32'));
  });

  it('fused kernels: Adam, sum of squares, a distribution with a per-event operand, GRU gates, activations', async () => {
    const n = 3 * L + 7;
    const [p, g, m] = [1, 2, 3].map((s) => put(uniform(n, 80 + s), [n]));
    const v = put(uniform(n, 84).map(Math.abs), [n]);
    const hyper = { lrT: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7 };
    const got = small.adamUpdate(p.g, g.g, m.g, v.g, hyper);
    const want = cpu.adamUpdate(p.c, g.c, m.c, v.c, hyper);
    for (let k = 0; k < 3; k++) await match(`adam ${k}`, got[k], want[k], 'f32', rel(want[k], 1e-5, 1e-6));
    const ss = cpu.sumSquares([p.c, g.c]);
    await match('sumSquares', small.sumSquares([p.g, g.g]), ss, 'f32', rel(ss, 1e-5));
    const rows = Math.ceil((3 * L) / 37);
    const loc = put(uniform(37, 85), [37]);
    const scale = put(new Float32Array([0.7]), [1]);
    const obs = put(uniform(rows * 37, 86), [rows, 37]);
    const lp = cpu.distribution('normalLogProb', [obs.c, loc.c, scale.c], [rows, 37]);
    await match('normalLogProb', small.distribution('normalLogProb', [obs.g, loc.g, scale.g], [rows, 37]), lp, 'f32', rel(lp, 1e-5, 1e-6));
    const dOut = put(uniform(rows * 37, 87), [rows, 37]);
    const gotB = small.distributionBackward('normalLogProb', dOut.g, [obs.g, loc.g, scale.g], [true, true, true]);
    const wantB = cpu.distributionBackward('normalLogProb', dOut.c, [obs.c, loc.c, scale.c], [true, true, true]);
    for (let k = 0; k < 3; k++) await match(`normalLogProb backward ${k}`, gotB[k]!, wantB[k]!, 'f32', rel(wantB[k]!, 1e-5, 1e-6));
    // GRU (reset-after): h [N, 7] with N·3·7 well over the limit.
    const [N, H] = [900, 7];
    const xp = put(uniform(N * 3 * H, 88), [N, 3 * H]);
    const hp = put(uniform(N * 3 * H, 89), [N, 3 * H]);
    const gb = put(uniform(2 * 3 * H, 90), [2, 3 * H]);
    const h = put(uniform(N * H, 91), [N, H]);
    const hNew = cpu.gruResetAfter(xp.c, hp.c, gb.c, h.c);
    await match('gruResetAfter', small.gruResetAfter(xp.g, hp.g, gb.g, h.g), hNew, 'f32', rel(hNew, 1e-5, 1e-6));
    const dh = put(uniform(N * H, 92), [N, H]);
    const gotG = small.gruResetAfterBackward(dh.g, xp.g, hp.g, gb.g, h.g);
    const wantG = cpu.gruResetAfterBackward(dh.c, xp.c, hp.c, gb.c, h.c);
    for (let k = 0; k < 3; k++) await match(`gruResetAfterBackward ${k}`, gotG[k], wantG[k], 'f32', rel(wantG[k], 1e-5, 1e-6));
    // Activations and their gradients over 3 windows and a bit.
    for (const act of ['relu', 'elu'] as const) {
      const y = cpu.activation(act, p.c);
      await match(act, small.activation(act, p.g), y, 'f32', rel(y, 1e-6, 1e-7));
      const dx = cpu.activationBackward(act, g.c, p.c);
      await match(`${act} backward`, small.activationBackward(act, g.g, p.g), dx, 'f32', rel(dx, 1e-6, 1e-7));
    }
  });

  it('what cannot be split is refused with a RangeError naming the op, the shape and the limit', () => {
    // One scan line longer than a binding holds (a scan runs a thread per line).
    const n = 2 * L;
    const x = put(new Float32Array(n), [n]);
    expect(() => small.scan('sum', x.g, 0, false, false)).toThrow(/scan\.sum of \[32768\].*maxStorageBufferBindingSize \(65536 bytes/);
    expect(() => small.fill([2 ** 31], 'f32', 0)).toThrow(/exceeds maxBufferSize/);
  });
});

// At the device's own limit (128 MiB on lavapipe): tensors just over it, and the case that made this
// necessary — the Dreamer encoder's first conv at the default training batch (50 × 50 = 2500 images).
describe('tensors over maxStorageBufferBindingSize (the device limit)', () => {
  /** Reads elements [from, from + count) of a flat buffer through a (windowed) slice. */
  const readRange = async (buffer: GpuBuffer, n: number, from: number, count: number, dtype: DType = 'f32'): Promise<TypedArray> => {
    const part = gpu.slice({ buffer, shape: [n], dtype }, [from], [count]);
    const out = await gpu.read(part, dtype, count);
    gpu.dispose(part);
    return out;
  };

  it('just over the limit: a bias add, ReLU, sums over both axes, compared at the start, a window seam, the middle and the end', async () => {
    const limit = gpu.maxBindingBytes / 4;
    const rows = Math.ceil((limit + 4099) / 32);
    const n = rows * 32;
    // Small integers: every sum below is exact in any order.
    const values = hashed(n, 100).map((v) => Math.round(v * 4));
    const x = { buffer: gpu.upload(values, 'f32'), shape: [rows, 32], dtype: 'f32' as const };
    const bias = { buffer: gpu.upload(ints(32, 101), 'f32'), shape: [32], dtype: 'f32' as const };
    const zero = { buffer: gpu.upload(new Float32Array([0]), 'f32'), shape: [1], dtype: 'f32' as const };
    const c = (o: Operand<GpuBuffer>, buffer: TypedArray) => ({ ...o, buffer });
    const biased = gpu.binary('add', x, bias, [rows, 32], 'f32');
    const relu = gpu.binary('maximum', { ...x, buffer: biased }, zero, [rows, 32], 'f32');
    const cBias = await gpu.read(bias.buffer, 'f32', 32);
    const want = cpu.binary('maximum', c(x, cpu.binary('add', c(x, values), c(bias, cBias), [rows, 32], 'f32')), c(zero, new Float32Array([0])), [rows, 32], 'f32');
    for (const from of [0, limit - 3000, Math.floor(n / 2) - 3000, n - 6000]) {
      expect(diff(await readRange(relu, n, from, 6000), want.subarray(from, from + 6000)), `elements from ${from}`).toEqual([]);
    }
    const colSums = gpu.reduce('sum', { ...x, buffer: relu }, [0]);
    expect(diff(await gpu.read(colSums, 'f32', 32), cpu.reduce('sum', c(x, want), [0]))).toEqual([]);
    const rowSums = gpu.reduce('sum', { ...x, buffer: relu }, [1]);
    const wantRows = cpu.reduce('sum', c(x, want), [1]);
    for (const from of [0, rows - 5000]) {
      expect(diff(await readRange(rowSums, rows, from, 5000), wantRows.subarray(from, from + 5000)), `row sums from ${from}`).toEqual([]);
    }
    for (const b of [x.buffer, bias.buffer, zero.buffer, biased, relu, colSums, rowSums]) gpu.dispose(b);
    gpu.trimPool();
  });

  it("the encoder's first conv (k4 s2, 32 filters) at batch 2500: y is 307 MB; forward and both gradients vs the CPU", async () => {
    const N = 2500;
    const xs: Shape = [N, 64, 64, 3];
    const ws: Shape = [4, 4, 3, 32];
    const ys: Shape = [N, 31, 31, 32];
    const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
    expect(size(ys) * 4).toBeGreaterThan(gpu.maxBindingBytes);
    const x = hashed(size(xs), 110);
    const w = uniform(size(ws), 111);
    const dy = hashed(size(ys), 112);
    const gx = gpu.upload(x, 'f32');
    const gw = gpu.upload(w, 'f32');
    const gdy = gpu.upload(dy, 'f32');
    const op = <B>(buffer: B, shape: Shape) => ({ buffer, shape, dtype: 'f32' as const });
    const started = performance.now();
    const y = gpu.conv2d(op(gx, xs), op(gw, ws), g);
    const dx = gpu.conv2dBackwardInput(op(gdy, ys), op(gw, ws), xs, g);
    const dw = gpu.conv2dBackwardFilter(op(gx, xs), op(gdy, ys), ws, g);
    const gotW = await gpu.read(dw, 'f32', size(ws));
    const seconds = (performance.now() - started) / 1000;
    // The filter gradient sums over all 2500 images: compared whole.
    const abs = (v: Float32Array): Float32Array => {
      const out = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
      return out;
    };
    const wantW = cpu.conv2dBackwardFilter(op(x, xs), op(dy, ys), ws, g);
    const magW = cpu.conv2dBackwardFilter(op(abs(x), xs), op(abs(dy), ys), ws, g);
    expect(diff(gotW, wantW, (i) => 1e-5 * magW[i] + 1e-6), 'filter gradient').toEqual([]);
    // y and dx per image, on images at the ends and at every chunk seam.
    const [xi, yi] = [64 * 64 * 3, 31 * 31 * 32];
    for (const i of [0, 1, 833, 834, 1249, 1667, 1668, 2499]) {
      const xImg = op(x.subarray(i * xi, (i + 1) * xi), [1, 64, 64, 3]);
      const dyImg = op(dy.subarray(i * yi, (i + 1) * yi), [1, 31, 31, 32]);
      const want = cpu.conv2d(xImg, op(w, ws), g);
      const mag = cpu.conv2d(op(abs(xImg.buffer), xImg.shape), op(abs(w), ws), g);
      expect(diff(await readRange(y, size(ys), i * yi, yi), want, (k) => 1e-5 * mag[k] + 1e-6), `y of image ${i}`).toEqual([]);
      const wantDx = cpu.conv2dBackwardInput(dyImg, op(w, ws), [1, 64, 64, 3], g);
      const magDx = cpu.conv2dBackwardInput(op(abs(dyImg.buffer), dyImg.shape), op(abs(w), ws), [1, 64, 64, 3], g);
      expect(diff(await readRange(dx, size(xs), i * xi, xi), wantDx, (k) => 1e-5 * magDx[k] + 1e-6), `dx of image ${i}`).toEqual([]);
    }
    console.log(`conv2d + both gradients at batch ${N} on ${gpu.device.label || 'the device'}: ${seconds.toFixed(1)} s (cold pipelines included)`);
    for (const b of [gx, gw, gdy, y, dx, dw]) gpu.dispose(b);
    gpu.trimPool();
  });
});
