// IEEE special values (±0, ±∞, NaN, overflow) of every float op WGSL leaves to the implementation
// (log, exp, sqrt, pow, atan2, sin/cos, …) and of the kernels built on them (logsumexp, softplus,
// the fused distributions), on the WebGPU backend against the CPU reference. The same suite runs
// in Chromium's WebGPU: `pnpm --filter @dreamer/backend-gpujs test:browser:webgpu`.
import { afterAll } from 'vitest';
import { listBackends, setBackend } from '@dreamer/tensor';
import { specialValuesSuite } from '../test/specialValues.ts';
import { WebGPUBackend, registerWebGPU } from './index.ts';

registerWebGPU();

specialValuesSuite({
  name: 'webgpu',
  setup() {
    if (!listBackends().includes('webgpu')) throw new Error('registerWebGPU() did not register "webgpu"');
  },
  dtype: 'f32',
  tol: { rtol: 1e-5, atol: 1e-5, grad: { eps: 1e-2, rtol: 1e-2, atol: 1e-3 } },
});

afterAll(async () => {
  const backend = await setBackend('webgpu');
  if (backend instanceof WebGPUBackend) backend.destroy();
  await setBackend('cpu');
});
