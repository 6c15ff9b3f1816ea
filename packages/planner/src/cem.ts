/**
 * The cross-entropy method over open-loop action sequences (the seed's `control/planning.py
 * cross_entropy_method`): per start state, a diagonal Normal over [H, A] action sequences,
 * starting at mean 0 and std `initStd`; each iteration samples `candidates` sequences, clips them
 * to the action box, scores all of them in one batched rollout of the model, and refits mean and
 * std to the `topK` best (std = sqrt(var + varianceFloor)). The plan is the final mean; its first
 * action is the one to execute.
 *
 * Everything stays on the tensor engine: top-k is a rank computed from an all-pairs comparison
 * of the [B, N] scores and turned into 0/1 weights, so no backend needs a sort or a read back
 * to the host between iterations. The comparison is O(N²) (10⁶ for the seed's 1000 candidates,
 * little next to one rollout); top-1 takes an argmax instead.
 *
 * Work is named with the engine's `phase` (free unless a backend profiles): a plan runs under
 * 'plan', with 'sample' (draw and clip the candidates), 'imagine' (the model's step over the
 * horizon), 'reward' and 'value' (the per-step scores), 'score' (the objective over the rollout)
 * and 'refit' (top-k and the new mean and std) inside it.
 */
import {
  RandomKey,
  type Tensor,
  type TensorTree,
  add,
  arange,
  argmax,
  cast,
  clip,
  div,
  equal,
  expandDims,
  full,
  greater,
  greaterEqual,
  less,
  mul,
  oneHot,
  phase,
  randomNormal,
  reshape,
  slice,
  sqrt,
  square,
  sub,
  sum,
  tidy,
  where,
  zeros,
} from '@dreamer/tensor';
import { type PlannerConfig, resolvePlannerConfig } from './config.ts';
import { type PlanningModel, batchSize, tileState } from './model.ts';
import { scoreRollout } from './objectives.ts';

export interface Plan {
  /** The first action of the final mean, [B, A]: the one to execute. */
  action: Tensor;
  /** The final sampling distribution, [B, H, A]. */
  mean: Tensor;
  std: Tensor;
}

/**
 * Scores of action sequences [M, H, A] rolled out from `start` [M, ·]: step t draws its
 * transition noise with key.split(H)[t].
 */
function rolloutScores<S extends TensorTree>(model: PlanningModel<S>, start: S, actions: Tensor, key: RandomKey, config: PlannerConfig): Tensor {
  return tidy(() => {
    const [m, h, a] = actions.shape;
    const keys = key.split(h);
    const useValue = config.objective === 'reward_value';
    if (useValue && !model.value) throw new RangeError("planner: the 'reward_value' objective needs a model with value()");
    const rewards: Tensor[] = [];
    const values: Tensor[] = [];
    let state = start;
    for (let t = 0; t < h; t++) {
      const current = state;
      state = phase('imagine', () => model.step(current, reshape(slice(actions, [0, t, 0], [m, 1, a]), [m, a]), keys[t]));
      const next = state;
      rewards.push(phase('reward', () => model.reward(next)));
      if (useValue) values.push(phase('value', () => model.value!(next)));
    }
    return phase('score', () => scoreRollout(rewards, useValue ? values : null, config));
  });
}

/** Scores [B, N] of candidate sequences [B, N, H, A] from start states [B, ·] (the same draws as one CEM iteration's rollout). */
export function evaluatePlans<S extends TensorTree>(model: PlanningModel<S>, start: S, actions: Tensor, key: RandomKey, overrides: Partial<PlannerConfig> = {}): Tensor {
  const [b, n, h, a] = actions.shape;
  if (actions.shape.length !== 4 || b !== batchSize(start) || a !== model.actionSize) {
    throw new RangeError(`planner.evaluatePlans: actions are [${actions.shape.join(', ')}]; expected [${batchSize(start)}, N, H, ${model.actionSize}]`);
  }
  const config = resolvePlannerConfig({ ...overrides, horizon: h, candidates: n, topK: 1 });
  return tidy(() => reshape(rolloutScores(model, tileState(start, n), reshape(actions, [b * n, h, a]), key, config), [b, n]));
}

/**
 * 0/1 weights [B, N] marking the k best scores per row. Candidate i's rank counts the candidates
 * ahead of it: higher scores, and equal scores at lower indices, so ties still select exactly k.
 * NaN scores count as −∞.
 */
export function topKMask(scores: Tensor, k: number): Tensor {
  return tidy(() => {
    const n = scores.shape[1];
    const s = where(equal(scores, scores), scores, -Infinity);
    // argmax (first of equals) is the same selection in O(N) rather than O(N²): random shooting's many candidates.
    if (k === 1) return oneHot(argmax(s, -1), n, scores.dtype);
    const other = expandDims(s, 1); // [B, 1, N]: candidate j
    const self = expandDims(s, 2); // [B, N, 1]: candidate i
    const index = arange(n, undefined, 1, 'i32');
    const earlier = less(expandDims(index, 0), expandDims(index, 1)); // [N, N]: j < i
    const ahead = where(earlier, greaterEqual(other, self), greater(other, self));
    const rank = sum(cast(ahead, 'f32'), -1);
    return cast(less(rank, k), scores.dtype);
  });
}

/** Mean and std = sqrt(var + floor) of the sequences [B, N, H, A] weighted by a 0/1 mask [B, N] with k ones per row. */
function refit(actions: Tensor, mask: Tensor, k: number, varianceFloor: number): { mean: Tensor; std: Tensor } {
  return tidy(() => {
    const [b, n] = mask.shape;
    const w = reshape(mask, [b, n, 1, 1]);
    const mean = div(sum(mul(actions, w), 1), k);
    const variance = div(sum(mul(square(sub(actions, expandDims(mean, 1))), w), 1), k);
    return { mean, std: sqrt(add(variance, varianceFloor)) };
  });
}

/** Plans from start states [B, ·]; with [noiseKey, rolloutKey] = key.split(iterations)[i].split(2) at iteration i. */
export function cem<S extends TensorTree>(model: PlanningModel<S>, start: S, key: RandomKey, overrides: Partial<PlannerConfig> = {}): Plan {
  const config = resolvePlannerConfig(overrides);
  if (config.objective === 'reward_value' && !model.value) throw new RangeError("planner: the 'reward_value' objective needs a model with value()");
  const { horizon: h, candidates: n, topK: k } = config;
  const a = model.actionSize;
  const dtype = model.dtype ?? 'f32';
  const b = batchSize(start);
  return phase('plan', () => tidy(() => {
    const tiled = tileState(start, n);
    let dist = { mean: zeros([b, h, a], dtype), std: full([b, h, a], config.initStd, dtype) };
    for (const iterationKey of key.split(config.iterations)) {
      const next = tidy(() => {
        const [noiseKey, rolloutKey] = iterationKey.split(2);
        const actions = phase('sample', () => {
          const noise = randomNormal(noiseKey, [b, n, h, a], { dtype });
          return clip(add(expandDims(dist.mean, 1), mul(expandDims(dist.std, 1), noise)), config.minAction, config.maxAction);
        });
        const scores = reshape(rolloutScores(model, tiled, reshape(actions, [b * n, h, a]), rolloutKey, config), [b, n]);
        return phase('refit', () => refit(actions, topKMask(scores, k), k, config.varianceFloor));
      });
      // Freed now rather than at the end so memory stays flat over iterations.
      dist.mean.dispose();
      dist.std.dispose();
      dist = next;
    }
    return { action: reshape(slice(dist.mean, [0, 0, 0], [b, 1, a]), [b, a]), ...dist };
  }));
}

/** The baseline: one iteration, the best of `candidates` sequences drawn from N(0, initStd²), clipped. */
export function randomShooting<S extends TensorTree>(model: PlanningModel<S>, start: S, key: RandomKey, overrides: Partial<PlannerConfig> = {}): Plan {
  return cem(model, start, key, { ...overrides, iterations: 1, topK: 1 });
}
