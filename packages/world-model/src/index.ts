/**
 * @dreamer/world-model — the RSSM world model of Dreamer (TF1 seed layout and objective). See README.md.
 */
export { type WorldModelConfig, WORLD_MODEL_DEFAULTS, TF2_WORLD_MODEL, resolveWorldModelConfig } from './config.ts';
export { type ObservationSpaces, type ObservationArraySpec, type ActionSpace, type ObservationLayout, IMAGE_KEY, IMAGE_SIZE, actionSize, observationLayout } from './spaces.ts';
export { type ImagePreprocessOptions, preprocessImage, postprocessImage } from './preprocess.ts';
export { type Network, type ConvEncoderParams, type ConvDecoderParams, convEncoder, convDecoder, denseNet, mlpEncoder } from './networks.ts';
export { type Head, type HeadDist, normalHead, bernoulliHead } from './heads.ts';
export { type RSSM, type RSSMParams, type RSSMState, rssm, stackTime, unstackTime } from './rssm.ts';
export { type Batch, type Metrics, type WorldModel, type WorldModelLoss, type WorldModelOptState, type WorldModelParams, worldModel, freeNatsDivergence } from './model.ts';
export { readMetrics } from './metrics.ts';
