/**
 * The seed's encoders and decoders (networks/conv.py, networks/proprio.py, networks/basic.py).
 * Inputs may carry any leading axes ([B, T, …] or [N, …]); they are folded into one batch axis.
 */
import { type DType, RandomKey, type Tensor, reshape, tidy } from '@dreamer/tensor';
import { type Activation, type ConvParams, type DenseParams, type MLPParams, conv2dLayer, conv2dTransposeLayer, dense, mlp } from '@dreamer/nn';

export interface Network<P> {
  init(key: RandomKey): P;
  apply(params: P, x: Tensor): Tensor;
  /** Size of the last output axis (or of the event, for the decoder). */
  readonly outputs: number;
}

const leading = (x: Tensor, eventRank: number): number[] => x.shape.slice(0, x.rank - eventRank);

export type ConvEncoderParams = Record<string, ConvParams>;

/** Four k4 s2 VALID ReLU convs, depth·[1, 2, 4, 8] filters: 64×64×C → 2×2×8·depth → 32·depth (1024). */
export function convEncoder(channels: number, depth: number, dtype: DType = 'f32'): Network<ConvEncoderParams> {
  const layers = [1, 2, 4, 8].map((m, i) => conv2dLayer(i === 0 ? channels : (depth * m) / 2, depth * m, 4, { strides: 2, activation: 'relu', dtype }));
  return {
    outputs: 32 * depth,
    init: (key) => Object.fromEntries(key.split(layers.length).map((k, i) => [`conv${i}`, layers[i].init(k)])),
    apply: (p, image) =>
      tidy(() => {
        const lead = leading(image, 3);
        let h = reshape(image, [-1, ...image.shape.slice(-3)]);
        layers.forEach((layer, i) => (h = layer.apply(p[`conv${i}`], h)));
        return reshape(h, [...lead, 32 * depth]);
      }),
  };
}

export interface ConvDecoderParams {
  [key: string]: DenseParams | ConvParams;
}

/**
 * Dense(32·depth) → 1×1×32·depth, then k5, k5, k6, k6 stride-2 VALID transposed convs with
 * 4·depth, 2·depth, depth (ReLU) and C (linear) filters: 1 → 5 → 13 → 30 → 64. The output is
 * the mean of a unit-variance Normal over each pixel.
 */
export function convDecoder(features: number, channels: number, depth: number, dtype: DType = 'f32'): Network<ConvDecoderParams> {
  const project = dense(features, 32 * depth, { dtype });
  const specs: [number, number, number, Activation][] = [
    [32 * depth, 4 * depth, 5, 'relu'],
    [4 * depth, 2 * depth, 5, 'relu'],
    [2 * depth, depth, 6, 'relu'],
    [depth, channels, 6, 'none'],
  ];
  const layers = specs.map(([cin, cout, k, activation]) => conv2dTransposeLayer(cin, cout, k, { strides: 2, activation, dtype }));
  return {
    outputs: 64 * 64 * channels,
    init(key) {
      const keys = key.split(layers.length + 1);
      const p: ConvDecoderParams = { dense: project.init(keys[0]) };
      layers.forEach((layer, i) => (p[`deconv${i}`] = layer.init(keys[i + 1])));
      return p;
    },
    apply: (p, feat) =>
      tidy(() => {
        const lead = leading(feat, 1);
        let h = project.apply(p.dense as DenseParams, feat);
        h = reshape(h, [-1, 1, 1, 32 * depth]);
        layers.forEach((layer, i) => (h = layer.apply(p[`deconv${i}`] as ConvParams, h)));
        return reshape(h, [...lead, 64, 64, channels]);
      }),
  };
}

/** `layers` × Dense(units, act) → Dense(outputs): the seed's feed_forward trunk. */
export function denseNet(inputs: number, layers: number, units: number, outputs: number, act: Activation, dtype: DType = 'f32'): Network<MLPParams> {
  const net = mlp(inputs, Array.from({ length: layers }, () => units), outputs, { activation: act, dtype });
  return { outputs, init: (key) => net.init(key), apply: (p, x) => net.apply(p, x) };
}

/** The proprio encoder: `layers` × Dense(units, ReLU), no output layer (networks/proprio.py). */
export function mlpEncoder(inputs: number, layers: number, units: number, dtype: DType = 'f32'): Network<Record<string, DenseParams>> {
  const stack = Array.from({ length: layers }, (_, i) => dense(i === 0 ? inputs : units, units, { activation: 'relu', dtype }));
  return {
    outputs: units,
    init: (key) => Object.fromEntries(key.split(layers).map((k, i) => [`dense${i}`, stack[i].init(k)])),
    apply: (p, x) =>
      tidy(() => {
        let h = x;
        stack.forEach((layer, i) => (h = layer.apply(p[`dense${i}`], h)));
        return h;
      }),
  };
}
