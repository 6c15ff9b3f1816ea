/**
 * @dreamer/backend-gpujs — the gpu.js backend of @dreamer/tensor. See README.md.
 */
export { GpujsBackend, registerGpujs, type GpujsBackendOptions, type GpujsInfo } from './backend.ts';
export { GpujsRuntime, GPUJS_MODES, PROBE_VALUES, modeOfKernel, verifySinglePrecision, type GpujsMode, type RuntimeOptions } from './runtime.ts';
