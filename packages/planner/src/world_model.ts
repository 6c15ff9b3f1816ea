/**
 * Planning in a @dreamer/world-model latent space (the seed's PlaNet agent): the RSSM prior
 * `imgStep` as the dynamics, the reward head's mean as the reward, and optionally a value head
 * (e.g. @dreamer/behavior's) for the 'reward_value' objective. Continuous (box) actions only,
 * as the seed's CEM.
 */
import { RandomKey, type Tensor, type TensorTree, tidy } from '@dreamer/tensor';
import type { Head, RSSMState, WorldModel, WorldModelParams } from '@dreamer/world-model';
import { type Plan, cem } from './cem.ts';
import { type PlannerConfig, resolvePlannerConfig } from './config.ts';
import type { PlanningModel } from './model.ts';

/** A value head and its parameters, e.g. `{ head: agent.value, params: params.value }` from @dreamer/behavior. */
export interface ValueFunction<P extends TensorTree = TensorTree> {
  head: Head<P>;
  params: P;
}

export function worldModelPlanningModel<P extends TensorTree>(wm: WorldModel, params: WorldModelParams, value?: ValueFunction<P>): PlanningModel<RSSMState> {
  const features = (state: RSSMState) => wm.rssm.features(state);
  return {
    actionSize: wm.actionSize,
    dtype: wm.config.dtype,
    step: (state, action, key) => wm.rssm.imgStep(params.rssm, state, action, key),
    reward: (state) => tidy(() => wm.heads.reward.apply(params.heads.reward, features(state)).mean()),
    ...(value && { value: (state: RSSMState) => tidy(() => value.head.apply(value.params, features(state)).mean()) }),
  };
}

/** The agent's parameters as far as planning reads them; @dreamer/behavior's `DreamerParams` fits. */
export interface PlannerParams<V extends TensorTree = TensorTree> {
  model: WorldModelParams;
  value?: V;
}

export interface PlannerPolicyOptions<V extends TensorTree = TensorTree> extends Partial<PlannerConfig> {
  /** The value head read with `params.value`; required by objective 'reward_value'. */
  valueHead?: Head<V>;
}

export interface PlannerPolicy<V extends TensorTree = TensorTree> {
  readonly config: PlannerConfig;
  /** CEM from posterior states [B, ·] (B = 1 when acting in one env) → the action to execute [B, A]. */
  act(params: PlannerParams<V>, state: RSSMState, key: RandomKey): Tensor;
  /** The whole plan (action, final mean and std); the caller disposes it. */
  plan(params: PlannerParams<V>, state: RSSMState, key: RandomKey): Plan;
}

/** The planner in place of an actor, for `action_head: false` (the seed's `planet` preset). */
export function createPlannerPolicy<V extends TensorTree = TensorTree>(wm: WorldModel, options: PlannerPolicyOptions<V> = {}): PlannerPolicy<V> {
  const { valueHead, ...overrides } = options;
  const config = resolvePlannerConfig(overrides);
  if (config.objective === 'reward_value' && !valueHead) throw new RangeError("createPlannerPolicy: the 'reward_value' objective needs options.valueHead");
  const modelOf = (params: PlannerParams<V>): PlanningModel<RSSMState> => {
    if (config.objective !== 'reward_value') return worldModelPlanningModel(wm, params.model);
    if (!params.value) throw new RangeError("planner policy: the 'reward_value' objective needs params.value");
    return worldModelPlanningModel(wm, params.model, { head: valueHead!, params: params.value });
  };
  const self: PlannerPolicy<V> = {
    config,
    plan: (params, state, key) => cem(modelOf(params), state, key, config),
    act: (params, state, key) => tidy(() => self.plan(params, state, key).action),
  };
  return self;
}
