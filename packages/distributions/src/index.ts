/**
 * @dreamer/distributions — differentiable distributions over @dreamer/tensor. See README.md.
 */
export { Normal, MultivariateNormalDiag, kl, klNormal, type TensorOrNumber } from './normal.ts';
export { TanhNormal, type TanhNormalOptions, ATANH_CLIP, tanhLogDetJacobian, safeAtanh } from './tanh_normal.ts';
export { OneHotCategorical, type OneHotOptions, type OneHotGradient, Bernoulli } from './categorical.ts';
