/**
 * Scores of open-loop rollouts (the seed's `scripts/objectives.py`), from the per-step reward
 * and value predictions r_t = r(s_t), v_t = v(s_t) of the imagined states s_1…s_H (the start
 * state s_0 is not scored):
 *
 *   reward        Σ_{t=1..H} r_t
 *   reward_value  R_1, where R_t = r_t + γ[(1 − λ) v_{t+1} + λ R_{t+1}] for t < H and R_H = v_H
 *
 * reward_value is the seed's `lambda_return(reward[:, :-1], value[:, :-1], value[:, -1])[:, 0]`:
 * the last state contributes its value only, not its reward, and it bootstraps from v(s_H) —
 * unlike the behaviour objective's slicing, which bootstraps from v(s_{H−1}). The seed's
 * `objective_value_ramp` defaults to 0, which means a constant factor 1 on the value; it is not
 * offered here.
 */
import { type Tensor, add, mul, tidy } from '@dreamer/tensor';
import type { PlannerConfig } from './config.ts';

export function scoreRollout(rewards: readonly Tensor[], values: readonly Tensor[] | null, config: Pick<PlannerConfig, 'objective' | 'discount' | 'lambda'>): Tensor {
  return tidy(() => {
    if (config.objective === 'reward') return rewards.reduce((acc, r) => add(acc, r));
    if (!values) throw new RangeError("planner: the 'reward_value' objective needs a model with value()");
    const h = rewards.length;
    const { discount: gamma, lambda } = config;
    let ret = values[h - 1];
    for (let t = h - 2; t >= 0; t--) ret = add(rewards[t], mul(add(mul(values[t + 1], 1 - lambda), mul(ret, lambda)), gamma));
    return ret;
  });
}
