/**
 * Planner hyper-parameters. Defaults are the TF1 seed's (google-research/dreamer
 * `control/planning.py cross_entropy_method`, `scripts/objectives.py`, reference.md §1.1).
 */

/**
 * 'reward': Σ_{t=1..H} r(s_t). 'reward_value': the λ-return of r(s_1…s_{H−1}) bootstrapped from
 * v(s_H), its first entry (see objectives.ts).
 */
export type PlannerObjective = 'reward' | 'reward_value';

export interface PlannerConfig {
  /** Open-loop plan length, `planner_horizon`. */
  horizon: number;
  /** Refits of the sampling distribution. */
  iterations: number;
  /** Candidate action sequences per iteration ("beams"). */
  candidates: number;
  /** Candidates the distribution is refitted to. */
  topK: number;
  /** Sampled actions are clipped to [minAction, maxAction]. */
  minAction: number;
  maxAction: number;
  /** Std of the first sampling distribution (its mean is 0). */
  initStd: number;
  /** std = sqrt(var + varianceFloor) after each refit, so it never collapses to exactly 0. */
  varianceFloor: number;
  objective: PlannerObjective;
  /** 'reward_value' only: `planner_discount` and `planner_lambda`. */
  discount: number;
  lambda: number;
}

export const PLANNER_DEFAULTS: Readonly<PlannerConfig> = Object.freeze({
  horizon: 12,
  iterations: 10,
  candidates: 1000,
  topK: 100,
  minAction: -1,
  maxAction: 1,
  initStd: 1,
  varianceFloor: 1e-6,
  objective: 'reward',
  discount: 0.99,
  lambda: 0.95,
});

export function resolvePlannerConfig(overrides: Partial<PlannerConfig> = {}): PlannerConfig {
  const config = { ...PLANNER_DEFAULTS, ...overrides };
  for (const key of ['horizon', 'iterations', 'candidates', 'topK'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`planner config ${key}: got ${v}, expected an integer ≥ 1`);
  }
  if (config.topK > config.candidates) throw new RangeError(`planner config topK: got ${config.topK}, expected ≤ candidates (${config.candidates})`);
  if (!(config.minAction <= config.maxAction)) throw new RangeError(`planner config: minAction (${config.minAction}) must be ≤ maxAction (${config.maxAction})`);
  if (!(config.initStd >= 0) || !(config.varianceFloor >= 0)) throw new RangeError('planner config: initStd and varianceFloor must be ≥ 0');
  if (config.objective !== 'reward' && config.objective !== 'reward_value') throw new RangeError(`planner config objective: got '${config.objective}', expected 'reward' or 'reward_value'`);
  if (config.objective === 'reward_value' && config.horizon < 2) throw new RangeError('planner config: the reward_value objective needs horizon ≥ 2 (it bootstraps from the last state)');
  return config;
}
