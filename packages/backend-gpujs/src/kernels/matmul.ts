/** Batched matrix product: one thread per output element, a loop over K. */
import type { Operand, TypedArray } from '@dreamer/tensor';
import { coords, kernel } from '../codegen.ts';
import { checkI32Accumulation, checkI32Operands, fromKernel, maxAbs } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';

type Op = Operand<TypedArray>;

/**
 * a [Ba, M, K] ([Ba, K, M] when transA) times b [Bb, K, N] ([Bb, N, K] when transB) →
 * [max(Ba, Bb), M, N]; a batch of 1 is shared by every output batch.
 */
export function matmul(rt: GpujsRuntime, a: Op, b: Op, transA: boolean, transB: boolean): TypedArray {
  const [ba] = a.shape;
  const [bb] = b.shape;
  const m = transA ? a.shape[2] : a.shape[1];
  const k = transA ? a.shape[1] : a.shape[2];
  const n = transB ? b.shape[1] : b.shape[2];
  const batch = Math.max(ba, bb);
  checkI32Operands('matmul', a.dtype, [a.buffer, b.buffer]);
  if (a.dtype === 'i32') checkI32Accumulation('matmul', 'i32', [maxAbs(a.buffer), maxAbs(b.buffer)], k);
  if (k === 0) return fromKernel('matmul', rt.run(kernel([], 'return 0;'), batch * m * n, []), a.dtype);
  const { code, vars } = coords('i', [batch, m, n]);
  const [bt, row, col] = vars;
  // Element (row, t) of a and (t, col) of b, for the loop variable t.
  const aAt = transA ? `${row} + t * ${m}` : `${row} * ${k} + t`;
  const bAt = transB ? `${col} * ${k} + t` : `t * ${n} + ${col}`;
  const lines = [
    'const i = this.thread.x;',
    code,
    `const aBase = ${ba === 1 ? '0' : `${bt} * ${m * k}`};`,
    `const bBase = ${bb === 1 ? '0' : `${bt} * ${k * n}`};`,
    'let acc = 0;',
    `for (let t = 0; t < ${k}; t++) {`,
    `  acc = acc + in0[aBase + ${aAt}] * in1[bBase + ${bAt}];`,
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), batch * m * n, [a.buffer, b.buffer]);
  return fromKernel('matmul', out, a.dtype);
}
