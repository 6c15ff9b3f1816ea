// The conv kernels of the WebGPU backend (forward, backward input, backward filter) against the CPU
// backend, for the kernel families 'blocked' (portable implicit GEMMs) and 'subgroup' (where the
// device can run it), and 'direct' (the thread-per-output kernels) once. Tolerance, relative to the magnitude
// of each output's sum: |gpu − cpu| ≤ 1e-5 · Σ|terms| + 1e-6, where Σ|terms| is the same op on |x|
// and |w| on the CPU (f32 sums in another order; an output near 0 from cancellation is still
// judged on the size of what was summed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, type Conv2dGeometry, type Shape, type TypedArray } from '@dreamer/tensor';
import { type ConvKernel, type GpuBuffer, WebGPUBackend } from './backend.ts';
import { rng } from '../../tensor/test/suite/util.ts';

const REL = 1e-5;
const ABS = 1e-6;

let gpu: WebGPUBackend;
const cpu = new CpuBackend();

beforeAll(async () => {
  gpu = await WebGPUBackend.create();
});
afterAll(() => {
  gpu?.destroy();
});

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const kernelsToTest = (): ConvKernel[] => (gpu.subgroupMatmul ? ['blocked', 'subgroup'] : ['blocked']);

interface Operand {
  shape: Shape;
  values: Float32Array;
}

function random(shape: Shape, seed: number): Operand {
  const r = rng(seed);
  return { shape, values: Float32Array.from({ length: size(shape) }, () => 2 * r() - 1) };
}

type Op = 'forward' | 'input' | 'filter';

/** The op on the CPU, on the CPU with |operands| (the magnitude), and on the GPU. */
async function runOp(op: Op, a: Operand, b: Operand, outShape: Shape, g: Conv2dGeometry): Promise<{ got: TypedArray; want: TypedArray; mag: TypedArray }> {
  const c = (v: Operand, abs: boolean) => ({ buffer: abs ? v.values.map(Math.abs) : v.values, shape: v.shape, dtype: 'f32' as const });
  const onCpu = (abs: boolean): TypedArray =>
    op === 'forward' ? cpu.conv2d(c(a, abs), c(b, abs), g) : op === 'input' ? cpu.conv2dBackwardInput(c(a, abs), c(b, abs), outShape, g) : cpu.conv2dBackwardFilter(c(a, abs), c(b, abs), outShape, g);
  const ga = gpu.upload(a.values, 'f32');
  const gb = gpu.upload(b.values, 'f32');
  const oa = { buffer: ga, shape: a.shape, dtype: 'f32' as const };
  const ob = { buffer: gb, shape: b.shape, dtype: 'f32' as const };
  const out: GpuBuffer =
    op === 'forward' ? gpu.conv2d(oa, ob, g) : op === 'input' ? gpu.conv2dBackwardInput(oa, ob, outShape, g) : gpu.conv2dBackwardFilter(oa, ob, outShape, g);
  const got = await gpu.read(out, 'f32', size(outShape));
  for (const buf of [ga, gb, out]) gpu.dispose(buf);
  return { got, want: onCpu(false), mag: onCpu(true) };
}

function outShapeOf(x: Shape, w: Shape, g: Conv2dGeometry): Shape {
  const oh = Math.floor((x[1] + g.pads[0] + g.pads[1] - w[0]) / g.strides[0]) + 1;
  const ow = Math.floor((x[2] + g.pads[2] + g.pads[3] - w[1]) / g.strides[1]) + 1;
  return [x[0], oh, ow, w[3]];
}

/** Largest error as a fraction of the tolerance (≤ 1 passes), and a description of the worst element. */
function worst(got: TypedArray, want: TypedArray, mag: TypedArray): { ratio: number; at: string } {
  let ratio = 0;
  let at = '';
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (REL * mag[i] + ABS);
    if (!(r <= ratio)) {
      ratio = Number.isNaN(r) ? Infinity : r;
      at = `[${i}] gpu ${got[i]}, cpu ${want[i]}, Σ|terms| ${mag[i]}`;
    }
  }
  return { ratio, at };
}

/** Checks the chosen ops of conv(x, w) with every kernel family in `kernels`. */
async function checkConv(x: Shape, w: Shape, g: Conv2dGeometry, ops: readonly Op[], seed: number, kernels = kernelsToTest()): Promise<void> {
  const y = outShapeOf(x, w, g);
  const xv = random(x, seed);
  const wv = random(w, seed + 1);
  const dy = random(y, seed + 2);
  for (const kernel of kernels) {
    gpu.convKernel = kernel;
    try {
      for (const op of ops) {
        const [a, b, out] = op === 'forward' ? [xv, wv, y] : op === 'input' ? [dy, wv, x] : [xv, dy, w];
        const { got, want, mag } = await runOp(op, a, b, out, g);
        const { ratio, at } = worst(got, want, mag);
        expect(ratio, `${op} [${kernel}] x[${x}] w[${w}] s${g.strides} p${g.pads}: worst ${at}`).toBeLessThanOrEqual(1);
      }
    } finally {
      gpu.convKernel = 'auto';
    }
  }
}

const VALID = [0, 0, 0, 0] as const;
/** TensorFlow's SAME pads for one axis: the extra one goes after. */
function same(size: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

describe('conv kernels vs cpu', () => {
  it('odd shapes: N=3, 13×13, C=5 → O=7, k 3–6, strides 1–3, VALID / SAME / asymmetric pads', async () => {
    let seed = 100;
    for (const k of [3, 4, 5, 6]) {
      for (const s of [1, 2, 3]) {
        const [pt, pb] = same(13, k, s);
        for (const pads of [VALID, [pt, pb, pt, pb], [2, 0, 1, 3]] as const) {
          await checkConv([3, 13, 13, 5], [k, k, 5, 7], { strides: [s, s], pads: [...pads] }, ['forward', 'input', 'filter'], seed);
          seed += 3;
        }
      }
    }
  });

  // C ≤ 8 takes the narrow input-gradient kernel (4 channels per tile); C = 11 the 32-column tiles.
  it('input gradient with C=11 (32-column tiles, not the narrow kernel): k 3–6, strides 1–3, SAME pads', async () => {
    let seed = 200;
    for (const k of [3, 4, 5, 6]) {
      for (const s of [1, 2, 3]) {
        const [pt, pb] = same(13, k, s);
        await checkConv([3, 13, 13, 11], [k, k, 11, 7], { strides: [s, s], pads: [pt, pb, pb, pt] }, ['input'], seed);
        seed += 3;
      }
    }
  });

  it('vec4 paths (C and/or O multiples of 4), mixed strides, 1×1 and stride > kernel', async () => {
    const cases: [Shape, Shape, Conv2dGeometry][] = [
      [[3, 13, 11, 8], [3, 5, 8, 12], { strides: [2, 1], pads: [1, 1, 2, 2] }],
      [[5, 9, 9, 4], [4, 4, 4, 36], { strides: [3, 2], pads: [0, 2, 1, 0] }],
      [[2, 7, 6, 12], [1, 1, 12, 4], { strides: [2, 3], pads: [0, 0, 0, 0] }],
      [[3, 10, 10, 4], [2, 2, 4, 8], { strides: [3, 3], pads: [0, 0, 0, 0] }],
      [[1, 1, 1, 1], [1, 1, 1, 1], { strides: [1, 1], pads: [0, 0, 0, 0] }],
      [[17, 6, 6, 20], [3, 3, 20, 40], { strides: [1, 1], pads: [1, 1, 1, 1] }],
      [[3, 9, 10, 12], [3, 3, 12, 7], { strides: [2, 2], pads: [1, 1, 1, 1] }],
    ];
    let seed = 300;
    for (const [x, w, g] of cases) {
      await checkConv(x, w, g, ['forward', 'input', 'filter'], seed);
      seed += 3;
    }
  });

  it('Dreamer encoder (batch 2): 64×64×3 → 32 → 64 → 128 → 256, k4 s2 VALID', async () => {
    const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
    const layers: [Shape, Shape][] = [
      [[2, 64, 64, 3], [4, 4, 3, 32]],
      [[2, 31, 31, 32], [4, 4, 32, 64]],
      [[2, 14, 14, 64], [4, 4, 64, 128]],
      [[2, 6, 6, 128], [4, 4, 128, 256]],
    ];
    let seed = 500;
    for (const [i, [x, w]] of layers.entries()) {
      await checkConv(x, w, g, i === 0 ? ['forward', 'filter'] : ['forward', 'input', 'filter'], seed);
      seed += 3;
    }
  });

  // conv2dTranspose(x, w) is conv2dBackwardInput(x, w, out); its gradients are conv2d(dy, w) and
  // conv2dBackwardFilter(dy, x): the same three primitives on the forward conv out → x.
  it('Dreamer decoder (batch 2): convTranspose 1×1×1024 → 5×5×128 → 13×13×64 → 30×30×32 → 64×64×3, k5 k5 k6 k6 s2 VALID', async () => {
    const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
    const layers: [Shape, Shape][] = [
      [[2, 5, 5, 128], [5, 5, 128, 1024]],
      [[2, 13, 13, 64], [5, 5, 64, 128]],
      [[2, 30, 30, 32], [6, 6, 32, 64]],
      [[2, 64, 64, 3], [6, 6, 3, 32]],
    ];
    let seed = 700;
    for (const [out, w] of layers) {
      await checkConv(out, w, g, ['input', 'forward', 'filter'], seed);
      seed += 3;
    }
  });

  // More than 65535 tiles along one grid dimension (for the subgroup kernels: 16 output pixels per
  // forward tile, 64 dx pixels per narrow input-gradient tile, 16 filter rows per filter-gradient
  // tile), with little work per tile: the launches split.
  it('grids over 65535 workgroups: 1.06 M output pixels, 4.2 M input pixels, 1.1 M filter rows', async () => {
    const g: Conv2dGeometry = { strides: [1, 1], pads: [0, 0, 0, 0] };
    const kernels: ConvKernel[] = [gpu.subgroupMatmul ? 'subgroup' : 'blocked'];
    await checkConv([1, 1060, 1000, 1], [1, 1, 1, 1], g, ['forward'], 1000, kernels);
    await checkConv([1, 2050, 2050, 1], [1, 1, 1, 1], g, ['input'], 1003, kernels);
    await checkConv([1, 1, 1, 1_100_000], [1, 1, 1_100_000, 1], g, ['filter'], 1006, kernels);
  });

  it("kernel selection: convKernel 'auto' follows matmulKernel; 'direct' still runs the old kernels", async () => {
    expect(gpu.convKernel).toBe('auto');
    await checkConv([2, 9, 7, 6], [3, 3, 6, 5], { strides: [2, 2], pads: [1, 1, 0, 1] }, ['forward', 'input', 'filter'], 900, ['direct']);
    for (const matmul of ['blocked', 'subgroup'] as const) {
      if (matmul === 'subgroup' && !gpu.subgroupMatmul) continue;
      gpu.matmulKernel = matmul;
      try {
        await checkConv([2, 9, 7, 6], [3, 3, 6, 5], { strides: [2, 2], pads: [1, 1, 0, 1] }, ['input', 'filter'], 903, ['auto']);
      } finally {
        gpu.matmulKernel = 'auto';
      }
    }
  });
});
