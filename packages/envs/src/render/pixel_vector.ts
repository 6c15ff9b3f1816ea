// N control envs stepped together whose frames are drawn in one batch. Two ways to hold the envs:
// - given as instances (`new PixelVectorEnv(envs, …)`): physics runs on the calling thread, env
//   after env (as VectorEnv: same checks, same auto-reset, same seeds); then every env's scene
//   goes into one render call: the GPU Renderer (one dispatch) or the CPU ray caster.
// - given as a task (`new PixelVectorEnv({ task, count }, …)`): with renderer 'cpu' the envs live
//   on worker threads (`workers`, default one per core: os.availableParallelism()), each worker
//   stepping and ray-casting its share (pixel_workers.ts); seeds are still drawn here, so the
//   observations are those of the single-thread path bit for bit. `workers: 0` builds them here.
// Two ways out:
// - `step`/`reset` give the frames as uint8 `image` observations. A GPU readback and a worker
//   round trip are asynchronous, so these return Promises.
// - `stepTensor`/`resetTensor` hand over the [N, H, W, 3] f32 tensor itself, still on the GPU, for
//   an agent's encoder; nothing is read back, so these are synchronous (GPU renderer, envs here).
import os from 'node:os';
import type { Tensor } from '@dreamer/tensor';
import { sceneOf } from '../control/base.ts';
import { isControlTaskName, makeControlEnv, type ControlTaskName } from '../control/tasks.ts';
import { validateAction, type Action, type ActionSpec, type Env, type ObservationSpec, type TimeStep } from '../env.ts';
import { Rng } from '../rng.ts';
import { ActionRepeat } from '../wrappers/action_repeat.ts';
import { show } from '../wrappers/base.ts';
import { VectorEnv, type VectorEnvOptions } from '../wrappers/vector.ts';
import { renderCpu } from './cpu.ts';
import { PixelWorkers } from './pixel_workers.ts';
import { checkCamera, resolvePixels, withImage, type PixelOptions, type ResolvedPixels } from './pixels.ts';
import type { Renderer } from './renderer.ts';

export interface PixelVectorOptions extends VectorEnvOptions, PixelOptions {
  /**
   * The GPU renderer (Renderer.create on the engine's backend), or 'cpu' for the CPU ray caster
   * (the same frames within a level or two, for machines without WebGPU; no tensor path).
   */
  renderer: Renderer | 'cpu';
  /** Shadow rays (default true, as the single-env pixels option). */
  shadows?: boolean;
  /**
   * Worker threads stepping and rendering the envs, for envs given as a task with renderer
   * 'cpu' (default: os.availableParallelism(), at most one per env); 0 keeps them on the calling
   * thread. Envs given as instances always run on the calling thread.
   */
  workers?: number;
}

/** Envs described rather than built, so worker threads can build their own copies. */
export interface PixelVectorTask {
  /** A control task, e.g. 'walker_walk'. */
  task: ControlTaskName;
  /** How many envs. */
  count: number;
  /** Agent steps per episode (ControlOptions.episodeLength, default 1000). */
  episodeLength?: number;
  /** Wrap each env in ActionRepeat (default 1: none). */
  actionRepeat?: number;
}

/** What the tensor path returns: the TimeSteps without `image`, and the frames on the GPU. */
export interface PixelBatch {
  timesteps: TimeStep[];
  /** [N, H, W, 3] f32 whole numbers 0..255, row 0 at the top; the caller disposes it. */
  images: Tensor;
}

const OPTION_KEYS = ['renderer', 'width', 'height', 'camera', 'keepState', 'shadows', 'autoReset', 'workers'];
const TASK_KEYS = ['task', 'count', 'episodeLength', 'actionRepeat'];

/** Builds the envs of a task description on this thread. */
function buildEnvs({ task, count, episodeLength, actionRepeat = 1 }: PixelVectorTask): Env[] {
  return Array.from({ length: count }, () => {
    const env: Env = makeControlEnv(task, episodeLength === undefined ? {} : { episodeLength });
    return actionRepeat > 1 ? new ActionRepeat(env, actionRepeat) : env;
  });
}

function checkTask(spec: PixelVectorTask): void {
  for (const key of Object.keys(spec)) {
    if (!TASK_KEYS.includes(key)) throw new Error(`PixelVectorEnv: unknown task field '${key}'; expected one of: ${TASK_KEYS.join(', ')}`);
  }
  if (typeof spec.task !== 'string' || !isControlTaskName(spec.task)) {
    throw new Error(`PixelVectorEnv: task must name a control task (e.g. 'walker_walk'), got ${String(spec.task)}`);
  }
  if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error(`PixelVectorEnv: count must be an integer ≥ 1, got ${String(spec.count)}`);
  for (const key of ['episodeLength', 'actionRepeat'] as const) {
    const v = spec[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`PixelVectorEnv: ${key} must be an integer ≥ 1, got ${String(v)}`);
  }
}

export class PixelVectorEnv {
  /** The envs on the calling thread (empty when they live on worker threads). */
  readonly envs: readonly Env[];
  /** The state arrays (if keepState) and `image` uint8 [H, W, 3], as the uint8 path returns them. */
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ActionSpec;
  readonly pixels: ResolvedPixels;
  readonly renderer: Renderer | 'cpu';
  readonly shadows: boolean;
  /** Worker threads stepping and rendering the envs (0: the calling thread). */
  readonly workers: number;
  readonly #size: number;
  readonly #name: string;
  readonly #vec: VectorEnv | null;
  readonly #pool: PixelWorkers | null;
  readonly #autoReset: boolean;
  #seeds: Rng | null = null;
  #ended: boolean[];
  #closed = false;
  /** Worker steps run one after another: each needs the episode ends of the one before. */
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * `envs`: control tasks built without the `pixels` option (wrappers around them are fine), or
   * a task description ({ task, count }) that the vector env builds itself, on worker threads
   * with renderer 'cpu' (see `workers`).
   */
  constructor(envs: readonly Env[] | PixelVectorTask, options: PixelVectorOptions) {
    for (const key of Object.keys(options ?? {})) {
      if (!OPTION_KEYS.includes(key)) throw new Error(`PixelVectorEnv: unknown option '${key}'; expected one of: ${OPTION_KEYS.join(', ')}`);
    }
    const { renderer, shadows = true, autoReset, workers, ...pixelOptions } = options ?? ({} as PixelVectorOptions);
    if (renderer !== 'cpu' && (typeof renderer !== 'object' || renderer === null || typeof renderer.render !== 'function')) {
      throw new Error(`PixelVectorEnv: option renderer must be a Renderer (Renderer.create(backend)) or 'cpu', got ${String(renderer)}`);
    }
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) {
      throw new Error(`PixelVectorEnv: option workers must be an integer ≥ 0, got ${String(workers)}`);
    }
    this.renderer = renderer;
    this.shadows = shadows;
    this.pixels = resolvePixels('PixelVectorEnv', pixelOptions)!;
    this.#autoReset = autoReset ?? true;
    let local: readonly Env[];
    if (Array.isArray(envs)) {
      if (workers) throw new Error('PixelVectorEnv: option workers needs the envs as a task ({ task, count }), which each worker builds itself');
      local = envs;
      this.workers = 0;
    } else {
      const spec = envs as PixelVectorTask;
      checkTask(spec);
      const threads = Math.min(workers ?? (renderer === 'cpu' ? os.availableParallelism() : 0), spec.count);
      if (threads > 0 && renderer !== 'cpu') throw new Error("PixelVectorEnv: option workers needs renderer 'cpu' (worker threads ray-cast their own frames)");
      this.workers = threads;
      // With workers, one env built here gives the specs and checks the camera.
      local = buildEnvs(threads > 0 ? { ...spec, count: 1 } : spec);
    }
    const vec = this.workers > 0 ? null : new VectorEnv(local, { autoReset });
    const state = vec?.observationSpec ?? local[0].observationSpec;
    if ('image' in state) {
      throw new Error(`PixelVectorEnv: ${local[0].name} already has an 'image' observation; build the envs without the pixels option`);
    }
    try {
      local.forEach((env) => checkCamera(`PixelVectorEnv (${env.name})`, sceneOf(env).cameras.length, this.pixels));
    } catch (err) {
      if (!Array.isArray(envs)) local.forEach((env) => env.close()); // built here, so ours to close
      throw err;
    }
    this.#name = local[0].name;
    this.observationSpec = withImage(state, this.pixels);
    this.actionSpec = local[0].actionSpec;
    this.#vec = vec;
    if (vec) {
      this.envs = local;
      this.#pool = null;
      this.#size = local.length;
    } else {
      const spec = envs as PixelVectorTask;
      local[0].close();
      this.envs = [];
      this.#size = spec.count;
      const { width, height, camera, keepState } = this.pixels;
      this.#pool = new PixelWorkers(
        { task: spec.task, episodeLength: spec.episodeLength, actionRepeat: spec.actionRepeat ?? 1, width, height, camera, shadows, keepState },
        spec.count,
        this.workers,
      );
    }
    this.#ended = Array.from({ length: this.#size }, () => true);
  }

  get size(): number {
    return this.#size;
  }

  /** Reset every env (seeds drawn from `seed`, as VectorEnv) and read the first frames back. */
  async reset(seed: number): Promise<TimeStep[]> {
    if (this.#pool) return this.#enqueue(() => this.#resetWorkers(seed));
    return this.#withBytes(this.#vec!.reset(seed));
  }

  /** Step env i with `actions[i]` and read all frames back in one readback. */
  async step(actions: readonly Action[]): Promise<TimeStep[]> {
    if (this.#pool) {
      const copy = Array.isArray(actions) ? actions.map((a) => (typeof a === 'number' ? a : a.slice())) : actions;
      return this.#enqueue(() => this.#stepWorkers(copy));
    }
    return this.#withBytes(this.#vec!.step(actions));
  }

  /** As reset, with the frames left on the GPU. */
  resetTensor(seed: number): PixelBatch {
    const renderer = this.#gpu();
    return this.#withTensor(renderer, this.#vec!.reset(seed));
  }

  /** As step, with the frames left on the GPU. */
  stepTensor(actions: readonly Action[]): PixelBatch {
    const renderer = this.#gpu();
    return this.#withTensor(renderer, this.#vec!.step(actions));
  }

  close(): void {
    this.#closed = true;
    this.#vec?.close();
    this.#pool?.close();
  }

  #gpu(): Renderer {
    if (this.renderer === 'cpu') throw new Error("PixelVectorEnv: the tensor path needs a GPU Renderer; with renderer 'cpu' use step/reset");
    return this.renderer;
  }

  #options() {
    const { camera, width, height } = this.pixels;
    return { cameras: camera, width, height, shadows: this.shadows };
  }

  #state(ts: TimeStep): TimeStep {
    return this.pixels.keepState ? ts : { ...ts, observation: {} };
  }

  #withTensor(renderer: Renderer, timesteps: TimeStep[]): PixelBatch {
    const images = renderer.render(this.envs.map(sceneOf), this.#options());
    return { timesteps: timesteps.map((ts) => this.#state(ts)), images };
  }

  // The scenes are captured before the first await, so a second step issued before this one
  // resolves still sees (and renders) its own frame.
  async #withBytes(timesteps: TimeStep[]): Promise<TimeStep[]> {
    const scenes = this.envs.map(sceneOf);
    const bytes = this.renderer === 'cpu' ? renderCpu(scenes, this.#options()) : await this.renderer.renderPixels(scenes, this.#options());
    return this.#attach(timesteps, [bytes]);
  }

  /** TimeSteps with their frames, cut out of `batches` (consecutive [n, H, W, 3] runs of frames). */
  #attach(timesteps: TimeStep[], batches: Uint8Array[]): TimeStep[] {
    const frame = this.pixels.width * this.pixels.height * 3;
    let b = 0;
    let at = 0;
    return timesteps.map((ts) => {
      if (at >= batches[b].length) [b, at] = [b + 1, 0];
      const image = batches[b].slice(at, at + frame);
      at += frame;
      return { ...ts, observation: this.pixels.keepState ? { ...ts.observation, image } : { image } };
    });
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job, job);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #resetWorkers(seed: number): Promise<TimeStep[]> {
    if (this.#closed) throw new Error('PixelVectorEnv: used after close()');
    const seeds = new Rng(seed);
    const drawn = Float64Array.from({ length: this.#size }, () => seeds.nextUint32());
    const { timesteps, images } = await this.#pool!.run(drawn, new Float64Array(0), 0);
    this.#seeds = seeds;
    this.#ended.fill(false);
    return this.#attach(timesteps, images);
  }

  // VectorEnv.step's rules, with every check made before any env moves.
  async #stepWorkers(actions: readonly Action[]): Promise<TimeStep[]> {
    if (this.#closed) throw new Error('PixelVectorEnv: used after close()');
    const seeds = this.#seeds;
    if (!seeds) throw new Error('VectorEnv: step() called before reset(seed)');
    if (!Array.isArray(actions) || actions.length !== this.#size) {
      throw new Error(`VectorEnv: got ${show(actions)} as actions; expected an array of ${this.#size} actions, one per env`);
    }
    const dim = this.actionSpec.kind === 'continuous' ? this.actionSpec.shape.reduce((a, b) => a * b, 1) : 1;
    const flat = new Float64Array(this.#size * dim);
    for (let i = 0; i < this.#size; i++) {
      if (this.#ended[i]) {
        if (!this.#autoReset) throw new Error(`VectorEnv: env ${i} (${this.#name}) ended; call reset(seed) first`);
        continue;
      }
      validateAction(this.actionSpec, actions[i], `VectorEnv env ${i} (${this.#name})`);
      flat.set(actions[i] as ArrayLike<number>, i * dim);
    }
    const reset = this.#ended.slice();
    const drawn = Float64Array.from(reset, (ended) => (ended ? seeds.nextUint32() : NaN));
    const { timesteps, images } = await this.#pool!.run(drawn, flat, dim);
    const out = timesteps.map((ts, i) => {
      this.#ended[i] = !reset[i] && (ts.terminal || ts.truncated);
      return reset[i] ? { ...ts, info: { ...ts.info, autoReset: true } } : ts;
    });
    return this.#attach(out, images);
  }
}
