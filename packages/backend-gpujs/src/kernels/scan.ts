/**
 * Running sums and products along an axis: each output element loops over its prefix (or suffix
 * when reversed) in the order the CPU reference accumulates, so results round the same way up to
 * float32. O(len²) work per line, which suits the short axes scans run over (time steps).
 */
import type { Operand, ScanOp, TypedArray } from '@dreamer/tensor';
import { coords, kernel, splitAt } from '../codegen.ts';
import { checkI32Accumulation, checkI32Operands, checkI32Product, fromKernel, maxAbs } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';

type Op = Operand<TypedArray>;

export function scan(rt: GpujsRuntime, op: ScanOp, x: Op, axis: number, exclusive: boolean, reverse: boolean): TypedArray {
  const [outer, len, inner] = splitAt(x.shape, axis);
  checkI32Operands(op === 'sum' ? 'cumsum' : 'cumprod', x.dtype, [x.buffer]);
  if (x.dtype === 'i32' && len > 0) {
    if (op === 'sum') checkI32Accumulation('cumsum', 'i32', [maxAbs(x.buffer)], len);
    else checkI32Product('cumprod', 'i32', maxAbs(x.buffer), len);
  }
  const { code, vars } = coords('i', [outer, len, inner]);
  const [o, s, j] = vars;
  // Steps k = 0, 1, … walk positions p from the start (or the end when reversed) up to s.
  const p = reverse ? `${len - 1} - k` : 'k';
  const inside = reverse ? (exclusive ? `${p} > ${s}` : `${p} >= ${s}`) : exclusive ? `${p} < ${s}` : `${p} <= ${s}`;
  const lines = [
    'const i = this.thread.x;',
    code,
    `let acc = ${op === 'sum' ? 0 : 1};`,
    `for (let k = 0; k < ${len}; k++) {`,
    `  if (${inside}) {`,
    `    const v = in0[(${o} * ${len} + ${p}) * ${inner} + ${j}];`,
    `    acc = acc ${op === 'sum' ? '+' : '*'} v;`,
    '  }',
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0'], lines.join('\n')), x.buffer.length, [x.buffer]);
  return fromKernel(op === 'sum' ? 'cumsum' : 'cumprod', out, x.dtype);
}
