/**
 * An independent float64 reference of the behaviour objectives for the parity tests: one start
 * state at a time, plain loops, no engine and no autodiff, following the seed's
 * `compute_action_values` / `compute_value_loss` index by index. The RSSM step and the world
 * model's heads come from the world model's own reference (same weight names).
 */
import { LOG_2PI, type RefState, type ReferenceConfig, type Weights, denseRef, featuresRef, imgStepRef, mlpRef, pcontRef, rewardRef, softplus } from '../../../world-model/src/test/reference.ts';

export interface BehaviorReferenceConfig {
  model: ReferenceConfig;
  horizon: number;
  actorLayers: number;
  valueLayers: number;
  meanScale: number;
  initStd: number;
  minStd: number;
  actionDiscount: number;
  actionLambda: number;
  valueDiscount: number;
  valueLambda: number;
  actionLossPcont: boolean;
  valueLossPcont: boolean;
  bootstrap: 'penultimate' | 'last';
}

/** Noise per start n and step t: the action's ε [A] and the prior's ε [stoch]. */
export interface ImaginationNoise {
  action: Float64Array[][];
  state: Float64Array[][];
}

export interface BehaviorReference {
  /** mean over starts and steps of w·R (the seed's `action` objective, maximised). */
  actionObjective: number;
  /** mean of −w·log N(R' | v, 1) (the seed's `value` objective, minimised). */
  valueLoss: number;
  /** The features the actor read at each start n and step t. */
  actorInputs: Float64Array[][];
  /** The value targets R' per start. */
  valueReturns: number[][];
  /** The actor's discount weights w per start. */
  actionWeights: number[][];
}

/** Values of an unperturbed run to hold fixed, as the seed's stop-gradients do. */
export interface Fixed {
  actorInputs: Float64Array[][];
  valueReturns: number[][];
  actionWeights: number[][];
}

/**
 * Rewards, values and continuations on s_1…s_H, then the seed's slicing. The seed's actor reads
 * stop-gradient features (`stop_grad_pre_action`), weighs returns by stop-gradient discounts,
 * and the value regresses on stop-gradient returns: to differentiate as it does, pass `fixed`
 * from an unperturbed run.
 */
export function behaviorRef(model: Weights, actorW: Weights, valueW: Weights, starts: RefState[], noise: ImaginationNoise, c: BehaviorReferenceConfig, fixed?: Fixed): BehaviorReference {
  const H = c.horizon;
  let objective = 0;
  let valueLoss = 0;
  let count = 0;
  const actorInputs: Float64Array[][] = [];
  const valueReturns: number[][] = [];
  const actionWeights: number[][] = [];
  starts.forEach((start, n) => {
    let state = start;
    const feats: Float64Array[] = [];
    actorInputs.push([]);
    for (let t = 0; t < H; t++) {
      let h = fixed ? fixed.actorInputs[n][t] : featuresRef(state);
      actorInputs[n].push(h);
      for (let i = 0; i < c.actorLayers; i++) h = denseRef(actorW, `dense${i}`, h, 'elu');
      const mean = denseRef(actorW, 'mean', h).map((m) => c.meanScale * Math.tanh(m / c.meanScale));
      const std = denseRef(actorW, 'std', h).map((s) => softplus(s + Math.log(Math.expm1(c.initStd))) + c.minStd);
      const action = mean.map((m, i) => Math.tanh(m + std[i] * noise.action[n][t][i]));
      state = imgStepRef(model, state, action, c.model, noise.state[n][t]);
      feats.push(featuresRef(state));
    }
    const reward = feats.map((f) => rewardRef(model, f, c.model.rewardLayers, c.model.act));
    const value = feats.map((f) => mlpRef(valueW, '', f, c.valueLayers, 'elu')[0]);
    const pcont = feats.map((f) => pcontRef(model, f, c.model.pcontLayers, c.model.act));
    const returns = (discount: number[], lambda: number): number[] => {
      // reward[:-1], value[:-1], pcont[:-1]; bootstrap = value[H−2] (seed) or value[H−1]
      const boot = c.bootstrap === 'last' ? value[H - 1] : value[H - 2];
      const R = new Array<number>(H - 1);
      let next = boot;
      for (let t = H - 2; t >= 0; t--) {
        const vNext = t + 1 <= H - 2 ? value[t + 1] : boot;
        next = reward[t] + discount[t] * ((1 - lambda) * vNext + lambda * next);
        R[t] = next;
      }
      return R;
    };
    const weights = (discount: number[]): number[] => discount.slice(0, H - 1).map((_, t) => discount.slice(0, t).reduce((p, g) => p * g, 1));
    const actionDiscount = pcont.map((p) => (c.actionLossPcont ? p : 1) * c.actionDiscount);
    const valueDiscount = pcont.map((p) => (c.valueLossPcont ? p : 1) * c.valueDiscount);
    const Ra = returns(actionDiscount, c.actionLambda);
    const wa = fixed ? fixed.actionWeights[n] : weights(actionDiscount);
    actionWeights.push(wa);
    const Rv = fixed ? fixed.valueReturns[n] : returns(valueDiscount, c.valueLambda);
    valueReturns.push(Rv);
    const wv = weights(valueDiscount);
    for (let t = 0; t < H - 1; t++) {
      objective += Ra[t] * wa[t];
      valueLoss += wv[t] * (0.5 * (Rv[t] - value[t]) ** 2 + 0.5 * LOG_2PI);
      count++;
    }
  });
  return { actionObjective: objective / count, valueLoss: valueLoss / count, actorInputs, valueReturns, actionWeights };
}
