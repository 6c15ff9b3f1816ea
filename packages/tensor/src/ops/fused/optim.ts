/**
 * Optimiser math as fused ops: one Adam step per tensor in one launch (Backend.adamUpdate), and
 * the sum of squares of many tensors into one device scalar (Backend.sumSquares) for global-norm
 * clipping, with nothing read back.
 */
import type { AdamHyper } from '../../backend.ts';
import { record, untracked } from '../../autodiff.ts';
import { tidy } from '../../engine.ts';
import { ShapeError, fmt, shapesEqual } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { add, mul, sqrt, div, sub } from '../elementwise.ts';
import { sum } from '../reduce.ts';
import { wrap } from '../util.ts';
import { checkFloatOperands, useKernel } from './common.ts';

export type { AdamHyper };

/**
 * One Adam step in TF1's ε-hat form: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
 * param' = param − lrT·m'/(√v' + ε), where lrT = lr·√(1−β2ᵗ)/(1−β1ᵗ) is bias-corrected by the
 * caller. Returns [param', m', v'] (new tensors; no gradient flows through an update).
 */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, hyper: AdamHyper): [Tensor, Tensor, Tensor] {
  const op = 'adamUpdate';
  const backend = checkFloatOperands(op, { param, grad, m, v });
  for (const [name, t] of [['grad', grad], ['m', m], ['v', v]] as const) {
    if (!shapesEqual(t.shape, param.shape)) throw new ShapeError(`${op}: ${name} has shape ${fmt(t.shape)}; param has ${fmt(param.shape)}`);
  }
  const { lrT, beta1, beta2, eps } = hyper;
  if (useKernel(backend.adamUpdate)) {
    const inputs = [param, grad, m, v];
    return backend.adamUpdate!(param, grad, m, v, hyper).map((b) => wrap(op, backend, b, param.shape, param.dtype, inputs)) as [Tensor, Tensor, Tensor];
  }
  return untracked(() =>
    tidy(() => {
      const m1 = add(mul(m, beta1), mul(grad, 1 - beta1));
      const v1 = add(mul(v, beta2), mul(mul(grad, grad), 1 - beta2));
      return [sub(param, mul(div(m1, add(sqrt(v1), eps)), lrT)), m1, v1] as [Tensor, Tensor, Tensor];
    }),
  );
}

/** Σ x² over every element of every tensor, as a scalar on their backend; gradient 2x·g. */
export function sumOfSquares(xs: readonly Tensor[]): Tensor {
  const op = 'sumOfSquares';
  if (!Array.isArray(xs) || xs.length === 0) throw new Error(`${op}: expected a non-empty array of tensors`);
  const backend = checkFloatOperands(op, Object.fromEntries(xs.map((x, i) => [`xs[${i}]`, x])));
  const y = useKernel(backend.sumSquares)
    ? wrap(op, backend, backend.sumSquares!(xs), [], xs[0].dtype, xs)
    : untracked(() => tidy(() => xs.map((x) => sum(mul(x, x))).reduce((a, b) => add(a, b))));
  return record(op, xs, y, (g) => {
    const twoG = mul(g, 2);
    return xs.map((x) => mul(x, twoG));
  });
}
