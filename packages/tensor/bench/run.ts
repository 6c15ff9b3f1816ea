/**
 * CPU-backend benchmark suite: `pnpm bench` (or `node bench/run.ts` here).
 * Prints a table and writes docs/benchmarks.md and docs/benchmarks/cpu.json at the repo root.
 * The CPU backend is the reference, not the fast path; its one target is matmul 512³ ≥ 1 GFLOP/s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '../src/index.ts';
import { type Case, type Result, machine, measure } from './harness.ts';

T.setBackendSync('cpu');
const key = T.RandomKey.fromSeed(2026);
const [k1, k2, k3, k4, k5] = key.split(5);

function matmulCase(n: number, repeats: number): Case {
  const a = T.keep(T.randomNormal(k1, [n, n]));
  const b = T.keep(T.randomNormal(k2, [n, n]));
  return { name: `matmul ${n}³ (f32)`, work: 2 * n ** 3, unit: 'GFLOP/s', repeats, run: () => T.matmul(a, b).dispose() };
}

// The Dreamer encoder's second layer at batch 8: [8, 31, 31, 32] ⊛ [4, 4, 32, 64], stride 2, VALID → [8, 14, 14, 64].
const convX = T.keep(T.randomNormal(k3, [8, 31, 31, 32]));
const convW = T.keep(T.randomNormal(k4, [4, 4, 32, 64], { std: 0.05 }));
const convFlops = 2 * 8 * 64 * 14 * 14 * 32 * 4 * 4;

const chainN = 1 << 20;
const chainX = T.keep(T.randomNormal(k5, [chainN]));

const cases: Case[] = [
  matmulCase(256, 7),
  matmulCase(512, 5),
  {
    name: 'conv2d fwd [8,31,31,32]⊛[4,4,32,64] s2',
    work: convFlops,
    unit: 'GFLOP/s',
    repeats: 7,
    run: () => T.conv2d(convX, convW, { strides: 2 }).dispose(),
  },
  {
    // Input and filter gradients, as in training (backward ≈ 2× forward FLOPs).
    name: 'conv2d fwd+bwd, same shape',
    work: 3 * convFlops,
    unit: 'GFLOP/s',
    repeats: 5,
    run: () => {
      const { value, grads } = T.valueAndGrad((p) => T.sum(T.conv2d(p.x, p.w, { strides: 2 })), { x: convX, w: convW });
      T.dispose([value, grads]);
    },
  },
  {
    name: 'elementwise chain tanh(2x+1)·sigmoid(x), 1M',
    work: chainN,
    unit: 'Melem/s',
    repeats: 7,
    run: () => T.tidy(() => T.mul(T.tanh(T.add(T.mul(chainX, 2), 1)), T.sigmoid(chainX))).dispose(),
  },
];

const results: Result[] = [];
for (const c of cases) {
  const r = await measure(c);
  results.push(r);
  console.log(`${r.name.padEnd(46)} median ${r.medianMs.toFixed(1).padStart(8)} ms  min ${r.minMs.toFixed(1).padStart(8)} ms  ${r.rate.toFixed(2).padStart(8)} ${r.unit}`);
}

const target = results.find((r) => r.name.startsWith('matmul 512'))!;
const pass = target.rate >= 1;
console.log(`target matmul 512³ >= 1 GFLOP/s: ${pass ? 'PASS' : 'FAIL'} (${target.rate.toFixed(2)})`);

const m = machine();
const date = new Date().toISOString().slice(0, 10);
const root = join(import.meta.dirname, '..', '..', '..');
mkdirSync(join(root, 'docs', 'benchmarks'), { recursive: true });
writeFileSync(join(root, 'docs', 'benchmarks', 'cpu.json'), `${JSON.stringify({ date, machine: m, backend: 'cpu', results }, null, 2)}\n`);
const rows = results.map((r) => `| ${r.name} | ${r.repeats} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.rate.toFixed(2)} ${r.unit} |`);
writeFileSync(
  join(root, 'docs', 'benchmarks.md'),
  `# Benchmarks

Written by \`pnpm bench\` (packages/tensor/bench/run.ts); raw figures in [benchmarks/cpu.json](benchmarks/cpu.json).
Method: each case runs twice to warm up, then the stated number of repeats; the table gives the median
and the fastest run, and the rate at the median. Results are created and disposed inside each run.
Machines here are noisy (20–40 % between runs minutes apart): compare figures only side by side from one run.

## CPU reference backend (\`@dreamer/tensor\`, pure TypeScript)

Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, ${m.platform}; ${date}.

| case | repeats | median ms | min ms | rate at median |
|---|---|---|---|---|
${rows.join('\n')}

Target: matmul 512³ ≥ 1 GFLOP/s — **${pass ? 'met' : 'missed'}** (${target.rate.toFixed(2)} GFLOP/s). The CPU backend is the
reference every other backend is tested against, not the fast path.
`,
);
T.dispose([convX, convW, chainX]);
process.exitCode = pass ? 0 : 1;
