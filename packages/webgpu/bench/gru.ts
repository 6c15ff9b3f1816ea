/**
 * One GRU cell step, forward + backward through the engine's valueAndGrad, on the WebGPU backend:
 * `node bench/gru.ts [rounds] [steps]` in packages/webgpu. The RSSM's cell — 230 inputs → 200
 * units at batch 50 — in three forms, on the same operands in one process, interleaved round by
 * round:
 *   fused      gate math in the backend's fused kernels (the default);
 *   composed   the same fused ops with setFusedKernels(false): primitives, one gradient rule;
 *   primitives the cell written directly in primitives, differentiated primitive by primitive
 *              (@dreamer/nn's cell before the fused ops).
 * Matmuls, concats and bias-gradient sums are the same in all three. A sample runs `steps` steps
 * (each disposing its gradients) and ends with a 4-byte read; figures are medians per step. The
 * backend calls per step (≈ kernel launches) are counted once, and the three forms' gradients are
 * checked to agree. Prints a markdown table; both cell variants (TF1 block, Keras reset-after).
 */
import os from 'node:os';
import {
  type Tensor,
  add,
  concat,
  matmul,
  mul,
  reshape,
  setBackend,
  setFusedKernels,
  sigmoid,
  split,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
} from '@dreamer/tensor';
import { RandomKey } from '@dreamer/tensor';
// By path: @dreamer/webgpu does not depend on @dreamer/nn (both resolve the same @dreamer/tensor).
import { type GRUBlockParams, type GRUKerasParams, glorotUniform, gruCell } from '../../nn/src/index.ts';
import { WebGPUBackend, registerWebGPU } from '../src/index.ts';
import { median, values } from './common.ts';

const rounds = Number(process.argv[2] ?? 11);
const steps = Number(process.argv[3] ?? 10);
const [batch, inputs, units] = [50, 230, 200];

registerWebGPU();
const gpu = (await setBackend('webgpu')) as WebGPUBackend;

type Params = Record<string, Tensor>;
type Form = 'fused' | 'composed' | 'primitives';
const forms: readonly Form[] = ['fused', 'composed', 'primitives'];

/** The pre-fusion cells, verbatim from @dreamer/nn before it used the fused ops. */
const primitiveCells = {
  block(p: Params, x: Tensor, h: Tensor): Tensor {
    const ru = sigmoid(add(matmul(concat([x, h], -1), p.kernel_ru), p.bias_ru));
    const [r, u] = split(ru, 2, -1);
    const c = tanh(add(matmul(concat([x, mul(r, h)], -1), p.kernel_c), p.bias_c));
    return add(c, mul(u, sub(h, c)));
  },
  keras(p: Params, x: Tensor, h: Tensor): Tensor {
    const [bi, br] = split(p.bias, 2, 0);
    const xs = add(matmul(x, p.kernel), reshape(bi, [3 * units]));
    const hs = add(matmul(h, p.recurrent_kernel), reshape(br, [3 * units]));
    const [xz, xr, xh] = split(xs, 3, -1);
    const [hz, hr, hh] = split(hs, 3, -1);
    const z = sigmoid(add(xz, hz));
    const r = sigmoid(add(xr, hr));
    const cand = tanh(add(xh, mul(r, hh)));
    return add(cand, mul(z, sub(h, cand)));
  },
};

const x = tensor(values(batch * inputs, 1), [batch, inputs]);
const h = tensor(values(batch * units, 2), [batch, units]);
const w = tensor(values(batch * units, 3), [batch, units]);

function stepFn(variant: 'block' | 'keras', form: Form): (p: Params) => { value: Tensor; grads: Params } {
  const cell = variant === 'block' ? gruCell(inputs, units) : gruCell(inputs, units, { variant: 'keras', recurrentInit: glorotUniform });
  const apply = form === 'primitives' ? primitiveCells[variant] : (p: Params, xx: Tensor, hh: Tensor) => cell.apply(p as GRUBlockParams & GRUKerasParams, xx, hh);
  return (p) => {
    const was = setFusedKernels(form === 'fused');
    try {
      return valueAndGrad((q: Params) => sum(mul(apply(q, x, h), w)), p);
    } finally {
      setFusedKernels(was);
    }
  };
}

/** Counts backend calls (primitives and fused kernels) made during `fn`. */
function countCalls(fn: () => void): number {
  let calls = 0;
  const target = gpu as unknown as Record<string, unknown>;
  const proto = Object.getPrototypeOf(gpu) as Record<string, unknown>;
  const skip = new Set(['constructor', 'upload', 'read', 'dispose', 'bytesInUse', 'sync', 'destroy', 'stats', 'pooledBytes', 'trimPool']);
  const names = Object.getOwnPropertyNames(proto).filter((n) => !skip.has(n) && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function');
  for (const n of names) {
    const f = proto[n] as (...a: unknown[]) => unknown;
    target[n] = (...a: unknown[]) => {
      calls++;
      return f.apply(gpu, a);
    };
  }
  try {
    fn();
  } finally {
    for (const n of names) delete target[n];
  }
  return calls;
}

async function sample(step: (p: Params) => { value: Tensor; grads: Params }, p: Params): Promise<number> {
  const t0 = performance.now();
  let last: Tensor | null = null;
  for (let s = 0; s < steps; s++) {
    last?.dispose();
    const { value, grads } = step(p);
    for (const g of Object.values(grads)) g.dispose();
    last = value;
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - t0) / steps;
}

async function gradients(step: (p: Params) => { value: Tensor; grads: Params }, p: Params): Promise<Float32Array[]> {
  const { value, grads } = step(p);
  value.dispose();
  const out: Float32Array[] = [];
  for (const g of Object.values(grads)) {
    out.push((await g.data()) as Float32Array);
    g.dispose();
  }
  return out;
}

const rows: string[] = [];
for (const variant of ['block', 'keras'] as const) {
  const cell = variant === 'block' ? gruCell(inputs, units) : gruCell(inputs, units, { variant: 'keras', recurrentInit: glorotUniform });
  const p = cell.init(RandomKey.fromSeed(1)) as Params;
  const stepOf = Object.fromEntries(forms.map((f) => [f, stepFn(variant, f)])) as Record<Form, (p: Params) => { value: Tensor; grads: Params }>;
  const calls = Object.fromEntries(
    forms.map((f) => [f, countCalls(() => {
      const { value, grads } = stepOf[f](p);
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    })]),
  ) as Record<Form, number>;
  const ref = await gradients(stepOf.primitives, p);
  let worst = 0;
  for (const f of ['fused', 'composed'] as const) {
    const got = await gradients(stepOf[f], p);
    got.forEach((g, k) => {
      const scale = ref[k].reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - ref[k][i]) / scale);
    });
  }
  for (const f of forms) await sample(stepOf[f], p);
  const times: Record<Form, number[]> = { fused: [], composed: [], primitives: [] };
  for (let r = 0; r < rounds; r++) for (const f of r % 2 ? [...forms].reverse() : forms) times[f].push(await sample(stepOf[f], p));
  const med = Object.fromEntries(forms.map((f) => [f, median(times[f])])) as Record<Form, number>;
  const cellLabel = variant === 'block' ? 'GRUBlockCell (reset-before)' : 'Keras GRUCell (reset-after)';
  const col = (f: Form) => `${med[f].toFixed(2)} (${calls[f]})`;
  rows.push(
    `| ${cellLabel} ${inputs}→${units}, batch ${batch} | ${rounds}×${steps} | ${col('fused')} | ${col('composed')} | ${col('primitives')} | ${(med.composed / med.fused).toFixed(2)}× / ${(med.primitives / med.fused).toFixed(2)}× | ${worst.toExponential(1)} |`,
  );
  for (const t of Object.values(p)) t.dispose();
}

console.log(`Machine: ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.\n`);
console.log('| cell | rounds×steps | fused ms (calls) | composed ms (calls) | primitives ms (calls) | speed-up vs composed / primitives | max rel. grad diff |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
for (const t of [x, h, w]) t.dispose();
gpu.destroy();
