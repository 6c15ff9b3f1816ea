/**
 * Distribution math kernels (Backend.distribution / distributionBackward): one thread per output
 * element; the formulas are those of @dreamer/tensor's ops/fused/distributions.ts, grouped the same
 * way so the fused and composed paths round alike. log and exp are FLOAT_HELPERS' `log_`/`exp_`,
 * which give the IEEE results at 0, ±∞ and NaN (WGSL's builtins need not).
 *
 * Strategy. These ops sit at the end of every loss (decoder likelihoods, the KL, the actor's
 * log-probabilities) and are purely elementwise: composed they are 6–20 launches each way, fused
 * one forward and one backward. An operand is read in place when it is the full shape ('full'),
 * a single element ('scalar': e.g. the decoder's fixed σ = 1) or a suffix of it ('mod', index
 * i mod its length: a per-event vector); the engine materialises any other broadcast first.
 * Params [n, length of each operand]. The backward kernel writes the gradients of the operands
 * the caller wants (the rest are never computed into memory); a mask splits them over several
 * launches where the device's storage-buffer limit is too small for all at once.
 */
import { ATANH_CLIP, type DistributionOp } from '@dreamer/tensor';
import { MAIN_1D, PARAMS } from './common.ts';
import { fusedBuffers } from './fusedBindings.ts';
import { FLOAT_HELPERS } from './unary.ts';

export type OperandRead = 'full' | 'scalar' | 'mod';

const HALF_LOG_2PI = (0.5 * Math.log(2 * Math.PI)).toPrecision(17);
const LOG2 = Math.LN2.toPrecision(17);
/** The clip bound as its exact f32 bits: an abstract-float literal may round either way. */
const CLIP = `bitcast<f32>(0x${new Uint32Array(new Float32Array([ATANH_CLIP]).buffer)[0].toString(16)}u)`;

const HELPERS = /* wgsl */ `
fn softplus_(x: f32) -> f32 { return max(x, 0.0) + log1p_(exp_(-abs(x))); }
`;

interface Formula {
  /** Statements shared by the forward and backward, over operands a0, a1, …. */
  readonly pre: string;
  readonly forward: string;
  /** Extra statements of the backward (g is the output's gradient). */
  readonly preGrad?: string;
  /** Gradient of each operand. */
  readonly grads?: readonly string[];
}

const formulas: Record<DistributionOp, Formula> = {
  normalLogProb: {
    pre: 'let z = (a0 - a1) / a2;',
    forward: `(z * z) * (-0.5) - log_(a2) - ${HALF_LOG_2PI}`,
    preGrad: 'let dLoc = (g * z) / a2;',
    grads: ['-dLoc', 'dLoc', '(g * (z * z - 1.0)) / a2'],
  },
  normalKl: {
    pre: 'let ratio = a1 / a3; let d = (a0 - a2) / a3;',
    forward: '(((ratio * ratio + d * d) - 1.0) - log_(ratio) * 2.0) * 0.5',
    preGrad: 'let dLoc = (g * d) / a3; let r2 = ratio * ratio;',
    grads: ['dLoc', '(g * (r2 - 1.0)) / a1', '-dLoc', '(g * ((1.0 - r2) - d * d)) / a3'],
  },
  tanhNormalLogProb: {
    pre: `let c = clamp(a0, -${CLIP}, ${CLIP}); let x = (log1p_(c) - log1p_(-c)) * 0.5; let z = (x - a1) / a2;`,
    forward: `((z * z) * (-0.5) - log_(a2) - ${HALF_LOG_2PI}) - ((${LOG2} - x) - softplus_(x * (-2.0))) * 2.0`,
    preGrad: 'let dLoc = (g * z) / a2;',
    grads: [
      `select(0.0, (g * (c * 2.0 - z / a2)) * ((1.0 / (c + 1.0) + 1.0 / (1.0 - c)) * 0.5), abs(a0) <= ${CLIP})`,
      'dLoc',
      '(g * (z * z - 1.0)) / a2',
    ],
  },
  bernoulliLogProb: {
    pre: '',
    forward: '-(a0 * softplus_(-a1) + (1.0 - a0) * softplus_(a1))',
    grads: ['g * a1', 'g * (a0 - sigmoid_(a1))'],
  },
  normalSample: { pre: '', forward: 'a0 + a1 * a2' },
};

function loads(reads: readonly OperandRead[]): string {
  return reads.map((r, k) => `let a${k} = X${k}[${r === 'full' ? 'i' : r === 'scalar' ? '0u' : `i % P[${k + 1}u]`}];`).join(' ');
}

const names = (n: number): string[] => Array.from({ length: n }, (_, k) => `X${k}`);

export function distributionWGSL(op: DistributionOp, reads: readonly OperandRead[]): string {
  const f = formulas[op];
  const b = fusedBuffers(names(reads.length), ['out']);
  return `${PARAMS}${FLOAT_HELPERS}${HELPERS}
${b.decls}
${MAIN_1D}
  ${loads(reads)}
  ${f.pre}
  ${b.store(0, 'i', f.forward)}
}`;
}

export function distributionBackwardWGSL(op: DistributionOp, reads: readonly OperandRead[], mask: readonly boolean[]): string {
  const f = formulas[op];
  if (!f.grads) throw new Error(`webgpu: ${op} has no backward kernel`);
  const b = fusedBuffers(['G', ...names(reads.length)], f.grads.map((_, k) => `D${k}`), mask);
  return `${PARAMS}${FLOAT_HELPERS}${HELPERS}
${b.decls}
${MAIN_1D}
  ${b.touch}
  let g = G[i];
  ${loads(reads)}
  ${f.pre}
  ${f.preGrad ?? ''}
  ${f.grads.map((e, k) => b.store(k, 'i', e)).join('\n  ')}
}`;
}
