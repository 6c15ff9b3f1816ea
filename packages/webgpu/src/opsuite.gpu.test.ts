// The engine's backend-parameterised op suite (packages/tensor/test/suite) on the WebGPU backend,
// in f32. Forward tolerance rtol/atol 1e-5: f32 kernels vs expectations computed in double;
// transcendental builtins on lavapipe are a few ulps off and sums run in a different order.
// Gradient checks use the suite's f32 settings (central differences with h = 1e-2).
import { afterAll } from 'vitest';
import { listBackends, setBackend } from '@dreamer/tensor';
import { opSuite } from '../../tensor/test/suite/index.ts';
import { WebGPUBackend, registerWebGPU } from './index.ts';

registerWebGPU();

opSuite({
  name: 'webgpu',
  setup() {
    if (!listBackends().includes('webgpu')) throw new Error('registerWebGPU() did not register "webgpu"');
  },
  dtype: 'f32',
  tol: {
    rtol: 1e-5,
    atol: 1e-5,
    grad: { eps: 1e-2, rtol: 1e-2, atol: 1e-3 },
  },
});

afterAll(async () => {
  // The engine caches the instance: this returns the device the suite ran on, so destroy it and Node can exit.
  const backend = await setBackend('webgpu');
  if (backend instanceof WebGPUBackend) backend.destroy();
  await setBackend('cpu');
});
