/**
 * Side-by-side timing of the f32 matmul kernels of the WebGPU backend: `node bench/matmul.ts
 * [rounds] [--big]` in packages/webgpu. Same operands, one process, one device; the previous
 * portable kernel ('blocked4x4', old), the portable kernel ('blocked', new: kernels/matmul.ts) and
 * the subgroup-broadcast kernel ('subgroup': kernels/matmulSubgroup.ts) are interleaved round by
 * round (order flipped every round) so that machine noise hits all alike. A sample records `reps`
 * matmuls and ends with a 4-byte read of the last result (flush + wait), so it times the GPU work,
 * packing passes included, not just recording. Prints a markdown table of medians (ms per matmul,
 * GFLOP/s) and the ratios of medians; the kernels' results are checked to agree. `--big` adds 2048³.
 */
import os from 'node:os';
import type { GpuBuffer } from '../src/backend.ts';
import { type Kernel, kernels, median, openBenchBackend, timeLaunches, values } from './common.ts';
import { formatAdapter, openAdapter } from '../src/adapter.ts';

const rounds = Number(process.argv.find((a, i) => i >= 2 && /^\d+$/.test(a)) ?? 7);
const big = process.argv.includes('--big');

interface Case {
  label: string;
  m: number;
  k: number;
  n: number;
  /** Matmuls per timed sample. */
  reps: number;
  /** Transposed operands (A stored [K, M], B stored [N, K]). */
  ta?: boolean;
  tb?: boolean;
}

const cases: Case[] = [
  { label: '512³', m: 512, k: 512, n: 512, reps: 4 },
  { label: '1024³', m: 1024, k: 1024, n: 1024, reps: 1 },
  ...(big ? [{ label: '2048³', m: 2048, k: 2048, n: 2048, reps: 1 }] : []),
  { label: '1024³, Aᵀ', m: 1024, k: 1024, n: 1024, reps: 1, ta: true },
  { label: 'RSSM 50×230×200', m: 50, k: 230, n: 200, reps: 50 },
  { label: 'RSSM 50×200×600', m: 50, k: 200, n: 600, reps: 50 },
  // The RSSM's backward products: dX = dY·Wᵀ and dW = Xᵀ·dY.
  { label: 'RSSM dX 50×200×230, Bᵀ', m: 50, k: 200, n: 230, reps: 50, tb: true },
  { label: 'RSSM dW 230×50×200, Aᵀ', m: 230, k: 50, n: 200, reps: 50, ta: true },
];

const gpu = await openBenchBackend();
const opened = await openAdapter();
const load0 = os.loadavg()[0];

function mm(a: GpuBuffer, b: GpuBuffer, c: Case): GpuBuffer {
  const aShape = c.ta ? [1, c.k, c.m] : [1, c.m, c.k];
  const bShape = c.tb ? [1, c.n, c.k] : [1, c.k, c.n];
  return gpu.matmul({ buffer: a, shape: aShape, dtype: 'f32' }, { buffer: b, shape: bShape, dtype: 'f32' }, c.ta === true, c.tb === true);
}

async function sample(kernel: Kernel, a: GpuBuffer, b: GpuBuffer, c: Case): Promise<number> {
  return timeLaunches(gpu, kernel, c.reps, () => mm(a, b, c));
}

const rows: string[] = [];
for (const c of cases) {
  const a = gpu.upload(values(c.m * c.k, 1), 'f32');
  const b = gpu.upload(values(c.k * c.n, 2), 'f32');
  // Agreement check (and warm-up: pipelines compiled outside the timings).
  const results: Float32Array[] = [];
  for (const kernel of kernels) {
    gpu.matmulKernel = kernel;
    const out = mm(a, b, c);
    results.push((await gpu.read(out, 'f32', c.m * c.n)) as Float32Array);
    gpu.dispose(out);
    await sample(kernel, a, b, c);
  }
  let maxRel = 0;
  for (const other of results.slice(1)) {
    for (let i = 0; i < results[0].length; i++) maxRel = Math.max(maxRel, Math.abs(results[0][i] - other[i]) / Math.max(1e-3, Math.abs(results[0][i])));
  }
  const times: Record<Kernel, number[]> = { blocked4x4: [], blocked: [], subgroup: [] };
  for (let r = 0; r < rounds; r++) for (const kernel of r % 2 ? [...kernels].reverse() : kernels) times[kernel].push(await sample(kernel, a, b, c));
  const flop = 2 * c.m * c.k * c.n;
  const [old, neu, sg] = kernels.map((k) => median(times[k]));
  const cell = (ms: number): string => `${ms.toFixed(3)} (${(flop / ms / 1e6).toFixed(2)})`;
  rows.push(`| matmul ${c.label} (f32) | ${rounds} | ${cell(old)} | ${cell(neu)} | ${cell(sg)} | ${(old / neu).toFixed(2)}× | ${(sg / neu).toFixed(2)} | ${maxRel.toExponential(1)} |`);
  console.error(rows[rows.length - 1]);
  gpu.dispose(a);
  gpu.dispose(b);
}
gpu.matmulKernel = 'auto';

console.log(`Machine: ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}; ${new Date().toISOString().slice(0, 10)}; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`);
console.log(`Adapter: ${formatAdapter(opened)}.`);
console.log('');
console.log('| case | rounds | old portable (blocked4x4) median ms (GFLOP/s) | new portable (blocked) median ms (GFLOP/s) | subgroup median ms (GFLOP/s) | new portable speed-up vs old | time subgroup / new portable | max rel. diff |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
gpu.destroy();
