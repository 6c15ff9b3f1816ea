// The fused kernels at the Backend level, against the CPU reference, where the op suite does not
// reach: backward kernels split over several launches when the storage-buffer limit is WebGPU's
// guaranteed 8 (lavapipe allows 16, so one launch runs there by default), and a sum of squares
// over many tensors (several partial launches, empty tensors, tensors longer than a chunk).
// Tolerance |gpu − cpu| ≤ 1e-6 + 1e-5·|cpu| elementwise (f32 transcendentals are a few ulps
// off; the CPU computes in f64 and rounds once); the sum of squares 1e-5 relative (f32 tree).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, type DType, type DistributionOp, type Operand, type Shape, type TypedArray } from '@dreamer/tensor';
import { type GpuBuffer, WebGPUBackend } from './backend.ts';
import { SUM_SQUARES_TILING } from './kernels/adam.ts';

const SUM_SQUARES_CHUNK = SUM_SQUARES_TILING.lanes * SUM_SQUARES_TILING.perLane;
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

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

function operand(shape: Shape, seed: number, lo = -2, hi = 2): Pair {
  const r = rng(seed);
  const values = Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * r());
  const dtype: DType = 'f32';
  return { g: { buffer: gpu.upload(values, dtype), shape, dtype }, c: { buffer: cpu.upload(values, dtype), shape, dtype } };
}

async function expectClose(got: GpuBuffer, want: TypedArray, what: string, rtol = 1e-5, atol = 1e-6): Promise<void> {
  const values = await gpu.read(got, 'f32', want.length);
  gpu.dispose(got);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(values[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) bad.push(`[${i}] got ${values[i]}, expected ${want[i]}`);
  }
  expect(bad, `${what}: ${bad.slice(0, 6).join('; ')}`).toEqual([]);
}

function release(pairs: readonly Pair[]): void {
  for (const p of pairs) gpu.dispose(p.g.buffer);
}

describe('fused backward kernels under an 8-buffer limit (split launches)', () => {
  for (const limit of [8, null]) {
    const label = limit === null ? 'device limit' : `limit ${limit}`;

    it(`gruBlockOutputBackward and gruResetAfterBackward, 3 rows × 7 units, ${label}`, async () => {
      gpu.fusedBindingLimit = limit;
      const [rows, units] = [3, 7];
      const h = operand([rows, units], 1);
      const block = [operand([rows, units], 2), operand([rows, units], 3), operand([units], 4), operand([rows, units], 5, 0, 1), h];
      const [g, pre, bias, u] = block;
      const gotBlock = gpu.gruBlockOutputBackward(g.g, pre.g, bias.g, u.g, h.g);
      const wantBlock = cpu.gruBlockOutputBackward(g.c, pre.c, bias.c, u.c, h.c);
      for (let k = 0; k < 3; k++) await expectClose(gotBlock[k], wantBlock[k], `block output ${k}`);
      const after = [operand([rows, 3 * units], 6), operand([rows, 3 * units], 7), operand([2, 3 * units], 8)];
      const [x, hp, b] = after;
      const gotAfter = gpu.gruResetAfterBackward(g.g, x.g, hp.g, b.g, h.g);
      const wantAfter = cpu.gruResetAfterBackward(g.c, x.c, hp.c, b.c, h.c);
      for (let k = 0; k < 3; k++) await expectClose(gotAfter[k], wantAfter[k], `reset-after output ${k}`);
      gpu.fusedBindingLimit = null;
      release([...block, ...after]);
    });

    it(`normalKl backward with every gradient wanted (and two of four), ${label}`, async () => {
      gpu.fusedBindingLimit = limit;
      const op: DistributionOp = 'normalKl';
      const shape: Shape = [50, 200];
      const xs = [operand(shape, 11), operand(shape, 12, 0.5, 2), operand([200], 13), operand([], 14, 0.5, 2)];
      const g = operand(shape, 15);
      for (const wanted of [[true, true, true, true], [false, true, true, false]]) {
        const got = gpu.distributionBackward(op, g.g, xs.map((x) => x.g), wanted);
        const want = cpu.distributionBackward(op, g.c, xs.map((x) => x.c), wanted);
        for (let k = 0; k < 4; k++) {
          expect(got[k] === null, `gradient ${k} computed`).toBe(!wanted[k]);
          if (got[k]) await expectClose(got[k]!, want[k]!, `gradient ${k}`);
        }
      }
      gpu.fusedBindingLimit = null;
      release([...xs, g]);
    });
  }
});

describe('sumSquares', () => {
  it('over 20 tensors: empty, scalar, odd sizes, several chunks long', async () => {
    const shapes: Shape[] = [[0], [], [7], [3, 7], [SUM_SQUARES_CHUNK + 1], [50, 200], [3 * SUM_SQUARES_CHUNK - 5]];
    const xs = Array.from({ length: 20 }, (_, k) => operand(shapes[k % shapes.length], 20 + k));
    const got = gpu.sumSquares(xs.map((x) => x.g));
    const want = cpu.sumSquares(xs.map((x) => x.c));
    await expectClose(got, want, 'sum of squares', 1e-5, 0);
    release(xs);
  });

  it('of a single empty tensor is 0', async () => {
    const x = operand([0], 1);
    await expectClose(gpu.sumSquares([x.g]), Float32Array.of(0), 'empty');
    release([x]);
  });
});
