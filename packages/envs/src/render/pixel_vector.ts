// N control envs stepped together whose frames are ray-cast in ONE GPU dispatch. Physics runs
// on the calling thread, env after env (as VectorEnv: same checks, same auto-reset, same seeds);
// then every env's scene goes into one Renderer.render call. Two ways out:
// - `step`/`reset` read the frames back as uint8 `image` observations. A GPU readback is
//   asynchronous, so these return Promises.
// - `stepTensor`/`resetTensor` hand over the [N, H, W, 3] f32 tensor itself, still on the GPU, for
//   an agent's encoder; nothing is read back, so these are synchronous.
// Physics on worker threads was measured not to pay on the 2-core machine (README).
import type { Tensor } from '@dreamer/tensor';
import { sceneOf } from '../control/base.ts';
import type { Action, ActionSpec, Env, ObservationSpec, TimeStep } from '../env.ts';
import { VectorEnv, type VectorEnvOptions } from '../wrappers/vector.ts';
import { renderCpu } from './cpu.ts';
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
}

/** What the tensor path returns: the TimeSteps without `image`, and the frames on the GPU. */
export interface PixelBatch {
  timesteps: TimeStep[];
  /** [N, H, W, 3] f32 whole numbers 0..255, row 0 at the top; the caller disposes it. */
  images: Tensor;
}

const OPTION_KEYS = ['renderer', 'width', 'height', 'camera', 'keepState', 'shadows', 'autoReset'];

export class PixelVectorEnv {
  readonly envs: readonly Env[];
  /** The state arrays (if keepState) and `image` uint8 [H, W, 3], as the uint8 path returns them. */
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ActionSpec;
  readonly pixels: ResolvedPixels;
  readonly renderer: Renderer | 'cpu';
  readonly shadows: boolean;
  readonly #vec: VectorEnv;

  /** `envs` are control tasks built without the `pixels` option (wrappers around them are fine). */
  constructor(envs: readonly Env[], options: PixelVectorOptions) {
    for (const key of Object.keys(options ?? {})) {
      if (!OPTION_KEYS.includes(key)) throw new Error(`PixelVectorEnv: unknown option '${key}'; expected one of: ${OPTION_KEYS.join(', ')}`);
    }
    const { renderer, shadows = true, autoReset, ...pixelOptions } = options ?? ({} as PixelVectorOptions);
    if (renderer !== 'cpu' && (typeof renderer !== 'object' || renderer === null || typeof renderer.render !== 'function')) {
      throw new Error(`PixelVectorEnv: option renderer must be a Renderer (Renderer.create(backend)) or 'cpu', got ${String(renderer)}`);
    }
    this.#vec = new VectorEnv(envs, { autoReset });
    this.envs = envs;
    this.renderer = renderer;
    this.shadows = shadows;
    this.pixels = resolvePixels('PixelVectorEnv', pixelOptions)!;
    const state = this.#vec.observationSpec;
    if ('image' in state) {
      throw new Error(`PixelVectorEnv: ${envs[0].name} already has an 'image' observation; build the envs without the pixels option`);
    }
    envs.forEach((env) => checkCamera(`PixelVectorEnv (${env.name})`, sceneOf(env).cameras.length, this.pixels));
    this.observationSpec = withImage(state, this.pixels);
    this.actionSpec = this.#vec.actionSpec;
  }

  get size(): number {
    return this.envs.length;
  }

  /** Reset every env (seeds drawn from `seed`, as VectorEnv) and read the first frames back. */
  async reset(seed: number): Promise<TimeStep[]> {
    return this.#withBytes(this.#vec.reset(seed));
  }

  /** Step env i with `actions[i]` and read all frames back in one readback. */
  async step(actions: readonly Action[]): Promise<TimeStep[]> {
    return this.#withBytes(this.#vec.step(actions));
  }

  /** As reset, with the frames left on the GPU. */
  resetTensor(seed: number): PixelBatch {
    const renderer = this.#gpu();
    return this.#withTensor(renderer, this.#vec.reset(seed));
  }

  /** As step, with the frames left on the GPU. */
  stepTensor(actions: readonly Action[]): PixelBatch {
    const renderer = this.#gpu();
    return this.#withTensor(renderer, this.#vec.step(actions));
  }

  close(): void {
    this.#vec.close();
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
    const frame = this.pixels.width * this.pixels.height * 3;
    return timesteps.map((ts, i) => {
      const image = bytes.slice(i * frame, (i + 1) * frame);
      return { ...ts, observation: this.pixels.keepState ? { ...ts.observation, image } : { image } };
    });
  }
}
