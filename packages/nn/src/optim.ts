/**
 * Adam (TF1 `tf.train.AdamOptimizer` form) and global-norm clipping, functional: the state is
 * a plain value `{ m, v, step }` and `update` returns a new one. Nothing is read back to the CPU.
 */
import { type Tensor, type TensorTree, adamUpdate, div, maximum, mul, sqrt, sumOfSquares, tidy, zerosLike } from '@dreamer/tensor';
import { flattenParams, mapParams, zipMapParams } from './tree.ts';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  beta1?: number;
  beta2?: number;
  /** Default 1e-4, as the TF1 Dreamer code (Keras would be 1e-7). */
  eps?: number;
}

export interface AdamState<P extends TensorTree> {
  m: P;
  v: P;
  /** Number of updates applied so far (a JS number: no readback needed for bias correction). */
  step: number;
}

export interface Adam {
  readonly options: Required<AdamOptions>;
  init<P extends TensorTree>(params: P): AdamState<P>;
  /**
   * One step: returns new params and state. The inputs are not disposed (the caller owns them
   * and usually disposes the old params, grads and state afterwards).
   */
  update<P extends TensorTree>(grads: P, state: AdamState<P>, params: P): { params: P; state: AdamState<P> };
}

/**
 * m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  t ← t+1
 * lr_t = lr · sqrt(1 − β2ᵗ) / (1 − β1ᵗ);   θ ← θ − lr_t · m / (sqrt(v) + ε)
 * (ε is added to sqrt(v) *before* bias correction — TF's "ε-hat" form.)
 */
export function adam(options: AdamOptions = {}): Adam {
  const opts: Required<AdamOptions> = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-4, ...options };
  const { lr, beta1, beta2, eps } = opts;
  return {
    options: opts,
    init(params) {
      return tidy(() => ({ m: mapParams(params, (t) => zerosLike(t)), v: mapParams(params, (t) => zerosLike(t)), step: 0 }));
    },
    update(grads, state, params) {
      const step = state.step + 1;
      const lrT = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      return tidy(() => {
        // One fused launch per leaf gives (param', m', v'); each output tree picks its part.
        const steps = new Map<string, [Tensor, Tensor, Tensor]>();
        const pick = (k: 0 | 1 | 2) =>
          zipMapParams<typeof grads>([params, grads, state.m, state.v], ([p, g, m0, v0], path) => {
            let out = steps.get(path);
            if (!out) steps.set(path, (out = adamUpdate(p, g, m0, v0, { lrT, beta1, beta2, eps })));
            return out[k];
          });
        return { params: pick(0), state: { m: pick(1), v: pick(2), step } };
      });
    },
  };
}

/** sqrt(Σ‖g‖²) over every leaf, as a scalar tensor. */
export function globalNorm(tree: TensorTree): Tensor {
  return tidy(() => {
    const leaves = flattenParams(tree);
    if (leaves.length === 0) throw new Error('globalNorm: the tree holds no tensors');
    return sqrt(sumOfSquares(leaves.map(([, g]) => g)));
  });
}

/**
 * TF's clip_by_global_norm: every leaf × maxNorm / max(norm, maxNorm). Returns the clipped
 * tree and the norm before clipping (a scalar tensor; read it later, e.g. for logging).
 */
export function clipByGlobalNorm<P extends TensorTree>(grads: P, maxNorm: number): { grads: P; norm: Tensor } {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  return tidy(() => {
    const norm = globalNorm(grads);
    const scale = div(maxNorm, maximum(norm, maxNorm));
    return { grads: mapParams(grads, (g) => mul(g, scale)), norm };
  });
}
