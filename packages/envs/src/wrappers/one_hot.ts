// Let an agent act on a discrete env with one-hot vectors (what its categorical head samples),
// as the seed's strict OneHotAction does: anything but one 1 among 0s is an error, so a noisy
// or soft vector is caught instead of silently argmaxed. The tolerance is numpy's `allclose`
// (|a − ref| ≤ 1e-8 + 1e-5·|ref|), which the seed uses, because a straight-through sample
// `sample + probs − sg(probs)` is one-hot only up to float32 rounding.
import { validateAction, type Action, type ContinuousActionSpec, type DiscreteActionSpec, type Env, type TimeStep } from '../env.ts';
import { show, Wrapper } from './base.ts';

/** A one-hot Float32Array of length `n` with a 1 at `index`. */
export function oneHot(index: number, n: number): Float32Array {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`oneHot: n must be a positive integer, got ${show(n)}`);
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new Error(`oneHot: index ${show(index)} is not an integer in [0, ${n - 1}]`);
  }
  const out = new Float32Array(n);
  out[index] = 1;
  return out;
}

export class OneHotAction extends Wrapper {
  /** The wrapped env's discrete actions (names and count). */
  readonly discrete: DiscreteActionSpec;
  private readonly spec: ContinuousActionSpec;

  constructor(env: Env) {
    super(env);
    if (env.actionSpec.kind !== 'discrete') {
      throw new Error(`${env.name}: OneHotAction needs discrete actions, but the env's actions are continuous`);
    }
    this.discrete = env.actionSpec;
    const n = this.discrete.n;
    this.spec = { kind: 'continuous', shape: [n], low: new Float32Array(n), high: new Float32Array(n).fill(1) };
  }

  override get actionSpec(): ContinuousActionSpec {
    return this.spec;
  }

  override step(action: Action): TimeStep {
    const n = this.discrete.n;
    if (typeof action === 'number') {
      throw new Error(`${this.name}: invalid action ${show(action)}; OneHotAction expects a one-hot vector of length ${n}, not an index`);
    }
    const a = validateAction(this.spec, action, this.name);
    let index = 0;
    for (let i = 1; i < n; i++) if (a[i] > a[index]) index = i;
    for (let i = 0; i < n; i++) {
      const ref = i === index ? 1 : 0;
      if (Math.abs(a[i] - ref) > 1e-8 + 1e-5 * ref) {
        throw new Error(`${this.name}: invalid one-hot action ${show(action)}; expected length ${n} with a single 1 and 0s elsewhere`);
      }
    }
    const ts = this.env.step(index);
    return { ...ts, info: { ...ts.info, actionIndex: index } };
  }
}
