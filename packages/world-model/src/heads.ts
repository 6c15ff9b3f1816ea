/**
 * Heads map features to a distribution over a target (networks/basic.py `feed_forward`): the
 * image decoder and vector decoders are Normals with unit variance summed over the event, the
 * reward a scalar unit Normal, pcont a Bernoulli over logits.
 */
import { type Tensor, reshape, squeeze, sum, tidy } from '@dreamer/tensor';
import { Bernoulli, Normal } from '@dreamer/distributions';
import type { Params } from '@dreamer/nn';
import type { Network } from './networks.ts';

export interface HeadDist {
  /** Log-likelihood of a target, summed over the event: the features' leading shape. */
  logProb(x: Tensor): Tensor;
  mean(): Tensor;
  mode(): Tensor;
}

export interface Head<P extends Params = Params> {
  init: Network<P>['init'];
  apply(params: P, feat: Tensor): HeadDist;
}

/** Normal(net(feat), 1) with event shape `event` ([] for a scalar). */
export function normalHead<P extends Params>(net: Network<P>, event: readonly number[]): Head<P> {
  const axes = event.map((_, i) => -1 - i);
  return {
    init: (key) => net.init(key),
    apply(params, feat) {
      const lead = feat.shape.slice(0, -1);
      const out = net.apply(params, feat);
      const mean = event.length === 0 ? squeeze(out, -1) : out.shape.length === lead.length + event.length ? out : reshape(out, [...lead, ...event]);
      const dist = new Normal(mean, 1);
      return {
        logProb: (x) => tidy(() => (axes.length ? sum(dist.logProb(x), axes) : dist.logProb(x))),
        mean: () => mean,
        mode: () => mean,
      };
    },
  };
}

/** Bernoulli(logits = net(feat)) over a scalar event. */
export function bernoulliHead<P extends Params>(net: Network<P>): Head<P> {
  return {
    init: (key) => net.init(key),
    apply(params, feat) {
      const dist = new Bernoulli(squeeze(net.apply(params, feat), -1));
      return { logProb: (x) => dist.logProb(x), mean: () => dist.mean(), mode: () => dist.mode() };
    },
  };
}
