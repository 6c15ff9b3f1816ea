// A tiny scripted env for wrapper tests (not exported from the package index): reward at step
// t is `rewards[t − 1]`, the episode ends (terminal) after `rewards.length` steps, the image is
// filled with the step number, and every action received is recorded.
import { EnvBase, type ActionSpec, type ObservationSpec, type TimeStep } from '../env.ts';

export class ScriptedEnv extends EnvBase {
  readonly name = 'scripted';
  readonly observationSpec: ObservationSpec = {
    image: { shape: [2, 3, 3], dtype: 'uint8', low: 0, high: 255 },
    pos: { shape: [1], dtype: 'float32', low: 0, high: 1000 },
  };
  readonly actionSpec: ActionSpec;
  readonly received: (number | number[])[] = [];
  private readonly rewards: readonly number[];
  private t = 0;

  constructor(rewards: readonly number[], actionSpec?: ActionSpec) {
    super();
    this.rewards = rewards;
    this.actionSpec = actionSpec ?? { kind: 'discrete', n: 3, names: ['a', 'b', 'c'] };
  }

  private obs(): TimeStep['observation'] {
    return { image: new Uint8Array(18).fill(this.t * 40), pos: Float32Array.of(this.t) };
  }

  protected doReset(_seed: number): TimeStep {
    this.t = 0;
    return { observation: this.obs(), reward: 0, discount: 1, terminal: false, truncated: false, info: { t: 0 } };
  }

  protected doStep(action: number | Float32Array): TimeStep {
    this.received.push(typeof action === 'number' ? action : Array.from(action));
    this.t++;
    const terminal = this.t >= this.rewards.length;
    return { observation: this.obs(), reward: this.rewards[this.t - 1], discount: terminal ? 0 : 1, terminal, truncated: false, info: { t: this.t } };
  }
}
