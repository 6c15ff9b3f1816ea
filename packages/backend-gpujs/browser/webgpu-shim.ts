// Stands in for the `webgpu` npm module (Dawn's Node bindings) in the browser build: `create`
// returns the browser's navigator.gpu and `globals` its GPU* constant objects.
export function create(_flags: string[]): GPU {
  if (typeof navigator === 'undefined' || !navigator.gpu) throw new Error('navigator.gpu is missing: this browser exposes no WebGPU');
  return navigator.gpu;
}

const g = globalThis as Record<string, unknown>;
export const globals = {
  GPUBufferUsage: g.GPUBufferUsage,
  GPUMapMode: g.GPUMapMode,
  GPUShaderStage: g.GPUShaderStage,
  GPUTextureUsage: g.GPUTextureUsage,
};
