/**
 * GRU gate math as fused ops: kernels Backend.gruBlockReset / gruBlockOutput / gruResetAfter
 * (CPU reference cpu/fused.ts, WGSL in @dreamer/webgpu kernels/gru.ts) with their backward
 * kernels as the gradient rule. The matmuls stay outside: callers pass pre-activations.
 *
 * Reset-before (TF1 GRUBlockCell) is two ops because a matmul sits between r and c:
 *   gruBlockReset   ([x, h]·W_ru, b_ru, h) → (r⊙h, u)
 *   gruBlockOutput  ([x, r⊙h]·W_c, b_c, u, h) → h' = c + u⊙(h − c),  c = tanh(· + b_c)
 * Keras reset-after applies r after the recurrent matmul, so its gate math is one op:
 *   gruResetAfter   (x·W, h·U, bias [2, 3H], h) → h'
 * Leading axes of the [.., H]-shaped operands are rows; biases are shared by all rows.
 */
import { recordMulti, untracked } from '../../autodiff.ts';
import { tidy } from '../../engine.ts';
import { type Shape, ShapeError, fmt, shapesEqual } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { add, mul, sigmoid, sub, tanh } from '../elementwise.ts';
import { concat, reshape, split, stack } from '../shape.ts';
import { unbroadcast, wrap } from '../util.ts';
import { checkFloatOperands, gradOrZeros, useKernel } from './common.ts';

function unitsOf(op: string, h: Tensor): number {
  if (h.rank < 1) throw new ShapeError(`${op}: h must have a units axis (got shape ${fmt(h.shape)})`);
  return h.shape[h.rank - 1];
}

function expectShape(op: string, name: string, t: Tensor, shape: Shape): void {
  if (!shapesEqual(t.shape, shape)) throw new ShapeError(`${op}: ${name} has shape ${fmt(t.shape)}; expected ${fmt(shape)}`);
}

const rowsOf = (h: Tensor, width: number): Shape => [...h.shape.slice(0, -1), width];

// ---- reset-before: reset and update gates ------------------------------------------------------

/** (preRU [.., 2H] = [x, h]·W_ru, biasRU [2H], h [.., H]) → [r⊙h, u] with r|u = σ(preRU + biasRU). */
export function gruBlockReset(preRU: Tensor, biasRU: Tensor, h: Tensor): [Tensor, Tensor] {
  const op = 'gruBlockReset';
  const backend = checkFloatOperands(op, { preRU, biasRU, h });
  const units = unitsOf(op, h);
  expectShape(op, 'preRU', preRU, rowsOf(h, 2 * units));
  expectShape(op, 'biasRU', biasRU, [2 * units]);
  const inputs = [preRU, biasRU, h];
  const kernel = useKernel(backend.gruBlockReset);
  let outs: [Tensor, Tensor];
  if (kernel) {
    const [rh, u] = backend.gruBlockReset!(preRU, biasRU, h);
    outs = [wrap(op, backend, rh, h.shape, h.dtype, inputs), wrap(op, backend, u, h.shape, h.dtype, inputs)];
  } else {
    outs = untracked(() =>
      tidy(() => {
        const [r, u] = split(sigmoid(add(preRU, biasRU)), 2, -1);
        return [mul(r, h), u] as [Tensor, Tensor];
      }),
    );
  }
  return recordMulti(op, inputs, outs, ([gRH, gU], needs) => {
    const [dPre, dH] = gruBlockResetBackward(kernel, gradOrZeros(gRH, outs[0]), gradOrZeros(gU, outs[1]), preRU, biasRU, h);
    return [dPre, needs[1] ? unbroadcast(dPre, biasRU.shape) : null, dH];
  });
}

function gruBlockResetBackward(kernel: boolean, dRH: Tensor, dU: Tensor, pre: Tensor, bias: Tensor, h: Tensor): [Tensor, Tensor] {
  const backend = h.backend;
  if (kernel && backend.gruBlockResetBackward) {
    const [dPre, dH] = backend.gruBlockResetBackward(dRH, dU, pre, bias, h);
    const inputs = [dRH, dU, pre, bias, h];
    return [wrap('gruBlockResetBackward', backend, dPre, pre.shape, pre.dtype, inputs), wrap('gruBlockResetBackward', backend, dH, h.shape, h.dtype, inputs)];
  }
  return tidy(() => {
    const [r, u] = split(sigmoid(add(pre, bias)), 2, -1);
    const dRPre = mul(mul(dRH, h), mul(r, sub(1, r)));
    const dUPre = mul(dU, mul(u, sub(1, u)));
    return [concat([dRPre, dUPre], -1), mul(dRH, r)] as [Tensor, Tensor];
  });
}

// ---- reset-before: candidate and new state -----------------------------------------------------

/** (preC [.., H] = [x, r⊙h]·W_c, biasC [H], u, h) → h' = c + u⊙(h − c) with c = tanh(preC + biasC). */
export function gruBlockOutput(preC: Tensor, biasC: Tensor, u: Tensor, h: Tensor): Tensor {
  const op = 'gruBlockOutput';
  const backend = checkFloatOperands(op, { preC, biasC, u, h });
  const units = unitsOf(op, h);
  expectShape(op, 'preC', preC, h.shape);
  expectShape(op, 'u', u, h.shape);
  expectShape(op, 'biasC', biasC, [units]);
  const inputs = [preC, biasC, u, h];
  const kernel = useKernel(backend.gruBlockOutput);
  const out = kernel
    ? wrap(op, backend, backend.gruBlockOutput!(preC, biasC, u, h), h.shape, h.dtype, inputs)
    : untracked(() =>
        tidy(() => {
          const c = tanh(add(preC, biasC));
          return add(c, mul(u, sub(h, c)));
        }),
      );
  const [y] = recordMulti(op, inputs, [out], ([g], needs) => {
    const [dPre, dU, dH] = gruBlockOutputBackward(kernel, g!, preC, biasC, u, h);
    return [dPre, needs[1] ? unbroadcast(dPre, biasC.shape) : null, dU, dH];
  });
  return y;
}

function gruBlockOutputBackward(kernel: boolean, g: Tensor, pre: Tensor, bias: Tensor, u: Tensor, h: Tensor): [Tensor, Tensor, Tensor] {
  const backend = h.backend;
  if (kernel && backend.gruBlockOutputBackward) {
    const inputs = [g, pre, bias, u, h];
    const bufs = backend.gruBlockOutputBackward(g, pre, bias, u, h);
    return bufs.map((b) => wrap('gruBlockOutputBackward', backend, b, h.shape, h.dtype, inputs)) as [Tensor, Tensor, Tensor];
  }
  return tidy(() => {
    const c = tanh(add(pre, bias));
    return [mul(mul(g, sub(1, u)), sub(1, mul(c, c))), mul(g, sub(h, c)), mul(g, u)] as [Tensor, Tensor, Tensor];
  });
}

// ---- reset-after (Keras GRUCell) ---------------------------------------------------------------

/**
 * (xProj = x·W, hProj = h·U [.., 3H] with columns z|r|n, bias [2, 3H], h [.., H]) → h' =
 * n + z⊙(h − n), where z|r = σ(xProj + b₀ + hProj + b₁) and n = tanh(xₙ + b₀ₙ + r⊙(hₙ + b₁ₙ)).
 */
export function gruResetAfter(xProj: Tensor, hProj: Tensor, bias: Tensor, h: Tensor): Tensor {
  const op = 'gruResetAfter';
  const backend = checkFloatOperands(op, { xProj, hProj, bias, h });
  const units = unitsOf(op, h);
  expectShape(op, 'xProj', xProj, rowsOf(h, 3 * units));
  expectShape(op, 'hProj', hProj, rowsOf(h, 3 * units));
  expectShape(op, 'bias', bias, [2, 3 * units]);
  const inputs = [xProj, hProj, bias, h];
  const kernel = useKernel(backend.gruResetAfter);
  const out = kernel
    ? wrap(op, backend, backend.gruResetAfter!(xProj, hProj, bias, h), h.shape, h.dtype, inputs)
    : untracked(() =>
        tidy(() => {
          const { z, n } = resetAfterGates(xProj, hProj, bias, units);
          return add(n, mul(z, sub(h, n)));
        }),
      );
  const [y] = recordMulti(op, inputs, [out], ([g], needs) => {
    const [dX, dHP, dH] = gruResetAfterBackward(kernel, g!, xProj, hProj, bias, h, units);
    const row: Shape = [3 * units];
    return [dX, dHP, needs[2] ? stack([unbroadcast(dX, row), unbroadcast(dHP, row)], 0) : null, dH];
  });
  return y;
}

function resetAfterGates(xProj: Tensor, hProj: Tensor, bias: Tensor, units: number): { z: Tensor; r: Tensor; n: Tensor; hn: Tensor } {
  const [bx, bh] = split(bias, 2, 0);
  const [xz, xr, xn] = split(add(xProj, reshape(bx, [3 * units])), 3, -1);
  const [hz, hr, hn] = split(add(hProj, reshape(bh, [3 * units])), 3, -1);
  const z = sigmoid(add(xz, hz));
  const r = sigmoid(add(xr, hr));
  return { z, r, n: tanh(add(xn, mul(r, hn))), hn };
}

function gruResetAfterBackward(kernel: boolean, g: Tensor, xProj: Tensor, hProj: Tensor, bias: Tensor, h: Tensor, units: number): [Tensor, Tensor, Tensor] {
  const backend = h.backend;
  if (kernel && backend.gruResetAfterBackward) {
    const inputs = [g, xProj, hProj, bias, h];
    const [dX, dHP, dH] = backend.gruResetAfterBackward(g, xProj, hProj, bias, h);
    const name = 'gruResetAfterBackward';
    return [wrap(name, backend, dX, xProj.shape, h.dtype, inputs), wrap(name, backend, dHP, hProj.shape, h.dtype, inputs), wrap(name, backend, dH, h.shape, h.dtype, inputs)];
  }
  return tidy(() => {
    const { z, r, n, hn } = resetAfterGates(xProj, hProj, bias, units);
    const dz = mul(mul(g, sub(h, n)), mul(z, sub(1, z)));
    const dn = mul(mul(g, sub(1, z)), sub(1, mul(n, n)));
    const dr = mul(mul(dn, hn), mul(r, sub(1, r)));
    return [concat([dz, dr, dn], -1), concat([dz, dr, mul(dn, r)], -1), mul(g, z)] as [Tensor, Tensor, Tensor];
  });
}
