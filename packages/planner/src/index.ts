/**
 * @dreamer/planner — PlaNet's cross-entropy method in a learned latent space, and random
 * shooting, over any batched planning model; an adapter and an acting policy for
 * @dreamer/world-model. See README.md.
 */
export { type PlannerConfig, type PlannerObjective, PLANNER_DEFAULTS, resolvePlannerConfig } from './config.ts';
export { type PlanningModel, batchSize, tileState } from './model.ts';
export { scoreRollout } from './objectives.ts';
export { type Plan, cem, randomShooting, evaluatePlans, topKMask } from './cem.ts';
export {
  type ValueFunction,
  type PlannerParams,
  type PlannerPolicy,
  type PlannerPolicyOptions,
  worldModelPlanningModel,
  createPlannerPolicy,
} from './world_model.ts';
