/** Random tensors drawn from an explicit RandomKey (identical bits on every backend). */
import type { RandomDist } from '../backend.ts';
import { type DType, isFloat } from '../dtype.ts';
import { getBackend, tidy } from '../engine.ts';
import { type Shape, assertShape } from '../shape.ts';
import { RandomKey } from '../random/key.ts';
import type { Tensor } from '../tensor.ts';
import { add, mul } from './elementwise.ts';
import { wrap } from './util.ts';

function draw(op: string, dist: RandomDist, key: RandomKey, shape: Shape, dtype: DType): Tensor {
  if (!(key instanceof RandomKey)) throw new TypeError(`${op}: key must be a RandomKey (RandomKey.fromSeed(n)), got ${String(key)}`);
  assertShape(shape, op);
  if (!isFloat(dtype)) throw new TypeError(`${op}: dtype must be f32 or f64, got ${dtype}`);
  const backend = getBackend();
  return wrap(op, backend, backend.random(dist, key.words, shape, dtype), shape, dtype, []);
}

export interface UniformOptions {
  low?: number;
  high?: number;
  dtype?: DType;
}

/** U[low, high) samples (default [0, 1)). */
export function randomUniform(key: RandomKey, shape: Shape, options: UniformOptions = {}): Tensor {
  const { low = 0, high = 1, dtype = 'f32' } = options;
  if (low === 0 && high === 1) return draw('randomUniform', 'uniform', key, shape, dtype);
  return tidy(() => add(mul(draw('randomUniform', 'uniform', key, shape, dtype), high - low), low));
}

export interface NormalOptions {
  mean?: number;
  std?: number;
  dtype?: DType;
}

/** N(mean, std²) samples (default standard normal). */
export function randomNormal(key: RandomKey, shape: Shape, options: NormalOptions = {}): Tensor {
  const { mean = 0, std = 1, dtype = 'f32' } = options;
  if (mean === 0 && std === 1) return draw('randomNormal', 'normal', key, shape, dtype);
  return tidy(() => add(mul(draw('randomNormal', 'normal', key, shape, dtype), std), mean));
}
