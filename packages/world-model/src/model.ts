/**
 * The world model and its objective (training/utility.py `compute_objectives`, TF1 seed):
 *
 *   model loss = scale_div · D − Σ_{gradient heads h} scale_h · mean_{B,T} log p_h(target | feat)
 *   D = mean_t max(0, KL_t − freeNats)    (TF1, 'step')   or   max(mean_t KL_t, freeNats)  (TF2, 'mean')
 *   KL_t = KL(q(s_t | s_{t−1}, a_{t−1}, o_t) ‖ p(s_t | s_{t−1}, a_{t−1}))
 *
 * Heads outside `gradientHeads` (the seed's pcont head and state diagnostics) see stop-gradient
 * features and have an optimiser each, so they read the state without shaping it.
 */
import { RandomKey, type Tensor, type TensorTree, add, cast, concat, maximum, mean, minimum, mul, phase, scalar, stopGradient, sub, tidy, valueAndGrad } from '@dreamer/tensor';
import { type AdamState, type Params, adam, clipByGlobalNorm } from '@dreamer/nn';
import { type WorldModelConfig, resolveWorldModelConfig } from './config.ts';
import { type Head, bernoulliHead, normalHead } from './heads.ts';
import { type Network, convDecoder, convEncoder, denseNet, mlpEncoder } from './networks.ts';
import { preprocessImage } from './preprocess.ts';
import { type RSSM, type RSSMParams, type RSSMState, rssm as makeRSSM } from './rssm.ts';
import { type ActionSpace, IMAGE_KEY, type ObservationSpaces, actionSize as actionSizeOf, observationLayout } from './spaces.ts';

/** One batch of sequences, every tensor [B, T, …]. */
export interface Batch {
  /** `image`: raw pixels in [0, 255] [B, T, 64, 64, C] (any float dtype); vector keys [B, T, D]. */
  obs: Record<string, Tensor>;
  /** The action that led to each observation [B, T, A] (one-hot for discrete actions; zeros on reset). */
  action: Tensor;
  /** Reward received on arriving at each observation [B, T]. */
  reward: Tensor;
  /** 1, or 0 on a true terminal [B, T]; required when the model has a pcont head. */
  discount?: Tensor;
}

export interface WorldModelParams {
  [key: string]: TensorTree;
  encoder: Params;
  rssm: RSSMParams;
  heads: Record<string, Params>;
}

export interface WorldModelOptState {
  [key: string]: AdamState<TensorTree> | Record<string, AdamState<TensorTree>>;
  /** Encoder, RSSM and gradient heads. */
  model: AdamState<TensorTree>;
  /** One per stop-gradient head. */
  heads: Record<string, AdamState<TensorTree>>;
}

/** Scalar tensors keyed by the seed's summary names; read them with `readMetrics`. */
export type Metrics = Record<string, Tensor>;

export interface WorldModelLoss {
  /** Model loss + stop-gradient heads' losses (their gradients don't overlap). */
  loss: Tensor;
  metrics: Metrics;
  post: RSSMState;
  prior: RSSMState;
}

export interface WorldModel {
  readonly config: WorldModelConfig;
  readonly rssm: RSSM;
  readonly encoder: Network<Params>;
  readonly heads: Readonly<Record<string, Head>>;
  readonly gradientHeads: readonly string[];
  readonly actionSize: number;
  readonly featureSize: number;
  init(key: RandomKey): WorldModelParams;
  /** Preprocessed observations [..., ·] → embeddings [..., E]; `key` draws the image dequantisation noise. */
  encode(params: WorldModelParams, obs: Record<string, Tensor>, key: RandomKey): Tensor;
  /** With [imageKey, stateKey] = key.split(2): preprocess (imageKey), observe (stateKey), objectives. */
  loss(params: WorldModelParams, batch: Batch, key: RandomKey): WorldModelLoss;
  initOptState(params: WorldModelParams): WorldModelOptState;
  /** Clipped Adam steps: the model optimiser and each stop-gradient head's. Every returned tensor is new. */
  update(params: WorldModelParams, grads: WorldModelParams, state: WorldModelOptState): { params: WorldModelParams; optState: WorldModelOptState; metrics: Metrics };
  /** One update of the world model alone (PlaNet-style training, tests). */
  trainStep(params: WorldModelParams, state: WorldModelOptState, batch: Batch, key: RandomKey): { params: WorldModelParams; optState: WorldModelOptState; metrics: Metrics };
}

/**
 * The KL term with free nats. 'step' (TF1, `tf.maximum(0, KL − free)` per step, then the mean):
 * steps already within the allowance get no gradient. 'mean' (TF2): max(mean KL, free), all or nothing.
 */
export function freeNatsDivergence(kl: Tensor, freeNats: number, mode: 'step' | 'mean'): Tensor {
  return tidy(() => (mode === 'step' ? mean(maximum(sub(kl, freeNats), 0)) : maximum(mean(kl), freeNats)));
}

const fmt = (t: Tensor): string => `[${t.shape.join(', ')}]`;

export function worldModel(observationSpaces: ObservationSpaces, actionSpace: ActionSpace, overrides: Partial<WorldModelConfig> = {}): WorldModel {
  const config = resolveWorldModelConfig(overrides);
  const { dtype, units, act } = config;
  const layout = observationLayout(observationSpaces, config);
  const actionSize = actionSizeOf(actionSpace);
  const image = config.observation === 'image';
  const encoder: Network<Params> = image
    ? (convEncoder(layout.channels, config.cnnDepth, dtype, config.convChunk) as Network<Params>)
    : (mlpEncoder(layout.inputs.reduce((s, [, d]) => s + d, 0), config.encoderLayers, config.encoderUnits, dtype) as Network<Params>);
  const cell = makeRSSM(config, actionSize, encoder.outputs);
  const feat = cell.featureSize;

  const heads: Record<string, Head> = {};
  if (image) heads[IMAGE_KEY] = normalHead(convDecoder(feat, layout.channels, config.cnnDepth, dtype, config.convChunk) as Network<Params>, [64, 64, layout.channels]);
  for (const [key, size] of layout.vectors) {
    if (key === 'reward' || key === 'pcont') throw new RangeError(`world-model: observation key '${key}' collides with the ${key} head; rename the observation`);
    heads[key] = normalHead(denseNet(feat, config.headLayers, units, size, act, dtype) as Network<Params>, [size]);
  }
  heads.reward = normalHead(denseNet(feat, config.rewardLayers, units, 1, act, dtype) as Network<Params>, []);
  if (config.pcont) heads.pcont = bernoulliHead(denseNet(feat, config.pcontLayers, units, 1, act, dtype) as Network<Params>);
  const gradientHeads = config.gradientHeads ?? (image ? [IMAGE_KEY, 'reward'] : [...layout.vectors.map(([k]) => k), 'reward']);
  for (const h of gradientHeads) {
    if (!heads[h]) throw new RangeError(`world-model: gradient head '${h}' does not exist; heads are [${Object.keys(heads).join(', ')}]`);
  }
  const sideHeads = Object.keys(heads).filter((h) => !gradientHeads.includes(h));
  const scaleOf = (name: string): number => config.lossScales[name] ?? 1;
  const modelOpt = adam({ lr: config.modelLr, eps: config.adamEps });
  const headOpt = adam({ lr: config.headLr, eps: config.adamEps });

  const asDtype = (t: Tensor): Tensor => (t.dtype === dtype ? t : cast(t, dtype));
  const encoderInput = (obs: Record<string, Tensor>, key: RandomKey): Tensor =>
    image
      ? preprocessImage(obs[IMAGE_KEY], key, { bits: config.imageBits, noise: config.imageNoise, dtype })
      : concat(layout.inputs.map(([k]) => asDtype(obs[k])), -1);

  function checkBatch(batch: Batch): void {
    const [b, t] = batch.action.shape;
    const expect = (what: string, x: Tensor | undefined, tail: readonly number[]) => {
      if (!x) throw new RangeError(`world-model: batch.${what} is missing; expected [B, T${tail.map((d) => `, ${d}`).join('')}]`);
      if (x.rank !== 2 + tail.length || x.shape[0] !== b || x.shape[1] !== t || tail.some((d, i) => x.shape[2 + i] !== d)) {
        throw new RangeError(`world-model: batch.${what} has shape ${fmt(x)}; expected [${[b, t, ...tail].join(', ')}] (B and T from batch.action ${fmt(batch.action)})`);
      }
    };
    expect('action', batch.action, [actionSize]);
    expect('reward', batch.reward, []);
    if (heads.pcont) {
      if (!batch.discount) throw new RangeError('world-model: batch.discount [B, T] is required by the pcont head (ones for tasks without terminals, or build with pcont: false)');
      expect('discount', batch.discount, []);
    }
    if (image) expect(`obs.${IMAGE_KEY}`, batch.obs[IMAGE_KEY], observationSpaces[IMAGE_KEY].shape);
    for (const [k, d] of [...layout.inputs, ...layout.vectors]) expect(`obs.${k}`, batch.obs[k], [d]);
  }

  const self: WorldModel = {
    config,
    rssm: cell,
    encoder,
    heads,
    gradientHeads,
    actionSize,
    featureSize: feat,
    init(key) {
      const names = Object.keys(heads);
      const [kEnc, kRssm, ...kHeads] = key.split(names.length + 2);
      return { encoder: encoder.init(kEnc), rssm: cell.init(kRssm), heads: Object.fromEntries(names.map((n, i) => [n, heads[n].init(kHeads[i])])) };
    },
    encode: (params, obs, key) => tidy(() => encoder.apply(params.encoder, encoderInput(obs, key))),
    loss(params, batch, key) {
      checkBatch(batch);
      return tidy(() => {
        const [imageKey, stateKey] = key.split(2);
        // Named phases (engine `phase`: a profiler's per-phase table; free otherwise).
        const input = phase('encoder', () => encoderInput(batch.obs, imageKey));
        const embed = phase('encoder', () => encoder.apply(params.encoder, input));
        const { post, prior } = phase('observe', () => cell.observe(params.rssm, embed, asDtype(batch.action), stateKey));
        const features = cell.features(post);
        const kl = phase('kl', () => cell.dist(post).kl(cell.dist(prior)));
        const divergence = phase('kl', () => freeNatsDivergence(kl, config.freeNats, config.freeNatsMode));
        const targets: Record<string, () => Tensor> = {
          reward: () => asDtype(batch.reward),
          pcont: () => mul(asDtype(batch.discount!), config.pcontTarget),
          ...Object.fromEntries(layout.vectors.map(([k]) => [k, () => asDtype(batch.obs[k])])),
        };
        if (image) targets[IMAGE_KEY] = () => input;
        const objectives: Record<string, Tensor> = {};
        let modelLoss = mul(divergence, scaleOf('divergence'));
        let sideLoss: Tensor = scalar(0, dtype);
        for (const [name, head] of Object.entries(heads)) {
          const gradient = gradientHeads.includes(name);
          objectives[name] = phase(name, () => mean(head.apply(params.heads[name], gradient ? features : stopGradient(features)).logProb(targets[name]())));
          const term = mul(objectives[name], scaleOf(name));
          if (gradient) modelLoss = sub(modelLoss, term);
          else sideLoss = sub(sideLoss, term);
        }
        const sg = stopGradient;
        const postDist = cell.dist({ ...post, mean: sg(post.mean), std: sg(post.std) });
        const priorDist = cell.dist({ ...prior, mean: sg(prior.mean), std: sg(prior.std) });
        const metrics: Metrics = phase('metrics', () => ({
          'objectives/divergence': sg(divergence),
          ...Object.fromEntries(Object.entries(objectives).map(([n, v]) => [`objectives/${n}`, sg(v)])),
          'objectives/model': sg(modelLoss),
          'closedloop/state/prior_entropy': mean(priorDist.entropy()),
          'closedloop/state/prior_std': mean(priorDist.stddev()),
          'closedloop/state/posterior_entropy': mean(postDist.entropy()),
          'closedloop/state/posterior_std': mean(postDist.stddev()),
          'closedloop/state/divergence': mean(sg(kl)),
        }));
        return { loss: add(modelLoss, sideLoss), metrics, post, prior };
      });
    },
    initOptState: (params) =>
      tidy(() => ({
        model: modelOpt.init(modelGroup(params)),
        heads: Object.fromEntries(sideHeads.map((h) => [h, headOpt.init(params.heads[h])])),
      })),
    update(params, grads, state) {
      return tidy(() => {
        const metrics: Metrics = {};
        const step = (name: string, opt: typeof modelOpt, clip: number, p: TensorTree, g: TensorTree, s: AdamState<TensorTree>) =>
          phase(`optimizer_${name}`, () => {
            const { grads: clipped, norm } = clipByGlobalNorm(g, clip);
            metrics[`optimizer_${name}/grad_norm`] = norm;
            metrics[`optimizer_${name}/clipped_gradient_norm`] = minimum(norm, clip);
            return opt.update(clipped, s, p);
          });
        const model = step('model', modelOpt, config.modelClip, modelGroup(params), modelGroup(grads), state.model);
        const side = Object.fromEntries(sideHeads.map((h) => [h, step(h, headOpt, config.headClip, params.heads[h], grads.heads[h], state.heads[h])]));
        const updated = model.params as WorldModelParams;
        const next: WorldModelParams = {
          encoder: updated.encoder,
          rssm: updated.rssm,
          heads: Object.fromEntries(Object.keys(heads).map((h) => [h, gradientHeads.includes(h) ? updated.heads[h] : side[h].params])) as Record<string, Params>,
        };
        const optState: WorldModelOptState = { model: model.state, heads: Object.fromEntries(sideHeads.map((h) => [h, side[h].state])) };
        return { params: next, optState, metrics };
      });
    },
    trainStep(params, state, batch, key) {
      return tidy(() => {
        const { grads, aux } = valueAndGrad((p: WorldModelParams) => {
          const out = self.loss(p, batch, key);
          return { loss: out.loss, aux: out.metrics };
        }, params);
        const next = self.update(params, grads, state);
        return { params: next.params, optState: next.optState, metrics: { ...aux!, ...next.metrics } };
      });
    },
  };

  function modelGroup(p: WorldModelParams): WorldModelParams {
    return { encoder: p.encoder, rssm: p.rssm, heads: Object.fromEntries(gradientHeads.map((h) => [h, p.heads[h]])) };
  }
  return self;
}
