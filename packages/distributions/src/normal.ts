/**
 * Normal and MultivariateNormalDiag over engine ops (differentiable, any backend). log-density,
 * KL and reparameterised draws are the engine's fused ops (one launch each way where the backend
 * has the kernel; composed from primitives elsewhere).
 */
import {
  RandomKey,
  type Shape,
  type Tensor,
  add,
  broadcastShapes,
  broadcastTo,
  log,
  normalKl,
  normalLogProb,
  normalSample,
  randomNormal,
  scalar,
  sum,
  tidy,
} from '@dreamer/tensor';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export type TensorOrNumber = Tensor | number;

function asTensor(x: TensorOrNumber, like: Tensor): Tensor {
  return typeof x === 'number' ? scalar(x, like.dtype) : x;
}

/** A batch of independent univariate normals N(loc, scale²); shapes broadcast. */
export class Normal {
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly batchShape: Shape;

  /** `scale` may be a number (e.g. the fixed 1.0 of Dreamer's decoder). */
  constructor(loc: Tensor, scale: TensorOrNumber) {
    this.loc = loc;
    this.scale = asTensor(scale, loc);
    this.batchShape = broadcastShapes('Normal', loc.shape, this.scale.shape);
  }

  /** Reparameterised: loc + scale·ε, ε ~ N(0, 1) drawn from `key`; shape [...sampleShape, ...batchShape]. */
  sample(key: RandomKey, sampleShape: Shape = []): Tensor {
    return tidy(() => {
      const eps = randomNormal(key, [...sampleShape, ...this.batchShape], { dtype: this.loc.dtype });
      return normalSample(this.loc, this.scale, eps);
    });
  }

  /** log N(x | loc, scale) = −½((x−μ)/σ)² − log σ − ½ log 2π, elementwise. */
  logProb(x: Tensor): Tensor {
    return normalLogProb(x, this.loc, this.scale);
  }

  /** ½ + ½ log 2π + log σ, elementwise over the batch. */
  entropy(): Tensor {
    return tidy(() => broadcastTo(add(log(this.scale), 0.5 + HALF_LOG_2PI), this.batchShape));
  }

  mean(): Tensor {
    return broadcastTo(this.loc, this.batchShape);
  }

  mode(): Tensor {
    return broadcastTo(this.loc, this.batchShape);
  }

  stddev(): Tensor {
    return broadcastTo(this.scale, this.batchShape);
  }

  /** KL(this ‖ other) = log(σq/σp) + (σp² + (μp−μq)²)/(2σq²) − ½, elementwise. */
  kl(other: Normal): Tensor {
    return klNormal(this, other);
  }
}

/** ½(ρ² + d² − 1 − 2 log ρ) with ρ = σp/σq, d = (μp − μq)/σq, elementwise. */
export function klNormal(p: Normal, q: Normal): Tensor {
  return normalKl(p.loc, p.scale, q.loc, q.scale);
}

/**
 * A diagonal Gaussian over the last axis (TFP's MultivariateNormalDiag = Independent(Normal, 1)):
 * logProb, entropy and KL are summed over the event axis, so they have the batch shape.
 */
export class MultivariateNormalDiag {
  readonly base: Normal;
  readonly batchShape: Shape;
  readonly eventShape: Shape;

  constructor(loc: Tensor, scale: TensorOrNumber) {
    this.base = new Normal(loc, scale);
    const full = this.base.batchShape;
    if (full.length < 1) throw new RangeError('MultivariateNormalDiag: loc/scale need at least one axis (the event axis)');
    this.batchShape = full.slice(0, -1);
    this.eventShape = full.slice(-1);
  }

  get loc(): Tensor {
    return this.base.loc;
  }

  get scale(): Tensor {
    return this.base.scale;
  }

  sample(key: RandomKey, sampleShape: Shape = []): Tensor {
    return this.base.sample(key, sampleShape);
  }

  logProb(x: Tensor): Tensor {
    return tidy(() => sum(this.base.logProb(x), -1));
  }

  entropy(): Tensor {
    return tidy(() => sum(this.base.entropy(), -1));
  }

  mean(): Tensor {
    return this.base.mean();
  }

  mode(): Tensor {
    return this.base.mode();
  }

  stddev(): Tensor {
    return this.base.stddev();
  }

  kl(other: MultivariateNormalDiag): Tensor {
    return tidy(() => sum(klNormal(this.base, other.base), -1));
  }
}

/** KL between two Normals (elementwise) or two MultivariateNormalDiags (summed over the event axis). */
export function kl(p: Normal, q: Normal): Tensor;
export function kl(p: MultivariateNormalDiag, q: MultivariateNormalDiag): Tensor;
export function kl(p: Normal | MultivariateNormalDiag, q: Normal | MultivariateNormalDiag): Tensor {
  if (p instanceof MultivariateNormalDiag && q instanceof MultivariateNormalDiag) return p.kl(q);
  if (p instanceof Normal && q instanceof Normal) return p.kl(q);
  throw new TypeError('kl: both distributions must be of the same kind (Normal or MultivariateNormalDiag)');
}
