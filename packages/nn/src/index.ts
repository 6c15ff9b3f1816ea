/**
 * @dreamer/nn — functional layers, initialisers, Adam, clipping and safetensors checkpoints.
 * See README.md.
 */
export { type Params, flattenParams, unflattenParams, countParams, mapParams, zipMapParams } from './tree.ts';
export { type Initializer, fans, glorotUniform, zeros, constant, orthogonal } from './init.ts';
export {
  type Activation,
  activate,
  type Layer,
  type DenseParams,
  type DenseOptions,
  dense,
  Dense,
  type ConvParams,
  type ConvOptions,
  type Conv,
  conv2dLayer,
  conv2dTransposeLayer,
  Conv2d,
  ConvTranspose2d,
  type GRUBlockParams,
  type GRUKerasParams,
  type GRUVariant,
  type GRUOptions,
  gruCell,
  GRUCell,
  type MLPOptions,
  type MLPParams,
  mlp,
} from './layers.ts';
export { type AdamOptions, type AdamState, type Adam as AdamOptimizer, adam, globalNorm, clipByGlobalNorm } from './optim.ts';
export { SafetensorsError, type Loaded, encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors } from './safetensors.ts';
