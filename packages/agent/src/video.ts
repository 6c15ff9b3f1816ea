/**
 * Frames of an episode for a video: the `image` observation when the model sees pixels, else the
 * control scene rendered by the CPU ray caster (so proprio-only runs still get videos). Sits
 * outermost on an env, so frames are agent steps (after action repeat), reset frame first.
 */
import { type Action, type Env, type FrameShape, type TimeStep, Wrapper, renderCpu, sceneOf } from '@dreamer/envs';

export interface FrameRecorderOptions {
  /** Rendered frame size for scene-rendered tasks (default 64). */
  size?: number;
  camera?: number;
  /** Frames kept per episode, bounding memory on long episodes (default 10000). */
  maxFrames?: number;
}

/** Where frames come from: the image observation, the rendered scene, or nowhere. */
export type FrameSource = 'image' | 'scene' | 'none';

function imageShape(env: Env): FrameShape | null {
  const spec = env.observationSpec.image;
  if (!spec || spec.dtype !== 'uint8' || spec.shape.length !== 3 || ![1, 3, 4].includes(spec.shape[2])) return null;
  return { height: spec.shape[0], width: spec.shape[1], channels: spec.shape[2] };
}

function hasScene(env: Env): boolean {
  try {
    sceneOf(env);
    return true;
  } catch {
    return false;
  }
}

export class FrameRecorder extends Wrapper {
  readonly source: FrameSource;
  readonly shape: FrameShape;
  readonly #size: number;
  readonly #camera: number;
  readonly #maxFrames: number;
  #frames: Uint8Array[] = [];

  constructor(env: Env, options: FrameRecorderOptions = {}) {
    super(env);
    this.#size = options.size ?? 64;
    this.#camera = options.camera ?? 0;
    this.#maxFrames = options.maxFrames ?? 10_000;
    const image = imageShape(env);
    if (image) [this.source, this.shape] = ['image', image];
    else if (hasScene(env)) [this.source, this.shape] = ['scene', { height: this.#size, width: this.#size, channels: 3 }];
    else [this.source, this.shape] = ['none', { height: 0, width: 0, channels: 0 }];
  }

  /** The frames since the last reset, handed over (the recorder starts a new list). */
  take(): Uint8Array[] {
    const frames = this.#frames;
    this.#frames = [];
    return frames;
  }

  override reset(seed: number): TimeStep {
    this.#frames = [];
    return this.#capture(this.env.reset(seed));
  }

  override step(action: Action): TimeStep {
    return this.#capture(this.env.step(action));
  }

  #capture(ts: TimeStep): TimeStep {
    if (this.source === 'none' || this.#frames.length >= this.#maxFrames) return ts;
    if (this.source === 'image') this.#frames.push((ts.observation.image as Uint8Array).slice());
    else this.#frames.push(renderCpu([sceneOf(this.env)], { cameras: this.#camera, width: this.#size, height: this.#size }));
    return ts;
  }
}
