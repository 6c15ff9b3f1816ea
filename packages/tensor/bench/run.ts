/**
 * CPU-backend benchmark suite: `pnpm bench` (or `node bench/run.ts` here).
 * Prints a table and writes docs/benchmarks.md and docs/benchmarks/cpu.json at the repo root.
 * The CPU backend is the reference, not the fast path; its one target is matmul 512³ ≥ 1 GFLOP/s,
 * and the process exits non-zero when it is missed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '../src/index.ts';
import { type Case, type Result, machine, measure } from './harness.ts';
import { compareKernels } from './kernels.ts';

const started = performance.now();
T.setBackendSync('cpu');
const key = T.RandomKey.fromSeed(2026);
const [k1, k2, k3, k4, k5] = key.split(5);
const before = T.memory();

const TARGET = { name: 'matmul 512³ (f32)', gflops: 1 };

function matmulCase(n: number, repeats: number): Case & { inputs: T.Tensor[] } {
  const a = T.keep(T.randomNormal(k1, [n, n]));
  const b = T.keep(T.randomNormal(k2, [n, n]));
  return { name: `matmul ${n}³ (f32)`, work: 2 * n ** 3, unit: 'GFLOP/s', repeats, run: () => T.matmul(a, b).dispose(), inputs: [a, b] };
}

// The Dreamer encoder's second layer at batch 8: [8, 31, 31, 32] ⊛ [4, 4, 32, 64], stride 2, VALID → [8, 14, 14, 64].
const convX = T.keep(T.randomNormal(k3, [8, 31, 31, 32]));
const convW = T.keep(T.randomNormal(k4, [4, 4, 32, 64], { std: 0.05 }));
const convFlops = 2 * 8 * 64 * 14 * 14 * 32 * 4 * 4;

const chainN = 1 << 20;
const chainX = T.keep(T.randomNormal(k5, [chainN]));

const mm256 = matmulCase(256, 15);
const mm512 = matmulCase(512, 9);
const cases: Case[] = [
  mm256,
  mm512,
  {
    name: 'conv2d fwd [8,31,31,32]⊛[4,4,32,64] s2',
    work: convFlops,
    unit: 'GFLOP/s',
    repeats: 11,
    run: () => T.conv2d(convX, convW, { strides: 2 }).dispose(),
  },
  {
    // Input and filter gradients, as in training (backward ≈ 2× forward FLOPs).
    name: 'conv2d fwd+bwd, same shape',
    work: 3 * convFlops,
    unit: 'GFLOP/s',
    repeats: 9,
    run: () => {
      const { value, grads } = T.valueAndGrad((p) => T.sum(T.conv2d(p.x, p.w, { strides: 2 })), { x: convX, w: convW });
      T.dispose([value, grads]);
    },
  },
  {
    name: 'elementwise chain tanh(2x+1)·sigmoid(x), 1M',
    work: chainN,
    unit: 'Melem/s',
    repeats: 9,
    run: () => T.tidy(() => T.mul(T.tanh(T.add(T.mul(chainX, 2), 1)), T.sigmoid(chainX))).dispose(),
  },
];

const targetCell = (r: Result): string => (r.name === TARGET.name ? `≥ ${TARGET.gflops} GFLOP/s: ${r.rate >= TARGET.gflops ? 'PASS' : 'FAIL'}` : '');

console.log(`CPU backend, ${machine().cpu}, Node ${process.version}: warm-up 2, then the repeats; medians`);
console.log(`${'case'.padEnd(46)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)} ${'rate'.padStart(16)}  target`);
const results: Result[] = [];
for (const c of cases) {
  const r = await measure(c);
  results.push(r);
  console.log(`${r.name.padEnd(46)} ${r.medianMs.toFixed(1).padStart(10)} ${r.minMs.toFixed(1).padStart(8)} ${`${r.rate.toFixed(2)} ${r.unit}`.padStart(16)}  ${targetCell(r)}`);
}
T.dispose([convX, convW, chainX, ...mm256.inputs, ...mm512.inputs]);
const after = T.memory();
const leaked = after.tensors - before.tensors;
if (leaked !== 0) console.log(`warning: ${leaked} tensors (${after.bytes - before.bytes} bytes) still live after the suite`);

const target = results.find((r) => r.name === TARGET.name)!;
const pass = target.rate >= TARGET.gflops;

// The same kernels before and after blocking, called directly, interleaved in this process.
const comparisons = compareKernels(9);
console.log('\nold vs new CPU kernels (f32, called directly, 9 interleaved rounds; medians)');
for (const c of comparisons) {
  console.log(`${c.name.padEnd(24)} old ${c.beforeMs.toFixed(1).padStart(7)} ms  new ${c.afterMs.toFixed(1).padStart(7)} ms  ${c.speedup.toFixed(2)}×`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`\ntarget ${TARGET.name} ≥ ${TARGET.gflops} GFLOP/s: ${pass ? 'PASS' : 'FAIL'} (${target.rate.toFixed(2)}); ${seconds.toFixed(0)} s in all`);

const m = machine();
const date = new Date().toISOString().slice(0, 10);
const root = join(import.meta.dirname, '..', '..', '..');
mkdirSync(join(root, 'docs', 'benchmarks'), { recursive: true });
writeFileSync(
  join(root, 'docs', 'benchmarks', 'cpu.json'),
  `${JSON.stringify({ date, machine: m, backend: 'cpu', warmup: 2, results, target: { ...TARGET, rate: target.rate, pass }, kernelComparisons: comparisons }, null, 2)}\n`,
);
const worstDiff = Math.max(...comparisons.map((c) => c.maxRelDiff));
const agreement = worstDiff === 0 ? 'are identical' : `agree to ${worstDiff.toExponential(1)} relative`;
const rows = results.map((r) => `| ${r.name} | ${r.repeats} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.rate.toFixed(2)} ${r.unit} | ${targetCell(r)} |`);
const compareRows = comparisons.map(
  (c) => `| ${c.name} | ${c.beforeMs.toFixed(1)} | ${c.afterMs.toFixed(1)} | ${c.beforeGflops.toFixed(2)} | ${c.afterGflops.toFixed(2)} | ${c.speedup.toFixed(2)}× |`,
);
// Sections written by other benchmarks (any '## ' heading not starting with 'CPU ') are kept.
const docPath = join(root, 'docs', 'benchmarks.md');
const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
const othersAt = previous.search(/^## (?!CPU )/m);
const others = othersAt >= 0 ? `\n${previous.slice(othersAt)}` : '';
writeFileSync(
  docPath,
  `# Benchmarks

Written by \`pnpm bench\` (packages/tensor/bench/run.ts); raw figures in [benchmarks/cpu.json](benchmarks/cpu.json).
Method: each case runs twice to warm up, then the stated number of repeats, timed one by one with
\`performance.now()\`; the table gives the median and the fastest run, and the rate at the median
(matmul 2·M·N·K FLOPs; conv 2·B·Cout·OH·OW·Cin·KH·KW, backward counted as 2× forward; elements
per second for the chain). Cases go through the public API with inputs created once; results are
created and disposed inside each run. Machines here are noisy (20–40 % between runs minutes
apart): compare figures only side by side from one run.

## CPU reference backend (\`@dreamer/tensor\`, pure TypeScript)

Backend: \`cpu\`. Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, ${m.platform}; ${date}.

| case | repeats | median ms | min ms | rate at median | target |
|---|---|---|---|---|---|
${rows.join('\n')}

Target: matmul 512³ ≥ ${TARGET.gflops} GFLOP/s — **${pass ? 'PASS' : 'FAIL'}** (${target.rate.toFixed(2)} GFLOP/s). The CPU backend is the
reference every other backend is tested against, not the fast path.

## CPU kernels before and after blocking

The matmul and conv kernels as they were before packing/blocking (packages/tensor/bench/baseline.ts)
against the current ones (src/cpu/matmul.ts, src/cpu/conv.ts), called directly on the same f32
operands, alternating old/new for ${comparisons[0]?.rounds ?? 0} rounds after 2 warm-ups in the run above; medians, and
speed-up = old median / new median. Both accumulate in float64; their f32 outputs ${agreement}.
\`node bench/compare.ts\` in packages/tensor reruns just this.

| case | old ms | new ms | old GFLOP/s | new GFLOP/s | speed-up |
|---|---|---|---|---|---|
${compareRows.join('\n')}
${others}`,
);
process.exitCode = pass ? 0 : 1;
