/**
 * The WebGPU backend of @dreamer/tensor.
 *
 * Execution model: a kernel launch is plain data — { kernel name, pipeline (cached by WGSL source),
 * bind group entries, workgroup counts } — recorded into one pending command encoder and one open
 * compute pass; launches are submitted in batches (every MAX_BATCH launches, or when a read needs
 * the results). The GPU is read back only when `read()` is awaited: flush, copy into a MAP_READ
 * staging buffer, mapAsync, and copy out of the mapped range directly.
 *
 * Memory: every element is 4 bytes on the GPU — f32, i32, and bool stored as u32 0/1 (converted
 * to/from Uint8Array on upload and read). f64 is not supported. Buffers are rounded up to a size
 * class (four steps per power of two, ≥ 16 bytes), and may be as big as maxBufferSize: a buffer
 * bigger than a storage binding may be (maxStorageBufferBindingSize) is bound in windows, and the
 * ops on it run as several launches, each on windows that fit (windows.ts plans them; each op
 * family's split is described where it launches). A disposed buffer can at once become the
 * output of a later launch of the same batch (launches run in recording order, so its last
 * readers are done before it is overwritten) — this keeps the buffers a repeated step gets the
 * same from one step to the next, whatever the batch boundaries, so cached bind groups hit. It is
 * not handed to `upload`, whose `writeBuffer` runs before the batch is submitted: there it waits
 * until the launches recorded before its disposal were submitted, then goes to the pool of its
 * size class (the queue runs submissions in order, and `writeBuffer` into a pooled buffer is
 * ordered after those submissions).
 *
 * Errors: pipeline creation runs inside validation error scopes, every submit inside validation
 * and out-of-memory scopes, and the device's uncapturederror / lost are recorded; the next launch
 * or read throws an Error naming the kernels involved — never silent zeros.
 */
import type {
  ActivationOp,
  AdamHyper,
  ArgReduceOp,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DistributionOp,
  DType,
  Operand,
  RandomDist,
  ReduceOp,
  ScanOp,
  Shape,
  TypedArray,
  UnaryOp,
} from '@dreamer/tensor';
import { registerBackend } from '@dreamer/tensor';
import { BufferUsage, MapMode, openAdapter } from './adapter.ts';
import { WrapperBudget } from './collect.ts';
import type { BroadcastMode } from './kernels/binary.ts';
import { WG } from './kernels/common.ts';
import { backwardFilterPlan, backwardInputPlan, forwardLaunches, type ConvGemmKernel } from './convPlans.ts';
import { gridChunks } from './grid.ts';
import { type Box, WINDOW_ALIGN, planBoxes, planRows } from './windows.ts';
import { type PortableAMode, type PortableBMode, portableTileN } from './kernels/matmul.ts';
import { SUBGROUP_TILE_M, SUBGROUP_TILE_N, type SubgroupAMode, type SubgroupBMode } from './kernels/matmulSubgroup.ts';
import {
  activationBackwardWGSL,
  activationWGSL,
  argReduceWGSL,
  binaryWGSL,
  castWGSL,
  concatWGSL,
  conv2dBackwardFilterWGSL,
  conv2dBackwardInputWGSL,
  conv2dWGSL,
  copyWGSL,
  fillWGSL,
  gatherWGSL,
  matmulBlocked4x4WGSL,
  matmulPortableWGSL,
  matmulSubgroupWGSL,
  packKMajorWGSL,
  packWGSL,
  randomWGSL,
  reduceWGSL,
  scanWGSL,
  scatterAddWGSL,
  sumSlicesWGSL,
  unaryWGSL,
  whereWGSL,
} from './wgsl.ts';
import * as fused from './fused.ts';
import { type LaunchCost, type ProfileTiming, Profiler, convCost, elementwiseCost, matmulCost } from './profiler.ts';
import type { Profile } from './profileTable.ts';

/** A buffer of this backend: a pooled GPUBuffer and the number of elements it holds. */
export class GpuBuffer {
  readonly buffer: GPUBuffer;
  /** Bytes of the underlying (size-class) GPUBuffer. */
  readonly capacity: number;
  /** Elements (4 bytes each). */
  readonly size: number;
  disposed = false;
  /** The batch whose launches last wrote this buffer (-1: only uploaded). */
  writtenIn = -1;
  constructor(buffer: GPUBuffer, capacity: number, size: number) {
    this.buffer = buffer;
    this.capacity = capacity;
    this.size = size;
  }
}

/**
 * A window of a buffer: `size` elements from element `offset` (a multiple of WINDOW_ALIGN), bound
 * as a launch's operand where the whole buffer is bigger than a storage binding may be.
 */
export class GpuWindow {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly size: number;
  constructor(buffer: GpuBuffer, offset: number, size: number) {
    this.buffer = buffer;
    this.offset = offset;
    this.size = size;
  }
}

/** A launch operand: a whole buffer, or a window of one. */
export type Binding = GpuBuffer | GpuWindow;
const baseOf = (b: Binding): GpuBuffer => (b instanceof GpuWindow ? b.buffer : b);

/** A chunk of rows of a split launch (`#planRows`); `run(fn)` records it, fn getting the chunk's bindings. */
interface RowPlan {
  readonly r0: number;
  readonly rows: number;
  run(fn: (bind: Binding[]) => void): void;
}

/** Options of `WebGPUBackend.create`. */
export interface WebGPUBackendOptions {
  /**
   * Bytes a storage binding may hold, below the device's maxStorageBufferBindingSize (rounded down
   * to a multiple of 256): for tests, so that ops split into windowed launches at small sizes.
   */
  maxBindingBytes?: number;
  /**
   * Bind groups (cached or dropped) left for V8 to collect before a full GC is forced (default
   * BIND_GROUP_BUDGET): Dawn frees a bind group only when its wrapper is collected (collect.ts).
   */
  bindGroupBudget?: number;
}

/** Launches recorded before a flush is forced. */
const MAX_BATCH = 64;
/** Distinct parameter blocks kept as GPU buffers (oldest evicted first). */
const PARAM_CACHE = 2048;
/** Bind groups kept for reuse (oldest evicted first). */
const BIND_GROUP_CACHE = 16384;
/**
 * Bind groups not yet collected before a GC is forced (collect.ts): on lavapipe each holds an
 * mmap, and past vm.max_map_count (65530) the process segfaults.
 */
const BIND_GROUP_BUDGET = 16384;
/** Reductions at least this long use a workgroup per output element. */
const TREE_REDUCE_MIN = 256;
const MAX_GROUPS = 65535;
/**
 * The subgroup matmul packs an unaligned or transposed A when at least this many column tiles
 * re-read it and the product has at least PACK_A_MIN_MACS multiply-adds: below, the pack launch
 * costs more than the scalar loads it saves (the GRU cell's 50×430×400 products ran ~9 % faster
 * per step unpacked).
 */
export const PACK_A_MIN_TILES = 8;
export const PACK_A_MIN_MACS = 1 << 24;
/**
 * The portable matmul packs an operand its fast (k-major vec4) mode cannot read in place when the
 * product has at least this many multiply-adds (M·N·K): below, the pack launch costs more than the
 * scalar loads it saves.
 */
export const PORTABLE_PACK_MIN_MACS = 1 << 22;
const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Rounds a byte count up to a size class: 16 bytes at least, then 4 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 16) return 16;
  const p = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(4, p / 4);
  return Math.ceil(bytes / step) * step;
}

interface Pipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Distinguishes pipelines in bind-group cache keys. */
  id: number;
  /** Set (asynchronously) when creation failed; later launches of it throw at once. */
  error: Error | null;
}

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const stridesOf = (shape: Shape): number[] => {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
};
const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
/** Strides of `inShape` read as broadcast to `outShape` (0 on repeated axes). */
function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < lead || inShape[i - lead] === 1 ? 0 : own[i - lead]));
}
/**
 * Collapses a strided iteration space: drops size-1 dimensions and merges dimension i into i+1
 * wherever every stride list is contiguous across them (stride[i] = stride[i+1]·shape[i+1]), so
 * the index arithmetic (compiled per rank) does as few divisions as possible. Returns the new
 * shape and stride lists (same enumeration order).
 */
export function mergeDims(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
  const keep = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const i of keep) {
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, j) => outStrides[j][last] === s[i] * shape[i])) {
      outShape[last] *= shape[i];
      strides.forEach((s, j) => (outStrides[j][last] = s[i]));
    } else {
      outShape.push(shape[i]);
      strides.forEach((s, j) => outStrides[j].push(s[i]));
    }
  }
  return [outShape, outStrides];
}

function splitAt(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}
function f32Bits(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0];
}

type Op = Operand<GpuBuffer>;

/**
 * Which f32 matmul kernel runs: 'auto' picks 'subgroup' where the device supports it, else
 * 'blocked' (the portable kernel); 'blocked4x4' is the previous portable kernel, kept as the
 * baseline of bench/matmul.ts (convolutions treat it as 'blocked').
 */
export type MatmulKernel = 'auto' | 'blocked' | 'subgroup' | 'blocked4x4';
/**
 * Which conv kernels run: 'auto' follows `matmulKernel`; 'direct' forces the thread-per-output
 * kernels of kernels/conv.ts (kept as the baseline of bench/conv.ts).
 */
export type ConvKernel = MatmulKernel | 'direct';

export class WebGPUBackend implements Backend<GpuBuffer> {
  readonly name = 'webgpu';
  readonly dtypes: readonly DType[] = ['f32', 'i32', 'bool'];
  readonly device: GPUDevice;
  /** Bytes one storage binding may hold (maxStorageBufferBindingSize, or less for tests). */
  readonly #maxBinding: number;
  /** Bytes one buffer may hold (maxBufferSize, rounded down to 4). */
  readonly #maxBuffer: number;
  readonly #pipelines = new Map<string, Pipeline>();
  readonly #pool = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;
  /**
   * Most bytes the pool keeps (default: no limit); a released buffer beyond it is destroyed. The pool
   * reached 15 GB during one default-size Dreamer step (5 GB live at most): each phase frees buffers of
   * size classes the next one does not ask for. But a 2 GiB limit made that step's footprint larger,
   * not smaller, on lavapipe (destroyed buffers are freed only later, and replacements are created
   * meanwhile), so the default stays unbounded; `trimPool()` between steps frees the pool. 0 turns
   * pooling off.
   */
  poolLimit = Number.POSITIVE_INFINITY;
  /** Buffers disposed in the open batch, by size class: reusable as launch outputs at once, pooled at the submit. */
  readonly #recycled = new Map<number, GPUBuffer[]>();
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #batch: string[] = [];
  #pendingErrors: Promise<Error | null>[] = [];
  /** Device loss: sticky. */
  #fatal: Error | null = null;
  /** The first validation/OOM error since the last throw: thrown once by the next launch or read. */
  #error: Error | null = null;
  #bytes = 0;
  /** Live (allocated, not disposed) buffers of this backend. */
  #liveBuffers = 0;
  #destroyed = false;
  /** The open batch's serial number (incremented by each submit). */
  #serial = 0;
  /**
   * Batches whose submit failed validation/OOM: their command buffer never ran, so every buffer
   * written from that batch up to the one open when the failure was reported (conservatively)
   * holds garbage; reading it or launching on it throws instead of returning stale data.
   */
  #lost: { from: number; to: number; error: Error }[] = [];
  /**
   * True when the device has the 'subgroups' feature and the adapter's subgroup size is exactly 8
   * (lavapipe): the subgroup-broadcast matmul (kernels/matmulSubgroup.ts) can run.
   */
  readonly subgroupMatmul: boolean;
  /**
   * The f32 matmul kernel: 'auto' (default) uses 'subgroup' when `subgroupMatmul`, else 'blocked'.
   * Forcing 'subgroup' without support throws at the matmul. i32 always uses 'blocked' (or
   * 'blocked4x4' when that is forced). With
   * convKernel 'auto' the same setting picks the conv kernels.
   */
  matmulKernel: MatmulKernel = 'auto';
  /**
   * The conv kernels: 'subgroup' = implicit GEMMs on the subgroup tiling (where supported),
   * 'blocked' = the portable register-blocked implicit GEMMs, 'direct' = the thread-per-output
   * kernels of kernels/conv.ts; 'auto' (default) follows matmulKernel.
   */
  convKernel: ConvKernel = 'auto';
  /** True when the device has 'timestamp-query': profiles then time each dispatch on the GPU. */
  readonly timestampQuery: boolean;
  /** The open profile (null: profiling off, and launches pay one null check). */
  #profiler: Profiler | null = null;
  /**
   * Launch-cost caches. On lavapipe under Dawn a createBindGroup costs ~50 µs and a params
   * writeBuffer ~10 µs of JS-thread time, more than a small kernel runs; a training step repeats
   * the same launches on the same pooled buffers, so both are cached: parameter blocks as small
   * immutable GPU buffers keyed by their words, bind groups keyed by pipeline and buffers (ids of
   * the underlying GPUBuffers, which the pool hands out again). A destroyed buffer drops the bind
   * groups that use it; evicted parameter buffers are destroyed after the next submit.
   */
  readonly #paramBuffers = new Map<string, GPUBuffer>();
  readonly #bindGroups = new Map<string, { group: GPUBindGroup; ids: number[] }>();
  readonly #bindGroupsOf = new Map<number, Set<string>>();
  readonly #bufferIds = new WeakMap<GPUBuffer, number>();
  #nextBufferId = 1;
  #retired: GPUBuffer[] = [];
  /** Every bind group made, until V8 collects it: forces a GC when too many wait (collect.ts). */
  readonly #bindGroupBudget: WrapperBudget;

  private constructor(device: GPUDevice, subgroupMatmul = false, options: WebGPUBackendOptions = {}) {
    this.device = device;
    this.subgroupMatmul = subgroupMatmul;
    this.timestampQuery = device.features.has('timestamp-query');
    const deviceBinding = device.limits.maxStorageBufferBindingSize;
    const wanted = options.maxBindingBytes ?? deviceBinding;
    if (!(wanted >= 1024)) throw new RangeError(`webgpu: maxBindingBytes must be at least 1024 (got ${wanted})`);
    this.#maxBinding = Math.floor(Math.min(wanted, deviceBinding) / 256) * 256;
    this.#maxBuffer = Math.floor(Math.max(device.limits.maxBufferSize, this.#maxBinding) / 4) * 4;
    this.#bindGroupBudget = new WrapperBudget(options.bindGroupBudget ?? BIND_GROUP_BUDGET);
    const onError = (ev: Event): void => {
      const error = (ev as GPUUncapturedErrorEvent).error;
      this.#error ??= new Error(`webgpu: device error: ${error?.message ?? String(error)}`);
    };
    const target = device as unknown as { addEventListener?: (t: string, f: (ev: Event) => void) => void; onuncapturederror?: unknown };
    if (typeof target.addEventListener === 'function') target.addEventListener('uncapturederror', onError);
    else target.onuncapturederror = onError;
    void device.lost.then((info) => {
      if (!this.#destroyed) this.#fatal ??= new Error(`webgpu: device lost (${info.reason}): ${info.message}`);
    });
  }

  /**
   * Opens the adapter and a device with the adapter's buffer and storage-buffer limits, and the
   * 'subgroups' feature when the adapter has it (the fast matmul also needs a subgroup size of
   * exactly 8). `options.maxBindingBytes` lowers the binding limit the ops plan for (tests).
   */
  static async create(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
    const { adapter, info } = await openAdapter();
    const hasSubgroups = adapter.features.has('subgroups');
    const requiredFeatures: GPUFeatureName[] = hasSubgroups ? ['subgroups' as GPUFeatureName] : [];
    // Costs nothing until a profile asks for timestamps.
    if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        // Fused backward kernels bind up to 9 buffers; with fewer they split into more launches (fused.ts).
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      },
    });
    const size8 = info.subgroupMinSize === 8 && (info.subgroupMaxSize ?? 8) === 8;
    return new WebGPUBackend(device, hasSubgroups && device.features.has('subgroups') && size8, options);
  }

  /** Bytes one storage binding may hold: bigger tensors are bound in windows of at most this. */
  get maxBindingBytes(): number {
    return this.#maxBinding;
  }

  /** Destroys the device (Dawn keeps Node alive until then). The backend is unusable afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#encoder = null;
    this.#pass = null;
    for (const list of this.#pool.values()) for (const b of list) b.destroy();
    this.#pool.clear();
    this.#pooledBytes = 0;
    this.device.destroy();
  }

  // ---- memory -------------------------------------------------------------------------

  /** A buffer for `size` elements; `forUpload`: one no launch of the open batch may still read. */
  #alloc(size: number, forUpload = false): GpuBuffer {
    const bytes = size * 4;
    if (bytes > this.#maxBuffer) {
      throw new RangeError(`webgpu: a buffer of ${size} elements (${bytes} bytes) exceeds maxBufferSize (${this.#maxBuffer} bytes)`);
    }
    // A buffer that fits a binding keeps a size class that does (it is bound whole, without a size).
    const cls = Math.min(sizeClass(bytes), bytes <= this.#maxBinding ? this.#maxBinding : this.#maxBuffer);
    let buffer = forUpload ? undefined : this.#recycled.get(cls)?.pop();
    if (!buffer) {
      buffer = this.#pool.get(cls)?.pop();
      if (buffer) this.#pooledBytes -= buffer.size;
    }
    buffer ??= this.device.createBuffer({ size: cls, usage: STORAGE_USAGE });
    this.#bytes += cls;
    this.#liveBuffers++;
    return new GpuBuffer(buffer, cls, size);
  }

  #release(buffer: GPUBuffer): void {
    const list = this.#recycled.get(buffer.size);
    if (list) this.#insertById(list, buffer);
    else this.#recycled.set(buffer.size, [buffer]);
  }

  /**
   * Inserts a free buffer into a list kept in descending id order, so pop() hands out the lowest
   * id: which buffers an allocation gets then depends only on which are free, not on the order
   * they were freed in, and a repeated training step gets the same buffers as the last time,
   * so its cached bind groups hit.
   */
  #insertById(list: GPUBuffer[], buffer: GPUBuffer): void {
    const id = this.#bufferId(buffer);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#bufferId(list[mid]) > id) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, buffer);
  }

  upload(values: TypedArray, dtype: DType): GpuBuffer {
    this.#check();
    let data: Float32Array | Int32Array | Uint32Array;
    if (dtype === 'bool') data = Uint32Array.from(values as Uint8Array, (v) => (v ? 1 : 0));
    else if (dtype === 'f32') data = values instanceof Float32Array ? values : Float32Array.from(values);
    else if (dtype === 'i32') data = values instanceof Int32Array ? values : Int32Array.from(values);
    else throw new TypeError('webgpu: f64 is not supported (dtypes: f32, i32, bool)');
    const out = this.#alloc(values.length, true);
    if (data.length > 0) this.device.queue.writeBuffer(out.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return out;
  }

  async read(buffer: GpuBuffer, dtype: DType, size: number): Promise<TypedArray> {
    if (this.#destroyed) throw new Error('webgpu: the backend was destroyed');
    if (this.#fatal) throw this.#fatal;
    if (buffer.disposed) throw new Error('webgpu: read of a disposed buffer');
    const bytes = size * 4;
    this.counters.reads++;
    const staging = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.#endPass();
    if (bytes > 0) this.#encoder!.copyBufferToBuffer(buffer.buffer, 0, staging, 0, bytes);
    this.#flush('read');
    try {
      await this.#drainErrors();
      await staging.mapAsync(MapMode.READ, 0, Math.max(16, bytes));
      await this.#drainErrors();
      const lost = this.#lostError(buffer);
      if (lost) throw new Error(`webgpu: this buffer's contents were lost: ${lost.message}`);
      const mapped = staging.getMappedRange(0, Math.max(16, bytes));
      let out: TypedArray;
      if (dtype === 'bool') {
        out = new Uint8Array(size);
        out.set(new Uint32Array(mapped, 0, size));
      } else if (dtype === 'i32') {
        out = new Int32Array(size);
        out.set(new Int32Array(mapped, 0, size));
      } else {
        out = new Float32Array(size);
        out.set(new Float32Array(mapped, 0, size));
      }
      staging.unmap();
      return out;
    } finally {
      staging.destroy();
    }
  }

  dispose(buffer: GpuBuffer): void {
    if (buffer.disposed) return;
    buffer.disposed = true;
    this.#bytes -= buffer.capacity;
    this.#liveBuffers--;
    this.#release(buffer.buffer);
  }

  /** Bytes of live buffers (their size classes; pooled free buffers are not counted). */
  bytesInUse(): number {
    return this.#bytes;
  }

  /** Bytes held by free buffers in the pool (reusable, not yet returned to the driver). */
  pooledBytes(): number {
    return this.#pooledBytes;
  }

  /**
   * Memory counters for leak tests: live buffers (allocated and not disposed), free buffers in
   * the pool and their bytes, and bytes of live buffers (as `bytesInUse`). Disposed buffers still
   * waiting for their batch's submit are in neither count.
   */
  stats(): { liveBuffers: number; pooledBuffers: number; pooledBytes: number; bytesInUse: number } {
    let pooledBuffers = 0;
    for (const list of this.#pool.values()) pooledBuffers += list.length;
    return { liveBuffers: this.#liveBuffers, pooledBuffers, pooledBytes: this.pooledBytes(), bytesInUse: this.#bytes };
  }

  /**
   * Launch counters since creation, for finding launch overhead: launches recorded, submits,
   * reads (each waits for the GPU), and bind groups and parameter buffers created (cache misses).
   */
  readonly counters = { launches: 0, submits: 0, reads: 0, bindGroupsCreated: 0, paramBuffersCreated: 0 };

  /** Destroys every pooled free buffer (buffers still waiting for a submit stay until the next one). */
  trimPool(): void {
    for (const list of this.#pool.values()) for (const b of list) this.#destroyBuffer(b);
    this.#pool.clear();
    this.#pooledBytes = 0;
  }

  // ---- launching ----------------------------------------------------------------------

  #check(): void {
    if (this.#destroyed) throw new Error('webgpu: the backend was destroyed');
    if (this.#fatal) throw this.#fatal;
    const error = this.#error;
    if (error) {
      this.#error = null;
      throw error;
    }
  }

  /** popErrorScope, never rejecting (it rejects once the device is destroyed). */
  #popScope(): Promise<GPUError | null> {
    return this.device.popErrorScope().catch(() => null);
  }

  #pipeline(name: string, code: string): Pipeline {
    let p = this.#pipelines.get(code);
    if (p) {
      if (p.error) throw p.error;
      return p;
    }
    this.device.pushErrorScope('internal');
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: name, code });
    const pipeline = this.device.createComputePipeline({ label: name, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const layout = pipeline.getBindGroupLayout(0);
    const made: Pipeline = { pipeline, layout, id: this.#pipelines.size + 1, error: null };
    const failed = (e: GPUError | null): Error | null => {
      if (!e) return null;
      made.error ??= new Error(`webgpu: kernel ${name} failed to compile: ${e.message}`);
      return made.error;
    };
    this.#pendingErrors.push(this.#popScope().then(failed), this.#popScope().then(failed));
    p = made;
    this.#pipelines.set(code, p);
    return p;
  }

  /** Workgroup counts for `n` threads in 1-D groups of WG: ≤ 65535 per dimension. */
  static grid(groups: number): [number, number, number] {
    if (groups <= MAX_GROUPS) return [Math.max(1, groups), 1, 1];
    const y = Math.ceil(groups / MAX_GROUPS);
    if (y > MAX_GROUPS) throw new RangeError(`webgpu: ${groups} workgroups exceed 65535²`);
    return [Math.ceil(groups / y), y, 1];
  }

  /**
   * Records one launch: params (u32 words; P[0] is usually the thread count), buffers (or windows)
   * bound at 1.., and workgroup counts. `name` labels errors.
   */
  #launch(name: string, code: string, params: readonly number[], buffers: readonly Binding[], groups: [number, number, number], outputs = 1, cost?: LaunchCost): void {
    const { pipeline, layout, id } = this.#pipeline(name, code);
    this.#check();
    for (const b of buffers) {
      const lost = this.#lostError(baseOf(b));
      if (lost) throw new Error(`webgpu: an input of ${name} was lost: ${lost.message}`);
    }
    for (const b of buffers.slice(buffers.length - outputs)) baseOf(b).writtenIn = this.#serial;
    const bindGroup = this.#bindGroup(name, id, layout, this.#paramsBuffer(params), buffers);
    if (!this.#encoder) this.#encoder = this.device.createCommandEncoder();
    const prof = this.#profiler;
    if (!this.#pass) this.#pass = this.#encoder.beginComputePass(prof?.dispatch(name, cost));
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, bindGroup);
    this.#pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.counters.launches++;
    this.#batch.push(name);
    if (prof) {
      if (prof.submitEach) this.#flush('profile');
      else this.#endPass();
    }
    if (this.#batch.length >= MAX_BATCH) this.#flush('batch');
  }

  #bufferId(b: GPUBuffer): number {
    let id = this.#bufferIds.get(b);
    if (id === undefined) {
      id = this.#nextBufferId++;
      this.#bufferIds.set(b, id);
    }
    return id;
  }

  /** The immutable GPU buffer holding these parameter words (created and written on first use). */
  #paramsBuffer(params: readonly number[]): GPUBuffer {
    const words = Uint32Array.from(params, (v) => v >>> 0);
    const key = words.join(',');
    let buffer = this.#paramBuffers.get(key);
    if (buffer) return buffer;
    buffer = this.device.createBuffer({ size: Math.max(16, Math.ceil(words.length / 4) * 16), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    this.counters.paramBuffersCreated++;
    if (words.length > 0) this.device.queue.writeBuffer(buffer, 0, words);
    if (this.#paramBuffers.size >= PARAM_CACHE) {
      const [oldKey, old] = this.#paramBuffers.entries().next().value!;
      this.#paramBuffers.delete(oldKey);
      this.#dropBindGroupsOf(old);
      // Launches recorded in the open batch may still use it.
      this.#retired.push(old);
    }
    this.#paramBuffers.set(key, buffer);
    return buffer;
  }

  /**
   * The resource of one operand and its part of the bind-group key. A buffer that fits a binding is
   * bound whole; a bigger one whose contents fit is bound by its first maxBinding bytes; a window
   * by its byte range (its size rounded up to 16 bytes, for vec4 views). A buffer too big to bind
   * here means the op has no split for it: a RangeError names the kernel and the limit.
   */
  #resource(name: string, b: Binding): [GPUBufferBinding, string] {
    const base = baseOf(b);
    const id = this.#bufferId(base.buffer);
    if (!(b instanceof GpuWindow)) {
      if (base.capacity <= this.#maxBinding) return [{ buffer: base.buffer }, `${id}`];
      if (base.size * 4 <= this.#maxBinding) return [{ buffer: base.buffer, offset: 0, size: this.#maxBinding }, `${id}w`];
      throw new RangeError(
        `webgpu: ${name} would bind a buffer of ${base.size} elements (${base.size * 4} bytes), over maxStorageBufferBindingSize (${this.#maxBinding} bytes), and this launch has no split for it`,
      );
    }
    const offset = b.offset * 4;
    const size = Math.min(Math.ceil((b.size * 4) / 16) * 16, base.capacity - offset);
    if (offset % (WINDOW_ALIGN * 4) !== 0 || size <= 0 || size > this.#maxBinding || b.offset + b.size > base.size) {
      throw new RangeError(`webgpu: ${name}: invalid window of ${b.size} elements at element ${b.offset} of a buffer of ${base.size} (binding limit ${this.#maxBinding} bytes)`);
    }
    return [{ buffer: base.buffer, offset, size }, `${id}@${offset}+${size}`];
  }

  /** A bind group of params + buffers for a pipeline, reused when the same buffers (and windows) come back. */
  #bindGroup(name: string, pipelineId: number, layout: GPUBindGroupLayout, params: GPUBuffer, buffers: readonly Binding[]): GPUBindGroup {
    const resources = buffers.map((b) => this.#resource(name, b));
    const ids = [this.#bufferId(params), ...buffers.map((b) => this.#bufferId(baseOf(b).buffer))];
    const key = `${pipelineId}:${ids[0]},${resources.map((r) => r[1]).join(',')}`;
    const hit = this.#bindGroups.get(key);
    if (hit) return hit.group;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: params } }];
    resources.forEach(([resource], i) => entries.push({ binding: i + 1, resource }));
    const group = this.device.createBindGroup({ label: name, layout, entries });
    this.counters.bindGroupsCreated++;
    this.#bindGroupBudget.track(group);
    if (this.#bindGroups.size >= BIND_GROUP_CACHE) this.#dropBindGroup(this.#bindGroups.keys().next().value!);
    this.#bindGroups.set(key, { group, ids });
    for (const id of ids) {
      let keys = this.#bindGroupsOf.get(id);
      if (!keys) this.#bindGroupsOf.set(id, (keys = new Set()));
      keys.add(key);
    }
    return group;
  }

  #dropBindGroup(key: string): void {
    const entry = this.#bindGroups.get(key);
    if (!entry) return;
    this.#bindGroups.delete(key);
    for (const id of entry.ids) {
      const keys = this.#bindGroupsOf.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.#bindGroupsOf.delete(id);
    }
  }

  #dropBindGroupsOf(buffer: GPUBuffer): void {
    const id = this.#bufferIds.get(buffer);
    const keys = id === undefined ? undefined : this.#bindGroupsOf.get(id);
    if (keys) for (const key of [...keys]) this.#dropBindGroup(key);
  }

  /** Destroys a buffer of this backend, dropping the cached bind groups that use it. */
  #destroyBuffer(buffer: GPUBuffer): void {
    this.#dropBindGroupsOf(buffer);
    buffer.destroy();
  }

  /** An element-wise launch over n threads (skipped when n is 0). */
  #launch1d(name: string, code: string, params: readonly number[], buffers: readonly Binding[], n: number, outputs = 1, cost?: LaunchCost): void {
    if (n === 0) return;
    this.#launch(name, code, params, buffers, WebGPUBackend.grid(Math.ceil(n / WG)), outputs, cost);
  }

  // ---- windowed launches (windows.ts) -------------------------------------------------------

  /** Elements one binding may hold. */
  get #limit(): number {
    return this.#maxBinding / 4;
  }

  #tooBig(what: string): RangeError {
    return new RangeError(
      `webgpu: ${what} cannot be split into launches whose storage bindings fit maxStorageBufferBindingSize (${this.#maxBinding} bytes = ${this.#limit} elements)`,
    );
  }

  /**
   * The row chunks of a launch over `rows` rows (windows.ts `planRows`): buffer j spans perRow[j]
   * elements per row (0: bound whole); the last `outputs` buffers are written; `scratchRows` /
   * `scratchWhole` are the per-row and whole sizes of scratch buffers the launch allocates (they
   * must fit too). One chunk of whole buffers when everything fits (the common case: no windows at
   * all). Chunks start where every window is aligned; where no such chunk fits (rows of an odd size
   * near the limit) and `stage` allows, they start anywhere and an operand whose window would be
   * misaligned is staged through a scratch buffer: copied in before the chunk's launches (inputs),
   * copied out after them (outputs, which the launches must write completely). Null when not even
   * one row fits. `run(fn)` records the chunk: fn gets its bindings.
   */
  #planRows(
    rows: number,
    buffers: readonly GpuBuffer[],
    perRow: readonly number[],
    outputs = 1,
    scratchRows: readonly number[] = [],
    scratchWhole: readonly number[] = [],
    stage = true,
  ): RowPlan[] | null {
    const lim = this.#limit;
    if (buffers.every((b) => b.size <= lim) && scratchRows.every((p) => p * rows <= lim) && scratchWhole.every((s) => s <= lim)) {
      return [{ r0: 0, rows, run: (fn) => fn([...buffers]) }];
    }
    if (buffers.some((b, j) => !(perRow[j] > 0) && b.size > lim) || scratchWhole.some((s) => s > lim)) return null;
    const all = [...perRow, ...scratchRows];
    const plan = planRows(rows, all, lim) ?? (stage ? planRows(rows, all, lim, 1) : null);
    const firstOutput = buffers.length - outputs;
    return (
      plan?.map(({ r0, rows: k }) => ({
        r0,
        rows: k,
        run: (fn) => {
          const staged: [number, GpuBuffer][] = [];
          const bind = buffers.map((b, j): Binding => {
            if (!(perRow[j] > 0)) return b;
            const start = r0 * perRow[j];
            const size = k * perRow[j];
            if (start % WINDOW_ALIGN === 0) return new GpuWindow(b, start, size);
            const temp = this.#alloc(size);
            if (j < firstOutput) this.#stridedCopy('stage', b, start, [1], temp, 0, [1], [size]);
            staged.push([j, temp]);
            return temp;
          });
          fn(bind);
          for (const [j, temp] of staged) {
            if (j >= firstOutput) this.#stridedCopy('stage', temp, 0, [1], buffers[j], r0 * perRow[j], [1], [temp.size]);
            this.dispose(temp);
          }
        },
      })) ?? null
    );
  }

  /** `#planRows`, or a RangeError naming `what` (the op and its shapes). */
  #rowChunks(
    what: () => string,
    rows: number,
    buffers: readonly GpuBuffer[],
    perRow: readonly number[],
    outputs = 1,
    scratchRows?: readonly number[],
    scratchWhole?: readonly number[],
  ): RowPlan[] {
    const plan = this.#planRows(rows, buffers, perRow, outputs, scratchRows, scratchWhole);
    if (!plan) throw this.#tooBig(what());
    return plan;
  }

  /**
   * An element-wise kernel over `rows` rows of `threadsPerRow` threads, as one launch or, over big
   * buffers, one per row chunk: `params(rows, r0)` gives a chunk's params (the kernel sees the
   * chunk's windows as whole arrays, so usually only the count changes).
   */
  #launchRows(
    name: string,
    code: string,
    rows: number,
    buffers: readonly GpuBuffer[],
    perRow: readonly number[],
    threadsPerRow: number,
    params: (rows: number, r0: number) => readonly number[],
    outputs = 1,
    cost?: LaunchCost,
    what?: () => string,
  ): void {
    const chunks = this.#rowChunks(what ?? (() => `${name} over ${rows} rows of [${perRow}] elements`), rows, buffers, perRow, outputs);
    chunks.forEach((c, i) => c.run((bind) => this.#launch1d(name, code, params(c.rows, c.r0), bind, c.rows * threadsPerRow, outputs, i === 0 ? cost : undefined)));
  }

  /**
   * The boxes of a strided launch (windows.ts `planBoxes`) with each operand's binding (a window,
   * or the whole buffer) and its element offset `rel` within it at the box origin. `size`
   * overrides an operand's element count (Infinity: always windowed).
   */
  #boxes(
    what: () => string,
    shape: readonly number[],
    operands: readonly { buffer: GpuBuffer; strides: readonly number[]; offset: number; size?: number }[],
  ): { box: Box; bind: Binding[]; rel: number[] }[] {
    const plan = planBoxes(
      shape,
      operands.map((o) => ({ strides: o.strides, offset: o.offset, size: o.size ?? o.buffer.size })),
      this.#limit,
    );
    if (!plan) throw this.#tooBig(what());
    return plan.map((box) => ({
      box,
      bind: operands.map((o, j) => {
        const w = box.windows[j];
        return w ? new GpuWindow(o.buffer, w.start, w.size) : o.buffer;
      }),
      rel: box.windows.map((w, j) => (w ? w.rel : box.at[j])),
    }));
  }

  /** True when every buffer fits a binding whole. */
  #fitWhole(...buffers: readonly GpuBuffer[]): boolean {
    return buffers.every((b) => b.size <= this.#limit);
  }

  #endPass(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    if (!this.#encoder) this.#encoder = this.device.createCommandEncoder();
  }

  /** Submits everything recorded; released buffers become reusable. */
  #flush(why: string): void {
    if (!this.#encoder) return;
    this.#endPass();
    const kernels = this.#batch.length > 0 ? this.#batch.join(', ') : why;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.#profiler?.beforeSubmit(this.#encoder);
    this.device.queue.submit([this.#encoder.finish()]);
    this.counters.submits++;
    this.#profiler?.afterSubmit();
    const serial = this.#serial;
    const label = (e: GPUError | null): Error | null => {
      if (!e) return null;
      const error = new Error(`webgpu: error in a batch running [${kernels}]: ${e.message}`);
      this.#lost.push({ from: serial, to: this.#serial, error });
      return error;
    };
    this.#pendingErrors.push(this.#popScope().then(label), this.#popScope().then(label));
    this.#encoder = null;
    this.#batch = [];
    this.#serial++;
    for (const released of this.#recycled.values()) {
      for (const b of released) {
        if (this.#pooledBytes + b.size > this.poolLimit) {
          this.#destroyBuffer(b); // Dawn frees it once the submitted work that uses it is done
          continue;
        }
        this.#pooledBytes += b.size;
        const list = this.#pool.get(b.size);
        if (list) this.#insertById(list, b);
        else this.#pool.set(b.size, [b]);
      }
    }
    this.#recycled.clear();
    for (const b of this.#retired) this.#destroyBuffer(b);
    this.#retired = [];
  }

  #lostError(b: GpuBuffer): Error | null {
    for (const r of this.#lost) if (b.writtenIn >= r.from && b.writtenIn <= r.to) return r.error;
    return null;
  }

  async #drainErrors(): Promise<void> {
    const pending = this.#pendingErrors;
    this.#pendingErrors = [];
    // Errors from scopes name their kernel: they win over an uncaptured error of the same cause.
    const errors = (await Promise.all(pending)).filter((e) => e !== null);
    if (this.#fatal) throw this.#fatal;
    const first = errors[0] ?? this.#error;
    this.#error = null;
    if (first) throw first;
  }

  /** Submits pending work and waits until the GPU is idle (throws recorded errors). */
  async sync(): Promise<void> {
    this.#flush('sync');
    await this.device.queue.onSubmittedWorkDone();
    await this.#drainErrors();
  }

  // ---- profiling (see profiler.ts) ------------------------------------------------------

  /** True between startProfile and stopProfile. */
  get profiling(): boolean {
    return this.#profiler !== null;
  }

  /**
   * Starts timing every kernel launch: by timestamp queries when the device has them (a compute
   * pass per dispatch), else on the CPU (a submit per dispatch); `timing` forces one. Work recorded
   * before is submitted first, untimed.
   */
  startProfile(options: { timing?: ProfileTiming } = {}): void {
    this.#check();
    if (this.#profiler) throw new Error('webgpu: a profile is already open');
    const timing = options.timing ?? (this.timestampQuery ? 'timestamp' : 'cpu');
    if (timing === 'timestamp' && !this.timestampQuery) throw new Error('webgpu: timestamp profiling needs the "timestamp-query" feature');
    this.#flush('profile');
    this.#profiler = new Profiler(this.device, timing);
  }

  /** Ends the profile: submits the rest, waits for the GPU, and returns the per-kernel table. */
  async stopProfile(): Promise<Profile> {
    const prof = this.#profiler;
    if (!prof) throw new Error('webgpu: no profile is open');
    this.#flush('profile');
    this.#profiler = null;
    await this.device.queue.onSubmittedWorkDone();
    const profile = await prof.finish();
    await this.#drainErrors();
    return profile;
  }

  /** Profiles `fn` (awaited): startProfile, fn, stopProfile; the profile is closed if fn throws. */
  async profile(fn: () => unknown, options: { timing?: ProfileTiming } = {}): Promise<Profile> {
    this.startProfile(options);
    try {
      await fn();
    } catch (e) {
      await this.stopProfile().catch(() => undefined);
      throw e;
    }
    return this.stopProfile();
  }

  /**
   * Runs `fn` as a named phase: the launches it records (until its promise settles, if it returns
   * one) are summed under `name` in the profile's phase table; phases nest as 'outer/inner'. With
   * no profile open this is just `fn()`.
   */
  phase<T>(name: string, fn: () => T): T {
    return this.#profiler ? this.#profiler.phase(name, fn) : fn();
  }

  /**
   * Escape hatch for custom kernels (and the error-path tests): records `code` (entry point
   * `main`, params as `array<u32>` at binding 0, `buffers` at bindings 1..) over `threads`
   * threads in 1-D workgroups of WG = 256 (see kernels/common.ts). Errors surface, naming `name`, from
   * this or a later launch, or from the next read.
   */
  runWGSL(name: string, code: string, params: readonly number[], buffers: readonly GpuBuffer[], threads: number): void {
    this.#launch1d(name, code, params, buffers, threads, buffers.length);
  }

  // ---- primitives ---------------------------------------------------------------------

  fill(shape: Shape, dtype: DType, value: number): GpuBuffer {
    const n = sizeOf(shape);
    const out = this.#alloc(n);
    const bits = dtype === 'f32' ? f32Bits(value) : dtype === 'i32' ? Math.trunc(value) | 0 : value ? 1 : 0;
    this.#launchRows('fill', fillWGSL(), n, [out], [1], 1, (k) => [k, bits], 1, elementwiseCost(n, 1, 0));
    return out;
  }

  // Element-wise ops over big buffers run on chunks of their flat range (aligned windows of every
  // full-size operand; scalars bound whole), broadcasting ones on boxes of the output (windows.ts).

  unary(op: UnaryOp, x: Op): GpuBuffer {
    const n = sizeOf(x.shape);
    const out = this.#alloc(n);
    this.#launchRows(`unary.${op}`, unaryWGSL(op, x.dtype), n, [x.buffer, out], [1, 1], 1, (k) => [k], 1, elementwiseCost(n, 2));
    return out;
  }

  activation(op: ActivationOp, x: Op): GpuBuffer {
    if (x.dtype !== 'f32') throw new TypeError(`webgpu: ${op} takes f32 (got ${x.dtype})`);
    const n = sizeOf(x.shape);
    const out = this.#alloc(n);
    this.#launchRows(op, activationWGSL(op), n, [x.buffer, out], [1, 1], 1, (k) => [k], 1, elementwiseCost(n, 2));
    return out;
  }

  activationBackward(op: ActivationOp, dOut: Op, x: Op): GpuBuffer {
    if (x.dtype !== 'f32' || dOut.dtype !== 'f32') throw new TypeError(`webgpu: ${op} gradient takes f32 (got ${dOut.dtype}, ${x.dtype})`);
    const n = sizeOf(x.shape);
    const out = this.#alloc(n);
    this.#launchRows(`${op}Backward`, activationBackwardWGSL(op), n, [dOut.buffer, x.buffer, out], [1, 1, 1], 1, (k) => [k], 1, elementwiseCost(n, 3));
    return out;
  }

  binary(op: BinaryOp, a: Op, b: Op, outShape: Shape, outDType: DType): GpuBuffer {
    const n = sizeOf(outShape);
    const out = this.#alloc(n);
    const aSame = sameShape(a.shape, outShape);
    const bSame = sameShape(b.shape, outShape);
    const name = `binary.${op}`;
    const cost = elementwiseCost(n, 3);
    let mode: BroadcastMode | null = null;
    if (aSame && bSame) mode = 'same';
    else if (aSame && sizeOf(b.shape) === 1) mode = 'scalarB';
    else if (bSame && sizeOf(a.shape) === 1) mode = 'scalarA';
    if (mode) {
      const perRow = [mode === 'scalarA' ? 0 : 1, mode === 'scalarB' ? 0 : 1, 1];
      this.#launchRows(name, binaryWGSL(op, a.dtype, outDType, mode), n, [a.buffer, b.buffer, out], perRow, 1, (k) => [k], 1, cost);
      return out;
    }
    const [shape, [sa, sb, so]] = mergeDims(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape), stridesOf(outShape)]);
    const rank = shape.length;
    if (this.#fitWhole(a.buffer, b.buffer, out)) {
      this.#launch1d(name, binaryWGSL(op, a.dtype, outDType, 'general', rank), [n, rank, ...shape, ...sa, ...sb], [a.buffer, b.buffer, out], n, 1, cost);
      return out;
    }
    const what = () => `${name} of [${a.shape}] and [${b.shape}] to [${outShape}]`;
    const operands = [sa, sb, so].map((strides, j) => ({ buffer: [a.buffer, b.buffer, out][j], strides, offset: 0 }));
    const code = binaryWGSL(op, a.dtype, outDType, 'window', rank);
    for (const { box, bind, rel } of this.#boxes(what, shape, operands)) {
      const nb = sizeOf(box.shape);
      this.#launch1d(name, code, [nb, rank, ...box.shape, ...sa, ...sb, ...so, ...rel], bind, nb, 1, elementwiseCost(nb, 3));
    }
    return out;
  }

  where(cond: Op, a: Op, b: Op, outShape: Shape): GpuBuffer {
    const n = sizeOf(outShape);
    const out = this.#alloc(n);
    const [shape, strides] = mergeDims(outShape, [...[cond, a, b].map((x) => broadcastStrides(x.shape, outShape)), stridesOf(outShape)]);
    const rank = shape.length;
    const buffers = [cond.buffer, a.buffer, b.buffer, out];
    if (this.#fitWhole(...buffers)) {
      const params = [n, rank, ...shape, ...strides.slice(0, 3).flat()];
      this.#launch1d('where', whereWGSL(a.dtype, rank), params, buffers, n, 1, elementwiseCost(n, 4));
      return out;
    }
    const what = () => `where of [${cond.shape}], [${a.shape}] and [${b.shape}] to [${outShape}]`;
    const code = whereWGSL(a.dtype, rank, true);
    for (const { box, bind, rel } of this.#boxes(what, shape, buffers.map((buffer, j) => ({ buffer, strides: strides[j], offset: 0 })))) {
      const nb = sizeOf(box.shape);
      this.#launch1d('where', code, [nb, rank, ...box.shape, ...strides.flat(), ...rel], bind, nb, 1, elementwiseCost(nb, 4));
    }
    return out;
  }

  cast(x: Op, dtype: DType): GpuBuffer {
    const n = sizeOf(x.shape);
    if (x.dtype === dtype) return this.#copy(x.buffer, n);
    const out = this.#alloc(n);
    this.#launchRows(`cast.${x.dtype}->${dtype}`, castWGSL(x.dtype, dtype), n, [x.buffer, out], [1, 1], 1, (k) => [k], 1, elementwiseCost(n, 2));
    return out;
  }

  #copy(x: GpuBuffer, n: number): GpuBuffer {
    const out = this.#alloc(n);
    if (n > 0) {
      this.#endPass();
      const lost = this.#lostError(x);
      if (lost) throw new Error(`webgpu: an input of cast was lost: ${lost.message}`);
      this.#encoder!.copyBufferToBuffer(x.buffer, 0, out.buffer, 0, n * 4);
      out.writtenIn = this.#serial;
    }
    return out;
  }

  reduce(op: ReduceOp, x: Op, axes: readonly number[]): GpuBuffer {
    const strides = stridesOf(x.shape);
    const isReduced = x.shape.map((_, i) => axes.includes(i));
    const nOut = sizeOf(x.shape.filter((_, i) => !isReduced[i]));
    const r = sizeOf(x.shape.filter((_, i) => isReduced[i]));
    // Kept and reduced axes, each group with size-1 axes dropped and contiguous neighbours merged
    // (their order is kept; the reduced axes are summed in increasing axis order).
    const group = (reduced: boolean): [number[], number[]] => {
      const idx = x.shape.map((_, i) => i).filter((i) => isReduced[i] === reduced);
      const [shape, [str]] = mergeDims(idx.map((i) => x.shape[i]), [idx.map((i) => strides[i])]);
      return [shape, str];
    };
    const [keptShape, keptStrides] = group(false);
    const [redShape, redStrides] = group(true);
    if (nOut > 0 && r > 0 && !(x.buffer.size <= this.#limit && nOut <= this.#limit)) {
      return this.#reduceWindowed(op, x, [keptShape, keptStrides], [redShape, redStrides], nOut);
    }
    const out = this.#alloc(nOut);
    if (nOut === 0) return out;
    const params = [nOut, keptShape.length, r, redShape.length, ...keptShape, ...keptStrides, ...redShape, ...redStrides];
    const tree = r >= TREE_REDUCE_MIN;
    const code = reduceWGSL(op, x.dtype, tree, keptShape.length, redShape.length);
    if (tree) this.#launch(`reduce.${op}`, code, params, [x.buffer, out], WebGPUBackend.grid(nOut));
    else this.#launch1d(`reduce.${op}`, code, params, [x.buffer, out], nOut);
    return out;
  }

  /**
   * A reduction over a buffer bigger than a binding: boxes over the kept axes then the reduced ones
   * (windows.ts), each reducing its window of x into a window of the output. Where the reduced
   * axes had to be cut, box ρ of them writes row ρ of a partials buffer [P, nOut], and a second
   * reduce (of the same op: sum, prod, max and min are associative) combines the rows.
   */
  #reduceWindowed(op: ReduceOp, x: Op, [keptShape, keptStrides]: number[][], [redShape, redStrides]: number[][], nOut: number): GpuBuffer {
    const rk = keptShape.length;
    const rr = redShape.length;
    const outStrides = stridesOf(keptShape);
    const what = () => `reduce.${op} of [${x.shape}]`;
    const plan = this.#boxes(what, [...keptShape, ...redShape], [
      { buffer: x.buffer, strides: [...keptStrides, ...redStrides], offset: 0 },
      // The output's windows are placed below (in the partials row of their reduced box).
      { buffer: x.buffer, strides: [...outStrides, ...redShape.map(() => 0)], offset: 0, size: Number.POSITIVE_INFINITY },
    ]);
    const tiles = redShape.map((_, k) => 1 + Math.max(0, ...plan.map((p) => p.box.tile[rk + k])));
    const parts = tiles.reduce((a, b) => a * b, 1);
    const dst = this.#alloc(parts * nOut);
    for (const { box, bind, rel } of plan) {
      const kept = box.shape.slice(0, rk);
      const red = box.shape.slice(rk);
      let row = 0;
      for (let k = 0; k < rr; k++) row = row * tiles[k] + box.tile[rk + k];
      const at = row * nOut + box.at[1];
      let outBind: Binding = dst;
      let outRel = at;
      if (dst.size > this.#limit) {
        const start = Math.floor(at / WINDOW_ALIGN) * WINDOW_ALIGN;
        const span = 1 + kept.reduce((sum, d, k) => sum + (d - 1) * outStrides[k], 0);
        outBind = new GpuWindow(dst, start, at - start + span);
        outRel = at - start;
      }
      const nb = sizeOf(kept);
      const rb = sizeOf(red);
      const tree = rb >= TREE_REDUCE_MIN;
      const params = [nb, rk, rb, rr, ...kept, ...keptStrides, ...red, ...redStrides, ...outStrides, rel[0], outRel];
      const code = reduceWGSL(op, x.dtype, tree, rk, rr, true);
      if (tree) this.#launch(`reduce.${op}`, code, params, [bind[0], outBind], WebGPUBackend.grid(nb));
      else this.#launch1d(`reduce.${op}`, code, params, [bind[0], outBind], nb);
    }
    if (parts === 1) return dst;
    const out = this.reduce(op, { buffer: dst, shape: [parts, nOut], dtype: x.dtype }, [0]);
    this.dispose(dst);
    return out;
  }

  argReduce(op: ArgReduceOp, x: Op, axis: number): GpuBuffer {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const n = outer * inner;
    const out = this.#alloc(n);
    if (len > 0) {
      const what = () => `${op} of [${x.shape}] along axis ${axis}`;
      this.#launchRows(op, argReduceWGSL(op, x.dtype), outer, [x.buffer, out], [len * inner, inner], inner, (k) => [k * inner, len, inner], 1, undefined, what);
    }
    return out;
  }

  matmul(a: Op, b: Op, transA: boolean, transB: boolean): GpuBuffer {
    if (a.dtype === 'bool') throw new Error('not implemented on webgpu yet: matmul for bool');
    const [ba, a1, a2] = a.shape;
    const [bb, b1, b2] = b.shape;
    const m = transA ? a2 : a1;
    const k = transA ? a1 : a2;
    const n = transB ? b1 : b2;
    const batch = Math.max(ba, bb);
    const out = this.#alloc(batch * m * n);
    if (m * n === 0) return out;
    // Over big buffers: chunks of the batch (windows of A, B and the output; a broadcast operand
    // bound whole), the operands packed per chunk; where one product alone is too big, #matmulTiled.
    const up4 = (v: number): number => Math.ceil(v / 4) * 4;
    const packA = Math.max(k * up4(m), m * up4(k));
    const packB = k * up4(n);
    const chunks = this.#planRows(
      batch,
      [a.buffer, b.buffer, out],
      [ba > 1 ? m * k : 0, bb > 1 ? k * n : 0, m * n],
      1,
      [ba > 1 ? packA : 0, bb > 1 ? packB : 0],
      [ba > 1 ? 0 : packA, bb > 1 ? 0 : packB],
    );
    if (!chunks) {
      this.#matmulTiled(a, b, transA, transB, out, [ba, bb, batch, m, k, n]);
      return out;
    }
    for (const c of chunks) {
      c.run((bind) => this.#matmulChunk(bind[0], bind[1], a.dtype, transA, transB, bind[2], [ba > 1 ? c.rows : 1, bb > 1 ? c.rows : 1, c.rows, m, k, n]));
    }
    return out;
  }

  #matmulChunk(a: Binding, b: Binding, dtype: DType, transA: boolean, transB: boolean, out: Binding, dims: readonly number[]): void {
    const [ba, bb, batch, m, k, n] = dims;
    const kernel = this.matmulKernel === 'auto' ? (this.subgroupMatmul ? 'subgroup' : 'blocked') : this.matmulKernel;
    if (kernel === 'subgroup' && dtype === 'f32') {
      if (!this.subgroupMatmul) throw new Error('webgpu: the subgroup matmul needs the "subgroups" feature and subgroup size 8');
      this.#matmulSubgroup(a, b, transA, transB, out, dims);
      return;
    }
    if (kernel === 'blocked4x4') {
      const code = matmulBlocked4x4WGSL(transA, transB, dtype);
      for (const { x0, y0, z0, groups } of gridChunks(Math.ceil(n / 32), Math.ceil(m / 32), batch)) {
        const params = [m, n, k, ba === 1 ? 0 : m * k, bb === 1 ? 0 : k * n, z0, y0 * 32, x0 * 32];
        this.#launch('matmul.blocked4x4', code, params, [a, b, out], groups, 1, matmulCost(groups[2], Math.min(m - y0 * 32, groups[1] * 32), Math.min(n - x0 * 32, groups[0] * 32), k));
      }
      return;
    }
    this.#matmulPortable(a, b, dtype, transA, transB, out, dims);
  }

  /**
   * A matmul whose single product does not fit a binding (an operand or the output of one batch
   * item is too big): per batch item, blocks of rows × columns × K sized to fit, each block of A and
   * B copied out (windowed strided copies), multiplied by the ordinary kernels, K blocks summed,
   * and the block copied into the output. Slow (a copy per block), but only huge single products
   * take it.
   */
  #matmulTiled(a: Op, b: Op, transA: boolean, transB: boolean, out: GpuBuffer, dims: readonly number[]): void {
    const [ba, bb, batch, m, k, n] = dims;
    // Blocks of at most a quarter of the limit each (room for packs and alignment).
    const cap = Math.max(1, Math.floor(this.#limit / 4));
    let [mb, nb, kb] = [m, n, Math.max(1, k)];
    const halve = (v: number): number => Math.ceil(v / 2);
    while (mb * kb > cap || kb * nb > cap || mb * nb > cap) {
      if (mb * kb > cap) {
        if (mb >= kb) mb = halve(mb);
        else kb = halve(kb);
      } else if (kb * nb > cap) {
        if (nb >= kb) nb = halve(nb);
        else kb = halve(kb);
      } else if (mb >= nb) mb = halve(mb);
      else nb = halve(nb);
    }
    const dtype = a.dtype;
    // Element strides: A as [rows, k], B as [k, columns].
    const aStr = transA ? [1, m] : [k, 1];
    const bStr = transB ? [1, k] : [n, 1];
    for (let z = 0; z < batch; z++) {
      const aOff = ba === 1 ? 0 : z * m * k;
      const bOff = bb === 1 ? 0 : z * k * n;
      for (let i0 = 0; i0 < m; i0 += mb) {
        const mi = Math.min(mb, m - i0);
        for (let j0 = 0; j0 < n; j0 += nb) {
          const nj = Math.min(nb, n - j0);
          let acc: GpuBuffer | null = null;
          for (let k0 = 0; k0 < k || (k === 0 && k0 === 0); k0 += kb) {
            const kk = Math.min(kb, k - k0);
            let prod: GpuBuffer;
            if (kk === 0) prod = this.fill([1, mi, nj], dtype, 0);
            else {
              const subA = this.#alloc(mi * kk);
              this.#stridedCopy('matmul.block', a.buffer, aOff + i0 * aStr[0] + k0 * aStr[1], aStr, subA, 0, [kk, 1], [mi, kk]);
              const subB = this.#alloc(kk * nj);
              this.#stridedCopy('matmul.block', b.buffer, bOff + k0 * bStr[0] + j0 * bStr[1], bStr, subB, 0, [nj, 1], [kk, nj]);
              prod = this.matmul({ buffer: subA, shape: [1, mi, kk], dtype }, { buffer: subB, shape: [1, kk, nj], dtype }, false, false);
              this.dispose(subA);
              this.dispose(subB);
            }
            if (acc) {
              const sum = this.binary('add', { buffer: acc, shape: [mi, nj], dtype }, { buffer: prod, shape: [mi, nj], dtype }, [mi, nj], dtype);
              this.dispose(acc);
              this.dispose(prod);
              acc = sum;
            } else acc = prod;
            if (k === 0) break;
          }
          this.#stridedCopy('matmul.block', acc!, 0, [nj, 1], out, z * m * n + i0 * n + j0, [n, 1], [mi, nj]);
          this.dispose(acc!);
        }
      }
    }
  }

  /**
   * The portable kernel (kernels/matmul.ts): A is read in place as k-major vec4 when it is
   * transposed ([K, M]) with M % 4 = 0, B when it is row-major ([K, N]) with N % 4 = 0; otherwise
   * the operand is packed into that layout when the product has ≥ PORTABLE_PACK_MIN_MACS
   * multiply-adds, and read with scalar loads through its strides when smaller.
   */
  #matmulPortable(a: Binding, b: Binding, dtype: DType, transA: boolean, transB: boolean, out: Binding, dims: readonly number[]): void {
    const [ba, bb, batch, m, k, n] = dims;
    const m4 = Math.ceil(m / 4);
    const n4 = Math.ceil(n / 4);
    const big = m * n * k >= PORTABLE_PACK_MIN_MACS;
    const pack = (x: Binding, nb: number, cols: number, sK: number, sC: number, stride: number): GpuBuffer => {
      const cp = Math.ceil(cols / 4) * 4;
      const total = nb * k * cp;
      const dst = this.#alloc(total);
      this.#launch1d('matmul.packKMajor', packKMajorWGSL(), [total, k, cols, cp, stride, sK, sC], [x, dst], total);
      return dst;
    };
    // A: [batch stride, s1, s2] in the binding's units (vec4: s1 = vec4s per k; rows: row and k strides in floats).
    let aMode: PortableAMode = 'vec4';
    let aBuf = a;
    let aStr = [(k * m) / 4, m / 4, 0];
    let packedA = false;
    if (!(transA && m % 4 === 0)) {
      if (big) {
        aBuf = pack(a, ba, m, transA ? m : 1, transA ? 1 : k, m * k);
        aStr = [k * m4, m4, 0];
        packedA = true;
      } else {
        aMode = 'rows';
        aStr = transA ? [m * k, 1, m] : [m * k, k, 1];
      }
    }
    let bMode: PortableBMode = 'vec4';
    let bBuf = b;
    let bStr = [(k * n) / 4, n / 4, 0];
    let packedB = false;
    if (transB || n % 4 !== 0) {
      if (big) {
        bBuf = pack(b, bb, n, transB ? 1 : n, transB ? k : 1, k * n);
        bStr = [k * n4, n4, 0];
        packedB = true;
      } else {
        bMode = 'scalar';
        bStr = transB ? [k * n, 1, k] : [k * n, n, 1];
      }
    }
    const cols4 = n <= 32 ? 1 : n <= 64 ? 2 : 4;
    const tileN = portableTileN(cols4);
    // 16-row tiles (fastest, slow to compile) for the big products, 8 for the small, launch-bound ones.
    const tileM = big ? 16 : 8;
    const code = matmulPortableWGSL(aMode, bMode, cols4, tileM, dtype);
    const name = `matmul.portable.${aMode}.${bMode}`;
    for (const { x0, y0, z0, groups } of gridChunks(Math.ceil(n / tileN), Math.ceil(m / tileM), batch)) {
      const params = [m, n, k, ba === 1 ? 0 : aStr[0], bb === 1 ? 0 : bStr[0], z0, y0, x0, aStr[1], aStr[2], bStr[1], bStr[2], m4, n4];
      const cost = matmulCost(groups[2], Math.min(m - y0 * tileM, groups[1] * tileM), Math.min(n - x0 * tileN, groups[0] * tileN), k);
      this.#launch(name, code, params, [aBuf, bBuf, out], groups, 1, cost);
    }
    if (packedA) this.dispose(aBuf as GpuBuffer);
    if (packedB) this.dispose(bBuf as GpuBuffer);
  }

  /**
   * The subgroup-broadcast kernel (see kernels/matmulSubgroup.ts for the operand modes). Most
   * layouts are read in place; B is packed (one launch) when it is neither row-major with N % 4 = 0
   * nor transposed with K % 4 = 0, and A when it is not vec4-aligned and re-read by at least
   * PACK_A_MIN_TILES column tiles in a product of ≥ PACK_A_MIN_MACS (there a pack pass costs less than scalar loads).
   */
  #matmulSubgroup(a: Binding, b: Binding, transA: boolean, transB: boolean, out: Binding, dims: readonly number[]): void {
    const [ba, bb, batch, m, k, n] = dims;
    const n4 = Math.ceil(n / 4);
    const pack = (x: Binding, nb: number, rows: number, cols: number, padCols: number, sR: number, sC: number, stride: number): GpuBuffer => {
      const total = nb * rows * padCols;
      const dst = this.#alloc(total);
      this.#launch1d('matmul.pack', packWGSL(), [total, rows, cols, padCols, stride, sR, sC], [x, dst], total);
      return dst;
    };
    // A: [rowStride, kStride, batchStride] in floats.
    let aMode: SubgroupAMode = 'vec4';
    let aBuf = a;
    let aStr = [k, 1, m * k];
    let packedA = false;
    if (transA || k % 4 !== 0) {
      if (Math.ceil(n / SUBGROUP_TILE_N) >= PACK_A_MIN_TILES && m * n * k >= PACK_A_MIN_MACS) {
        const kp = Math.ceil(k / 4) * 4;
        aBuf = pack(a, ba, m, k, kp, transA ? 1 : k, transA ? m : 1, m * k);
        aStr = [kp, 1, m * kp];
        packedA = true;
      } else {
        aMode = 'scalar';
        aStr = transA ? [1, m, m * k] : [k, 1, m * k];
      }
    }
    let bMode: SubgroupBMode = 'vec4';
    let bBuf = b;
    let bStride = k * n;
    let packedB = false;
    if (transB && k % 4 === 0) bMode = 'vec4T';
    else if (transB || n % 4 !== 0) {
      bBuf = pack(b, bb, k, n, n4 * 4, transB ? 1 : n, transB ? k : 1, k * n);
      bStride = k * n4 * 4;
      packedB = true;
    }
    const code = matmulSubgroupWGSL(aMode, bMode);
    for (const { x0, y0, z0, groups } of gridChunks(Math.ceil(n / SUBGROUP_TILE_N), Math.ceil(m / SUBGROUP_TILE_M), batch)) {
      // P[9..18] are the conv mode's; P[19], P[20] the chunk's first row and column tile.
      const params = [m, n, k, ba === 1 ? 0 : aStr[2], bb === 1 ? 0 : bStride, z0, aStr[0], aStr[1], n4, ...new Array<number>(10).fill(0), y0, x0];
      const cost = matmulCost(groups[2], Math.min(m - y0 * SUBGROUP_TILE_M, groups[1] * SUBGROUP_TILE_M), Math.min(n - x0 * SUBGROUP_TILE_N, groups[0] * SUBGROUP_TILE_N), k);
      this.#launch(`matmul.subgroup.${aMode}.${bMode}`, code, params, [aBuf, aBuf, bBuf, out], groups, 1, cost);
    }
    if (packedA) this.dispose(aBuf as GpuBuffer);
    if (packedB) this.dispose(bBuf as GpuBuffer);
  }

  #convParams(total: number, xShape: Shape, wShape: Shape, yShape: Shape, g: Conv2dGeometry): number[] {
    const [n, h, w, c] = xShape;
    const [kh, kw, , o] = wShape;
    const [, oh, ow] = yShape;
    return [total, n, h, w, c, kh, kw, o, oh, ow, g.strides[0], g.strides[1], g.pads[0], g.pads[2]];
  }

  #convOutShape(xShape: Shape, wShape: Shape, g: Conv2dGeometry): Shape {
    const [n, h, w] = xShape;
    const [kh, kw, , o] = wShape;
    const oh = Math.floor((h + g.pads[0] + g.pads[1] - kh) / g.strides[0]) + 1;
    const ow = Math.floor((w + g.pads[2] + g.pads[3] - kw) / g.strides[1]) + 1;
    return [n, oh, ow, o];
  }

  // Convolutions over big buffers run on chunks of the batch: windows of x / dy / dx of whole
  // images (the kernels take the image count from params), the filter bound whole; the filter
  // gradient, a sum over the batch, sums the chunks' partial gradients in its split-K pass.

  conv2d(x: Op, w: Op, g: Conv2dGeometry): GpuBuffer {
    if (x.dtype !== 'f32') throw new Error(`not implemented on webgpu yet: conv2d for ${x.dtype}`);
    const yShape = this.#convOutShape(x.shape, w.shape, g);
    const total = sizeOf(yShape);
    const out = this.#alloc(total);
    if (total === 0) return out;
    const kernel = this.#convKernelInUse();
    const [, h, wd, c] = x.shape;
    const [kh, kw, , o] = w.shape;
    const [, oh, ow] = yShape;
    const implicit = kernel === 'subgroup' && (c % 4 !== 0 || o % 4 !== 0);
    // The 'conv' mode packs the filter to a multiple of 4 columns.
    const scratch = implicit && o % 4 !== 0 ? [kh * kw * c * Math.ceil(o / 4) * 4] : [];
    const what = () => `conv2d of x [${x.shape}] with w [${w.shape}] to [${yShape}]`;
    for (const chunk of this.#rowChunks(what, x.shape[0], [x.buffer, w.buffer, out], [h * wd * c, 0, oh * ow * o], 1, [], scratch)) chunk.run(([xb, wb, yb]) => {
      const xs = [chunk.rows, h, wd, c];
      const ys = [chunk.rows, oh, ow, o];
      const cost = convCost(xs, w.shape, ys);
      if (implicit) this.#conv2dImplicitGemm(xb, wb, xs, w.shape, ys, g, yb);
      else if (kernel !== 'direct') {
        forwardLaunches(kernel, xs, w.shape, ys, g).forEach((l, i) => {
          this.#launch(l.name, l.code, l.params, [xb, wb, yb], l.groups, 1, i === 0 ? cost : undefined);
        });
      } else {
        const n = sizeOf(ys);
        this.#launch1d('conv2d', conv2dWGSL(), this.#convParams(n, xs, w.shape, ys, g), [xb, wb, yb], n, 1, cost);
      }
    });
    return out;
  }

  /**
   * conv2d forward as an implicit GEMM on the subgroup matmul tiling ('conv' A mode): rows are
   * output pixels, K = KH·KW·C, B is the filter viewed as [K, O] (packed to a multiple of 4
   * columns when O % 4 ≠ 0).
   */
  #conv2dImplicitGemm(x: Binding, w: Binding, xShape: Shape, wShape: Shape, yShape: Shape, g: Conv2dGeometry, out: Binding): void {
    const [, h, wd, c] = xShape;
    const [kh, kw, , o] = wShape;
    const [n, oh, ow] = yShape;
    const m = n * oh * ow;
    const k = kh * kw * c;
    const n4 = Math.ceil(o / 4);
    let bBuf = w;
    const packed = o % 4 !== 0 && k > 0;
    if (packed) {
      const total = k * n4 * 4;
      bBuf = this.#alloc(total);
      this.#launch1d('conv2d.pack', packWGSL(), [total, k, o, n4 * 4, 0, o, 1], [w, bBuf], total);
    }
    if (k === 0) {
      this.#launch1d('fill', fillWGSL(), [m * o, 0], [out], m * o);
      return;
    }
    const params = [m, o, k, 0, 0, 0, 0, 0, n4, h, wd, c, kw, oh, ow, g.strides[0], g.strides[1], g.pads[0], g.pads[2]];
    gridChunks(Math.ceil(o / SUBGROUP_TILE_N), Math.ceil(m / SUBGROUP_TILE_M), 1).forEach(({ x0, y0, groups }, i) => {
      const cost = i === 0 ? convCost(xShape, wShape, yShape) : undefined;
      this.#launch('conv2d.subgroup', matmulSubgroupWGSL('conv', 'vec4'), [...params, y0, x0], [x, x, bBuf, out], groups, 1, cost);
    });
    if (packed) this.dispose(bBuf as GpuBuffer);
  }

  /** 'subgroup' only where the device supports it. */
  #convKernelInUse(): ConvGemmKernel | 'direct' {
    const k = this.convKernel === 'auto' ? this.matmulKernel : this.convKernel;
    if (k === 'direct' || k === 'blocked') return k;
    if (k === 'blocked4x4') return 'blocked';
    return this.subgroupMatmul ? 'subgroup' : 'blocked';
  }

  /** By stride phase, implicit GEMM (convPlans.ts, kernels/convBackwardInput*.ts). */
  conv2dBackwardInput(dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry): GpuBuffer {
    if (dy.dtype !== 'f32') throw new Error(`not implemented on webgpu yet: conv2dBackwardInput for ${dy.dtype}`);
    const total = sizeOf(inputShape);
    const out = this.#alloc(total);
    if (total === 0) return out;
    const kernel = this.#convKernelInUse();
    const [nImg, h, wd, c] = inputShape;
    const [, oh, ow, o] = dy.shape;
    const chunkShapes = (rows: number): [Shape, Shape] => [
      [rows, h, wd, c],
      [rows, oh, ow, o],
    ];
    // The filter pack does not depend on the batch: once, before the chunks.
    const plan = kernel === 'direct' ? null : backwardInputPlan(kernel, dy.shape, w.shape, inputShape, g);
    const pack = plan?.pack ?? null;
    const what = () => `conv2dBackwardInput of dy [${dy.shape}] with w [${w.shape}] to [${inputShape}]`;
    const chunks = this.#rowChunks(what, nImg, [dy.buffer, w.buffer, out], [oh * ow * o, 0, h * wd * c], 1, [], pack ? [pack.size] : []);
    const filter = pack ? this.#alloc(pack.size) : w.buffer;
    if (pack) this.#launch1d(pack.name, pack.code, pack.params, [w.buffer, filter], pack.size);
    for (const chunk of chunks) chunk.run(([dyb, wb, xb]) => {
      const [xs, dys] = chunkShapes(chunk.rows);
      const cost = convCost(xs, w.shape, dys);
      if (kernel === 'direct') {
        const n = sizeOf(xs);
        this.#launch1d('conv2dBackwardInput', conv2dBackwardInputWGSL(), this.#convParams(n, xs, w.shape, dys, g), [dyb, wb, xb], n, 1, cost);
        return;
      }
      const launches = chunks.length === 1 ? plan!.launches : backwardInputPlan(kernel, dys, w.shape, xs, g).launches;
      launches.forEach((l, i) => {
        this.#launch(l.name, l.code, l.params, [dyb, filter, xb], l.groups, 1, i === 0 ? cost : undefined);
      });
    });
    if (pack) this.dispose(filter);
    return out;
  }

  /**
   * Implicit GEMM with split-K and a sum pass (convPlans.ts, kernels/convBackwardFilter*.ts). Over
   * big x / dy, each batch chunk writes its own group of partial planes (at an aligned offset of
   * one scratch buffer) and the sum pass adds them all.
   */
  conv2dBackwardFilter(x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry): GpuBuffer {
    if (x.dtype !== 'f32') throw new Error(`not implemented on webgpu yet: conv2dBackwardFilter for ${x.dtype}`);
    const total = sizeOf(filterShape);
    const out = this.#alloc(total);
    if (total === 0) return out;
    const kernel = this.#convKernelInUse();
    const [, h, wd, c] = x.shape;
    const [, oh, ow, o] = dy.shape;
    const what = () => `conv2dBackwardFilter of x [${x.shape}] and dy [${dy.shape}] to [${filterShape}]`;
    const chunks = this.#rowChunks(what, x.shape[0], [x.buffer, dy.buffer], [h * wd * c, oh * ow * o], 0);
    // Planes per chunk such that all groups fit one binding (each group padded to an aligned offset).
    const room = Math.floor(this.#limit / chunks.length) - (chunks.length > 1 ? WINDOW_ALIGN : 0);
    const maxSlices = Math.floor(room / total);
    if (maxSlices < 1) throw this.#tooBig(`${what()} (${chunks.length} batch chunks of partial filter gradients)`);
    const groups = chunks.map((chunk) => {
      const xs = [chunk.rows, h, wd, c];
      const dys = [chunk.rows, oh, ow, o];
      const cost = convCost(xs, filterShape, dys);
      if (kernel === 'direct') return { slices: 1, chunk, cost, launches: null, xs, dys };
      const { launches, slices } = backwardFilterPlan(kernel, xs, dys, filterShape, g, maxSlices);
      return { slices, chunk, cost, launches, xs, dys };
    });
    const offsets: number[] = [];
    let size = 0;
    for (const gr of groups) {
      offsets.push(size);
      size += Math.ceil((gr.slices * total) / WINDOW_ALIGN) * WINDOW_ALIGN;
    }
    const direct = groups.length === 1 && groups[0].slices === 1;
    const dst = direct ? out : this.#alloc(size);
    groups.forEach((gr, j) => gr.chunk.run(([xb, dyb]) => {
      const target: Binding = direct || groups.length === 1 ? dst : new GpuWindow(dst, offsets[j], gr.slices * total);
      if (!gr.launches) {
        const params = this.#convParams(total, gr.xs, filterShape, gr.dys, g);
        this.#launch1d('conv2dBackwardFilter', conv2dBackwardFilterWGSL(), params, [xb, dyb, target], total, 1, gr.cost);
        return;
      }
      gr.launches.forEach((l, i) => {
        this.#launch(l.name, l.code, l.params, [xb, dyb, target], l.groups, 1, i === 0 ? gr.cost : undefined);
      });
    }));
    if (!direct) {
      const params = [total, groups.length, ...groups.flatMap((gr, j) => [offsets[j], gr.slices])];
      const planes = groups.reduce((sum, gr) => sum + gr.slices, 0);
      this.#launch1d('conv2dBackwardFilter.sumSlices', sumSlicesWGSL(), params, [dst, out], total, 1, elementwiseCost(total, planes + 1));
      this.dispose(dst);
    }
    return out;
  }

  /**
   * dst[dOff + Σ idx·dStr] = src[sOff + Σ idx·sStr] over `shape`. Over big buffers: boxes of the
   * (merged) shape whose src and dst windows fit (windows.ts), the offsets within the windows
   * passed as sOff / dOff — so transpose, expand, slice, pad and concat split wherever a box fits.
   */
  #stridedCopy(name: string, src: GpuBuffer, sOff: number, sStr: readonly number[], dst: GpuBuffer, dOff: number, dStr: readonly number[], shape: Shape): void {
    const n = sizeOf(shape);
    const [merged, [ms, md]] = mergeDims(shape, [sStr, dStr]);
    const code = copyWGSL(merged.length);
    if (this.#fitWhole(src, dst)) {
      this.#launch1d(name, code, [n, merged.length, sOff, dOff, ...merged, ...ms, ...md], [src, dst], n);
      return;
    }
    const what = () => `${name} of shape [${shape}] (source strides [${sStr}], destination strides [${dStr}])`;
    const operands = [
      { buffer: src, strides: ms, offset: sOff },
      { buffer: dst, strides: md, offset: dOff },
    ];
    for (const { box, bind, rel } of this.#boxes(what, merged, operands)) {
      const nb = sizeOf(box.shape);
      this.#launch1d(name, code, [nb, merged.length, rel[0], rel[1], ...box.shape, ...ms, ...md], bind, nb);
    }
  }

  transpose(x: Op, perm: readonly number[]): GpuBuffer {
    const strides = stridesOf(x.shape);
    const shape = perm.map((p) => x.shape[p]);
    const out = this.#alloc(sizeOf(shape));
    this.#stridedCopy('transpose', x.buffer, 0, perm.map((p) => strides[p]), out, 0, stridesOf(shape), shape);
    return out;
  }

  expand(x: Op, shape: Shape): GpuBuffer {
    const out = this.#alloc(sizeOf(shape));
    this.#stridedCopy('expand', x.buffer, 0, broadcastStrides(x.shape, shape), out, 0, stridesOf(shape), shape);
    return out;
  }

  slice(x: Op, begin: readonly number[], size: readonly number[]): GpuBuffer {
    const strides = stridesOf(x.shape);
    const offset = begin.reduce((o, b, i) => o + b * strides[i], 0);
    const out = this.#alloc(sizeOf(size));
    this.#stridedCopy('slice', x.buffer, offset, strides, out, 0, stridesOf(size), size);
    return out;
  }

  pad(x: Op, pads: readonly (readonly [number, number])[], value: number): GpuBuffer {
    const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const out = this.fill(shape, x.dtype, value);
    const outStrides = stridesOf(shape);
    const offset = pads.reduce((o, p, i) => o + p[0] * outStrides[i], 0);
    this.#stridedCopy('pad', x.buffer, 0, stridesOf(x.shape), out, offset, outStrides, x.shape);
    return out;
  }

  concat(xs: readonly Op[], axis: number): GpuBuffer {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = this.#alloc(sizeOf(shape));
    const [outer, total, inner] = splitAt(shape, axis);
    const parts = xs.filter((x) => x.shape[axis] > 0);
    if (outer * total * inner === 0) return out;
    if (parts.length === 1) {
      this.#stridedCopy('concat', parts[0].buffer, 0, [1], out, 0, [1], [sizeOf(shape)]);
      return out;
    }
    // One launch per chunk of inputs (params, the inputs and out must fit the storage-buffer limit).
    // Over big buffers: chunks of the outer rows; where one row is too big (a concat along axis 0),
    // a windowed strided copy per input.
    const room = Math.max(1, this.device.limits.maxStorageBuffersPerShaderStage - 2);
    let at = 0;
    for (let s = 0; s < parts.length; s += room) {
      const chunk = parts.slice(s, s + room);
      const lens = chunk.map((x) => x.shape[axis]);
      const starts = lens.map((_, j) => lens.slice(0, j).reduce((a, b) => a + b, 0));
      const tc = starts[starts.length - 1] + lens[lens.length - 1];
      const code = concatWGSL(chunk.length);
      // No staging: each launch writes only its inputs' columns of the output rows.
      const rows = this.#planRows(outer, [...chunk.map((x) => x.buffer), out], [...lens.map((l) => l * inner), total * inner], 1, [], [], false);
      if (rows) {
        for (const c of rows) {
          const n = c.rows * tc * inner;
          c.run((bind) => this.#launch1d('concat', code, [n, tc * inner, inner, total, at, ...starts.slice(1), ...lens], bind, n, 1, elementwiseCost(n, 2, 0)));
        }
      } else {
        chunk.forEach((x, j) => {
          const src = [outer, lens[j], inner];
          this.#stridedCopy('concat', x.buffer, 0, stridesOf(src), out, (at + starts[j]) * inner, [total * inner, inner, 1], src);
        });
      }
      at += tc;
    }
    return out;
  }

  gather(x: Op, indices: Op, axis: number): GpuBuffer {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const k = sizeOf(indices.shape);
    const n = outer * k * inner;
    const out = this.#alloc(n);
    const code = gatherWGSL();
    const what = () => `gather of [${x.shape}] along axis ${axis} by ${k} indices`;
    // Over big buffers: chunks of the outer rows, or, with one outer row, chunks of the indices.
    const byOuter = this.#planRows(outer, [x.buffer, indices.buffer, out], [len * inner, 0, k * inner]);
    if (byOuter) {
      for (const c of byOuter) c.run((bind) => this.#launch1d('gather', code, [c.rows * k * inner, k, len, inner], bind, c.rows * k * inner));
    } else if (outer === 1) {
      const chunks = this.#rowChunks(what, k, [x.buffer, indices.buffer, out], [0, 1, inner]);
      for (const c of chunks) c.run((bind) => this.#launch1d('gather', code, [c.rows * inner, c.rows, len, inner], bind, c.rows * inner));
    } else throw this.#tooBig(what());
    return out;
  }

  scatterAdd(updates: Op, indices: Op, axis: number, shape: Shape): GpuBuffer {
    const [outer, len, inner] = splitAt(shape, axis);
    const k = sizeOf(indices.shape);
    const n = outer * len * inner;
    const out = this.#alloc(n);
    const what = () => `scatterAdd of [${updates.shape}] into [${shape}] along axis ${axis}`;
    this.#launchRows('scatterAdd', scatterAddWGSL(updates.dtype), outer, [updates.buffer, indices.buffer, out], [k * inner, 0, len * inner], len * inner, (rows) => [rows * len * inner, k, len, inner], 1, undefined, what);
    return out;
  }

  scan(op: ScanOp, x: Op, axis: number, exclusive: boolean, reverse: boolean): GpuBuffer {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const out = this.#alloc(outer * len * inner);
    if (len > 0) {
      const what = () => `scan.${op} of [${x.shape}] along axis ${axis}`;
      this.#launchRows(`scan.${op}`, scanWGSL(op, x.dtype, exclusive, reverse), outer, [x.buffer, out], [len * inner, len * inner], inner, (rows) => [rows * inner, len, inner], 1, undefined, what);
    }
    return out;
  }

  random(dist: RandomDist, key: readonly [number, number], shape: Shape, dtype: DType): GpuBuffer {
    if (dtype !== 'f32') throw new Error(`not implemented on webgpu yet: random for ${dtype}`);
    const n = sizeOf(shape);
    const out = this.#alloc(n);
    // Over a big output: chunks of blocks, each counting its blocks from its first (P[4]).
    const blocks = Math.ceil(n / 4);
    const params = (rows: number, b0: number): number[] => [rows, Math.min(4 * rows, n - 4 * b0), key[0], key[1], b0];
    if (out.size <= this.#limit) this.#launch1d(`random.${dist}`, randomWGSL(dist), params(blocks, 0), [out], blocks);
    else {
      const what = () => `random.${dist} of [${shape}]`;
      for (const { r0, rows } of this.#rowChunks(what, blocks, [], [], 0, [4])) {
        const size = Math.min(4 * rows, n - 4 * r0);
        this.#launch1d(`random.${dist}`, randomWGSL(dist), params(rows, r0), [new GpuWindow(out, 4 * r0, size)], rows);
      }
    }
    return out;
  }

  // ---- fused kernels (fused.ts) ------------------------------------------------------------

  /**
   * The storage-buffer limit fused kernels plan their launches for; null (default) = the device's.
   * Lower it (≥ 8, WebGPU's guaranteed minimum) to exercise the split launches on a roomier device.
   */
  fusedBindingLimit: number | null = null;

  readonly #host: fused.KernelHost = {
    alloc: (size) => this.#alloc(size),
    dispose: (buffer) => this.dispose(buffer),
    launch: (name, code, params, buffers, groups, outputs) => this.#launch(name, code, params, buffers, WebGPUBackend.grid(groups), outputs),
    launchRows: (name, code, rows, buffers, perRow, threads, params, outputs) =>
      this.#launchRows(name, code, rows, buffers, perRow, threads, (r) => params(r), outputs),
    window: (buffer, offset, size) => new GpuWindow(buffer, offset, size),
    bindingLimit: () => this.#limit,
    storageBufferLimit: () => this.fusedBindingLimit ?? this.device.limits.maxStorageBuffersPerShaderStage,
  };

  gruBlockReset(preRU: Op, biasRU: Op, h: Op): [GpuBuffer, GpuBuffer] {
    return fused.gruBlockReset(this.#host, preRU, biasRU, h);
  }
  gruBlockResetBackward(dRH: Op, dU: Op, preRU: Op, biasRU: Op, h: Op): [GpuBuffer, GpuBuffer] {
    return fused.gruBlockResetBackward(this.#host, dRH, dU, preRU, biasRU, h);
  }
  gruBlockOutput(preC: Op, biasC: Op, u: Op, h: Op): GpuBuffer {
    return fused.gruBlockOutput(this.#host, preC, biasC, u, h);
  }
  gruBlockOutputBackward(dOut: Op, preC: Op, biasC: Op, u: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
    return fused.gruBlockOutputBackward(this.#host, dOut, preC, biasC, u, h);
  }
  gruResetAfter(xProj: Op, hProj: Op, bias: Op, h: Op): GpuBuffer {
    return fused.gruResetAfter(this.#host, xProj, hProj, bias, h);
  }
  gruResetAfterBackward(dOut: Op, xProj: Op, hProj: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
    return fused.gruResetAfterBackward(this.#host, dOut, xProj, hProj, bias, h);
  }
  adamUpdate(param: Op, grad: Op, m: Op, v: Op, hyper: AdamHyper): [GpuBuffer, GpuBuffer, GpuBuffer] {
    return fused.adamUpdate(this.#host, param, grad, m, v, hyper);
  }
  sumSquares(xs: readonly Op[]): GpuBuffer {
    return fused.sumSquares(this.#host, xs);
  }
  distribution(op: DistributionOp, xs: readonly Op[], outShape: Shape): GpuBuffer {
    return fused.distribution(this.#host, op, xs, outShape);
  }
  distributionBackward(op: Exclude<DistributionOp, 'normalSample'>, dOut: Op, xs: readonly Op[], wanted: readonly boolean[]): (GpuBuffer | null)[] {
    return fused.distributionBackward(this.#host, op, dOut, xs, wanted);
  }
}

/** Registers the backend under the name 'webgpu' (opened on first `setBackend('webgpu')`). */
export function registerWebGPU(): void {
  registerBackend('webgpu', () => WebGPUBackend.create());
}
