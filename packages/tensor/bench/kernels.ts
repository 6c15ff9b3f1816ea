/**
 * Before/after timing of the CPU matmul and conv kernels, called directly (no engine). The old
 * kernels (bench/baseline.ts) and the current ones run on the same f32 operands in one process,
 * interleaved round by round (old, new, new, old, …) so that machine noise hits both alike;
 * each gets a median, and the speed-up is the ratio of medians. Results are also checked to agree.
 * Used by bench/run.ts and bench/compare.ts.
 */
import type { Conv2dGeometry, Operand } from '../src/backend.ts';
import type { TypedArray } from '../src/dtype.ts';
import { conv2dBackwardFilter, conv2dBackwardInput, conv2dForward } from '../src/cpu/conv.ts';
import { matmul } from '../src/cpu/matmul.ts';
import { conv2dBackwardFilterBaseline, conv2dBackwardInputBaseline, conv2dForwardBaseline, matmulBaseline } from './baseline.ts';
import { median } from './harness.ts';

type Op = Operand<TypedArray>;

function f32(shape: number[], seed: number): Op {
  const n = shape.reduce((a, b) => a * b, 1);
  const buffer = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buffer[i] = s / 2 ** 32 - 0.5;
  }
  return { buffer, shape, dtype: 'f32' };
}

interface Pair {
  name: string;
  flops: number;
  /** Each returns its result so the two can be compared. */
  before(): Float32Array;
  after(): Float32Array;
}

function matmulPair(n: number): Pair {
  const a = f32([1, n, n], 1);
  const b = f32([1, n, n], 2);
  const run = (f: typeof matmul) => () => {
    const out = new Float32Array(n * n);
    f(a, b, false, false, out);
    return out;
  };
  return { name: `matmul ${n}³`, flops: 2 * n ** 3, before: run(matmulBaseline), after: run(matmul) };
}

// The Dreamer encoder's second layer at batch 8 (the shape bench/run.ts times through the API).
const x = f32([8, 31, 31, 32], 3);
const w = f32([4, 4, 32, 64], 4);
const dy = f32([8, 14, 14, 64], 5);
const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
const convFlops = 2 * 8 * 64 * 14 * 14 * 32 * 4 * 4;

function fwd(f: typeof conv2dForward) {
  return () => {
    const out = new Float32Array(8 * 14 * 14 * 64);
    f(x, w, g, [8, 14, 14, 64], out);
    return out;
  };
}
function bwdInput(f: typeof conv2dBackwardInput) {
  return () => {
    const out = new Float32Array(8 * 31 * 31 * 32);
    f(dy, w, x.shape, g, out);
    return out;
  };
}
function bwdFilter(f: typeof conv2dBackwardFilter) {
  return () => {
    const out = new Float32Array(4 * 4 * 32 * 64);
    f(x, dy, w.shape, g, out);
    return out;
  };
}
function fwdBwd(fw: typeof conv2dForward, bi: typeof conv2dBackwardInput, bf: typeof conv2dBackwardFilter) {
  const [a, b, c] = [fwd(fw), bwdInput(bi), bwdFilter(bf)];
  return () => {
    a();
    b();
    return c();
  };
}

const pairs: Pair[] = [
  matmulPair(256),
  matmulPair(512),
  { name: 'conv2d forward', flops: convFlops, before: fwd(conv2dForwardBaseline), after: fwd(conv2dForward) },
  { name: 'conv2d backward input', flops: convFlops, before: bwdInput(conv2dBackwardInputBaseline), after: bwdInput(conv2dBackwardInput) },
  { name: 'conv2d backward filter', flops: convFlops, before: bwdFilter(conv2dBackwardFilterBaseline), after: bwdFilter(conv2dBackwardFilter) },
  {
    name: 'conv2d fwd + both bwd',
    flops: 3 * convFlops,
    before: fwdBwd(conv2dForwardBaseline, conv2dBackwardInputBaseline, conv2dBackwardFilterBaseline),
    after: fwdBwd(conv2dForward, conv2dBackwardInput, conv2dBackwardFilter),
  },
];

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  return worst;
}

export interface KernelComparison {
  name: string;
  rounds: number;
  beforeMs: number;
  afterMs: number;
  beforeGflops: number;
  afterGflops: number;
  /** beforeMs / afterMs */
  speedup: number;
  /** Largest |new − old| / max(|old|, 1e-3) over the f32 outputs. */
  maxRelDiff: number;
}

export function compareKernels(rounds = 7): KernelComparison[] {
  return pairs.map((p) => {
    const diff = maxRelDiff(p.after(), p.before());
    p.before();
    p.after();
    const tb: number[] = [];
    const ta: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const [f, t] of r % 2 ? ([[p.after, ta], [p.before, tb]] as const) : ([[p.before, tb], [p.after, ta]] as const)) {
        const t0 = performance.now();
        f();
        t.push(performance.now() - t0);
      }
    }
    const [beforeMs, afterMs] = [median(tb), median(ta)];
    return { name: p.name, rounds, beforeMs, afterMs, beforeGflops: p.flops / beforeMs / 1e6, afterGflops: p.flops / afterMs / 1e6, speedup: beforeMs / afterMs, maxRelDiff: diff };
  });
}
