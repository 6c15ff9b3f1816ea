/**
 * λ-returns over imagined trajectories (control/temporal_difference.py), time-major: axis 0 is
 * the imagination step.
 *
 *   R_t = r_t + γ_t [(1 − λ) v_{t+1} + λ R_{t+1}],   v_T = R_T = bootstrap
 *
 * λ = 1 gives the discounted Monte-Carlo return plus γ-discounted bootstrap, λ = 0 one-step TD.
 */
import { type Tensor, add, concat, cumprod, expandDims, mul, onesLike, reshape, slice, stack, stopGradient, tidy } from '@dreamer/tensor';

/** x [T, …] → T tensors […]. */
export function unstack0(x: Tensor): Tensor[] {
  const [t, ...rest] = x.shape;
  return Array.from({ length: t }, (_, i) => reshape(slice(x, [i, ...rest.map(() => 0)], [1, ...rest]), rest));
}

/** Steps [from, to) along axis 0. */
export function steps(x: Tensor, from: number, to = x.shape[0]): Tensor {
  return slice(x, [from, ...x.shape.slice(1).map(() => 0)], [to - from, ...x.shape.slice(1)]);
}

/** reward, value, pcont [T, …]; bootstrap […] → R [T, …]. */
export function lambdaReturn(reward: Tensor, value: Tensor, pcont: Tensor, bootstrap: Tensor, lambda: number): Tensor {
  return tidy(() => {
    const next = unstack0(concat([steps(value, 1), expandDims(bootstrap, 0)], 0));
    const r = unstack0(reward);
    const g = unstack0(pcont);
    const returns: Tensor[] = [];
    let agg = bootstrap;
    for (let t = r.length - 1; t >= 0; t--) {
      agg = add(r[t], mul(g[t], add(mul(next[t], 1 - lambda), mul(agg, lambda))));
      returns[t] = agg;
    }
    return stack(returns, 0);
  });
}

/** w_t = Π_{k<t} γ_k with w_0 = 1, stop-gradient: later imagined steps, and those after a predicted end, count less. */
export function discountWeights(pcont: Tensor): Tensor {
  return tidy(() => {
    const g = stopGradient(pcont);
    return cumprod(concat([onesLike(steps(g, 0, 1)), steps(g, 0, g.shape[0] - 1)], 0), 0);
  });
}
