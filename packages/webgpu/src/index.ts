export {
  openAdapter,
  formatAdapter,
  getGPU,
  NO_ADAPTER_HELP,
  NoAdapterError,
  BufferUsage,
  MapMode,
  ShaderStage,
  TextureUsage,
} from './adapter.ts';
export type { AdapterInfo, OpenedAdapter } from './adapter.ts';
export { WebGPUBackend, GpuBuffer, registerWebGPU, sizeClass } from './backend.ts';
export type { MatmulKernel } from './backend.ts';
