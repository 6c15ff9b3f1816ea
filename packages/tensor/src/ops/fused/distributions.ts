/**
 * Elementwise distribution math as fused ops (Backend.distribution / distributionBackward; CPU
 * reference cpu/fused.ts, WGSL in @dreamer/webgpu kernels/distributions.ts). Each op states its
 * forward formula and its gradient once, here, as a composition of primitives; a backend kernel
 * computes the same formulas in one launch. Operands broadcast NumPy-style; the kernel reads an
 * operand shaped as a suffix of the output (scalar, per-event vector, full) in place and gets
 * any other broadcast materialised first.
 */
import type { DistributionOp } from '../../backend.ts';
import { ATANH_CLIP } from '../../backend.ts';
import { isTracked, record, untracked } from '../../autodiff.ts';
import { tidy } from '../../engine.ts';
import { type Shape, broadcastShapes, shapesEqual } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { clip, softplus } from '../activation.ts';
import { abs, add, div, lessEqual, log, log1p, mul, neg, reciprocal, sigmoid, sub, where } from '../elementwise.ts';
import { broadcastTo } from '../shape.ts';
import { unbroadcast, wrap } from '../util.ts';
import { checkFloatOperands, useKernel } from './common.ts';

export { ATANH_CLIP };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG2 = Math.log(2);

type Grads = (Tensor | null)[];
/** Gradients of one op for the operands whose `wanted` entry is true. */
type Backward = (g: Tensor, xs: readonly Tensor[], wanted: readonly boolean[]) => Grads;

/** log N(x | μ, σ) from the standardised z = (x − μ)/σ. */
function normalLogDensity(z: Tensor, scale: Tensor): Tensor {
  return sub(sub(mul(mul(z, z), -0.5), log(scale)), HALF_LOG_2PI);
}

/** atanh(clip(y, ±ATANH_CLIP)) = ½(log1p(c) − log1p(−c)). */
function clippedAtanh(c: Tensor): Tensor {
  return mul(sub(log1p(c), log1p(neg(c))), 0.5);
}

/** ∂/∂μ and ∂/∂σ of log N(x | μ, σ): g·z/σ and g·(z² − 1)/σ. */
function normalParamGrads(g: Tensor, z: Tensor, scale: Tensor, wantLoc: boolean, wantScale: boolean): [Tensor | null, Tensor | null] {
  return [wantLoc ? div(mul(g, z), scale) : null, wantScale ? div(mul(g, sub(mul(z, z), 1)), scale) : null];
}

const forwards: Record<DistributionOp, (xs: readonly Tensor[]) => Tensor> = {
  normalLogProb: ([x, loc, scale]) => normalLogDensity(div(sub(x, loc), scale), scale),
  // ½(ρ² + d² − 1 − 2 log ρ), ρ = σ₁/σ₂, d = (μ₁ − μ₂)/σ₂.
  normalKl: ([loc1, scale1, loc2, scale2]) => {
    const ratio = div(scale1, scale2);
    const d = div(sub(loc1, loc2), scale2);
    return mul(sub(sub(add(mul(ratio, ratio), mul(d, d)), 1), mul(log(ratio), 2)), 0.5);
  },
  // log N(x) − log|dy/dx| with x = atanh(clip(y)), log|dy/dx| = 2(log 2 − x − softplus(−2x)).
  tanhNormalLogProb: ([y, loc, scale]) => {
    const x = clippedAtanh(clip(y, -ATANH_CLIP, ATANH_CLIP));
    const logDet = mul(sub(sub(LOG2, x), softplus(mul(x, -2))), 2);
    return sub(normalLogDensity(div(sub(x, loc), scale), scale), logDet);
  },
  // −[x·softplus(−l) + (1 − x)·softplus(l)]: finite for any logit.
  bernoulliLogProb: ([x, logits]) => neg(add(mul(x, softplus(neg(logits))), mul(sub(1, x), softplus(logits)))),
  normalSample: ([loc, scale, eps]) => add(loc, mul(scale, eps)),
};

const backwards: Record<DistributionOp, Backward> = {
  normalLogProb: (g, [x, loc, scale], w) => {
    const z = div(sub(x, loc), scale);
    const [dLoc, dScale] = normalParamGrads(g, z, scale, w[0] || w[1], w[2]);
    return [w[0] ? neg(dLoc!) : null, w[1] ? dLoc : null, dScale];
  },
  normalKl: (g, [loc1, scale1, loc2, scale2], w) => {
    const ratio = div(scale1, scale2);
    const d = div(sub(loc1, loc2), scale2);
    const dLoc1 = w[0] || w[2] ? div(mul(g, d), scale2) : null;
    const r2 = mul(ratio, ratio);
    return [
      w[0] ? dLoc1 : null,
      w[1] ? div(mul(g, sub(r2, 1)), scale1) : null,
      w[2] ? neg(dLoc1!) : null,
      w[3] ? div(mul(g, sub(sub(1, r2), mul(d, d))), scale2) : null,
    ];
  },
  tanhNormalLogProb: (g, [y, loc, scale], w) => {
    const c = clip(y, -ATANH_CLIP, ATANH_CLIP);
    const z = div(sub(clippedAtanh(c), loc), scale);
    const [dLoc, dScale] = normalParamGrads(g, z, scale, w[1], w[2]);
    let dY: Tensor | null = null;
    if (w[0]) {
      // d/dx = −z/σ + 2·tanh(x) = −z/σ + 2c; dx/dy = ½(1/(1 + c) + 1/(1 − c)) (exact near |c| = 1), 0 where clipped.
      const dxdy = mul(add(reciprocal(add(c, 1)), reciprocal(sub(1, c))), 0.5);
      dY = where(lessEqual(abs(y), ATANH_CLIP), mul(mul(g, sub(mul(c, 2), div(z, scale))), dxdy), 0);
    }
    return [dY, dLoc, dScale];
  },
  bernoulliLogProb: (g, [x, logits], w) => [w[0] ? mul(g, logits) : null, w[1] ? mul(g, sub(x, sigmoid(logits))) : null],
  normalSample: (g, [, scale, eps], w) => [w[0] ? g : null, w[1] ? mul(g, eps) : null, w[2] ? mul(g, scale) : null],
};

/** True if the kernel can read `shape` in place for `out`: a suffix of it after leading 1s. */
function readsInPlace(shape: Shape, out: Shape): boolean {
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  const rest = shape.slice(k);
  return rest.length <= out.length && shapesEqual(rest, out.slice(out.length - rest.length));
}

/** The operands as the kernel reads them, and the copies made for it (to dispose). */
function kernelOperands(xs: readonly Tensor[], out: Shape): { operands: Tensor[]; made: Tensor[] } {
  const made: Tensor[] = [];
  const operands = untracked(() =>
    xs.map((x) => {
      if (readsInPlace(x.shape, out)) return x;
      const full = broadcastTo(x, out);
      made.push(full);
      return full;
    }),
  );
  return { operands, made };
}

function distributionOp(op: DistributionOp, named: Readonly<Record<string, Tensor>>): Tensor {
  const backend = checkFloatOperands(op, named);
  const xs = Object.values(named);
  const shape = broadcastShapes(op, ...xs.map((x) => x.shape));
  const wanted = xs.map((x) => isTracked(x));
  const kernel = useKernel(backend.distribution);
  let y: Tensor;
  if (kernel) {
    const { operands, made } = kernelOperands(xs, shape);
    y = wrap(op, backend, backend.distribution!(op, operands, shape), shape, xs[0].dtype, xs);
    for (const t of made) t.dispose();
  } else {
    y = untracked(() => tidy(() => forwards[op](xs)));
  }
  return record(op, xs, y, (g) => {
    let grads: Grads;
    if (kernel && op !== 'normalSample' && backend.distributionBackward) {
      const { operands, made } = kernelOperands(xs, shape);
      const bufs = backend.distributionBackward(op, g, operands, wanted);
      grads = bufs.map((b) => (b === null ? null : wrap(`${op}Backward`, backend, b, shape, g.dtype, [g, ...xs])));
      for (const t of made) t.dispose();
    } else {
      grads = backwards[op](g, xs, wanted);
    }
    return grads.map((d, k) => d && unbroadcast(d, xs[k].shape));
  });
}

/** log N(x | loc, scale), elementwise. */
export function normalLogProb(x: Tensor, loc: Tensor, scale: Tensor): Tensor {
  return distributionOp('normalLogProb', { x, loc, scale });
}

/** KL(N(loc1, scale1) ‖ N(loc2, scale2)), elementwise. */
export function normalKl(loc1: Tensor, scale1: Tensor, loc2: Tensor, scale2: Tensor): Tensor {
  return distributionOp('normalKl', { loc1, scale1, loc2, scale2 });
}

/**
 * Elementwise log-density of y = tanh(x), x ~ N(loc, scale): log N(atanh y) − log(1 − y²) in the
 * stable form 2(log 2 − x − softplus(−2x)); y is clipped to ±ATANH_CLIP first (gradient 0 outside).
 */
export function tanhNormalLogProb(y: Tensor, loc: Tensor, scale: Tensor): Tensor {
  return distributionOp('tanhNormalLogProb', { y, loc, scale });
}

/** log p(x) of a Bernoulli with these logits, elementwise (x in [0, 1]; the gradient in x is the logit). */
export function bernoulliLogProb(x: Tensor, logits: Tensor): Tensor {
  return distributionOp('bernoulliLogProb', { x, logits });
}

/** loc + scale·eps in one launch (a reparameterised Normal draw from standard-normal eps). */
export function normalSample(loc: Tensor, scale: Tensor, eps: Tensor): Tensor {
  return distributionOp('normalSample', { loc, scale, eps });
}
