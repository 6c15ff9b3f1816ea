/**
 * @dreamer/behavior — Dreamer's actor and value learned in imagination, and the full training
 * step over @dreamer/world-model. See README.md.
 */
export { type BehaviorConfig, BEHAVIOR_DEFAULTS, TF2_BEHAVIOR, resolveBehaviorConfig } from './config.ts';
export { lambdaReturn, discountWeights, unstack0, steps } from './returns.ts';
export { type Actor, type ActionDist, actor, valueHead } from './heads.ts';
export {
  type Dreamer,
  type DreamerOptions,
  type DreamerOptState,
  type DreamerParams,
  type Imagination,
  type ValueTargets,
  dreamer,
  flattenStarts,
} from './dreamer.ts';
