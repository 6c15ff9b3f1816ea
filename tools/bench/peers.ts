/**
 * @dreamer/webgpu against tfjs-webgpu on the same Dawn adapter, side by side in one process:
 * `pnpm bench` (all benches), or `node peers.ts [--reps N] [--only TEXT] [--no-write]` here.
 * Every case warms up once per side, then the sides alternate sample by sample (order flipped each
 * round) so that machine noise hits both alike. A sample runs `inner` steps and ends by reading the
 * last step's output, so it covers encoding, submission and the GPU work; figures are medians per
 * step. Writes docs/benchmarks/webgpu.json and the "## WebGPU vs tfjs-webgpu" section of
 * docs/benchmarks.md (other sections are kept).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as T from '@dreamer/tensor';
import { type MatmulKernel, WebGPUBackend, formatAdapter, openAdapter, registerWebGPU } from '@dreamer/webgpu';
import * as W from '../workloads.ts';
import { type TfWorkload, openTfjs, tfChain, tfDecoder, tfEncoder, tfGru, tfMatmul } from './tfjs.ts';

const { values: args } = parseArgs({ options: { reps: { type: 'string' }, only: { type: 'string' }, 'no-write': { type: 'boolean' } } });

interface Variant {
  label: string;
  kernel?: MatmulKernel;
  make: () => W.Workload;
}
interface Case {
  name: string;
  flops: number;
  /** Samples per side after the warm-up. */
  reps: number;
  /** Steps per sample. */
  inner: number;
  ours: Variant[];
  tfjs: () => TfWorkload;
  /** Trivial dispatches per step, for the µs-per-dispatch column. */
  dispatches?: number;
}

const subgroupAndBlocked = (make: () => W.Workload): Variant[] => [
  { label: 'subgroup', kernel: 'subgroup', make },
  { label: 'blocked', kernel: 'blocked', make },
];
const auto = (make: () => W.Workload): Variant[] => [{ label: 'auto', make }];

const cases: Case[] = [
  { name: 'matmul 1024³', flops: 2 * 1024 ** 3, reps: 5, inner: 1, ours: subgroupAndBlocked(() => W.matmul(1024)), tfjs: () => tfMatmul(1024) },
  { name: 'matmul 2048³', flops: 2 * 2048 ** 3, reps: 3, inner: 1, ours: subgroupAndBlocked(() => W.matmul(2048)), tfjs: () => tfMatmul(2048) },
  { name: 'encoder fwd, batch 50', flops: W.ENCODER_FLOPS.forward(), reps: 5, inner: 1, ours: auto(() => W.encoder({ grad: false })), tfjs: () => tfEncoder(false) },
  { name: 'encoder fwd+bwd, batch 50', flops: W.ENCODER_FLOPS.grad(), reps: 3, inner: 1, ours: auto(() => W.encoder({ grad: true })), tfjs: () => tfEncoder(true) },
  { name: 'decoder fwd, batch 50', flops: W.DECODER_FLOPS.forward(), reps: 5, inner: 1, ours: auto(() => W.decoder({ grad: false })), tfjs: () => tfDecoder(false) },
  { name: 'decoder fwd+bwd, batch 50', flops: W.DECODER_FLOPS.grad(), reps: 3, inner: 1, ours: auto(() => W.decoder({ grad: true })), tfjs: () => tfDecoder(true) },
  { name: 'GRU cell 230→200 fwd+bwd, batch 50', flops: 3 * 2 * 50 * 430 * 600, reps: 7, inner: 10, ours: auto(() => W.gru()), tfjs: () => tfGru() },
  ...[1, 10, 100, 1000].map(
    (n): Case => ({ name: `${n} trivial dispatch${n > 1 ? 'es' : ''}, then a read`, flops: 0, reps: n < 1000 ? 11 : 5, inner: 1, ours: auto(() => W.chain(n)), tfjs: () => tfChain(n), dispatches: n }),
  ),
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Milliseconds per step over `inner` steps, ending with a read of the last output. */
async function sample(w: { step(): { data(): Promise<unknown>; dispose(): void } }, inner: number): Promise<number> {
  const t0 = performance.now();
  let out = w.step();
  for (let i = 1; i < inner; i++) {
    out.dispose();
    out = w.step();
  }
  await out.data();
  out.dispose();
  return (performance.now() - t0) / inner;
}

registerWebGPU();
const ours = await T.setBackend('webgpu');
if (!(ours instanceof WebGPUBackend)) throw new Error('the webgpu backend is not a WebGPUBackend');
const tf = await openTfjs();
const adapter = formatAdapter(await openAdapter());
const started = performance.now();
const loadBefore = os.loadavg()[0];

interface Row {
  case: string;
  variant: string;
  flops: number;
  dispatchesPerStep: number | null;
  reps: number;
  inner: number;
  ours: { medianMs: number; samplesMs: number[]; dispatches: number; submits: number };
  tfjs: { medianMs: number; samplesMs: number[] };
  ratio: number;
}
const rows: Row[] = [];

for (const c of cases) {
  if (args.only && !c.name.includes(args.only)) continue;
  const reps = args.reps ? Number(args.reps) : c.reps;
  const sides = [
    ...c.ours.map((v) => ({ label: v.label, kernel: v.kernel, w: v.make(), times: [] as number[] })),
    { label: 'tfjs', kernel: undefined, w: c.tfjs(), times: [] as number[] },
  ];
  const run = async (s: (typeof sides)[number]): Promise<number> => {
    ours.matmulKernel = s.kernel ?? 'auto';
    return sample(s.w, c.inner);
  };
  for (const s of sides) await run(s);
  // One profiled step per variant of ours: its dispatch and submit counts.
  const counts = new Map<string, { dispatches: number; submits: number }>();
  for (const s of sides.slice(0, -1)) {
    ours.matmulKernel = s.kernel ?? 'auto';
    const p = await ours.profile(() => sample(s.w, 1));
    counts.set(s.label, { dispatches: p.dispatches, submits: p.submits });
  }
  for (let r = 0; r < reps; r++) for (const s of r % 2 ? [...sides].reverse() : sides) s.times.push(await run(s));
  ours.matmulKernel = 'auto';
  for (const s of sides) s.w.dispose();
  const theirs = sides.at(-1)!;
  for (const s of sides.slice(0, -1)) {
    const row: Row = {
      case: c.name,
      variant: s.label,
      flops: c.flops,
      dispatchesPerStep: c.dispatches ?? null,
      reps,
      inner: c.inner,
      ours: { medianMs: median(s.times), samplesMs: s.times, ...counts.get(s.label)! },
      tfjs: { medianMs: median(theirs.times), samplesMs: theirs.times },
      ratio: median(s.times) / median(theirs.times),
    };
    rows.push(row);
    console.error(markdownRow(row));
  }
}
const seconds = (performance.now() - started) / 1000;
// Other work on the machine slows both sides alike but inflates every figure: say how busy it was.
const load = `load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`;

function rate(row: Row, ms: number): string {
  if (row.flops > 0) return `${(row.flops / ms / 1e6).toFixed(2)} GFLOP/s`;
  if (row.dispatchesPerStep) return `${((ms * 1000) / row.dispatchesPerStep).toFixed(1)} µs/dispatch`;
  return '';
}
function markdownRow(r: Row): string {
  const ms = (v: number): string => (v < 10 ? v.toFixed(3) : v.toFixed(1));
  return `| ${r.case} | ${r.variant} | ${r.reps} × ${r.inner} | ${ms(r.ours.medianMs)} (${rate(r, r.ours.medianMs)}) | ${ms(r.tfjs.medianMs)} (${rate(r, r.tfjs.medianMs)}) | ${r.ratio.toFixed(2)} (${(1 / r.ratio).toFixed(1)}×) | ${r.ours.dispatches} / ${r.ours.submits} |`;
}

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
const date = new Date().toISOString().slice(0, 10);
const table = [
  '| case | ours (kernel) | samples × steps | ours median ms (rate) | tfjs-webgpu median ms (rate) | time ours/tfjs (speed-up) | ours dispatches / submits per step |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(markdownRow),
].join('\n');
// The issue's targets: encoder and decoder fwd+bwd ≥ 8× tfjs-webgpu, the GRU cell ≥ 5×.
const targets: [string, number][] = [
  ['encoder fwd+bwd', 8],
  ['decoder fwd+bwd', 8],
  ['GRU cell', 5],
];
const targetLines = targets.flatMap(([prefix, want]) => {
  const row = rows.find((r) => r.case.startsWith(prefix));
  if (!row) return [];
  const got = 1 / row.ratio;
  return [`${prefix}: ${got.toFixed(1)}× tfjs-webgpu (target ≥ ${want}×: ${got >= want ? 'met' : 'not met'})`];
});
console.log(`Machine: ${machine}; ${date}; ${load}. Adapter: ${adapter}. ${seconds.toFixed(0)} s.\n`);
console.log(table);
console.log('');
for (const l of targetLines) console.log(l);

if (!args['no-write'] && !args.only && !args.reps) {
  const root = join(import.meta.dirname, '..', '..');
  mkdirSync(join(root, 'docs', 'benchmarks'), { recursive: true });
  const tfjsVersion = tf.version_core;
  writeFileSync(join(root, 'docs', 'benchmarks', 'webgpu.json'), `${JSON.stringify({ date, machine, load, adapter, tfjs: tfjsVersion, seconds, rows }, null, 2)}\n`);
  const section = `## WebGPU vs tfjs-webgpu

Written by \`pnpm bench\` (tools/bench/peers.ts); raw samples in [benchmarks/webgpu.json](benchmarks/webgpu.json).
\`@dreamer/webgpu\` through the \`@dreamer/tensor\` engine (gradients by \`valueAndGrad\`) against
\`@tensorflow/tfjs-backend-webgpu\` ${tfjsVersion} (gradients by \`tf.valueAndGrads\`, \`WEBGPU_CPU_FORWARD\` off so small
tensors stay on the GPU), both on the same Dawn adapter in one process. The workloads are written op for op
alike (tools/workloads.ts, tools/bench/tfjs.ts): conv layers with bias and relu, VALID padding, stride 2; the
encoder 64×64×3 → 32-64-128-256 (k4), the decoder 1×1×1024 → 128-64-32-3 (k5, k5, k6, k6, transposed); the
GRU is the TF1 GRUBlockCell; a trivial dispatch is a negation of 4 floats. Each side warms up once, then the
sides alternate sample by sample (order flipped each round); a sample runs the stated number of steps and
reads the last output back, so it covers encoding, submission and GPU time. Medians per step; GFLOP/s
counts useful work (conv backward 2× forward, no input gradient for the first layer). "Time ours/tfjs" < 1
means ours is faster; the speed-up is its inverse. Dispatches and submits per step are ours, counted by the
profiler on one extra step. Our matmul kernels: 'subgroup' (kernels/matmulSubgroup.ts, the default on
lavapipe) and 'blocked', the portable kernel (kernels/matmul.ts; its 2 dispatches at 1024³ and 2048³ are
the k-major pack of A and the GEMM). Both sides wait for Dawn in the same process, so both get
@dreamer/webgpu's default 'gentle' Dawn polling (adapter.ts \`setDawnPolling\`: Dawn's poll re-queues sleep
instead of spinning a core that lavapipe's threads need). Machines here are noisy: compare within one run.

Machine: ${machine}; ${date}; ${load}; ${seconds.toFixed(0)} s in all.
Adapter: ${adapter}.

${table}

${targetLines.map((l) => `- ${l}`).join('\n')}
`;
  const docPath = join(root, 'docs', 'benchmarks.md');
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  const at = doc.search(/^## WebGPU vs tfjs-webgpu$/m);
  let next = -1;
  if (at >= 0) {
    const rest = doc.slice(at + 3).search(/^## /m);
    next = rest >= 0 ? at + 3 + rest : -1;
  }
  const updated = at < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, at)}${section}${next >= 0 ? `\n${doc.slice(next)}` : ''}`;
  writeFileSync(docPath, updated);
  console.log(`\nwrote docs/benchmarks/webgpu.json and the "WebGPU vs tfjs-webgpu" section of docs/benchmarks.md`);
}
T.removeBackend('webgpu');
// tfjs-webgpu's dispose does not destroy its device, which would keep Node alive.
process.exit(0);
