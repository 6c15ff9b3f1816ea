/**
 * The recurrent state-space model in the seed's layout (models/rssm.py):
 *
 *   prior      h = act(W[stoch₋₁, a₋₁]);  deter = GRU(h, deter₋₁);  h = act(W deter)
 *              mean = W h;  std = softplus(W h) + minStd;  stoch ~ N(mean, std)
 *   posterior  h = act(W[deter, embed]);  mean = W h;  std = softplus(W h) + minStd
 *
 * The posterior keeps the prior's deter; features are [stoch, deter]. `action[t]` is the action
 * that led to `obs[t]` (zeros on reset), and the state before the first step is all zeros.
 */
import { RandomKey, type Tensor, add, concat, mul, randomNormal, reshape, slice, softplus, stack, tidy, zeros } from '@dreamer/tensor';
import { type Dense, type DenseParams, type GRUBlockParams, type GRUKerasParams, dense, gruCell } from '@dreamer/nn';
import { MultivariateNormalDiag } from '@dreamer/distributions';
import type { WorldModelConfig } from './config.ts';

export interface RSSMState {
  [key: string]: Tensor;
  mean: Tensor;
  std: Tensor;
  stoch: Tensor;
  deter: Tensor;
}

export type RSSMParams = Record<string, DenseParams | GRUBlockParams | GRUKerasParams>;

export interface RSSM {
  readonly deter: number;
  readonly stoch: number;
  readonly featureSize: number;
  readonly actionSize: number;
  readonly embedSize: number;
  init(key: RandomKey): RSSMParams;
  /** All zeros, [batch, ·]. */
  initialState(batch: number): RSSMState;
  /** The prior p(s_t | s_{t−1}, a_{t−1}); its sample is mean + std·randomNormal(key, [B, stoch]). */
  imgStep(p: RSSMParams, prev: RSSMState, action: Tensor, key: RandomKey): RSSMState;
  /**
   * The posterior q(s_t | s_{t−1}, a_{t−1}, o_t), with the prior it refines. With
   * [postKey, priorKey] = key.split(2), the posterior sample is mean + std·randomNormal(postKey, [B, stoch]).
   */
  obsStep(p: RSSMParams, prev: RSSMState, action: Tensor, embed: Tensor, key: RandomKey): { post: RSSMState; prior: RSSMState };
  /** Filters a sequence: embed [B, T, E], action [B, T, A] → posts and priors [B, T, ·]; step t uses key.split(T)[t]. */
  observe(p: RSSMParams, embed: Tensor, action: Tensor, key: RandomKey, state?: RSSMState): { post: RSSMState; prior: RSSMState };
  /** Open-loop prior rollout: action [B, T, A] from `state` [B] → prior states [B, T, ·]. */
  imagine(p: RSSMParams, action: Tensor, state: RSSMState, key: RandomKey): RSSMState;
  /** concat(stoch, deter) along the last axis. */
  features(state: RSSMState): Tensor;
  dist(state: RSSMState): MultivariateNormalDiag;
}

/** [B, T, …] → T tensors [B, …]. */
export function unstackTime(x: Tensor): Tensor[] {
  const [b, t, ...rest] = x.shape;
  return Array.from({ length: t }, (_, i) => reshape(slice(x, [0, i, ...rest.map(() => 0)], [b, 1, ...rest]), [b, ...rest]));
}

/** States [B, ·] per step → one state [B, T, ·]. */
export function stackTime(states: readonly RSSMState[]): RSSMState {
  const out: Record<string, Tensor> = {};
  for (const k of Object.keys(states[0])) out[k] = stack(states.map((s) => s[k]), 1);
  return out as RSSMState;
}

export function rssm(config: WorldModelConfig, actionSize: number, embedSize: number): RSSM {
  const { deter, stoch, hidden, modelLayers, minStd, act, dtype } = config;
  const layers: Record<string, Dense> = {
    ...Object.fromEntries(Array.from({ length: modelLayers }, (_, i) => [`prior_in${i}`, dense(i === 0 ? stoch + actionSize : hidden, hidden, { activation: act, dtype })])),
    ...Object.fromEntries(Array.from({ length: modelLayers }, (_, i) => [`prior_hidden${i}`, dense(i === 0 ? deter : hidden, hidden, { activation: act, dtype })])),
    prior_mean: dense(hidden, stoch, { dtype }),
    prior_std: dense(hidden, stoch, { dtype }),
    ...Object.fromEntries(Array.from({ length: modelLayers }, (_, i) => [`post_hidden${i}`, dense(i === 0 ? deter + embedSize : hidden, hidden, { activation: act, dtype })])),
    post_mean: dense(hidden, stoch, { dtype }),
    post_std: dense(hidden, stoch, { dtype }),
  };
  const cell = gruCell(hidden, deter, { variant: config.gru, dtype });
  const stackOf = (prefix: string, p: RSSMParams, x: Tensor): Tensor => {
    let h = x;
    for (let i = 0; i < modelLayers; i++) h = layers[`${prefix}${i}`].apply(p[`${prefix}${i}`] as DenseParams, h);
    return h;
  };
  const gaussian = (prefix: 'prior' | 'post', p: RSSMParams, h: Tensor, key: RandomKey) => {
    const mean = layers[`${prefix}_mean`].apply(p[`${prefix}_mean`] as DenseParams, h);
    const std = add(softplus(layers[`${prefix}_std`].apply(p[`${prefix}_std`] as DenseParams, h)), minStd);
    return { mean, std, stoch: add(mean, mul(std, randomNormal(key, mean.shape, { dtype }))) };
  };

  const self: RSSM = {
    deter,
    stoch,
    featureSize: stoch + deter,
    actionSize,
    embedSize,
    init(key) {
      const names = Object.keys(layers);
      const keys = key.split(names.length + 1);
      const p: RSSMParams = {};
      names.forEach((n, i) => (p[n] = layers[n].init(keys[i])));
      p.cell = cell.init(keys[names.length]) as GRUBlockParams | GRUKerasParams;
      return p;
    },
    initialState: (batch) =>
      tidy(() => ({ mean: zeros([batch, stoch], dtype), std: zeros([batch, stoch], dtype), stoch: zeros([batch, stoch], dtype), deter: zeros([batch, deter], dtype) })),
    imgStep: (p, prev, action, key) =>
      tidy(() => {
        const h = stackOf('prior_in', p, concat([prev.stoch, action], -1));
        const d = (cell.apply as (p: unknown, x: Tensor, h: Tensor) => Tensor)(p.cell, h, prev.deter);
        return { ...gaussian('prior', p, stackOf('prior_hidden', p, d), key), deter: d };
      }),
    obsStep: (p, prev, action, embed, key) =>
      tidy(() => {
        const [postKey, priorKey] = key.split(2);
        const prior = self.imgStep(p, prev, action, priorKey);
        const post = { ...gaussian('post', p, stackOf('post_hidden', p, concat([prior.deter, embed], -1)), postKey), deter: prior.deter };
        return { post, prior };
      }),
    observe: (p, embed, action, key, state) =>
      tidy(() => {
        const [b, t] = embed.shape;
        if (action.shape[0] !== b || action.shape[1] !== t) {
          throw new RangeError(`rssm.observe: embed is [${embed.shape.join(', ')}] but action is [${action.shape.join(', ')}]; expected the same [B, T]`);
        }
        const keys = key.split(t);
        const embeds = unstackTime(embed);
        const actions = unstackTime(action);
        let prev = state ?? self.initialState(b);
        const posts: RSSMState[] = [];
        const priors: RSSMState[] = [];
        for (let i = 0; i < t; i++) {
          const { post, prior } = self.obsStep(p, prev, actions[i], embeds[i], keys[i]);
          posts.push(post);
          priors.push(prior);
          prev = post;
        }
        return { post: stackTime(posts), prior: stackTime(priors) };
      }),
    imagine: (p, action, state, key) =>
      tidy(() => {
        const actions = unstackTime(action);
        const keys = key.split(actions.length);
        let prev = state;
        const priors = actions.map((a, i) => (prev = self.imgStep(p, prev, a, keys[i])));
        return stackTime(priors);
      }),
    features: (state) => concat([state.stoch, state.deter], -1),
    dist: (state) => new MultivariateNormalDiag(state.mean, state.std),
  };
  return self;
}
