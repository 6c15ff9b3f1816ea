/**
 * Per-kernel GPU time over a region of work; driven by WebGPUBackend (startProfile / stopProfile /
 * profile / phase), which calls `dispatch` before each kernel launch and `beforeSubmit` /
 * `afterSubmit` around each submit. Nothing here runs while no profile is open.
 *
 * 'timestamp' timing (adapter feature `timestamp-query`): each dispatch gets a compute pass of its
 * own whose begin and end write timestamps; at each submit the batch's queries are resolved and
 * copied into a MAP_READ buffer, read when the profile stops. The query slots are reused by every
 * batch: the queue runs one batch's resolve before the next batch overwrites them.
 *
 * 'cpu' timing (no timestamps, or asked for): one dispatch per submit; a dispatch takes from its
 * submit (or the previous completion, if later) to its completion as `onSubmittedWorkDone` reports
 * it. Completions are only noticed while JS is idle, so the GPU work that finished while the caller
 * was busy encoding lands on the first dispatch noticed afterwards: totals hold, splits blur.
 */
import { BufferUsage, MapMode } from './adapter.ts';
import { type Profile, summarise } from './profileTable.ts';

export type ProfileTiming = 'timestamp' | 'cpu';

/** What a launch declares about its work, for GFLOP/s and GB/s columns. */
export interface LaunchCost {
  readonly flops?: number;
  readonly bytes?: number;
}

/** One dispatch as recorded; `ms` is filled in when the profile stops. */
export interface DispatchRecord {
  readonly kernel: string;
  readonly phase: string;
  readonly flops: number | undefined;
  readonly bytes: number | undefined;
  ms: number;
}

/** The WebGPU maximum of queries per set: 2048 dispatches per batch before another set is needed. */
const QUERIES_PER_SET = 4096;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** 2·M·N·K per product; every operand and the result touched once. */
export function matmulCost(batch: number, m: number, n: number, k: number): LaunchCost {
  return { flops: 2 * batch * m * n * k, bytes: 4 * batch * (m * k + k * n + m * n) };
}

/** A convolution (or either gradient) between x [N,H,W,C], w [KH,KW,C,O] and y [N,OH,OW,O]. */
export function convCost(x: readonly number[], w: readonly number[], y: readonly number[]): LaunchCost {
  return { flops: 2 * size(y) * w[0] * w[1] * w[2], bytes: 4 * (size(x) + size(w) + size(y)) };
}

/** `flopsPerElement` per element, and `arrays` arrays of n 4-byte elements read or written. */
export function elementwiseCost(n: number, arrays: number, flopsPerElement = 1): LaunchCost {
  return { flops: flopsPerElement * n, bytes: 4 * arrays * n };
}

export class Profiler {
  readonly timing: ProfileTiming;
  readonly #device: GPUDevice;
  readonly #records: DispatchRecord[] = [];
  readonly #stack: string[] = [];
  #phase = '';
  readonly #started = performance.now();
  #submits = 0;
  // timestamp timing
  readonly #sets: { set: GPUQuerySet; resolve: GPUBuffer }[] = [];
  #queries = 0;
  #batchStart = 0;
  readonly #readbacks: { buffer: GPUBuffer; first: number; count: number }[] = [];
  // cpu timing: per submit, when it was submitted and completed, and the dispatch it ran (-1: none)
  readonly #cpuSubmits: { at: number; done: number; dispatch: number }[] = [];
  readonly #completions: Promise<void>[] = [];
  #attached = 0;

  constructor(device: GPUDevice, timing: ProfileTiming) {
    this.#device = device;
    this.timing = timing;
  }

  /** True when each dispatch must be submitted on its own (cpu timing). */
  get submitEach(): boolean {
    return this.timing === 'cpu';
  }

  /** Records a dispatch; returns the descriptor of the compute pass it must run in. */
  dispatch(kernel: string, cost: LaunchCost | undefined): GPUComputePassDescriptor | undefined {
    this.#records.push({ kernel, phase: this.#phase, flops: cost?.flops, bytes: cost?.bytes, ms: 0 });
    if (this.timing === 'cpu') return undefined;
    const at = this.#queries % QUERIES_PER_SET;
    const index = (this.#queries - at) / QUERIES_PER_SET;
    if (index === this.#sets.length) {
      const set = this.#device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET });
      const resolve = this.#device.createBuffer({ size: QUERIES_PER_SET * 8, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
      this.#sets.push({ set, resolve });
    }
    this.#queries += 2;
    return { timestampWrites: { querySet: this.#sets[index].set, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 } };
  }

  /** Resolves the batch's queries into a readback buffer, in the batch's own command buffer. */
  beforeSubmit(encoder: GPUCommandEncoder): void {
    if (this.#queries === 0) return;
    const buffer = this.#device.createBuffer({ size: this.#queries * 8, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    for (let i = 0, left = this.#queries; left > 0; i++, left -= QUERIES_PER_SET) {
      const n = Math.min(left, QUERIES_PER_SET);
      const { set, resolve } = this.#sets[i];
      encoder.resolveQuerySet(set, 0, n, resolve, 0);
      encoder.copyBufferToBuffer(resolve, 0, buffer, i * QUERIES_PER_SET * 8, n * 8);
    }
    this.#readbacks.push({ buffer, first: this.#batchStart, count: this.#queries / 2 });
    this.#queries = 0;
    this.#batchStart = this.#records.length;
  }

  afterSubmit(): void {
    this.#submits++;
    if (this.timing !== 'cpu') return;
    const ran = this.#records.length > this.#attached ? this.#records.length - 1 : -1;
    this.#attached = this.#records.length;
    const s = { at: performance.now(), done: Number.NaN, dispatch: ran };
    this.#cpuSubmits.push(s);
    this.#completions.push(
      this.#device.queue.onSubmittedWorkDone().then(
        () => void (s.done = performance.now()),
        () => void (s.done = performance.now()),
      ),
    );
  }

  /** Runs `fn` with `name` pushed on the phase stack (popped when fn returns or its promise settles). */
  phase<T>(name: string, fn: () => T): T {
    this.#stack.push(name);
    this.#phase = this.#stack.join('/');
    const pop = (): void => {
      this.#stack.pop();
      this.#phase = this.#stack.join('/');
    };
    let result: T;
    try {
      result = fn();
    } catch (e) {
      pop();
      throw e;
    }
    if (result instanceof Promise) return result.finally(pop) as T;
    pop();
    return result;
  }

  /** Waits for the timings (the backend has submitted everything) and frees the profiler's GPU objects. */
  async finish(): Promise<Profile> {
    if (this.timing === 'timestamp') await this.#readTimestamps();
    else await this.#readCompletions();
    for (const { set, resolve } of this.#sets) {
      set.destroy();
      resolve.destroy();
    }
    return summarise(this.#records, { timing: this.timing, wallMs: performance.now() - this.#started, submits: this.#submits });
  }

  async #readTimestamps(): Promise<void> {
    await Promise.all(this.#readbacks.map((r) => r.buffer.mapAsync(MapMode.READ)));
    for (const { buffer, first, count } of this.#readbacks) {
      const ticks = new BigUint64Array(buffer.getMappedRange());
      for (let i = 0; i < count; i++) {
        // Guards against an end before the start (unsigned: it would wrap to ~1.8e19).
        const ns = ticks[2 * i + 1] > ticks[2 * i] ? Number(ticks[2 * i + 1] - ticks[2 * i]) : 0;
        this.#records[first + i].ms = ns / 1e6;
      }
      buffer.unmap();
      buffer.destroy();
    }
  }

  async #readCompletions(): Promise<void> {
    await Promise.all(this.#completions);
    let previous = 0;
    for (const s of this.#cpuSubmits) {
      if (s.dispatch >= 0) this.#records[s.dispatch].ms = Math.max(0, s.done - Math.max(s.at, previous));
      previous = Math.max(previous, s.done);
    }
  }
}
