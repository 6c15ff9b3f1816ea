/**
 * The seed's flat config → the world model's and behaviour's typed options. Head depths the
 * config leaves null follow num_layers as the seed's defaults do (num_layers 3: reward 2,
 * value 3, action 4, pcont 3; the debug preset's num_layers 1 gives 1-layer heads).
 */
import type { DreamerOptions } from '@dreamer/behavior';
import type { Env } from '@dreamer/envs';
import { ConfigError, type Config } from './config.ts';

function proprioKeys(env: Env): string[] {
  return Object.keys(env.observationSpec).filter((k) => k !== 'image');
}

export function dreamerOptions(c: Config, env: Env): DreamerOptions {
  const n = c.num_layers;
  const image = c.observation === 'image';
  if (image && !('image' in env.observationSpec)) throw new ConfigError(`${env.name}: observation 'image' but the env has only ${Object.keys(env.observationSpec).join(', ')}`);
  if (!c.action_head && env.actionSpec.kind === 'discrete') throw new ConfigError(`action_head: False plans with CEM, which needs continuous actions; ${env.name} has discrete ones`);
  const discrete = env.actionSpec.kind === 'discrete';
  if (discrete === (c.action_head_dist === 'tanh_normal_tanh')) {
    throw new ConfigError(`action_head_dist ${c.action_head_dist} does not fit ${env.name}'s ${env.actionSpec.kind} actions (use the discrete preset for discrete tasks)`);
  }
  const pcontTrained = c.gradient_heads.includes('pcont');
  return {
    model: {
      observation: c.observation,
      deter: c.model_size,
      stoch: c.state_size,
      hidden: c.model_size,
      modelLayers: c.model_layers,
      minStd: c.min_stddev,
      gru: c.gru,
      act: c.activation,
      cnnDepth: c.cnn_depth,
      encoderLayers: c.encoder_layers,
      encoderUnits: c.encoder_units,
      units: c.num_units,
      headLayers: n,
      rewardLayers: c.reward_layers ?? Math.max(1, n - 1),
      pcontLayers: c.pcont_layers ?? n,
      // The seed always builds the pcont head; outside gradient_heads it learns from stop-gradient features.
      pcont: true,
      gradientHeads: image ? c.gradient_heads : pcontTrained ? [...proprioKeys(env), 'reward', 'pcont'] : null,
      diagnostics: c.state_diagnostics,
      imageBits: c.image_bits,
      freeNats: c.free_nats,
      lossScales: { divergence: c.divergence_scale },
      pcontTarget: c.pcont_scale,
      modelLr: c.model_lr,
      modelClip: c.grad_clip,
      adamEps: c.adam_epsilon,
    },
    behavior: {
      // PlaNet mode imagines nothing (imagination_horizon 0); the behaviour config still needs a valid one.
      horizon: c.action_head ? c.imagination_horizon : Math.max(2, c.imagination_horizon),
      skipLast: c.imagination_skip_last ?? 0,
      actorLayers: c.action_layers ?? n + 1,
      valueLayers: c.value_layers ?? n,
      units: c.num_units,
      act: c.activation,
      actionInitStd: c.action_init_std,
      actionMinStd: c.action_min_std,
      actionMeanScale: c.action_mean_scale,
      actionEntropy: c.action_entropy,
      actionAnalyticMode: c.action_mode === 'analytic',
      discreteGradient: c.action_head_dist === 'onehot_straight' ? 'straight' : 'score',
      actionDiscount: c.action_discount,
      actionLambda: c.action_lambda,
      valueDiscount: c.value_discount,
      valueLambda: c.value_lambda,
      actionLossPcont: c.action_loss_pcont,
      valueLossPcont: c.value_loss_pcont,
      valueHead: c.value_head,
      actorLr: c.action_lr,
      valueLr: c.value_lr,
      actorClip: c.grad_clip,
      valueClip: c.grad_clip,
      adamEps: c.adam_epsilon,
    },
  };
}
