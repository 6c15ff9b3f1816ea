/**
 * Learning behaviour by latent imagination, and the whole Dreamer update (the seed's
 * `compute_objectives` + `apply_optimizers`). From every posterior state s_0 the actor imagines
 * H prior steps s_1…s_H, sampling a_t ~ π(· | sg(feat(s_t))) and keeping the gradient through
 * the sample into the dynamics. With r_t, v_t, γ_t the reward mode, value mode and continuation
 * of s_{t+1}:
 *
 *   R = λ-return(r_{0..H−2}, v_{0..H−2}, γ_{0..H−2}, bootstrap)        w_t = sg(Π_{k<t} γ_k)
 *   actor loss = −mean(w·R)                                  (dynamics backprop; only π moves)
 *   value loss = mean(−w · log N(sg(R') | v(sg(feat)), 1))    (R' with the value discount/λ)
 *
 * All three gradients are taken at the same (pre-update) parameters, as the seed's single graph.
 */
import {
  RandomKey,
  type Tensor,
  add,
  type TensorTree,
  fullLike,
  mean,
  minimum,
  mul,
  neg,
  phase,
  reshape,
  slice,
  stack,
  stopGradient,
  tidy,
  valueAndGrad,
} from '@dreamer/tensor';
import { type AdamState, type DenseParams, type MLPParams, type Params, adam, clipByGlobalNorm } from '@dreamer/nn';
import {
  type ActionSpace,
  type Batch,
  type Head,
  type Metrics,
  type ObservationSpaces,
  type RSSMState,
  type WorldModel,
  type WorldModelConfig,
  type WorldModelOptState,
  type WorldModelParams,
  worldModel,
} from '@dreamer/world-model';
import { type BehaviorConfig, resolveBehaviorConfig } from './config.ts';
import { TanhNormal } from '@dreamer/distributions';
import { type ActionDist, type Actor, actor as makeActor, valueHead } from './heads.ts';
import { discountWeights, lambdaReturn, steps } from './returns.ts';

export interface DreamerParams {
  [key: string]: TensorTree;
  model: WorldModelParams;
  actor: Record<string, DenseParams>;
  value: MLPParams;
}

export interface DreamerOptState {
  [key: string]: WorldModelOptState | AdamState<TensorTree>;
  model: WorldModelOptState;
  actor: AdamState<TensorTree>;
  value: AdamState<TensorTree>;
}

export interface DreamerOptions {
  model?: Partial<WorldModelConfig>;
  behavior?: Partial<BehaviorConfig>;
}

export interface Imagination {
  /** Imagined states s_1…s_H, time-major [H, N, ·]. */
  states: RSSMState;
  features: Tensor;
  /** With the actor's entropy bonus on: the entropy estimate of π at s_0…s_{H−1} (the actions taken), [H, N]. */
  entropy?: Tensor;
}

export interface Dreamer {
  readonly worldModel: WorldModel;
  readonly config: BehaviorConfig;
  readonly actor: Actor;
  readonly value: Head<MLPParams & Params>;
  init(key: RandomKey): DreamerParams;
  initOptState(params: DreamerParams): DreamerOptState;
  /** Rolls the actor out in the model from `start` [N] for `horizon` steps. */
  imagine(model: WorldModelParams, actorParams: Record<string, DenseParams>, start: RSSMState, key: RandomKey, horizon?: number): Imagination;
  /**
   * The actor's objective from posterior starts [N] (differentiable in `actorParams`), with the
   * value loss's stop-gradient targets packed for a separate valueAndGrad.
   */
  behaviorObjectives(params: DreamerParams, actorParams: Record<string, DenseParams>, start: RSSMState, key: RandomKey): { actorLoss: Tensor; valueTargets: ValueTargets; metrics: Metrics };
  valueLoss(valueParams: MLPParams, targets: ValueTargets): Tensor;
  /**
   * One update of model, actor and value; returns new trees (the inputs are not disposed).
   * `actor: false` keeps the actor fixed (no actor gradient is formed; its Adam state is untouched).
   */
  trainStep(params: DreamerParams, optState: DreamerOptState, batch: Batch, key: RandomKey, options?: { actor?: boolean }): { params: DreamerParams; optState: DreamerOptState; metrics: Metrics };
}

/** What the value loss needs, all stop-gradient: features [H−1, N, F], returns and weights [H−1, N]. */
export interface ValueTargets {
  [key: string]: Tensor;
  features: Tensor;
  returns: Tensor;
  weights: Tensor;
}

/** A draw of π and its entropy: the one-draw estimate for tanh-Normal, the exact entropy for one-hot. */
function actionWithEntropy(dist: ActionDist, key: RandomKey): { sample: Tensor; entropy: Tensor } {
  if (dist instanceof TanhNormal) return dist.sampleWithEntropy(key);
  return { sample: dist.sample(key), entropy: dist.entropy() };
}

/** Posterior states [B, T, ·] → starts [B·(T − skipLast), ·]. */
export function flattenStarts(post: RSSMState, skipLast = 0): RSSMState {
  return tidy(() => {
    const out: Record<string, Tensor> = {};
    for (const [k, x] of Object.entries(post)) {
      const [b, t, ...rest] = x.shape;
      const kept = skipLast > 0 ? slice(x, [0, 0, ...rest.map(() => 0)], [b, t - skipLast, ...rest]) : x;
      out[k] = reshape(stopGradient(kept), [-1, ...rest]);
    }
    return out as RSSMState;
  });
}

export function dreamer(observationSpaces: ObservationSpaces, actionSpace: ActionSpace, options: DreamerOptions = {}): Dreamer {
  const wm = worldModel(observationSpaces, actionSpace, options.model);
  const config = resolveBehaviorConfig(options.behavior);
  const dtype = wm.config.dtype;
  const features = wm.featureSize;
  const policy = makeActor(features, actionSpace, config, dtype);
  const value = valueHead(features, config, dtype);
  if ((config.actionLossPcont || config.valueLossPcont) && !wm.heads.pcont) {
    throw new RangeError('behavior: actionLossPcont/valueLossPcont need the world model’s pcont head (model option pcont: true)');
  }
  const actorOpt = adam({ lr: config.actorLr, eps: config.adamEps });
  const valueOpt = adam({ lr: config.valueLr, eps: config.adamEps });

  const self: Dreamer = {
    worldModel: wm,
    config,
    actor: policy,
    value,
    init(key) {
      const [km, ka, kv] = key.split(3);
      return { model: wm.init(km), actor: policy.init(ka), value: value.init(kv) as MLPParams };
    },
    initOptState: (params) => tidy(() => ({ model: wm.initOptState(params.model), actor: actorOpt.init(params.actor), value: valueOpt.init(params.value) })),
    imagine(model, actorParams, start, key, horizon = config.horizon) {
      return tidy(() => {
        const keys = key.split(horizon);
        let state = start;
        const states: RSSMState[] = [];
        const entropies: Tensor[] = [];
        for (let t = 0; t < horizon; t++) {
          const [actionKey, stateKey] = keys[t].split(2);
          const dist = policy.dist(actorParams, stopGradient(wm.rssm.features(state)));
          let action: Tensor;
          if (config.actionEntropy > 0) {
            const drawn = actionWithEntropy(dist, actionKey);
            action = drawn.sample;
            entropies.push(drawn.entropy);
          } else action = dist.sample(actionKey);
          state = wm.rssm.imgStep(model.rssm, state, action, stateKey);
          states.push(state);
        }
        const stacked: Record<string, Tensor> = {};
        for (const k of Object.keys(states[0])) stacked[k] = stack(states.map((s) => s[k]), 0);
        const out: Imagination = { states: stacked as RSSMState, features: wm.rssm.features(stacked as RSSMState) };
        if (entropies.length > 0) out.entropy = stack(entropies, 0);
        return out;
      });
    },
    behaviorObjectives(params, actorParams, start, key) {
      return tidy(() => {
        const h = config.horizon;
        const imagined = phase('imagine', () => self.imagine(params.model, actorParams, start, key));
        const feat = imagined.features;
        return phase('returns', () => {
          const reward = wm.heads.reward.apply(params.model.heads.reward, feat).mode();
          const v = config.valueHead ? value.apply(params.value, feat).mode() : fullLike(reward, 0);
          const pcont = config.actionLossPcont || config.valueLossPcont ? wm.heads.pcont.apply(params.model.heads.pcont, feat).mean() : null;
          const actionPcont = pcont && config.actionLossPcont ? mul(config.actionPcontStopGrad ? stopGradient(pcont) : pcont, config.actionDiscount) : fullLike(reward, config.actionDiscount);
          const valuePcont = pcont && config.valueLossPcont ? mul(stopGradient(pcont), config.valueDiscount) : fullLike(reward, config.valueDiscount);
          // The seed's slicing: returns for s_1…s_{H−1} (indices 0…H−2), bootstrapped from v(s_{H−1})
          // (index H−2, 'penultimate') or v(s_H) (index H−1, 'last').
          const early = (x: Tensor) => steps(x, 0, h - 1);
          const bootstrap = reshape(steps(v, config.bootstrap === 'last' ? h - 1 : h - 2, config.bootstrap === 'last' ? h : h - 1), v.shape.slice(1));
          const returns = lambdaReturn(early(reward), early(v), early(actionPcont), bootstrap, config.actionLambda);
          const actionWeights = config.actionPcontWeight ? discountWeights(early(actionPcont)) : null;
          const weighted = (x: Tensor) => mean(actionWeights ? mul(x, actionWeights) : x);
          let actionObjective = weighted(returns);
          const metrics: Metrics = {};
          if (imagined.entropy) {
            const entropy = weighted(early(imagined.entropy));
            actionObjective = add(actionObjective, mul(entropy, config.actionEntropy));
            metrics['behavior/action_entropy'] = stopGradient(entropy);
          }
          const sg = stopGradient;
          const valueReturns = lambdaReturn(sg(early(reward)), sg(early(v)), early(valuePcont), sg(bootstrap), config.valueLambda);
          const valueTargets: ValueTargets = {
            features: sg(early(feat)),
            returns: valueReturns,
            weights: config.valuePcontWeight ? discountWeights(early(valuePcont)) : fullLike(valueReturns, 1),
          };
          metrics['objectives/action'] = sg(actionObjective);
          return { actorLoss: neg(actionObjective), valueTargets, metrics };
        });
      });
    },
    valueLoss: (valueParams, targets) =>
      tidy(() => mean(mul(neg(value.apply(valueParams, targets.features).logProb(targets.returns)), targets.weights))),
    trainStep(params, optState, batch, key, options = {}) {
      const trainActor = options.actor ?? true;
      return tidy(() => {
        const length = batch.action.shape[1];
        if (length - config.skipLast < 1) throw new RangeError(`behavior: sequences of length ${length} leave no imagination starts after skipLast = ${config.skipLast}`);
        const [modelKey, imagineKey] = key.split(2);
        // Phases (engine `phase`): 'model', 'actor', 'value', and 'optimizer_*' in each update;
        // gradients run under '<phase>/backward' (see @dreamer/tensor valueAndGrad).
        const model = phase('model', () =>
          valueAndGrad((p: WorldModelParams) => {
            const out = wm.loss(p, batch, modelKey);
            return { loss: out.loss, aux: { metrics: out.metrics, post: out.post } };
          }, params.model),
        );
        const behavior = phase('actor', () => {
          const start = flattenStarts(model.aux!.post, config.skipLast);
          if (!trainActor) {
            const out = self.behaviorObjectives(params, params.actor, start, imagineKey);
            return { grads: null, aux: { targets: out.valueTargets, metrics: out.metrics } };
          }
          return valueAndGrad((p: Record<string, DenseParams>) => {
            const out = self.behaviorObjectives(params, p, start, imagineKey);
            return { loss: out.actorLoss, aux: { targets: out.valueTargets, metrics: out.metrics } };
          }, params.actor);
        });
        const critic = config.valueHead ? phase('value', () => valueAndGrad((p: MLPParams) => self.valueLoss(p, behavior.aux!.targets), params.value)) : null;
        const metrics: Metrics = { ...model.aux!.metrics, ...behavior.aux!.metrics, ...(critic ? { 'objectives/value': critic.value } : {}) };
        const step = <P extends TensorTree>(name: string, opt: typeof actorOpt, clip: number, p: P, g: P, s: AdamState<P>) =>
          phase(`optimizer_${name}`, () => {
            const { grads: clipped, norm } = clipByGlobalNorm(g, clip);
            metrics[`optimizer_${name}/grad_norm`] = norm;
            metrics[`optimizer_${name}/clipped_gradient_norm`] = minimum(norm, clip);
            return opt.update(clipped, s, p);
          });
        const m = wm.update(params.model, model.grads, optState.model);
        const a = behavior.grads
          ? step('action', actorOpt, config.actorClip, params.actor, behavior.grads, optState.actor as AdamState<typeof params.actor>)
          : { params: params.actor, state: optState.actor };
        const v = critic
          ? step('value', valueOpt, config.valueClip, params.value, critic.grads, optState.value as AdamState<MLPParams>)
          : { params: params.value, state: optState.value as AdamState<MLPParams> };
        Object.assign(metrics, m.metrics);
        return {
          params: { model: m.params, actor: a.params, value: v.params },
          optState: { model: m.optState, actor: a.state as AdamState<TensorTree>, value: v.state as AdamState<TensorTree> },
          metrics,
        };
      });
    },
  };
  return self;
}
