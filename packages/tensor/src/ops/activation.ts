/**
 * Activations and other ops composed from primitives; their gradients follow from the
 * primitives' rules. Each is written so that no branch overflows (the gradient of a `where`
 * multiplies the unselected side by zero, and 0 · ∞ would be NaN).
 */
import type { ActivationOp } from '../backend.ts';
import { record } from '../autodiff.ts';
import { isFloat } from '../dtype.ts';
import { tidy } from '../engine.ts';
import type { Tensor } from '../tensor.ts';
import { useKernel } from './fused/common.ts';
import { abs, add, div, exp, expm1, greater, less, log, log1p, maximum, minimum, mul, neg, sub, where } from './elementwise.ts';
import { max, sum } from './reduce.ts';
import { stopGradient } from './shape.ts';
import { assertTensor, wrap } from './util.ts';

/**
 * Activations with an optional fused kernel (Backend.activation / activationBackward; CPU
 * reference cpu/fused.ts, WGSL in @dreamer/webgpu kernels/unary.ts). The composition states each
 * formula; its gradient follows from the primitives' rules. A kernel runs the forward in one
 * launch and the gradient in one more from the saved input, where the composition takes 3–4
 * launches and 4–6 (masks, casts, the minimum's tie rule) — in a Dreamer step's imagination
 * that traffic was most of the time outside the matmuls. They agree everywhere except the ELU
 * gradient at exactly 0: 1 from the kernel (ELU is C¹ there), ½ from the composition (the
 * minimum splits a tie).
 */
const composed: Record<ActivationOp, (x: Tensor) => Tensor> = {
  relu: (x) => where(greater(x, 0), x, 0),
  elu: (x) => where(greater(x, 0), x, expm1(minimum(x, 0))),
};

function activationOp(op: ActivationOp, x: Tensor): Tensor {
  assertTensor(x, op);
  const backend = x.backend;
  if (!isFloat(x.dtype) || !useKernel(backend.activation) || !backend.activationBackward) return tidy(() => composed[op](x));
  const y = wrap(op, backend, backend.activation!(op, x), x.shape, x.dtype, [x]);
  return record(op, [x], y, (g) => [wrap(`${op}Backward`, backend, backend.activationBackward!(op, g, x), x.shape, g.dtype, [g, x])]);
}

/** max(x, 0); gradient 0 at x = 0; NaN gives 0. */
export function relu(x: Tensor): Tensor {
  return activationOp('relu', x);
}

/** x for x > 0, exp(x) − 1 otherwise. */
export function elu(x: Tensor): Tensor {
  return activationOp('elu', x);
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
