import { describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, add, neg, square, sub, sum, tensor, zeros } from '@dreamer/tensor';
import { cem } from './cem.ts';
import { scoreRollout } from './objectives.ts';
import type { PlanningModel } from './model.ts';

const column = (xs: number[]): Tensor[] => xs.map((x) => tensor([x]));

describe('scoreRollout', () => {
  it("'reward' sums the rewards of s_1…s_H", () => {
    expect(scoreRollout(column([1, 2, 3]), null, { objective: 'reward', discount: 0.99, lambda: 0.95 }).dataSync()[0]).toBe(6);
  });

  it("'reward_value' is the seed's λ-return: r(s_H) unused, bootstrapped from v(s_H)", () => {
    // R_2 = r_2 + γ v_3 = 2 + 0.5·30 = 17;  R_1 = r_1 + γ[(1 − λ) v_2 + λ R_2] = 1 + 0.5·(0.5·20 + 0.5·17) = 10.25
    const score = scoreRollout(column([1, 2, 1000]), column([10, 20, 30]), { objective: 'reward_value', discount: 0.5, lambda: 0.5 });
    expect(score.dataSync()[0]).toBeCloseTo(10.25, 10);
  });

  it("with λ = 1 and γ = 1 'reward_value' is Σ_{t<H} r_t + v_H", () => {
    const score = scoreRollout(column([1, 2, 3, 4]), column([5, 6, 7, 8]), { objective: 'reward_value', discount: 1, lambda: 1 });
    expect(score.dataSync()[0]).toBe(1 + 2 + 3 + 8);
  });

  it("drives CEM: a value on the last state pulls the plan's last action", () => {
    // Rewards never see the last action (reward_value drops r(s_H)); only the value does, with its optimum at +0.6.
    const model: PlanningModel<{ last: Tensor }> = {
      actionSize: 1,
      step: (_s, a) => ({ last: a }),
      reward: (s) => neg(sum(square(add(s.last, 0.4)), -1)),
      value: (s) => neg(sum(square(sub(s.last, 0.6)), -1)),
    };
    const config = { horizon: 3, candidates: 200, topK: 20 };
    const plan = cem(model, { last: zeros([1, 1]) }, RandomKey.fromSeed(0), { ...config, objective: 'reward_value' });
    const [first, , last] = Array.from(plan.mean.dataSync());
    expect(first).toBeCloseTo(-0.4, 1);
    expect(last).toBeCloseTo(0.6, 1);
    const rewardOnly = Array.from(cem(model, { last: zeros([1, 1]) }, RandomKey.fromSeed(0), config).mean.dataSync());
    expect(rewardOnly[2]).toBeCloseTo(-0.4, 1);
  });
});
