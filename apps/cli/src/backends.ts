/**
 * The tensor backends the CLI can select (`--backend NAME` or `--set backend=NAME`): the CPU
 * reference is built in; 'webgpu' (@dreamer/webgpu, WGSL kernels) and 'gpujs'
 * (@dreamer/backend-gpujs, gpu.js kernels in its best mode here) are loaded only when chosen.
 */
import * as T from '@dreamer/tensor';

export const BACKENDS = ['cpu', 'webgpu', 'gpujs'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** Registers `name` (when it is not the built-in CPU backend) and makes it the current backend. */
export async function useBackend(name: BackendName): Promise<T.Backend> {
  if (name === 'webgpu') (await import('@dreamer/webgpu')).registerWebGPU();
  else if (name === 'gpujs') (await import('@dreamer/backend-gpujs')).registerGpujs();
  return T.setBackend(name);
}
