// The `dummy` task of the original Dreamer (google-research/dreamer, control/dummy_env.py),
// used as a CI smoke test: random 64×64×3 images, a 5-dim continuous action in [−1, 1],
// reward U(0, 1), and 1000 steps per episode, ending by time limit (truncated, discount 1).
// One deliberate difference: the image is uint8 0..255 (like every pixel task here) rather
// than float32 in [0, 1]; agents apply the same preprocessing to every image observation.
import { EnvBase, type ContinuousActionSpec, type ObservationSpec, type TimeStep } from './env.ts';
import { Rng } from './rng.ts';

export interface DummyOptions {
  /** Steps per episode before truncation (default 1000). */
  episodeLength?: number;
  /** Continuous action size (default 5). */
  actionDim?: number;
  /** Square image size (default 64). */
  size?: number;
}

export class DummyEnv extends EnvBase {
  readonly name = 'dummy';
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ContinuousActionSpec;
  private readonly episodeLength: number;
  private readonly size: number;
  private rng = new Rng(0);
  private t = 0;

  constructor(options: DummyOptions = {}) {
    super();
    const { episodeLength = 1000, actionDim = 5, size = 64 } = options;
    for (const [k, v] of Object.entries({ episodeLength, actionDim, size })) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`dummy: option ${k} must be a positive integer, got ${v}`);
    }
    this.episodeLength = episodeLength;
    this.size = size;
    this.observationSpec = {
      image: { shape: [size, size, 3], dtype: 'uint8', low: 0, high: 255, description: 'uniform random RGB noise, HWC' },
    };
    this.actionSpec = {
      kind: 'continuous',
      shape: [actionDim],
      low: new Float32Array(actionDim).fill(-1),
      high: new Float32Array(actionDim).fill(1),
    };
  }

  private image(): Uint8Array {
    return this.rng.fillBytes(new Uint8Array(this.size * this.size * 3));
  }

  protected doReset(seed: number): TimeStep {
    this.rng = new Rng(seed);
    this.t = 0;
    return { observation: { image: this.image() }, reward: 0, discount: 1, terminal: false, truncated: false, info: { step: 0 } };
  }

  protected doStep(_action: number | Float32Array): TimeStep {
    this.t++;
    const reward = this.rng.float();
    const truncated = this.t >= this.episodeLength;
    return { observation: { image: this.image() }, reward, discount: 1, terminal: false, truncated, info: { step: this.t } };
  }
}
