// Present a continuous env's box as [−1, 1] per dimension and map back linearly, as the seed's
// NormalizeActions does (dimensions with infinite bounds pass through unchanged). With
// `clip: true`, finite values outside [−1, 1] (e.g. after exploration noise) are clipped
// instead of rejected; NaN, infinities and wrong lengths always throw.
import { validateAction, type Action, type ContinuousActionSpec, type Env, type TimeStep } from '../env.ts';
import { Wrapper } from './base.ts';

export interface NormalizeActionsOptions {
  /** Clip out-of-range actions into [−1, 1] instead of throwing (default false). */
  clip?: boolean;
}

export class NormalizeActions extends Wrapper {
  readonly clip: boolean;
  private readonly spec: ContinuousActionSpec;
  private readonly inner: ContinuousActionSpec;
  private readonly unbounded: ContinuousActionSpec;
  private readonly mapped: boolean[];

  constructor(env: Env, options: NormalizeActionsOptions = {}) {
    super(env);
    const inner = env.actionSpec;
    if (inner.kind !== 'continuous') {
      throw new Error(`${env.name}: NormalizeActions needs continuous actions, but the env has ${inner.n} discrete actions`);
    }
    this.inner = inner;
    this.clip = options.clip ?? false;
    const finite = (i: number) => Number.isFinite(inner.low[i]) && Number.isFinite(inner.high[i]);
    const n = inner.low.length;
    this.mapped = Array.from({ length: n }, (_, i) => finite(i));
    this.spec = {
      kind: 'continuous',
      shape: inner.shape,
      low: Float32Array.from({ length: n }, (_, i) => (this.mapped[i] ? -1 : inner.low[i])),
      high: Float32Array.from({ length: n }, (_, i) => (this.mapped[i] ? 1 : inner.high[i])),
    };
    this.unbounded = { ...this.spec, low: new Float32Array(n).fill(-Infinity), high: new Float32Array(n).fill(Infinity) };
  }

  override get actionSpec(): ContinuousActionSpec {
    return this.spec;
  }

  override step(action: Action): TimeStep {
    const a = validateAction(this.clip ? this.unbounded : this.spec, action, this.name);
    const { low, high } = this.inner;
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = Math.min(Math.max(a[i], this.spec.low[i]), this.spec.high[i]);
      // Clamp after mapping too: (v + 1) / 2 · (high − low) + low can round past a bound.
      out[i] = this.mapped[i] ? Math.min(Math.max(((v + 1) / 2) * (high[i] - low[i]) + low[i], low[i]), high[i]) : v;
    }
    return this.env.step(out);
  }
}
