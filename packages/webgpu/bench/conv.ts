/**
 * Side-by-side timing of the two conv2d forward kernels of the WebGPU backend: `node bench/conv.ts
 * [rounds]` in packages/webgpu. The direct kernel (a thread per output, 'old', selected by
 * matmulKernel = 'blocked') and the implicit GEMM on the subgroup matmul tiling ('new') run on the
 * same operands in one process, interleaved round by round; a sample records `reps` convolutions
 * and ends with a 4-byte read (flush + wait). Prints a markdown table of medians (ms, GFLOP/s) and
 * the ratio of medians; the two kernels' results are checked to agree. Shapes: the Dreamer
 * encoder's four layers at batch 50 (k4 s2 valid, 3→32→64→128→256) and the CPU bench's case.
 */
import os from 'node:os';
import type { Conv2dGeometry, Shape } from '@dreamer/tensor';
import type { GpuBuffer } from '../src/backend.ts';
import { type Kernel, kernels, median, openBenchBackend, timeLaunches, values } from './common.ts';

const rounds = Number(process.argv[2] ?? 7);

interface Case {
  label: string;
  x: Shape;
  w: Shape;
  g: Conv2dGeometry;
  reps: number;
}
const s2: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
const cases: Case[] = [
  { label: 'encoder 1 [50,64,64,3]⊛[4,4,3,32] s2', x: [50, 64, 64, 3], w: [4, 4, 3, 32], g: s2, reps: 2 },
  { label: 'encoder 2 [50,31,31,32]⊛[4,4,32,64] s2', x: [50, 31, 31, 32], w: [4, 4, 32, 64], g: s2, reps: 1 },
  { label: 'encoder 3 [50,14,14,64]⊛[4,4,64,128] s2', x: [50, 14, 14, 64], w: [4, 4, 64, 128], g: s2, reps: 1 },
  { label: 'encoder 4 [50,6,6,128]⊛[4,4,128,256] s2', x: [50, 6, 6, 128], w: [4, 4, 128, 256], g: s2, reps: 2 },
  { label: '[8,31,31,32]⊛[4,4,32,64] s2', x: [8, 31, 31, 32], w: [4, 4, 32, 64], g: s2, reps: 4 },
];

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

const gpu = await openBenchBackend();

function conv(x: GpuBuffer, w: GpuBuffer, c: Case): GpuBuffer {
  return gpu.conv2d({ buffer: x, shape: c.x, dtype: 'f32' }, { buffer: w, shape: c.w, dtype: 'f32' }, c.g);
}
async function sample(kernel: Kernel, x: GpuBuffer, w: GpuBuffer, c: Case): Promise<number> {
  return timeLaunches(gpu, kernel, c.reps, () => conv(x, w, c));
}

const rows: string[] = [];
for (const c of cases) {
  const x = gpu.upload(values(size(c.x), 1), 'f32');
  const w = gpu.upload(values(size(c.w), 2), 'f32');
  const oh = Math.floor((c.x[1] - c.w[0]) / c.g.strides[0]) + 1;
  const ow = Math.floor((c.x[2] - c.w[1]) / c.g.strides[1]) + 1;
  const nOut = c.x[0] * oh * ow * c.w[3];
  const results: Float32Array[] = [];
  for (const kernel of kernels) {
    gpu.matmulKernel = kernel;
    const out = conv(x, w, c);
    results.push((await gpu.read(out, 'f32', nOut)) as Float32Array);
    gpu.dispose(out);
    await sample(kernel, x, w, c);
  }
  let maxRel = 0;
  for (let i = 0; i < nOut; i++) maxRel = Math.max(maxRel, Math.abs(results[0][i] - results[1][i]) / Math.max(1e-3, Math.abs(results[0][i])));
  const times: Record<string, number[]> = { blocked: [], subgroup: [] };
  for (let r = 0; r < rounds; r++) for (const kernel of r % 2 ? [...kernels].reverse() : kernels) times[kernel].push(await sample(kernel, x, w, c));
  const flop = 2 * nOut * c.w[0] * c.w[1] * c.w[2];
  const old = median(times.blocked);
  const neu = median(times.subgroup);
  const gf = (ms: number): string => (flop / ms / 1e6).toFixed(2);
  rows.push(`| conv2d fwd ${c.label} | ${rounds} | ${old.toFixed(2)} (${gf(old)}) | ${neu.toFixed(2)} (${gf(neu)}) | ${(neu / old).toFixed(2)} (${(old / neu).toFixed(2)}× faster) | ${maxRel.toExponential(1)} |`);
  console.error(rows[rows.length - 1]);
  gpu.dispose(x);
  gpu.dispose(w);
}
gpu.matmulKernel = 'auto';

console.log(`Machine: ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}; ${new Date().toISOString().slice(0, 10)}.`);
console.log('');
console.log('| case | rounds | old (direct) median ms (GFLOP/s) | new (implicit GEMM) median ms (GFLOP/s) | time ratio new/old (speed-up) | max rel. diff |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
gpu.destroy();
