// Worker threads for PixelVectorEnv's `workers` option: N envs split into contiguous shares, one
// share per worker (pixel_worker.ts), each worker with its own MuJoCo instance stepping and
// ray-casting its share. One message per worker per vector step carries its reset seeds and
// actions; the reply carries the TimeSteps (structured clone) and the frames (one transferred
// buffer). Replies come in request order, so a FIFO of promises per worker matches them.
import { Worker } from 'node:worker_threads';
import type { ControlTaskName } from '../control/tasks.ts';
import type { TimeStep } from '../env.ts';

/** What a worker is started with (workerData). */
export interface WorkerInit {
  task: ControlTaskName;
  /** Envs this worker owns. */
  count: number;
  episodeLength: number | undefined;
  actionRepeat: number;
  width: number;
  height: number;
  camera: number;
  shadows: boolean;
  keepState: boolean;
}

/** One vector step for one worker: per env a reset seed, or NaN to step with its action (dim numbers). */
export interface WorkerRequest {
  seeds: Float64Array;
  actions: Float64Array;
  dim: number;
}

export type WorkerReply = { ready: true } | { error: string } | { timesteps: TimeStep[]; images: Uint8Array };

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  start: number;
  count: number;
  pending: Pending[];
  ready: Promise<void>;
  failed: Error | null;
}

/** Contiguous shares of `n` envs over `k` workers, sizes differing by at most one. */
export function shares(n: number, k: number): { start: number; count: number }[] {
  const out = [];
  for (let j = 0, start = 0; j < k; j++) {
    const count = Math.floor(n / k) + (j < n % k ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

export class PixelWorkers {
  readonly size: number;
  readonly #slots: Slot[];
  #closed = false;

  constructor(init: Omit<WorkerInit, 'count'>, size: number, workers: number) {
    this.size = size;
    this.#slots = shares(size, workers).map(({ start, count }) => {
      const worker = new Worker(new URL('./pixel_worker.ts', import.meta.url), { workerData: { ...init, count } satisfies WorkerInit });
      const slot: Slot = { worker, start, count, pending: [], ready: Promise.resolve(), failed: null };
      slot.ready = this.#request(slot).then((reply) => {
        if ('error' in reply) throw new Error(`PixelVectorEnv: ${reply.error}`);
      });
      slot.ready.catch(() => {}); // surfaced by the first reset/step
      worker.on('message', (reply: WorkerReply) => {
        const next = slot.pending.shift();
        if (slot.pending.length === 0) worker.unref();
        next?.resolve(reply);
      });
      const fail = (err: Error) => {
        slot.failed = err;
        for (const p of slot.pending.splice(0)) p.reject(err);
      };
      worker.on('error', (err) => fail(new Error(`PixelVectorEnv: a worker thread failed: ${err.message}`)));
      worker.on('exit', (code) => fail(new Error(`PixelVectorEnv: a worker thread exited (code ${code})${this.#closed ? ' after close()' : ''}`)));
      return slot;
    });
  }

  /** Worker j's share of the envs. */
  get shares(): { start: number; count: number }[] {
    return this.#slots.map(({ start, count }) => ({ start, count }));
  }

  /** Every worker started (MuJoCo loaded, envs built); rejects with a start-up error. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.ready));
  }

  /**
   * One vector step: `seeds[i]` resets env i (NaN steps it with actions[i·dim…]). Resolves with
   * the TimeSteps of all envs in order and each worker's frames (its share, [count, H, W, 3]).
   */
  async run(seeds: Float64Array, actions: Float64Array, dim: number): Promise<{ timesteps: TimeStep[]; images: Uint8Array[] }> {
    await this.ready();
    const replies = await Promise.all(
      this.#slots.map((slot) =>
        this.#request(slot, {
          seeds: seeds.slice(slot.start, slot.start + slot.count),
          actions: actions.slice(slot.start * dim, (slot.start + slot.count) * dim),
          dim,
        }),
      ),
    );
    const timesteps: TimeStep[] = [];
    const images: Uint8Array[] = [];
    for (const reply of replies) {
      if ('error' in reply) throw new Error(reply.error);
      if (!('timesteps' in reply)) throw new Error('PixelVectorEnv: unexpected worker reply');
      timesteps.push(...reply.timesteps);
      images.push(reply.images);
    }
    return { timesteps, images };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.worker.postMessage('close');
      void slot.worker.terminate();
    }
  }

  /** Posts `request` (none: the start-up message) and resolves with the reply. */
  #request(slot: Slot, request?: WorkerRequest): Promise<WorkerReply> {
    if (this.#closed) return Promise.reject(new Error('PixelVectorEnv: used after close()'));
    if (slot.failed) return Promise.reject(slot.failed);
    return new Promise((resolve, reject) => {
      slot.pending.push({ resolve, reject });
      slot.worker.ref(); // a reply is awaited: keep the process alive until it comes
      if (request) slot.worker.postMessage(request, [request.seeds.buffer as ArrayBuffer, request.actions.buffer as ArrayBuffer]);
    });
  }
}
