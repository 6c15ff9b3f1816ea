/**
 * Adam (TF1 `tf.train.AdamOptimizer` form) and global-norm clipping, functional: the state is
 * a plain value `{ m, v, step }` and `update` returns a new one. Nothing is read back to the CPU.
 */
import { type Tensor, type TensorTree, add, div, maximum, mul, sqrt, sum, tidy, zerosLike } from '@dreamer/tensor';
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
        const m = zipMapParams<typeof grads>([state.m, grads], ([m0, g]) => add(mul(m0, beta1), mul(g, 1 - beta1)));
        const v = zipMapParams<typeof grads>([state.v, grads], ([v0, g]) => add(mul(v0, beta2), mul(mul(g, g), 1 - beta2)));
        const next = zipMapParams<typeof grads>([params, m, v], ([p, m1, v1]) => p.sub(mul(div(m1, add(sqrt(v1), eps)), lrT)));
        return { params: next, state: { m, v, step } };
      });
    },
  };
}

/** sqrt(Σ‖g‖²) over every leaf, as a scalar tensor. */
export function globalNorm(tree: TensorTree): Tensor {
  return tidy(() => {
    const leaves = flattenParams(tree);
    if (leaves.length === 0) throw new Error('globalNorm: the tree holds no tensors');
    let total: Tensor | null = null;
    for (const [, g] of leaves) {
      const s = sum(mul(g, g));
      total = total === null ? s : add(total, s);
    }
    return sqrt(total!);
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
