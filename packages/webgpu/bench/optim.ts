/**
 * One optimiser step on the WebGPU backend: `node bench/optim.ts [rounds] [steps]` in
 * packages/webgpu. Global-norm clipping at 100 then Adam (@dreamer/nn's clipByGlobalNorm and
 * adam) over the leaves of the RSSM (GRU block cell 230→200, its input layer, the prior and
 * posterior layers: 14 tensors, 0.58 M values), with the fused kernels (one sumOfSquares pass
 * over all leaves, one adamUpdate per leaf) and composed (setFusedKernels(false)), interleaved
 * round by round. A sample runs `steps` steps and ends with a 4-byte read; medians per step.
 */
import os from 'node:os';
import { type Tensor, dispose, setBackend, setFusedKernels, tensor } from '@dreamer/tensor';
// By path: @dreamer/webgpu does not depend on @dreamer/nn (both resolve the same @dreamer/tensor).
import { adam, clipByGlobalNorm } from '../../nn/src/index.ts';
import { WebGPUBackend, registerWebGPU } from '../src/index.ts';
import { median, values } from './common.ts';

const rounds = Number(process.argv[2] ?? 11);
const steps = Number(process.argv[3] ?? 10);

registerWebGPU();
const gpu = (await setBackend('webgpu')) as WebGPUBackend;

const shapes: Record<string, number[]> = {
  'img1.kernel': [36, 200], 'img1.bias': [200],
  'gru.kernel_ru': [430, 400], 'gru.bias_ru': [400], 'gru.kernel_c': [430, 200], 'gru.bias_c': [200],
  'img2.kernel': [200, 200], 'img2.bias': [200], 'prior.kernel': [200, 60], 'prior.bias': [60],
  'obs1.kernel': [1224, 200], 'obs1.bias': [200], 'post.kernel': [200, 60], 'post.bias': [60],
};
const make = (seed: number): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, tensor(values(s.reduce((a, b) => a * b, 1), seed + i), s)]));

const opt = adam({ lr: 6e-4 });
const grads = make(100);
let params = make(1);
let state = opt.init(params);
const count = Object.values(params).reduce((n, t) => n + t.size, 0);

async function sample(fused: boolean): Promise<number> {
  const was = setFusedKernels(fused);
  const t0 = performance.now();
  let norm: Tensor | null = null;
  for (let s = 0; s < steps; s++) {
    norm?.dispose();
    const clipped = clipByGlobalNorm(grads, 100);
    const next = opt.update(clipped.grads, state, params);
    dispose([clipped.grads, params, state.m, state.v]);
    ({ params, state } = next);
    norm = clipped.norm;
  }
  await norm!.data();
  norm!.dispose();
  setFusedKernels(was);
  return (performance.now() - t0) / steps;
}

const times: Record<'fused' | 'composed', number[]> = { fused: [], composed: [] };
await sample(true);
await sample(false);
for (let r = 0; r < rounds; r++) {
  for (const fused of r % 2 ? [false, true] : [true, false]) times[fused ? 'fused' : 'composed'].push(await sample(fused));
}
const f = median(times.fused);
const c = median(times.composed);
console.log(`Machine: ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.\n`);
console.log('| step | rounds×steps | fused ms | composed ms | speed-up |');
console.log('|---|---|---|---|---|');
console.log(`| clipByGlobalNorm(100) + Adam, ${Object.keys(shapes).length} leaves, ${(count / 1e6).toFixed(2)} M values | ${rounds}×${steps} | ${f.toFixed(2)} | ${c.toFixed(2)} | ${(c / f).toFixed(2)}× |`);
dispose([grads, params, state.m, state.v]);
gpu.destroy();
