/**
 * Side-by-side timing of the WebGPU backend's conv kernels on the Dreamer encoder (4 conv layers,
 * k4 s2 VALID, 64×64×3 → 32 → 64 → 128 → 256) and decoder (4 convTranspose layers, k5 k5 k6 k6 s2
 * VALID, 1×1×1024 → 5×5×128 → 13×13×64 → 30×30×32 → 64×64×3): `node bench/conv.ts [rounds]
 * [batch]` in packages/webgpu (defaults 5, 50).
 *
 * Each layer runs forward and backward (the input gradient, except for the first encoder layer,
 * plus the filter gradient) with every conv kernel family: 'direct' (a thread per output, the old
 * kernels), 'blocked' (portable register-blocked implicit GEMMs) and 'subgroup' (implicit GEMMs on
 * the subgroup tiling). A convTranspose's forward is
 * conv2dBackwardInput, its backward conv2d + conv2dBackwardFilter. Same operands, one process,
 * families interleaved round by round; a sample records `reps` passes and ends with a 4-byte read
 * (flush + wait). Prints a markdown table of medians (ms, GFLOP/s; FLOPs 2·B·Cout·Hout·Wout·Cin·k²
 * of the forward conv, backward 2× or 1× without the input gradient) and the encoder/decoder totals.
 * The families' results are checked to agree (max |difference| / max |direct|).
 */
import os from 'node:os';
import type { Conv2dGeometry, Shape } from '@dreamer/tensor';
import type { ConvKernel, GpuBuffer, WebGPUBackend } from '../src/backend.ts';
import { formatAdapter, openAdapter } from '../src/adapter.ts';
import { median, openBenchBackend, values } from './common.ts';

const rounds = Number(process.argv[2] ?? 5);
const batch = Number(process.argv[3] ?? 50);
const families = ['direct', 'blocked', 'subgroup'] as const satisfies readonly ConvKernel[];
type Family = (typeof families)[number];

interface Layer {
  label: string;
  /** The forward conv's input (a convTranspose's output) and filter [KH, KW, Cin, Cout]. */
  x: Shape;
  w: Shape;
  transpose: boolean;
  inputGrad: boolean;
}
const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
const layers: Layer[] = [
  { label: 'enc 1 64²×3→32', x: [batch, 64, 64, 3], w: [4, 4, 3, 32], transpose: false, inputGrad: false },
  { label: 'enc 2 31²×32→64', x: [batch, 31, 31, 32], w: [4, 4, 32, 64], transpose: false, inputGrad: true },
  { label: 'enc 3 14²×64→128', x: [batch, 14, 14, 64], w: [4, 4, 64, 128], transpose: false, inputGrad: true },
  { label: 'enc 4 6²×128→256', x: [batch, 6, 6, 128], w: [4, 4, 128, 256], transpose: false, inputGrad: true },
  { label: 'dec 1 1²×1024→5²×128', x: [batch, 5, 5, 128], w: [5, 5, 128, 1024], transpose: true, inputGrad: true },
  { label: 'dec 2 5²×128→13²×64', x: [batch, 13, 13, 64], w: [5, 5, 64, 128], transpose: true, inputGrad: true },
  { label: 'dec 3 13²×64→30²×32', x: [batch, 30, 30, 32], w: [6, 6, 32, 64], transpose: true, inputGrad: true },
  { label: 'dec 4 30²×32→64²×3', x: [batch, 64, 64, 3], w: [6, 6, 3, 32], transpose: true, inputGrad: true },
];

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const outShape = (l: Layer): Shape => [l.x[0], (l.x[1] - l.w[0]) / 2 + 1, (l.x[2] - l.w[1]) / 2 + 1, l.w[3]].map(Math.floor);
const flopsOf = (l: Layer): number => 2 * size(outShape(l)) * l.w[0] * l.w[1] * l.w[2];

const gpu: WebGPUBackend = await openBenchBackend();
const opened = await openAdapter();
const f32 = (buffer: GpuBuffer, shape: Shape) => ({ buffer, shape, dtype: 'f32' as const });

/** The layer's forward (one output) or backward (its gradients) with operands x, w and dy (y-shaped). */
function pass(l: Layer, x: GpuBuffer, w: GpuBuffer, dy: GpuBuffer, backward: boolean): GpuBuffer[] {
  const y = outShape(l);
  if (!l.transpose) {
    if (!backward) return [gpu.conv2d(f32(x, l.x), f32(w, l.w), g)];
    const grads = [gpu.conv2dBackwardFilter(f32(x, l.x), f32(dy, y), l.w, g)];
    if (l.inputGrad) grads.push(gpu.conv2dBackwardInput(f32(dy, y), f32(w, l.w), l.x, g));
    return grads;
  }
  // convTranspose: its input is y-shaped (dy here), its output and output gradient x-shaped (x).
  if (!backward) return [gpu.conv2dBackwardInput(f32(dy, y), f32(w, l.w), l.x, g)];
  return [gpu.conv2d(f32(x, l.x), f32(w, l.w), g), gpu.conv2dBackwardFilter(f32(x, l.x), f32(dy, y), l.w, g)];
}

async function sample(family: Family, reps: number, run: () => GpuBuffer[]): Promise<number> {
  gpu.convKernel = family;
  const t0 = performance.now();
  let outs: GpuBuffer[] = [];
  for (let r = 0; r < reps; r++) {
    for (const o of outs) gpu.dispose(o);
    outs = run();
  }
  await gpu.read(outs[0], 'f32', 1);
  const ms = (performance.now() - t0) / reps;
  for (const o of outs) gpu.dispose(o);
  return ms;
}

async function maxDiff(run: () => GpuBuffer[]): Promise<number> {
  const results: Float32Array[][] = [];
  for (const family of families) {
    gpu.convKernel = family;
    const outs = run();
    const arrays: Float32Array[] = [];
    for (const o of outs) {
      arrays.push((await gpu.read(o, 'f32', o.size)) as Float32Array);
      gpu.dispose(o);
    }
    results.push(arrays);
  }
  let worst = 0;
  for (const [i, ref] of results[0].entries()) {
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
    for (const other of results.slice(1)) for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(other[i][j] - ref[j]) / scale);
  }
  return worst;
}

const fmt = (ms: number, flops: number): string => `${ms.toFixed(1)} (${(flops / ms / 1e6).toFixed(2)})`;
const rows: string[] = [];
const totals = { enc: { direct: 0, blocked: 0, subgroup: 0 }, dec: { direct: 0, blocked: 0, subgroup: 0 } };
for (const l of layers) {
  const x = gpu.upload(values(size(l.x), 1), 'f32');
  const w = gpu.upload(values(size(l.w), 2), 'f32');
  const dy = gpu.upload(values(size(outShape(l)), 3), 'f32');
  for (const backward of [false, true]) {
    const run = (): GpuBuffer[] => pass(l, x, w, dy, backward);
    const diff = await maxDiff(run);
    const times: Record<Family, number[]> = { direct: [], blocked: [], subgroup: [] };
    for (let r = 0; r < rounds; r++) for (const family of r % 2 ? [...families].reverse() : families) times[family].push(await sample(family, 1, run));
    const flops = flopsOf(l) * (backward ? (l.inputGrad ? 2 : 1) : 1);
    const med = Object.fromEntries(families.map((f) => [f, median(times[f])])) as Record<Family, number>;
    for (const f of families) totals[l.transpose ? 'dec' : 'enc'][f] += med[f];
    rows.push(
      `| ${l.label} | ${backward ? (l.inputGrad ? 'bwd (dx+dw)' : 'bwd (dw)') : 'fwd'} | ${fmt(med.direct, flops)} | ${fmt(med.blocked, flops)} | ${fmt(med.subgroup, flops)} | ${(med.direct / med.subgroup).toFixed(1)}× | ${diff.toExponential(1)} |`,
    );
    console.error(rows[rows.length - 1]);
  }
  for (const b of [x, w, dy]) gpu.dispose(b);
}
gpu.convKernel = 'auto';

console.log(`Machine: ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}; ${new Date().toISOString().slice(0, 10)}.`);
console.log(`Adapter: ${formatAdapter(opened)}. Batch ${batch}, ${rounds} rounds, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
console.log('');
console.log('| layer | pass | direct (old) ms (GFLOP/s) | blocked ms (GFLOP/s) | subgroup ms (GFLOP/s) | subgroup vs direct | max diff |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
for (const part of ['enc', 'dec'] as const) {
  const t = totals[part];
  console.log(`| **${part === 'enc' ? 'encoder' : 'decoder'} total fwd+bwd** | | ${t.direct.toFixed(1)} | ${t.blocked.toFixed(1)} | ${t.subgroup.toFixed(1)} | ${(t.direct / t.subgroup).toFixed(1)}× | |`);
}
gpu.destroy();
