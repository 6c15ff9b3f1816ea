/**
 * OneHotCategorical and Bernoulli from logits, composed from engine ops.
 */
import {
  RandomKey,
  type Shape,
  type Tensor,
  add,
  argmax,
  bernoulliLogProb,
  cast,
  exp,
  greater,
  less,
  log,
  logSoftmax,
  maximum,
  mul,
  neg,
  oneHot,
  randomUniform,
  sigmoid,
  softmax,
  softplus,
  stopGradient,
  sub,
  sum,
  tidy,
  expandDims,
} from '@dreamer/tensor';

/**
 * How gradients reach the logits through `sample`:
 * - 'straight': sample + probs − sg(probs) (straight-through; the TF2 code's only mode);
 * - 'score': sample · exp(logp − sg(logp)) (DiCE; the TF1 `discrete` preset's default);
 * - 'none': the plain one-hot sample (no gradient).
 */
export type OneHotGradient = 'straight' | 'score' | 'none';

export interface OneHotOptions {
  gradient?: OneHotGradient;
}

/** Categorical over the last axis of `logits`, with one-hot samples. */
export class OneHotCategorical {
  readonly logits: Tensor;
  readonly gradient: OneHotGradient;
  readonly batchShape: Shape;
  readonly classes: number;

  constructor(logits: Tensor, options: OneHotOptions = {}) {
    if (logits.rank < 1) throw new RangeError('OneHotCategorical: logits need a class axis');
    this.logits = logits;
    this.gradient = options.gradient ?? 'straight';
    this.batchShape = logits.shape.slice(0, -1);
    this.classes = logits.shape[logits.rank - 1];
  }

  probs(): Tensor {
    return softmax(this.logits, -1);
  }

  logProbs(): Tensor {
    return logSoftmax(this.logits, -1);
  }

  /**
   * One-hot draws via Gumbel-max (argmax(logits − log(−log u)), u ~ U(0,1) from `key`), with
   * the configured gradient estimator. Shape [...sampleShape, ...batchShape, classes].
   */
  sample(key: RandomKey, sampleShape: Shape = []): Tensor {
    return tidy(() => {
      const shape = [...sampleShape, ...this.logits.shape];
      const u = maximum(randomUniform(key, shape, { dtype: this.logits.dtype }), 1e-30);
      const gumbel = neg(log(neg(log(u))));
      const logits = stopGradient(this.logits);
      const hard = oneHot(argmax(add(logits, gumbel), -1), this.classes, this.logits.dtype);
      if (this.gradient === 'none') return hard;
      if (this.gradient === 'straight') {
        const p = this.probs();
        return add(hard, sub(p, stopGradient(p)));
      }
      const lp = this.logProb(hard); // [...sampleShape, ...batch]
      return mul(hard, expandDims(exp(sub(lp, stopGradient(lp))), -1));
    });
  }

  /** Σ x · log softmax(logits) over the class axis. */
  logProb(x: Tensor): Tensor {
    return tidy(() => sum(mul(x, this.logProbs()), -1));
  }

  /** −Σ p log p. */
  entropy(): Tensor {
    return tidy(() => {
      const lp = this.logProbs();
      return neg(sum(mul(exp(lp), lp), -1));
    });
  }

  /** One-hot of argmax(logits). */
  mode(): Tensor {
    return tidy(() => oneHot(argmax(this.logits, -1), this.classes, this.logits.dtype));
  }

  mean(): Tensor {
    return this.probs();
  }
}

/** Bernoulli from logits (elementwise; e.g. the pcont head). */
export class Bernoulli {
  readonly logits: Tensor;

  constructor(logits: Tensor) {
    this.logits = logits;
  }

  /** log p(x) = −[x·softplus(−l) + (1−x)·softplus(l)]: finite for any logit (the engine's fused bernoulliLogProb). */
  logProb(x: Tensor): Tensor {
    return bernoulliLogProb(x, this.logits);
  }

  /** sigmoid(logits). */
  mean(): Tensor {
    return sigmoid(this.logits);
  }

  probs(): Tensor {
    return sigmoid(this.logits);
  }

  /** 1 where logits > 0, else 0. */
  mode(): Tensor {
    return tidy(() => cast(greater(this.logits, 0), this.logits.dtype));
  }

  /** 1{u < sigmoid(l)} with u ~ U(0,1); no gradient. */
  sample(key: RandomKey, sampleShape: Shape = []): Tensor {
    return tidy(() => cast(less(randomUniform(key, [...sampleShape, ...this.logits.shape], { dtype: this.logits.dtype }), sigmoid(stopGradient(this.logits))), this.logits.dtype));
  }

  /** softplus(l) − l·sigmoid(l) (= −p log p − (1−p) log(1−p)). */
  entropy(): Tensor {
    return tidy(() => sub(softplus(this.logits), mul(this.logits, sigmoid(this.logits))));
  }
}
