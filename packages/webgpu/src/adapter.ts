/**
 * WebGPU adapter discovery on Dawn's Node bindings (npm `webgpu`).
 *
 * Dawn's GPU object (the result of `create([])`) is created once and kept referenced at module
 * level for the life of the process: if it is garbage-collected, Dawn aborts inside `mapAsync`
 * (a futex assertion, `std::system_error` or a segfault). Never drop `gpu` below.
 */
import { create, globals } from 'webgpu';

/** The adapter description `openAdapter` returns. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend (`vulkan`, `metal`, `d3d12`, ...) where the bindings report it (0.6.2 does not). */
  backend?: string;
  /** Subgroup sizes (8 and 8 on lavapipe), where reported. */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  /** True for a CPU implementation such as lavapipe. */
  isFallbackAdapter?: boolean;
}

export interface OpenedAdapter {
  adapter: GPUAdapter;
  info: AdapterInfo;
  /** Feature names, sorted. */
  features: string[];
  /** Every numeric limit the adapter reports, by name. */
  limits: Record<string, number>;
}

/** What to do when no adapter is found; printed by the probe and thrown by `openAdapter`. */
export const NO_ADAPTER_HELP = [
  'No WebGPU adapter found (Dawn, npm `webgpu`, needs a Vulkan loader and a Vulkan driver).',
  'Get one of:',
  '  - a GPU driver with Vulkan support, plus the Vulkan loader (libvulkan1);',
  '  - on Debian 12, Mesa >= 24 lavapipe (Vulkan on the CPU) from bookworm-backports:',
  '      apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1',
  '    (Debian 12\'s own Mesa 22.3 is too old for Dawn);',
  '  - or run `bash tools/setup` from the repository root, which does the above as root on Debian 12.',
].join('\n');

/** Dawn's interface constants (`GPUBufferUsage`, ...): Node has no such globals of its own. */
const dawnGlobals = globals as {
  GPUBufferUsage: typeof GPUBufferUsage;
  GPUMapMode: typeof GPUMapMode;
  GPUShaderStage: typeof GPUShaderStage;
  GPUTextureUsage: typeof GPUTextureUsage;
};
export const BufferUsage = dawnGlobals.GPUBufferUsage;
export const MapMode = dawnGlobals.GPUMapMode;
export const ShaderStage = dawnGlobals.GPUShaderStage;
export const TextureUsage = dawnGlobals.GPUTextureUsage;

/** Thrown by `openAdapter` when Dawn finds no adapter; its message says what to install. */
export class NoAdapterError extends Error {
  constructor() {
    super(NO_ADAPTER_HELP);
    this.name = 'NoAdapterError';
  }
}

// Module-level and never cleared: see the header comment.
let gpu: GPU | undefined;

/** Dawn's GPU object (`navigator.gpu` in a browser), created on first use and kept for good. */
export function getGPU(): GPU {
  gpu ??= create([]);
  return gpu;
}

/** Requests an adapter (plainly: `forceFallbackAdapter` finds nothing with lavapipe) and describes it. */
export async function openAdapter(): Promise<OpenedAdapter> {
  const adapter = await getGPU().requestAdapter();
  if (adapter === null) {
    throw new NoAdapterError();
  }
  return { adapter, info: describeInfo(adapter.info), features: [...adapter.features].sort(), limits: readLimits(adapter.limits) };
}

/** One line: description, vendor/architecture/device, backend. */
export function formatAdapter(opened: OpenedAdapter): string {
  const { info, features } = opened;
  const parts = [info.description || '(no description)'];
  const ids = [info.vendor, info.architecture, info.device].filter((s) => s !== '');
  if (ids.length > 0) parts.push(`[${ids.join(' / ')}]`);
  if (info.backend !== undefined) parts.push(`backend ${info.backend}`);
  if (info.isFallbackAdapter === true) parts.push('fallback (CPU) adapter');
  if (info.subgroupMinSize !== undefined) {
    const max = info.subgroupMaxSize ?? info.subgroupMinSize;
    parts.push(`subgroup size ${info.subgroupMinSize === max ? max : `${info.subgroupMinSize}-${max}`}`);
  }
  parts.push(`${features.length} features`);
  const wg = opened.limits['maxComputeInvocationsPerWorkgroup'];
  if (wg !== undefined) parts.push(`maxComputeInvocationsPerWorkgroup ${wg}`);
  return parts.join(', ');
}

function describeInfo(raw: GPUAdapterInfo): AdapterInfo {
  const info: AdapterInfo = {
    vendor: raw.vendor,
    architecture: raw.architecture,
    device: raw.device,
    description: raw.description,
  };
  const extra = raw as unknown as Record<string, unknown>;
  // Not in the WebGPU spec; some Dawn builds expose it.
  const backend = extra['backendType'] ?? extra['backend'];
  if (typeof backend === 'string' && backend !== '') info.backend = backend;
  if (typeof extra['subgroupMinSize'] === 'number') info.subgroupMinSize = extra['subgroupMinSize'];
  if (typeof extra['subgroupMaxSize'] === 'number') info.subgroupMaxSize = extra['subgroupMaxSize'];
  if (typeof extra['isFallbackAdapter'] === 'boolean') info.isFallbackAdapter = extra['isFallbackAdapter'];
  return info;
}

/** Dawn defines the limits as getters on the prototype: walk the chain for numeric properties. */
function readLimits(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  const source = limits as unknown as Record<string, unknown>;
  for (let o: object | null = limits; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key in out) continue;
      const value = source[key];
      if (typeof value === 'number') out[key] = value;
    }
  }
  return out;
}
