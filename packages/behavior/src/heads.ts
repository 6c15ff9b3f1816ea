/**
 * The actor and value heads (networks/basic.py `feed_forward` with the seed's action and value
 * settings).
 */
import { type DType, RandomKey, type Tensor, add, div, mul, softplus, tanh, tidy } from '@dreamer/tensor';
import { type Dense, type DenseParams, type MLPParams, type Params, dense } from '@dreamer/nn';
import { OneHotCategorical, TanhNormal } from '@dreamer/distributions';
import { type ActionSpace, type Head, actionSize, denseNet, normalHead } from '@dreamer/world-model';
import type { BehaviorConfig } from './config.ts';

export type ActionDist = TanhNormal | OneHotCategorical;

export interface Actor {
  readonly actionSize: number;
  readonly discrete: boolean;
  init(key: RandomKey): Record<string, DenseParams>;
  /** π(a | feat): a tanh-Normal for boxes, a one-hot categorical for discrete actions. */
  dist(params: Record<string, DenseParams>, feat: Tensor): ActionDist;
}

/**
 * `actorLayers` × Dense(units) trunk, then for boxes two Dense(A) layers (mean and std, as the
 * seed; TF2 uses one Dense(2A) — the same count):
 *   mean = s·tanh(m/s),  std = softplus(x + log(e^init − 1)) + min,  a = tanh(mean + std·ε).
 */
export function actor(features: number, space: ActionSpace, config: BehaviorConfig, dtype: DType = 'f32'): Actor {
  const size = actionSize(space);
  const discrete = space.kind === 'discrete';
  const layers: Record<string, Dense> = {};
  for (let i = 0; i < config.actorLayers; i++) layers[`dense${i}`] = dense(i === 0 ? features : config.units, config.units, { activation: config.act, dtype });
  const width = config.actorLayers === 0 ? features : config.units;
  if (discrete) layers.logits = dense(width, size, { dtype });
  else {
    layers.mean = dense(width, size, { dtype });
    layers.std = dense(width, size, { dtype });
  }
  const { actionMeanScale: scale, actionMinStd: minStd } = config;
  const stdShift = Math.log(Math.expm1(config.actionInitStd));
  return {
    actionSize: size,
    discrete,
    init(key) {
      const names = Object.keys(layers);
      return Object.fromEntries(key.split(names.length).map((k, i) => [names[i], layers[names[i]].init(k)]));
    },
    dist(p, feat) {
      const trunk = (): Tensor => {
        let x = feat;
        for (let i = 0; i < config.actorLayers; i++) x = layers[`dense${i}`].apply(p[`dense${i}`], x);
        return x;
      };
      if (discrete) return new OneHotCategorical(tidy(() => layers.logits.apply(p.logits, trunk())), { gradient: config.discreteGradient });
      const { mean, std } = tidy(() => {
        const h = trunk();
        return {
          mean: mul(tanh(div(layers.mean.apply(p.mean, h), scale)), scale),
          std: add(softplus(add(layers.std.apply(p.std, h), stdShift)), minStd),
        };
      });
      return new TanhNormal(mean, std, { samples: config.actionSamples, analytic: config.actionAnalyticMode });
    },
  };
}

/** v(s): `valueLayers` × Dense(units) then Dense(1), the mean of a unit Normal. */
export function valueHead(features: number, config: BehaviorConfig, dtype: DType = 'f32'): Head<MLPParams & Params> {
  return normalHead(denseNet(features, config.valueLayers, config.units, 1, config.act, dtype), []) as Head<MLPParams & Params>;
}
