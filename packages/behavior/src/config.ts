/**
 * Behaviour hyper-parameters. Defaults are the TF1 seed's (google-research/dreamer,
 * reference.md §1.1, training/utility.py); the seed's config key is named in each comment.
 */
export interface BehaviorConfig {
  /** `imagination_horizon`: prior steps imagined from every posterior state. */
  horizon: number;
  /** `imagination_skip_last`: posterior steps at the end of each sequence not used as starts (the pcont preset: 1). */
  skipLast: number;
  /** `action_layers` × `num_units` ELU, then the distribution's parameters. */
  actorLayers: number;
  /** `value_layers` × `num_units` ELU, then Dense(1): the mean of a unit Normal. */
  valueLayers: number;
  units: number;
  act: 'elu' | 'relu';
  /** Continuous actions (`tanh_normal_tanh`): mean = meanScale·tanh(m/meanScale); std = softplus(s + log(e^initStd − 1)) + minStd. */
  actionMeanScale: number;
  actionInitStd: number;
  actionMinStd: number;
  /** Draws behind the tanh-Normal's mode and entropy (the seed's SampleDist: 100). */
  actionSamples: number;
  /** tanh-Normal mode = tanh(mean) instead of the most likely of `actionSamples` draws (not the seed). */
  actionAnalyticMode: boolean;
  /**
   * Entropy bonus: the actor's loss subtracts actionEntropy × the weighted mean entropy of π at the
   * imagined steps (DreamerV2's `actor_ent`; the seed has none: 0).
   */
  actionEntropy: number;
  /** Discrete actions: 'score' (`onehot_score`, the seed's discrete preset) or 'straight' (`onehot_straight`, TF2's only mode). */
  discreteGradient: 'score' | 'straight';
  /** `action_discount`, `action_lambda`, `value_discount`, `value_lambda`. */
  actionDiscount: number;
  actionLambda: number;
  valueDiscount: number;
  valueLambda: number;
  /** `action_loss_pcont`, `value_loss_pcont`: continuation from the pcont head's mean instead of 1 (× the discount). */
  actionLossPcont: boolean;
  valueLossPcont: boolean;
  /** `action_pcont_stop_grad`. */
  actionPcontStopGrad: boolean;
  /** `action_pcont_weight`, `value_pcont_weight`: weight step t by sg(Π_{k<t} γ_k). */
  actionPcontWeight: boolean;
  valuePcontWeight: boolean;
  /**
   * The λ-return's bootstrap. The seed slices `value = value[:, :-1]` and *then* takes
   * `bootstrap = value[:, -1]`, i.e. v(s_{H−1}) of the H imagined states s_1…s_H ('penultimate').
   * TF2 and the paper bootstrap from the last state, v(s_H) ('last').
   */
  bootstrap: 'penultimate' | 'last';
  /**
   * `value_head`: false is the seed's `actor` preset (the no-value ablation): returns are the
   * λ-weighted sums of imagined rewards with v ≡ 0, and no value network is trained.
   */
  valueHead: boolean;
  /** `action_lr`, `value_lr`, their gradient clipping, Adam ε (`optimizer_epsilon`). */
  actorLr: number;
  valueLr: number;
  actorClip: number;
  valueClip: number;
  adamEps: number;
}

export const BEHAVIOR_DEFAULTS: Readonly<BehaviorConfig> = Object.freeze({
  horizon: 15,
  skipLast: 0,
  actorLayers: 4,
  valueLayers: 3,
  units: 400,
  act: 'elu',
  actionMeanScale: 5,
  actionInitStd: 5,
  actionMinStd: 1e-4,
  actionSamples: 100,
  actionAnalyticMode: false,
  actionEntropy: 0,
  discreteGradient: 'score',
  actionDiscount: 0.99,
  actionLambda: 0.95,
  valueDiscount: 0.99,
  valueLambda: 0.95,
  actionLossPcont: false,
  valueLossPcont: false,
  actionPcontStopGrad: false,
  actionPcontWeight: true,
  valuePcontWeight: true,
  bootstrap: 'penultimate',
  valueHead: true,
  actorLr: 8e-5,
  valueLr: 8e-5,
  actorClip: 100,
  valueClip: 100,
  adamEps: 1e-4,
}) as BehaviorConfig;

/** danijar/dreamer (TF2) where it differs (reference.md §1.2–1.3). */
export const TF2_BEHAVIOR: Readonly<Partial<BehaviorConfig>> = Object.freeze({ bootstrap: 'last', discreteGradient: 'straight', adamEps: 1e-7 });

export function resolveBehaviorConfig(overrides: Partial<BehaviorConfig> = {}): BehaviorConfig {
  const config = { ...BEHAVIOR_DEFAULTS, ...overrides };
  if (!Number.isInteger(config.horizon) || config.horizon < 2) {
    throw new RangeError(`behavior config horizon: got ${config.horizon}, expected an integer ≥ 2 (the λ-return bootstraps from the imagined states' values)`);
  }
  for (const key of ['actorLayers', 'valueLayers', 'skipLast'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) throw new RangeError(`behavior config ${key}: got ${config[key]}, expected an integer ≥ 0`);
  }
  if (!(config.actionEntropy >= 0 && Number.isFinite(config.actionEntropy))) {
    throw new RangeError(`behavior config actionEntropy: got ${config.actionEntropy}, expected a finite number ≥ 0`);
  }
  if (!(config.actionMeanScale > 0 && Number.isFinite(config.actionMeanScale))) {
    throw new RangeError(`behavior config actionMeanScale: got ${config.actionMeanScale}, expected a finite number > 0`);
  }
  for (const key of ['actionLambda', 'valueLambda', 'actionDiscount', 'valueDiscount'] as const) {
    if (!(config[key] >= 0 && config[key] <= 1)) throw new RangeError(`behavior config ${key}: got ${config[key]}, expected a number in [0, 1]`);
  }
  return config;
}
