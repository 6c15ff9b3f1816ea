/**
 * GRU gate kernels (Backend.gruBlockReset … gruResetAfterBackward): one thread per element of h,
 * i.e. per (row, unit); params [N·H, H]. The matmuls stay separate launches (the subgroup matmul).
 *
 * Strategy. The gate math of a GRU step is a dozen elementwise primitives (bias adds, σ, tanh,
 * slices of the stacked gates, products) and twice that in the backward pass; on lavapipe every
 * launch costs ~16–20 µs while the arithmetic on a 50×200 state is a few µs, so the gates are
 * dispatch-bound and fusing them is the whole win.
 * - Reset-before (TF1 GRUBlockCell) cannot be one kernel: the candidate's matmul [x, r⊙h]·W_c
 *   needs r⊙h first. So the forward is two kernels, one on each side of that matmul — (ru
 *   pre-activations, b_ru, h) → (r⊙h, u) and (c pre-activation, b_c, u, h) → h' — and the
 *   backward is their two adjoints, run in reverse order around the matmul's gradient.
 * - Reset-after (Keras) applies r to the recurrent projection, after both matmuls, so its
 *   forward and its backward are one kernel each.
 * - Biases are added in the kernels (saves a launch each); their gradients are batch sums of the
 *   pre-activation gradients, left to the engine's reduce (a cross-row sum would serialise here).
 * - Backward kernels recompute σ and tanh from the forward's inputs rather than saving the gates:
 *   a few transcendental ops are cheaper than extra buffers and launches.
 * - Products are grouped as in the composed fallback (ops/fused/gru.ts) so both round alike.
 */
import { MAIN_1D, PARAMS } from './common.ts';
import { fusedBuffers } from './fusedBindings.ts';
import { FLOAT_HELPERS } from './unary.ts';

/** Row, unit and the start of the row in a [N, width·H] operand. */
const ROW = (width: number): string => `let H = P[1]; let row = i / H; let j = i - row * H; let base = row * ${width}u * H;`;

const kernel = (decls: string, touch: string, body: string): string => `${PARAMS}${FLOAT_HELPERS}
${decls}
${MAIN_1D}
  ${touch}
  ${body}
}`;

/** (pre [N, 2H], bias [2H], h) → (r⊙h, u). */
export function gruBlockResetWGSL(): string {
  const b = fusedBuffers(['pre', 'bias', 'h'], ['rh', 'u']);
  return kernel(b.decls, b.touch, `${ROW(2)}
  ${b.store(0, 'i', 'sigmoid_(pre[base + j] + bias[j]) * h[i]')}
  ${b.store(1, 'i', 'sigmoid_(pre[base + H + j] + bias[H + j])')}`);
}

/** (dRH, dU, pre, bias, h) → (dPre [N, 2H], dH). */
export function gruBlockResetBackwardWGSL(mask?: readonly boolean[]): string {
  const b = fusedBuffers(['dRH', 'dU', 'pre', 'bias', 'h'], ['dPre', 'dH'], mask);
  return kernel(b.decls, b.touch, `${ROW(2)}
  let r = sigmoid_(pre[base + j] + bias[j]);
  let u = sigmoid_(pre[base + H + j] + bias[H + j]);
  ${b.store(0, 'base + j', '(dRH[i] * h[i]) * (r * (1.0 - r))')}
  ${b.store(0, 'base + H + j', 'dU[i] * (u * (1.0 - u))')}
  ${b.store(1, 'i', 'dRH[i] * r')}`);
}

/** (pre [N, H], bias [H], u, h) → h' = c + u⊙(h − c), c = tanh(pre + bias). */
export function gruBlockOutputWGSL(): string {
  const b = fusedBuffers(['pre', 'bias', 'u', 'h'], ['out']);
  return kernel(b.decls, b.touch, `${ROW(1)}
  let c = tanh_(pre[i] + bias[j]);
  ${b.store(0, 'i', 'c + u[i] * (h[i] - c)')}`);
}

/** (g, pre, bias, u, h) → (dPre, dU, dH). */
export function gruBlockOutputBackwardWGSL(mask?: readonly boolean[]): string {
  const b = fusedBuffers(['g', 'pre', 'bias', 'u', 'h'], ['dPre', 'dU', 'dH'], mask);
  return kernel(b.decls, b.touch, `${ROW(1)}
  let c = tanh_(pre[i] + bias[j]);
  ${b.store(0, 'i', '(g[i] * (1.0 - u[i])) * (1.0 - c * c)')}
  ${b.store(1, 'i', 'g[i] * (h[i] - c)')}
  ${b.store(2, 'i', 'g[i] * u[i]')}`);
}

/** The reset-after gates of element i: z, r, the recurrent candidate term hn, and n. */
const RESET_AFTER_GATES = `${ROW(3)}
  let w = 3u * H;
  let z = sigmoid_((x[base + j] + bias[j]) + (hp[base + j] + bias[w + j]));
  let r = sigmoid_((x[base + H + j] + bias[H + j]) + (hp[base + H + j] + bias[w + H + j]));
  let hn = hp[base + 2u * H + j] + bias[w + 2u * H + j];
  let n = tanh_((x[base + 2u * H + j] + bias[2u * H + j]) + r * hn);`;

/** (xProj [N, 3H], hProj [N, 3H], bias [2, 3H], h) → h' = n + z⊙(h − n). */
export function gruResetAfterWGSL(): string {
  const b = fusedBuffers(['x', 'hp', 'bias', 'h'], ['out']);
  return kernel(b.decls, b.touch, `${RESET_AFTER_GATES}
  ${b.store(0, 'i', 'n + z * (h[i] - n)')}`);
}

/** (g, xProj, hProj, bias, h) → (dXProj, dHProj, dH). */
export function gruResetAfterBackwardWGSL(mask?: readonly boolean[]): string {
  const b = fusedBuffers(['g', 'x', 'hp', 'bias', 'h'], ['dX', 'dHP', 'dH'], mask);
  return kernel(b.decls, b.touch, `${RESET_AFTER_GATES}
  let dz = (g[i] * (h[i] - n)) * (z * (1.0 - z));
  let dn = (g[i] * (1.0 - z)) * (1.0 - n * n);
  let dr = (dn * hn) * (r * (1.0 - r));
  ${b.store(0, 'base + j', 'dz')} ${b.store(0, 'base + H + j', 'dr')} ${b.store(0, 'base + 2u * H + j', 'dn')}
  ${b.store(1, 'base + j', 'dz')} ${b.store(1, 'base + H + j', 'dr')} ${b.store(1, 'base + 2u * H + j', 'dn * r')}
  ${b.store(2, 'i', 'g[i] * z')}`);
}
