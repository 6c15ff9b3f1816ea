// Planning models whose optimal plans are known in closed form.
import { type Tensor, add, neg, square, sub, sum } from '@dreamer/tensor';
import type { PlanningModel } from '../model.ts';

/**
 * The state remembers the last action and a per-start target; r(s_t) = −‖a_{t−1} − target‖².
 * Every step is independent, so the optimal plan is the target at every step, with return 0
 * (when the target lies inside the action box).
 */
export const repeatTarget: PlanningModel<{ last: Tensor; target: Tensor }> = {
  actionSize: 2,
  step: (s, a) => ({ last: a, target: s.target }),
  reward: (s) => neg(sum(square(sub(s.last, s.target)), -1)),
};

/**
 * s' = s + a, r(s_t) = −‖s_t − target‖²: reaching the target in one step and staying there
 * (a_0 = target, then 0) is optimal, with return 0, when the target lies inside the box.
 * Unlike `repeatTarget`, steps are coupled through the state.
 */
export const reachTarget: PlanningModel<{ pos: Tensor; target: Tensor }> = {
  actionSize: 2,
  step: (s, a) => ({ pos: add(s.pos, a), target: s.target }),
  reward: (s) => neg(sum(square(sub(s.pos, s.target)), -1)),
};
