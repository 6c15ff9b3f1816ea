// The control-suite harness shared by every MuJoCo task: the action goes to the actuators once,
// physics runs `substeps` steps, then one reward and one observation are computed; episodes last
// 1000 agent steps and end by truncation (discount 1), never by a terminal.
import {
  EnvBase,
  type Action,
  type ContinuousActionSpec,
  type Env,
  type Observation,
  type ObservationSpec,
  type TimeStep,
} from '../env.ts';
import { renderCpu } from '../render/cpu.ts';
import { checkCamera, resolvePixels, withImage, type PixelOptions, type ResolvedPixels } from '../render/pixels.ts';
import { Rng } from '../rng.ts';
import { Physics } from './physics.ts';
import type { Scene } from './scene.ts';

/** The part of a task that differs between domains. */
export interface ControlTask {
  /** Registry name, e.g. 'cartpole_swingup'. */
  readonly name: string;
  /** MJCF of the domain. */
  readonly xml: string;
  /** Physics steps per agent step. */
  readonly substeps: number;
  /** Observation names and their lengths, in the order the task returns them. */
  readonly observations: Readonly<Record<string, number>>;
  /** Once after compiling: per-task model edits (target sizes, damping, hidden sites). */
  prepare?(p: Physics): void;
  /** Set the initial state; called after qpos/qvel were reset to the model's defaults. */
  initialize(p: Physics, rng: Rng): void;
  observe(p: Physics): Record<string, ArrayLike<number>>;
  /** Reward in [0, 1] for the current state; `p.views.ctrl` holds the (clipped) action. */
  reward(p: Physics): number;
}

/** Options of control tasks. */
export interface ControlOptions {
  /** Agent steps before truncation (default 1000, as in the suite). */
  episodeLength?: number;
  /**
   * Add an `image` observation (uint8 [height, width, 3], default 64×64 from camera 0), drawn
   * each step by the CPU ray caster. `true` takes the defaults. For many envs on a GPU, leave
   * this off and use PixelVectorEnv, which renders them all in one dispatch.
   */
  pixels?: boolean | PixelOptions;
}

const OPTION_KEYS = new Set(['episodeLength', 'pixels']);

export const EPISODE_STEPS = 1000;

export class ControlEnv extends EnvBase {
  readonly name: string;
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ContinuousActionSpec;
  readonly physics: Physics;
  readonly task: ControlTask;
  /** The pixel settings, or null when the env has no `image`. */
  readonly pixels: ResolvedPixels | null;
  private readonly episodeLength: number;
  private t = 0;
  private unstable = false;

  constructor(task: ControlTask, options: ControlOptions = {}) {
    super();
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) {
        throw new Error(`${task.name}: unknown option '${key}'; expected one of: ${[...OPTION_KEYS].join(', ')}`);
      }
    }
    const { episodeLength = EPISODE_STEPS } = options;
    if (!Number.isInteger(episodeLength) || episodeLength <= 0) {
      throw new Error(`${task.name}: option episodeLength must be a positive integer, got ${String(episodeLength)}`);
    }
    this.name = task.name;
    this.task = task;
    this.episodeLength = episodeLength;
    this.pixels = resolvePixels(task.name, options.pixels);
    this.physics = new Physics(task.xml, task.name);
    if (this.pixels) checkCamera(task.name, this.physics.model.ncam, this.pixels);
    task.prepare?.(this.physics);
    const nu = this.physics.nu;
    this.actionSpec = {
      kind: 'continuous',
      shape: [nu],
      low: new Float32Array(nu).fill(-1),
      high: new Float32Array(nu).fill(1),
    };
    const spec: Record<string, ObservationSpec[string]> = {};
    for (const [key, n] of Object.entries(task.observations)) {
      spec[key] = { shape: [n], dtype: 'float32', low: -Infinity, high: Infinity };
    }
    this.observationSpec = this.pixels ? withImage(spec, this.pixels) : spec;
  }

  /** Seconds of simulated time per agent step. */
  get controlTimestep(): number {
    return this.physics.timestep * this.task.substeps;
  }

  /** Finite actions outside [−1, 1] are clipped (what MuJoCo's ctrlrange does); anything else is checked by validateAction. */
  override step(action: Action): TimeStep {
    return super.step(clipFinite(action, this.actionSpec));
  }

  protected doReset(seed: number): TimeStep {
    const p = this.physics;
    p.resetData();
    p.forward();
    this.task.initialize(p, new Rng(seed));
    p.forward();
    this.t = 0;
    this.unstable = false;
    return { observation: this.observe(), reward: 0, discount: 1, terminal: false, truncated: false, info: { step: 0 } };
  }

  protected doStep(action: number | Float32Array): TimeStep {
    const p = this.physics;
    if (this.unstable) throw new Error(`${this.name}: the simulation became unstable; call reset(seed) before stepping again`);
    p.views.ctrl.set(action as Float32Array);
    try {
      p.step(this.task.substeps);
    } catch (err) {
      this.unstable = true;
      throw err;
    }
    this.t++;
    const reward = this.task.reward(p);
    if (!(reward >= 0 && reward <= 1)) {
      throw new Error(`${this.name}: reward ${reward} outside [0, 1] at step ${this.t} (a bug in the task)`);
    }
    return {
      observation: this.observe(),
      reward,
      discount: 1,
      terminal: false,
      truncated: this.t >= this.episodeLength,
      info: { step: this.t },
    };
  }

  private observe(): Observation {
    const px = this.pixels;
    if (!px) return this.state();
    const image = renderCpu([this.scene()], { cameras: px.camera, width: px.width, height: px.height });
    return px.keepState ? { ...this.state(), image } : { image };
  }

  private state(): Record<string, Float32Array> {
    const raw = this.task.observe(this.physics);
    const out: Record<string, Float32Array> = {};
    for (const [key, n] of Object.entries(this.task.observations)) {
      const v = raw[key];
      if (!v || v.length !== n) throw new Error(`${this.name}: observation '${key}' has length ${v?.length}, expected ${n}`);
      out[key] = Float32Array.from(v);
    }
    return out;
  }

  /** The current frame as a plain scene description (see scene.ts). */
  scene(): Scene {
    return this.physics.scene();
  }

  override close(): void {
    super.close();
    this.physics.close();
  }
}

function clipFinite(action: Action, spec: ContinuousActionSpec): Action {
  if (!(Array.isArray(action) || action instanceof Float32Array || action instanceof Float64Array)) return action;
  const vec = action as ArrayLike<unknown>;
  if (vec.length !== spec.low.length) return action;
  const out = new Float32Array(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const x = vec[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return action;
    out[i] = Math.min(spec.high[i], Math.max(spec.low[i], x));
  }
  return out;
}

/** The scene of a control task's current frame; throws for envs that have no MuJoCo scene. */
export function sceneOf(env: Env): Scene {
  let inner: unknown = env;
  // Wrappers expose the env they wrap as `env`; unwrap until a control task is found.
  for (let depth = 0; depth < 16 && inner; depth++) {
    if (inner instanceof ControlEnv) return inner.scene();
    inner = (inner as { env?: unknown }).env;
  }
  throw new Error(`sceneOf: '${env.name}' is not a MuJoCo control task, so it has no scene`);
}
