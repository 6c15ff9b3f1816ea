/**
 * The seed's encoders and decoders (networks/conv.py, networks/proprio.py, networks/basic.py).
 * Inputs may carry any leading axes ([B, T, …] or [N, …]); they are folded into one batch axis.
 */
import { type DType, RandomKey, type Tensor, concat, reshape, slice, tidy } from '@dreamer/tensor';
import { type Activation, type ConvParams, type DenseParams, type MLPParams, conv2dLayer, conv2dTransposeLayer, dense, mlp } from '@dreamer/nn';

export interface Network<P> {
  init(key: RandomKey): P;
  apply(params: P, x: Tensor): Tensor;
  /** Size of the last output axis (or of the event, for the decoder). */
  readonly outputs: number;
}

const leading = (x: Tensor, eventRank: number): number[] => x.shape.slice(0, x.rank - eventRank);

/**
 * fn over axis 0 of x in slices of at most `chunk` rows, concatenated (0: one call). For the conv
 * nets: per-image work, so the result is the same; it bounds the largest activation (the WebGPU
 * backend cannot bind a buffer over maxStorageBufferBindingSize, 128 MiB on lavapipe, and the first
 * conv's output at batch 2500 is 307 MB).
 */
export function inChunks(x: Tensor, chunk: number, fn: (part: Tensor) => Tensor): Tensor {
  const n = x.shape[0];
  if (!(chunk > 0) || n <= chunk) return fn(x);
  return tidy(() => {
    const parts: Tensor[] = [];
    for (let i = 0; i < n; i += chunk) {
      const size = Math.min(chunk, n - i);
      parts.push(fn(slice(x, [i, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)])));
    }
    return concat(parts, 0);
  });
}

export type ConvEncoderParams = Record<string, ConvParams>;

/**
 * Four k4 s2 VALID ReLU convs, depth·[1, 2, 4, 8] filters: 64×64×C → 2×2×8·depth → 32·depth (1024).
 * Runs the images in chunks of at most `chunk` (0: all at once; see `inChunks`).
 */
export function convEncoder(channels: number, depth: number, dtype: DType = 'f32', chunk = 0): Network<ConvEncoderParams> {
  const layers = [1, 2, 4, 8].map((m, i) => conv2dLayer(i === 0 ? channels : (depth * m) / 2, depth * m, 4, { strides: 2, activation: 'relu', dtype }));
  return {
    outputs: 32 * depth,
    init: (key) => Object.fromEntries(key.split(layers.length).map((k, i) => [`conv${i}`, layers[i].init(k)])),
    apply: (p, image) =>
      tidy(() => {
        const lead = leading(image, 3);
        const h = inChunks(reshape(image, [-1, ...image.shape.slice(-3)]), chunk, (x) => {
          layers.forEach((layer, i) => (x = layer.apply(p[`conv${i}`], x)));
          return x;
        });
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
 * the mean of a unit-variance Normal over each pixel. The transposed convs run in chunks of at
 * most `chunk` images (0: all at once; see `inChunks`).
 */
export function convDecoder(features: number, channels: number, depth: number, dtype: DType = 'f32', chunk = 0): Network<ConvDecoderParams> {
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
        const projected = reshape(project.apply(p.dense as DenseParams, feat), [-1, 1, 1, 32 * depth]);
        const h = inChunks(projected, chunk, (x) => {
          layers.forEach((layer, i) => (x = layer.apply(p[`deconv${i}`] as ConvParams, x)));
          return x;
        });
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
