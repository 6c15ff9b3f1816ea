/**
 * Builds a task's env as the seed wraps it: the task itself, pixels for control tasks when the
 * model reads images (camera 0, 64×64), action repeat (summed rewards), an optional episode
 * length limit, and reward clipping. Observations are reduced to what the model reads: `image`
 * for pixel agents, the proprio vectors (everything but `image`) for state agents.
 */
import {
  ActionRepeat,
  ClipReward,
  type Env,
  type ObservationSpec,
  TimeLimit,
  type TimeStep,
  Wrapper,
  isControlTaskName,
  makeEnvAsync,
  renderCpu,
  sceneOf,
} from '@dreamer/envs';
import type { Config } from './config.ts';

/** Renders the control scene after every reset/step into an `image` observation (CPU ray caster). */
export class PixelObservation extends Wrapper {
  readonly size: number;
  readonly camera: number;
  readonly keepState: boolean;

  constructor(env: Env, size: number, camera: number, keepState: boolean) {
    super(env);
    this.size = size;
    this.camera = camera;
    this.keepState = keepState;
  }

  override get observationSpec(): ObservationSpec {
    const image = { shape: [this.size, this.size, 3], dtype: 'uint8' as const, low: 0, high: 255, description: `camera ${this.camera}, RGB, HWC` };
    return this.keepState ? { ...this.env.observationSpec, image } : { image };
  }

  #withImage(ts: TimeStep): TimeStep {
    const image = renderCpu([sceneOf(this.env)], { cameras: this.camera, width: this.size, height: this.size });
    return { ...ts, observation: this.keepState ? { ...ts.observation, image } : { image } };
  }

  override reset(seed: number): TimeStep {
    return this.#withImage(this.env.reset(seed));
  }

  override step(action: Parameters<Env['step']>[0]): TimeStep {
    return this.#withImage(this.env.step(action));
  }
}

/**
 * The seed's MinimumDuration: an episode that ends before `duration` agent steps goes on — the
 * env is reset (with a seed from the first one) and stepping continues in the same recorded
 * episode, the early end kept as a step with discount 0 — so every episode is long enough to cut
 * training sequences from (MinAtar-style games under a random policy often last ~20 steps).
 */
export class MinimumDuration extends Wrapper {
  readonly duration: number;
  #steps = 0;
  #seed = 0;

  constructor(env: Env, duration: number) {
    super(env);
    this.duration = duration;
  }

  override reset(seed: number): TimeStep {
    this.#steps = 0;
    this.#seed = seed;
    return this.env.reset(seed);
  }

  override step(action: Parameters<Env['step']>[0]): TimeStep {
    const ts = this.env.step(action);
    this.#steps++;
    if ((ts.terminal || ts.truncated) && this.#steps < this.duration) {
      const next = this.env.reset((this.#seed + this.#steps * 7919) >>> 0);
      return { ...next, reward: ts.reward, discount: ts.discount, terminal: false, truncated: false, info: { ...ts.info, continued: true } };
    }
    return ts;
  }
}

/** Keeps only the observation keys the model reads. */
export class SelectObservations extends Wrapper {
  readonly keys: readonly string[];

  constructor(env: Env, keys: readonly string[]) {
    super(env);
    const missing = keys.filter((k) => !(k in env.observationSpec));
    if (missing.length > 0) throw new Error(`${env.name}: no observation ${missing.join(', ')}; it has ${Object.keys(env.observationSpec).join(', ')}`);
    this.keys = keys;
  }

  override get observationSpec(): ObservationSpec {
    return Object.fromEntries(this.keys.map((k) => [k, this.env.observationSpec[k]]));
  }

  #pick(ts: TimeStep): TimeStep {
    return { ...ts, observation: Object.fromEntries(this.keys.map((k) => [k, ts.observation[k]])) };
  }

  override reset(seed: number): TimeStep {
    return this.#pick(this.env.reset(seed));
  }

  override step(action: Parameters<Env['step']>[0]): TimeStep {
    return this.#pick(this.env.step(action));
  }
}

/**
 * The seed's per-task action repeat: 2 for the control suite; 1 for dummy and the MinAtar-style
 * games (already coarse); 1 for room_collect, which repeats 4 frames itself as DMLab does.
 */
export function defaultActionRepeat(task: string): number {
  return isControlTaskName(task) ? 2 : 1;
}

/** The env for `task` under `config` (observation kind, action repeat, length limit, reward clip). */
export async function makeTaskEnv(config: Config, task: string): Promise<Env> {
  let env = await makeEnvAsync(task);
  const hasImage = 'image' in env.observationSpec;
  if (config.observation === 'image' && !hasImage) env = new PixelObservation(env, config.render_size, config.camera_id, false);
  else if (config.observation === 'image') env = new SelectObservations(env, ['image']);
  else {
    const keys = Object.keys(env.observationSpec).filter((k) => k !== 'image');
    if (keys.length === 0) throw new Error(`${task}: config observation 'proprio' needs state observations, but the task only has pixels; use observation: image`);
    env = new SelectObservations(env, keys);
  }
  const repeat = config.action_repeat ?? defaultActionRepeat(task);
  if (repeat > 1) env = new ActionRepeat(env, repeat);
  if (config.max_length !== null) env = new TimeLimit(env, config.max_length);
  env = new MinimumDuration(env, config.batch_shape[1]);
  if (config.clip_rewards) env = new ClipReward(env, config.clip_rewards);
  return env;
}
