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
  if (!gpu) {
    gpu = create([]);
    if (dawnPolling === 'gentle') installGentlePolling();
  }
  return gpu;
}

/**
 * How the process waits for Dawn. Dawn's Node bindings complete promises (mapAsync,
 * onSubmittedWorkDone, popErrorScope) by polling: while any is pending, a native tick re-queues
 * itself with the global `setImmediate`, so awaiting the GPU keeps the main thread 100 % busy.
 * On lavapipe the "GPU" is a pool of CPU threads, and on a 2-core machine that spinning thread
 * takes a core from them.
 * - 'gentle' (default): after the first 0.2 ms of a wait, each re-poll of Dawn's tick
 *   (recognised as a native function; every other `setImmediate` caller is untouched) first
 *   sleeps on a futex for a tenth of the time waited so far (at least 0.05 ms, at most
 *   `maxSleepMs`, 1 ms), so the thread leaves the CPU to the driver while a wait ends at most
 *   ~10 % + 0.05 ms late. Interleaved at load average ~6,
 *   against spinning: conv encoder fwd+bwd 1.3–2.1× and GRU cell fwd+bwd 1.2–1.5× faster.
 * - 'spin': Dawn's own behaviour.
 * Installed when the GPU object is created; `setDawnPolling` switches it at any time.
 */
export type DawnPolling = 'gentle' | 'spin';
let dawnPolling: DawnPolling = 'gentle';
/**
 * Shared by every copy of this module in the process (test runners re-evaluate modules but keep
 * globals): the wrapper carries the original `setImmediate` and the settings under this key, so
 * it is installed once and removed cleanly.
 */
const POLLING = Symbol.for('@dreamer/webgpu.gentlePolling');
interface PollingState {
  original: typeof setImmediate;
  maxSleepMs: number;
}
const pollingState = (): PollingState | undefined => (globalThis.setImmediate as unknown as Record<symbol, PollingState | undefined>)[POLLING];
let maxSleepMs = 1;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** A wait spins this long before its re-polls sleep (a 1-dispatch read finishes within it when the machine is quiet). */
const SPIN_MS = 0.2;

export function setDawnPolling(mode: DawnPolling, options: { maxSleepMs?: number } = {}): void {
  dawnPolling = mode;
  if (options.maxSleepMs !== undefined) maxSleepMs = options.maxSleepMs;
  const state = pollingState();
  if (state) state.maxSleepMs = maxSleepMs;
  if (mode === 'gentle' && gpu) installGentlePolling();
  if (mode === 'spin' && state) globalThis.setImmediate = state.original;
}

function installGentlePolling(): void {
  // Node only (Atomics.wait may not block a browser's main thread; browsers do not poll like this).
  if (typeof globalThis.setImmediate !== 'function' || typeof process === 'undefined' || !process.versions?.node) return;
  if (pollingState()) return;
  const original = globalThis.setImmediate;
  const state: PollingState = { original, maxSleepMs };
  const nativeSource = Function.prototype.toString;
  // True while one of Dawn's ticks runs: a tick it queues then is a re-poll (sleep first); one
  // queued from other code starts a wait (no sleep, so starting async work never blocks).
  let inTick = false;
  let waitStart = 0;
  // A wait starts when its first tick runs (it may be queued long before, while JS records work).
  let fresh = false;
  const tick = (callback: (...args: unknown[]) => void, args: unknown[]): void => {
    if (fresh) {
      fresh = false;
      waitStart = performance.now();
    }
    inTick = true;
    try {
      callback(...args);
    } finally {
      inTick = false;
    }
  };
  const gentle = function (this: unknown, callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (typeof callback === 'function' && callback.name === '' && nativeSource.call(callback).endsWith('{ [native code] }')) {
      if (!inTick) fresh = true;
      else {
        // Spin for the first SPIN_MS; then sleep a tenth of the time waited so far (0.05 ms at
        // least, maxSleepMs at most): the wait ends at most ~10 % + 0.05 ms late.
        const waited = performance.now() - waitStart;
        if (waited > SPIN_MS) Atomics.wait(sleepCell, 0, 0, Math.min(state.maxSleepMs, Math.max(0.05, waited / 10)));
      }
      return (original as (...a: unknown[]) => NodeJS.Immediate).call(this, tick, callback, args);
    }
    return (original as (...a: unknown[]) => NodeJS.Immediate).call(this, callback, ...args);
  };
  globalThis.setImmediate = Object.assign(gentle, original, { [POLLING]: state }) as typeof setImmediate;
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
