/**
 * Pixels in [0, 255] → model inputs centred on 0 (the seed's tools/preprocess.py).
 */
import { type DType, RandomKey, type Tensor, add, cast, clip, div, floor, mul, randomUniform, sub, tidy } from '@dreamer/tensor';

export interface ImagePreprocessOptions {
  /** Keep this many bits per channel (default 8). */
  bits?: number;
  /** TF1: add U(0, 2^-bits) dequantisation noise (needs `key`); false: TF2's x/255 − 0.5. */
  noise?: boolean;
  dtype?: DType;
}

/**
 * With noise: floor(x / 2^(8−bits)) / 2^bits + U(0, 2^-bits) − 0.5, so a pixel becomes a draw
 * from its quantisation bin and the range is [−0.5, 0.5). Without: x/255 − 0.5 ∈ [−0.5, 0.5].
 */
export function preprocessImage(pixels: Tensor, key: RandomKey | null, options: ImagePreprocessOptions = {}): Tensor {
  const { bits = 8, noise = true, dtype = 'f32' } = options;
  return tidy(() => {
    const x = pixels.dtype === dtype ? pixels : cast(pixels, dtype);
    if (!noise) return sub(div(x, 255), 0.5);
    if (!key) throw new Error('preprocessImage: dequantisation noise needs a RandomKey (or pass noise: false)');
    const bins = 2 ** bits;
    const binned = bits < 8 ? floor(div(x, 2 ** (8 - bits))) : x;
    const jitter = randomUniform(key, x.shape, { dtype, high: 1 / bins });
    return sub(add(div(binned, bins), jitter), 0.5);
  });
}

/** The inverse for display: the bin's lower edge in [0, 1] (the seed's postprocess, float form). */
export function postprocessImage(image: Tensor, bits = 8): Tensor {
  return tidy(() => {
    const bins = 2 ** bits;
    return clip(div(floor(mul(add(image, 0.5), bins)), bins), 0, 1);
  });
}
