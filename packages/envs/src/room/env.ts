// room_collect: our stand-in for DeepMind Lab's rooms_collect_good_objects, written from the
// task's description (DMLab's engine, assets and code are not used). A first-person view of a
// square room holding good objects (green spheres, +1) and bad ones (red boxes, −1); touching
// an object collects it. The episode ends (terminal) once every good object is collected, else
// it is truncated at the time limit.
//
// Action repeat lives inside the env, as in DMLab, whose step(action, num_steps) runs the engine
// `num_steps` frames and renders once: each step here runs `actionRepeat` frames (default 4, the
// seed's DMLab repeat) and renders only the last, so a wrapper's repeat would cost a render per
// frame for nothing. A config's action_repeat multiplies this one (so 1 gives the seed's setup).
import { EnvBase, type DiscreteActionSpec, type ObservationSpec, type TimeStep } from '../env.ts';
import { renderCpu } from '../render/cpu.ts';
import { Rng } from '../rng.ts';
import { roomScene } from './scene.ts';
import { ACTIONS, Room } from './world.ts';
import type { Scene } from '../control/scene.ts';

export interface RoomOptions {
  /** Frames per agent step (default 4). */
  actionRepeat?: number;
  /** Frames before the episode is truncated (default 3600, so 900 agent steps at repeat 4). */
  episodeFrames?: number;
  /** Good objects (default 4); collecting all of them ends the episode. */
  numGood?: number;
  /** Bad objects (default 4). */
  numBad?: number;
  /** Square image size (default 64). */
  size?: number;
  /** Shadows from the overhead light (default false: they cost 3× the render time). */
  shadows?: boolean;
}

const DEFAULTS = { actionRepeat: 4, episodeFrames: 3600, numGood: 4, numBad: 4, size: 64, shadows: false };

export class RoomCollect extends EnvBase {
  readonly name = 'room_collect';
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: DiscreteActionSpec = { kind: 'discrete', n: ACTIONS.length, names: ACTIONS.map((a) => a.name) };
  /** The episode's state (exposed for tests and pictures, like MinAtarEnv.game). */
  readonly room = new Room();
  private readonly options: typeof DEFAULTS;
  private frames = 0;
  private steps = 0;

  constructor(options: RoomOptions = {}) {
    super();
    for (const key of Object.keys(options)) {
      if (!Object.hasOwn(DEFAULTS, key)) {
        throw new Error(`room_collect: unknown option '${key}'; valid options are ${Object.keys(DEFAULTS).join(', ')}`);
      }
    }
    const o = { ...DEFAULTS, ...options };
    for (const key of ['actionRepeat', 'episodeFrames', 'numGood', 'size'] as const) {
      if (!Number.isInteger(o[key]) || o[key] <= 0) throw new Error(`room_collect: option ${key} must be a positive integer, got ${o[key]}`);
    }
    if (!Number.isInteger(o.numBad) || o.numBad < 0) throw new Error(`room_collect: option numBad must be a non-negative integer, got ${o.numBad}`);
    this.options = o;
    this.observationSpec = {
      image: { shape: [o.size, o.size, 3], dtype: 'uint8', low: 0, high: 255, description: 'first-person RGB view, HWC' },
    };
  }

  /** The current first-person scene (for pictures at other sizes). */
  scene(): Scene {
    return roomScene(this.room);
  }

  private observe(): { image: Uint8Array } {
    const { size, shadows } = this.options;
    return { image: renderCpu([this.scene()], { width: size, height: size, shadows }) };
  }

  private info(): Record<string, number> {
    return { step: this.steps, frame: this.frames, goodLeft: this.room.count(true), badLeft: this.room.count(false) };
  }

  protected doReset(seed: number): TimeStep {
    this.room.place(new Rng(seed), this.options.numGood, this.options.numBad);
    this.frames = 0;
    this.steps = 0;
    return { observation: this.observe(), reward: 0, discount: 1, terminal: false, truncated: false, info: this.info() };
  }

  protected doStep(action: number | Float32Array): TimeStep {
    const { actionRepeat, episodeFrames } = this.options;
    let reward = 0;
    let terminal = false;
    for (let k = 0; k < actionRepeat && !terminal && this.frames < episodeFrames; k++) {
      reward += this.room.frame(action as number);
      this.frames++;
      terminal = this.room.count(true) === 0;
    }
    this.steps++;
    const truncated = !terminal && this.frames >= episodeFrames;
    return { observation: this.observe(), reward, discount: terminal ? 0 : 1, terminal, truncated, info: this.info() };
  }
}
