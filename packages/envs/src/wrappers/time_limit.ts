// End episodes after `duration` agent steps as a truncation: `truncated` with discount 1, so
// learners bootstrap (the seed's TimeLimit sets discount 1 the same way). An env that ends on
// its own first keeps its own flags.
import type { Action, Env, TimeStep } from '../env.ts';
import { positiveInteger, Wrapper } from './base.ts';

export class TimeLimit extends Wrapper {
  readonly duration: number;
  private t = 0;
  private ended = false;

  constructor(env: Env, duration: number) {
    super(env);
    this.duration = positiveInteger(`${env.name}: TimeLimit duration`, duration);
  }

  /** Agent steps taken in the current episode. */
  get elapsed(): number {
    return this.t;
  }

  override reset(seed: number): TimeStep {
    const ts = this.env.reset(seed);
    this.t = 0;
    this.ended = false;
    return ts;
  }

  override step(action: Action): TimeStep {
    if (this.ended) {
      throw new Error(`${this.name}: step() called after the episode ended (time limit ${this.duration}); call reset(seed) first`);
    }
    const ts = this.env.step(action);
    this.t++;
    if (ts.terminal || ts.truncated) {
      this.ended = true;
      return ts;
    }
    if (this.t < this.duration) return ts;
    this.ended = true;
    return { ...ts, truncated: true, discount: 1, info: { ...ts.info, timeLimit: this.duration } };
  }
}
