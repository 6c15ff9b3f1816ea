/**
 * World-model hyper-parameters. Defaults are the TF1 seed's (google-research/dreamer,
 * reference.md §1.1); `TF2_WORLD_MODEL` holds danijar/dreamer's differing choices (§1.3).
 * The seed's config key each field stands for is named in its comment.
 */
import type { DType } from '@dreamer/tensor';

export interface WorldModelConfig {
  /** What the encoder reads and the decoder predicts: 'image' (64×64×C pixels, conv nets) or 'proprio' (vector keys, MLPs). */
  observation: 'image' | 'proprio';
  /** GRU size, `model_size`. */
  deter: number;
  /** Gaussian latent size, `state_size`. */
  stoch: number;
  /** Width of the RSSM's dense layers, `model_size` (the seed ties it to deter). */
  hidden: number;
  /** Dense layers before and after the GRU and in the posterior, `model_layers`. */
  modelLayers: number;
  /** `min_stddev`: std = softplus(·) + minStd. */
  minStd: number;
  /** 'block': TF1 GRUBlockCell (reset before the candidate matmul, gate bias 1). 'keras': TF2's GRUCell(reset_after). */
  gru: 'block' | 'keras';
  /** Activation of the RSSM and the heads, `activation`. The conv nets and the proprio encoder use ReLU as the seed. */
  act: 'elu' | 'relu';
  /** Conv encoder/decoder width, `cnn_depth` (TF2 key; the seed hard-codes 32). */
  cnnDepth: number;
  /**
   * Images per call of the conv encoder and decoder: a batch of B·T images runs in chunks of at
   * most this many, concatenated (the same result; 0: all at once). Bounds the largest activation:
   * at the default batch 50 × 50 the first conv's output is 307 MB in one piece, over the 128 MiB
   * a WebGPU buffer binding may hold on lavapipe. Not a seed key.
   */
  convChunk: number;
  /** Proprio encoder: `proprio_encoder_num_layers` × `proprio_encoder_units`, ReLU. */
  encoderLayers: number;
  encoderUnits: number;
  /** Head width, `num_units`. */
  units: number;
  /** Layers of the vector decoders and diagnostic heads, `num_layers`. */
  headLayers: number;
  /** `reward_layers` (the seed's default 2). */
  rewardLayers: number;
  /** `pcont_layers`. */
  pcontLayers: number;
  /** Whether a pcont (continuation, Bernoulli) head exists. The seed always builds one. */
  pcont: boolean;
  /**
   * Heads whose loss trains the whole model (`gradient_heads`). Every other head learns from
   * stop-gradient features with its own optimiser (lr `headLr`, clip `headClip`), as the seed
   * trains pcont and the state diagnostics. null: ['image', 'reward'] for images, every vector
   * key + 'reward' for proprio (the seed's `all_but_image`).
   */
  gradientHeads: string[] | null;
  /** `state_diagnostics`: image models get a stop-gradient head for every other vector observation key. */
  diagnostics: boolean;
  /** `image_bits`. */
  imageBits: number;
  /** true (TF1): x/2^bits + U(0, 2^-bits) − 0.5, dequantisation noise. false (TF2): x/255 − 0.5. */
  imageNoise: boolean;
  /** `free_nats`. */
  freeNats: number;
  /** 'step' (TF1): mean_t max(0, KL_t − freeNats). 'mean' (TF2): max(mean_t KL_t, freeNats). */
  freeNatsMode: 'step' | 'mean';
  /** Scale of each objective (`loss_scales`): 'divergence' (`divergence_scale`) and head names; 1 when absent. */
  lossScales: Record<string, number>;
  /** pcont target = discount × pcontTarget (TF1 data `pcont_scale` 0.99; TF2 `discount`). */
  pcontTarget: number;
  /** Model optimiser (`model_lr`, `model_gradient_clipping`). */
  modelLr: number;
  modelClip: number;
  /** Optimiser of each stop-gradient head (`default_lr`, `default_gradient_clipping`). */
  headLr: number;
  headClip: number;
  /** Adam ε, `optimizer_epsilon` (TF1 1e-4; Keras 1e-7). */
  adamEps: number;
  dtype: DType;
}

export const WORLD_MODEL_DEFAULTS: Readonly<WorldModelConfig> = Object.freeze({
  observation: 'image',
  deter: 200,
  stoch: 30,
  hidden: 200,
  modelLayers: 1,
  minStd: 0.1,
  gru: 'block',
  act: 'elu',
  cnnDepth: 32,
  convChunk: 500,
  encoderLayers: 3,
  encoderUnits: 300,
  units: 400,
  headLayers: 3,
  rewardLayers: 2,
  pcontLayers: 3,
  pcont: true,
  gradientHeads: null,
  diagnostics: false,
  imageBits: 8,
  imageNoise: true,
  freeNats: 3,
  freeNatsMode: 'step',
  lossScales: {},
  pcontTarget: 0.99,
  modelLr: 6e-4,
  modelClip: 100,
  headLr: 1e-3,
  headClip: 1000,
  adamEps: 1e-4,
  dtype: 'f32',
}) as WorldModelConfig;

/** danijar/dreamer (TF2) where it differs and the difference is cheap to have (reference.md §1.3). Mixed precision is not offered. */
export const TF2_WORLD_MODEL: Readonly<Partial<WorldModelConfig>> = Object.freeze({
  gru: 'keras',
  imageNoise: false,
  freeNatsMode: 'mean',
  adamEps: 1e-7,
  pcont: false,
  lossScales: { pcont: 10 },
});

export function resolveWorldModelConfig(overrides: Partial<WorldModelConfig> = {}): WorldModelConfig {
  const config = { ...WORLD_MODEL_DEFAULTS, ...overrides, lossScales: { ...WORLD_MODEL_DEFAULTS.lossScales, ...overrides.lossScales } };
  const atLeast = (min: number, keys: readonly (keyof WorldModelConfig)[]) => {
    for (const key of keys) {
      const v = config[key] as number;
      if (!Number.isInteger(v) || v < min) throw new RangeError(`world-model config ${key}: got ${v}, expected an integer ≥ ${min}`);
    }
  };
  atLeast(1, ['deter', 'stoch', 'hidden', 'modelLayers', 'cnnDepth', 'encoderLayers', 'encoderUnits', 'units', 'imageBits']);
  atLeast(0, ['headLayers', 'rewardLayers', 'pcontLayers', 'convChunk']);
  if (config.imageBits > 8) throw new RangeError(`world-model config imageBits: got ${config.imageBits}, expected 1..8`);
  if (!(config.minStd >= 0)) throw new RangeError(`world-model config minStd: got ${config.minStd}, expected ≥ 0`);
  if (!(config.freeNats >= 0)) throw new RangeError(`world-model config freeNats: got ${config.freeNats}, expected ≥ 0`);
  return config;
}
