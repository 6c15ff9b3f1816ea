/**
 * Plumbing of the fused ops: the switch that forces composition (for tests and benchmarks) and
 * operand checks. Each fused op decides once, at its forward, whether the backend's kernel runs;
 * its vjp then uses the matching backward (kernel or composition), so a pair never mixes.
 */
import type { Backend } from '../../backend.ts';
import { isFloat } from '../../dtype.ts';
import { fmt } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { zerosLike } from '../creation.ts';
import { assertTensor, backendOf } from '../util.ts';

let fusedKernels = true;

/**
 * With `false`, fused ops compose their math from primitives even where the backend has a
 * kernel (same formulas and gradient rules; more launches). Returns the previous setting.
 */
export function setFusedKernels(on: boolean): boolean {
  const was = fusedKernels;
  fusedKernels = on;
  return was;
}

/** True when the backend's optional fused method should run. */
export function useKernel(method: unknown): boolean {
  return fusedKernels && typeof method === 'function';
}

/** Checks that every input is a live float tensor of one dtype on one backend; returns the backend. */
export function checkFloatOperands(op: string, named: Readonly<Record<string, Tensor>>): Backend {
  const entries = Object.entries(named);
  for (const [name, t] of entries) {
    assertTensor(t, op, name);
    if (!isFloat(t.dtype)) throw new TypeError(`${op}: ${name} (shape ${fmt(t.shape)}) has dtype ${t.dtype}; expected f32 or f64`);
  }
  const [first, t0] = entries[0];
  for (const [name, t] of entries) {
    if (t.dtype !== t0.dtype) throw new TypeError(`${op}: ${name} has dtype ${t.dtype} but ${first} has ${t0.dtype}`);
  }
  return backendOf(op, ...entries.map(([, t]) => t));
}

/** The gradient an output got, or zeros where nothing used it (fused backward kernels want all). */
export function gradOrZeros(g: Tensor | null, like: Tensor): Tensor {
  return g ?? zerosLike(like);
}
