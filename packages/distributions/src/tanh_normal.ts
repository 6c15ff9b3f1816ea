/**
 * TanhNormal: Independent(TransformedDistribution(Normal(loc, scale), Tanh), 1) — the action
 * distribution of Dreamer's `tanh_normal` head. Events are the last axis.
 *
 * With y = tanh(x): log p(y) = Σ_event [log N(x | loc, scale) − log|dy/dx|], where
 * log|dy/dx| = log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)) (stable for large |x|).
 * The inverse clips y to ±0.99999997 before atanh, as the reference.
 *
 * mean/mode/entropy have no closed form. As the reference's SampleDist, they are estimated
 * from `samples` draws (default 100): mean = sample mean, mode = the draw with the highest
 * log-prob, entropy = −mean log-prob. Those need a RandomKey. With `analytic: true`, mode()
 * and mean() return tanh(loc) instead (no key needed; a common shortcut, not the reference).
 */
import {
  ATANH_CLIP,
  RandomKey,
  type Shape,
  type Tensor,
  argmax,
  clip,
  log1p,
  mean as meanOp,
  mul,
  neg,
  oneHot,
  softplus,
  sub,
  sum,
  tanh,
  tanhNormalLogProb,
  tidy,
  expandDims,
  transpose,
} from '@dreamer/tensor';
import { Normal, type TensorOrNumber } from './normal.ts';

/** The reference's clip bound for the inverse tanh (f32 rounds it to 1 − 2⁻²⁴); defined by the engine's fused op. */
export { ATANH_CLIP };
const LOG2 = Math.log(2);

/** log|d tanh(x)/dx| = 2(log 2 − x − softplus(−2x)). */
export function tanhLogDetJacobian(x: Tensor): Tensor {
  return tidy(() => mul(sub(sub(LOG2, x), softplus(mul(x, -2))), 2));
}

/** atanh(clip(y, ±ATANH_CLIP)) = ½(log1p(y) − log1p(−y)). */
export function safeAtanh(y: Tensor): Tensor {
  return tidy(() => {
    const c = clip(y, -ATANH_CLIP, ATANH_CLIP);
    return mul(sub(log1p(c), log1p(neg(c))), 0.5);
  });
}

export interface TanhNormalOptions {
  /** Draws used to estimate mean/mode/entropy (default 100, as SampleDist). */
  samples?: number;
  /** mode() and mean() = tanh(loc) without sampling. Default false. */
  analytic?: boolean;
}

export class TanhNormal {
  readonly base: Normal;
  readonly batchShape: Shape;
  readonly eventShape: Shape;
  readonly samples: number;
  readonly analytic: boolean;

  constructor(loc: Tensor, scale: TensorOrNumber, options: TanhNormalOptions = {}) {
    this.base = new Normal(loc, scale);
    const full = this.base.batchShape;
    if (full.length < 1) throw new RangeError('TanhNormal: loc/scale need at least one axis (the event axis)');
    this.batchShape = full.slice(0, -1);
    this.eventShape = full.slice(-1);
    this.samples = options.samples ?? 100;
    this.analytic = options.analytic ?? false;
    if (!Number.isInteger(this.samples) || this.samples < 1) throw new RangeError(`TanhNormal: samples must be a positive integer, got ${this.samples}`);
  }

  /** tanh(loc + scale·ε): reparameterised, shape [...sampleShape, ...batchShape, ...eventShape]. */
  sample(key: RandomKey, sampleShape: Shape = []): Tensor {
    return tidy(() => tanh(this.base.sample(key, sampleShape)));
  }

  /**
   * A reparameterised draw y = tanh(x) and the one-draw entropy estimate −log p(y) =
   * Σ_event [−log N(x | loc, scale) + log(1 − tanh²x)], computed from x (no atanh of a saturated y).
   * Its gradient raises the scale and, through the log-det term, pulls x out of tanh's flat tails.
   */
  sampleWithEntropy(key: RandomKey): { sample: Tensor; entropy: Tensor } {
    return tidy(() => {
      const x = this.base.sample(key);
      return { sample: tanh(x), entropy: sum(sub(tanhLogDetJacobian(x), this.base.logProb(x)), -1) };
    });
  }

  /** Log-density of y ∈ (−1, 1)^A, summed over the event axis (the engine's fused tanhNormalLogProb). */
  logProb(y: Tensor): Tensor {
    return tidy(() => sum(tanhNormalLogProb(y, this.base.loc, this.base.scale), -1));
  }

  /** Draws and their log-probs, for the sample-based estimates. */
  #draws(key: RandomKey): { y: Tensor; lp: Tensor } {
    const y = this.sample(key, [this.samples]);
    return { y, lp: this.logProb(y) };
  }

  mean(key?: RandomKey): Tensor {
    if (this.analytic) return tidy(() => tanh(this.base.mean()));
    const k = requireKey(key, 'mean');
    return tidy(() => meanOp(this.#draws(k).y, 0));
  }

  /** The draw with the highest log-prob among `samples` (or tanh(loc) when analytic). */
  mode(key?: RandomKey): Tensor {
    if (this.analytic) return tidy(() => tanh(this.base.mode()));
    const k = requireKey(key, 'mode');
    return tidy(() => {
      const { y, lp } = this.#draws(k); // y [N, ...batch, A], lp [N, ...batch]
      const best = argmax(lp, 0); // [...batch]
      const rank = lp.rank;
      // one-hot over the sample axis, moved to the front: [N, ...batch, 1]
      const perm = [rank - 1, ...Array.from({ length: rank - 1 }, (_, i) => i)];
      const sel = expandDims(transpose(oneHot(best, this.samples, y.dtype), perm), -1);
      return sum(mul(y, sel), 0);
    });
  }

  /** −mean log-prob over `samples` draws, shape batchShape. */
  entropy(key?: RandomKey): Tensor {
    const k = requireKey(key, 'entropy');
    return tidy(() => neg(meanOp(this.#draws(k).lp, 0)));
  }
}

function requireKey(key: RandomKey | undefined, what: string): RandomKey {
  if (!key) throw new Error(`TanhNormal.${what}: needs a RandomKey (it is estimated from samples); or construct with { analytic: true }`);
  return key;
}
