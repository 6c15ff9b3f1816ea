/**
 * Activations and other ops composed from primitives; their gradients follow from the
 * primitives' rules. Each is written so that no branch overflows (the gradient of a `where`
 * multiplies the unselected side by zero, and 0 · ∞ would be NaN).
 */
import { tidy } from '../engine.ts';
import type { Tensor } from '../tensor.ts';
import { abs, add, div, exp, expm1, greater, less, log, log1p, maximum, minimum, mul, neg, sub, where } from './elementwise.ts';
import { max, sum } from './reduce.ts';
import { stopGradient } from './shape.ts';
import { assertTensor } from './util.ts';

/** max(x, 0); gradient 0 at x = 0. */
export function relu(x: Tensor): Tensor {
  assertTensor(x, 'relu');
  return tidy(() => where(greater(x, 0), x, 0));
}

/** x for x > 0, exp(x) − 1 otherwise. */
export function elu(x: Tensor): Tensor {
  assertTensor(x, 'elu');
  return tidy(() => where(greater(x, 0), x, expm1(minimum(x, 0))));
}

/** log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|)), exact for any x; gradient sigmoid(x). */
export function softplus(x: Tensor): Tensor {
  assertTensor(x, 'softplus');
  return tidy(() => add(maximum(x, 0), log1p(exp(neg(abs(x))))));
}

export function square(x: Tensor): Tensor {
  assertTensor(x, 'square');
  return mul(x, x);
}

/** Limits values to [low, high]; the gradient is 1 inside the closed interval, 0 outside. */
export function clip(x: Tensor, low: number, high: number): Tensor {
  assertTensor(x, 'clip');
  if (!(low <= high)) throw new RangeError(`clip: low (${low}) must be <= high (${high})`);
  return tidy(() => where(less(x, low), low, where(greater(x, high), high, x)));
}

/**
 * x − max(x) along `axis` (the max gets no gradient; it cancels in softmax and logSoftmax).
 * Shifting first keeps full precision: x − logsumexp(x) would round logsumexp at the
 * magnitude of x (in f32, ulp(1000) ≈ 6e-5) and carry that error into every output.
 */
function shiftByMax(x: Tensor, axis: number): Tensor {
  return sub(x, stopGradient(max(x, axis, true)));
}

/** log softmax(x) along `axis` = (x − m) − log Σ exp(x − m), m = max(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertTensor(x, 'logSoftmax');
  return tidy(() => {
    const shifted = shiftByMax(x, axis);
    return sub(shifted, log(sum(exp(shifted), axis, true)));
  });
}

/** exp(x − m) / Σ exp(x − m), m = max(x) along `axis`. */
export function softmax(x: Tensor, axis = -1): Tensor {
  assertTensor(x, 'softmax');
  return tidy(() => {
    const e = exp(shiftByMax(x, axis));
    return div(e, sum(e, axis, true));
  });
}
