export {
  openAdapter,
  formatAdapter,
  getGPU,
  setDawnPolling,
  NO_ADAPTER_HELP,
  NoAdapterError,
  BufferUsage,
  MapMode,
  ShaderStage,
  TextureUsage,
} from './adapter.ts';
export type { AdapterInfo, DawnPolling, OpenedAdapter } from './adapter.ts';
export { WebGPUBackend, GpuBuffer, registerWebGPU, sizeClass } from './backend.ts';
export type { ConvKernel, MatmulKernel, WebGPUBackendOptions } from './backend.ts';
export { formatProfile } from './profileTable.ts';
export type { Profile, KernelStats, PhaseStats } from './profileTable.ts';
export type { LaunchCost, ProfileTiming } from './profiler.ts';
