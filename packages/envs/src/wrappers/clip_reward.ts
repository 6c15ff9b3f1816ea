// Squash rewards as the seed's `clip_rewards` option does (TF1 `discrete` preset: tanh). The
// unclipped reward stays in `info.rawReward`, so returns can still be reported in game units.
// Put it outside ActionRepeat so the summed reward is squashed, not each repeat.
import type { Action, Env, TimeStep } from '../env.ts';
import { show, Wrapper } from './base.ts';

export type RewardClip = 'none' | 'tanh' | 'sign';

const CLIPS: Record<RewardClip, (r: number) => number> = {
  none: (r) => r,
  tanh: Math.tanh,
  sign: (r) => Math.sign(r) + 0, // + 0 turns −0 into 0
};

export class ClipReward extends Wrapper {
  readonly mode: RewardClip;
  private readonly clip: (r: number) => number;

  constructor(env: Env, mode: RewardClip) {
    super(env);
    if (!Object.hasOwn(CLIPS, mode)) {
      throw new Error(`${env.name}: ClipReward mode ${show(mode)} is not one of ${Object.keys(CLIPS).join(', ')}`);
    }
    this.mode = mode;
    this.clip = CLIPS[mode];
  }

  override reset(seed: number): TimeStep {
    return this.apply(this.env.reset(seed));
  }

  override step(action: Action): TimeStep {
    return this.apply(this.env.step(action));
  }

  private apply(ts: TimeStep): TimeStep {
    return { ...ts, reward: this.clip(ts.reward), info: { ...ts.info, rawReward: ts.reward } };
  }
}
