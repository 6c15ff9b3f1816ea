// Runs the engine's op suite (packages/tensor/test/suite) on the gpu.js backend registered as
// `name` in `mode`, in f32, printing the mode it ran in. Tolerances as the WebGPU backend's:
// forward rtol/atol 1e-5 (float32 kernels against expectations in double), gradient checks with
// the suite's f32 settings (central differences, h = 1e-2).
import { afterAll, beforeAll } from 'vitest';
import { listBackends, setBackend } from '@dreamer/tensor';
import { opSuite } from '../../tensor/test/suite/index.ts';
import { GpujsBackend, registerGpujs, type GpujsBackendOptions } from '../src/index.ts';

export function gpujsOpSuite(name: string, options: GpujsBackendOptions): void {
  registerGpujs({ ...options, log: false }, name);

  beforeAll(async () => {
    const backend = (await setBackend(name)) as GpujsBackend;
    console.log(`op suite on ${name}: gpu.js ${backend.info.version} in mode '${backend.mode}'`);
    await setBackend('cpu');
  });

  opSuite({
    name,
    label: `${name}/f32`,
    setup() {
      if (!listBackends().includes(name)) throw new Error(`registerGpujs() did not register "${name}"`);
    },
    dtype: 'f32',
    tol: {
      rtol: 1e-5,
      atol: 1e-5,
      grad: { eps: 1e-2, rtol: 1e-2, atol: 1e-3 },
    },
  });

  afterAll(async () => {
    const backend = (await setBackend(name)) as GpujsBackend;
    const { mode, kernelsCompiled, compileMs, launches } = backend.info;
    console.log(`${name} (${mode}): ${kernelsCompiled} kernels compiled in ${Math.round(compileMs)} ms, ${launches} launches`);
    await setBackend('cpu');
  });
}
