// Repeat each agent action `repeat` times, summing the rewards, and stop early when the
// episode ends (the seed's ActionRepeat). Observation, discount and flags are the last step's.
import type { Action, Env, TimeStep } from '../env.ts';
import { positiveInteger, Wrapper } from './base.ts';

export class ActionRepeat extends Wrapper {
  readonly repeat: number;

  constructor(env: Env, repeat: number) {
    super(env);
    this.repeat = positiveInteger(`${env.name}: ActionRepeat repeat`, repeat);
  }

  override step(action: Action): TimeStep {
    let reward = 0;
    let ts: TimeStep;
    let steps = 0;
    do {
      ts = this.env.step(action);
      reward += ts.reward;
      steps++;
    } while (steps < this.repeat && !ts.terminal && !ts.truncated);
    return { ...ts, reward, info: { ...ts.info, repeats: steps } };
  }
}
