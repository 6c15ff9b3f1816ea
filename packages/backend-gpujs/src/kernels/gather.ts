/**
 * gather and its adjoint scatterAdd. Indices are i32 read as floats: clamping to [0, len − 1]
 * happens in the kernel, and rounding an out-of-range index never moves it back into range, so
 * indices of any magnitude clamp exactly. scatterAdd has no atomics to lean on: each output
 * element loops over every index and sums the updates that land on it, in index order.
 */
import type { Operand, Shape, TypedArray } from '@dreamer/tensor';
import { coords, kernel, sizeOf, splitAt } from '../codegen.ts';
import { checkI32Accumulation, checkI32Operands, fromKernel, maxAbs } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';
import { KAHAN } from './reduce.ts';

type Op = Operand<TypedArray>;

/** out[o, i…, j] = x[o, clamp(indices[i…]), j]. */
export function gather(rt: GpujsRuntime, x: Op, indices: Op, axis: number): TypedArray {
  checkI32Operands('gather', x.dtype, [x.buffer]);
  const [outer, len, inner] = splitAt(x.shape, axis);
  const k = indices.buffer.length;
  const { code, vars } = coords('i', [outer, k, inner]);
  const [o, t, j] = vars;
  const lines = [
    'const i = this.thread.x;',
    code,
    `let at = in1[${t}];`,
    'if (at < 0) { at = 0; }',
    `if (at > ${len - 1}) { at = ${len - 1}; }`,
    `return in0[(${o} * ${len} + at) * ${inner} + ${j}];`,
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), outer * k * inner, [x.buffer, indices.buffer]);
  return fromKernel('gather', out, x.dtype);
}

/** A zero tensor of `shape` with `updates` [outer, k, inner] added at `indices` along `axis`. */
export function scatterAdd(rt: GpujsRuntime, updates: Op, indices: Op, axis: number, shape: Shape): TypedArray {
  const [outer, len, inner] = splitAt(shape, axis);
  const k = indices.buffer.length;
  checkI32Operands('scatterAdd', updates.dtype, [updates.buffer]);
  if (updates.dtype === 'i32') checkI32Accumulation('scatterAdd', 'i32', [maxAbs(updates.buffer)], k);
  if (k === 0) return fromKernel('scatterAdd', rt.run(kernel([], 'return 0;'), sizeOf(shape), []), updates.dtype);
  const { code, vars } = coords('i', [outer, len, inner]);
  const [o, t, j] = vars;
  const lines = [
    'const i = this.thread.x;',
    code,
    'let acc = 0;',
    'let comp = 0;',
    `for (let s = 0; s < ${k}; s++) {`,
    '  let at = in1[s];',
    '  if (at < 0) { at = 0; }',
    `  if (at > ${len - 1}) { at = ${len - 1}; }`,
    `  if (at == ${t}) {`,
    `    const v = in0[(${o} * ${k} + s) * ${inner} + ${j}];`,
    KAHAN.replace(/^/gm, '    '),
    '  }',
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), sizeOf(shape), [updates.buffer, indices.buffer]);
  return fromKernel('scatterAdd', out, updates.dtype);
}
