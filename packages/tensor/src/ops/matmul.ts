/** Matrix products with NumPy batching: leading axes broadcast, 1-D operands are vectors. */
import { record } from '../autodiff.ts';
import { tidy } from '../engine.ts';
import { ShapeError, broadcastShapes, fmt, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { sum } from './reduce.ts';
import { broadcastTo, reshape } from './shape.ts';
import { assertTensor, backendOf, wrap } from './util.ts';

export interface MatmulOptions {
  /** Use a's last two axes transposed. */
  transposeA?: boolean;
  /** Use b's last two axes transposed. */
  transposeB?: boolean;
}

/**
 * The differentiable core: a [Ba, M, K] (or [Ba, K, M]) times b [Bb, K, N] (or [Bb, N, K]),
 * where Ba and Bb are equal or 1.
 */
function batchMatmul(a: Tensor, b: Tensor, tA: boolean, tB: boolean): Tensor {
  const backend = backendOf('matmul', a, b);
  const m = tA ? a.shape[2] : a.shape[1];
  const n = tB ? b.shape[1] : b.shape[2];
  const batch = Math.max(a.shape[0], b.shape[0]);
  const y = wrap('matmul', backend, backend.matmul(a, b, tA, tB), [batch, m, n], a.dtype, [a, b]);
  return record('matmul', [a, b], y, (g, needs) => {
    // With Ā = op(A), B̄ = op(B): dĀ = g B̄ᵀ and dB̄ = Āᵀ g, transposed back where the operand was.
    // A constant operand (a weight while only the actor is differentiated) gets no product.
    const ga = !needs[0] ? null : tA ? batchMatmul(b, g, tB, true) : batchMatmul(g, b, false, !tB);
    const gb = !needs[1] ? null : tB ? batchMatmul(g, a, true, tA) : batchMatmul(a, g, !tA, false);
    return [ga && a.shape[0] === 1 && batch > 1 ? sum(ga, 0, true) : ga, gb && b.shape[0] === 1 && batch > 1 ? sum(gb, 0, true) : gb];
  });
}

export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  assertTensor(a, 'matmul', 'a');
  assertTensor(b, 'matmul', 'b');
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  if (a.rank === 0 || b.rank === 0) throw new ShapeError(`matmul: operands must have rank >= 1 (got ${fmt(a.shape)} and ${fmt(b.shape)})`);
  if (a.dtype !== b.dtype) throw new TypeError(`matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  if (a.dtype === 'bool') throw new TypeError('matmul: bool operands are not supported; cast to f32');
  return tidy(() => {
    const a2 = a.rank === 1 ? reshape(a, tA ? [a.shape[0], 1] : [1, a.shape[0]]) : a;
    const b2 = b.rank === 1 ? reshape(b, tB ? [1, b.shape[0]] : [b.shape[0], 1]) : b;
    const [ar, ac] = a2.shape.slice(-2);
    const [br, bc] = b2.shape.slice(-2);
    const [m, k] = tA ? [ac, ar] : [ar, ac];
    const [k2, n] = tB ? [bc, br] : [br, bc];
    if (k !== k2) {
      throw new ShapeError(
        `matmul: inner dimensions differ: a ${fmt(a.shape)}${tA ? 'ᵀ' : ''} has ${k} columns, b ${fmt(b.shape)}${tB ? 'ᵀ' : ''} has ${k2} rows`,
      );
    }
    const batchA = a2.shape.slice(0, -2);
    const batchB = b2.shape.slice(0, -2);
    const batch = broadcastShapes('matmul (batch axes)', batchA, batchB);
    const nb = sizeOf(batch);
    // Flatten the batch axes; an operand with a single batch element is shared without copying.
    const flat = (x: Tensor, xb: readonly number[]): Tensor => {
      if (sizeOf(xb) === 1) return reshape(x, [1, ...x.shape.slice(-2)]);
      const full = xb.length === batch.length && xb.every((d, i) => d === batch[i]) ? x : broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
      return reshape(full, [nb, ...x.shape.slice(-2)]);
    };
    const y = batchMatmul(flat(a2, batchA), flat(b2, batchB), tA, tB);
    const outShape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
    return reshape(y, outShape);
  });
}
