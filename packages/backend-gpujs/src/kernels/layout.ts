/** Data movement kernels: transpose, expand, slice (strided reads), pad and concat. */
import type { Operand, Shape, TypedArray } from '@dreamer/tensor';
import { broadcastStrides, collapse, coords, kernel, offsetExpr, sizeOf, stridesOf } from '../codegen.ts';
import { checkI32Operands, fromKernel } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';

type Op = Operand<TypedArray>;

/** Most operands one kernel takes (WebGL guarantees 8 texture units per fragment shader, plus `sp`). */
export const MAX_KERNEL_INPUTS = 7;

/** out[i] = x[offset + Σ coordₖ · strides[k]] over every index of `shape`. */
function stridedRead(rt: GpujsRuntime, op: string, x: Op, shape: Shape, strides: readonly number[], offset: number): TypedArray {
  checkI32Operands(op, x.dtype, [x.buffer]);
  const c = collapse(shape, [strides]);
  const { code, vars } = coords('i', c.shape);
  const body = `const i = this.thread.x;\n${code}\nreturn in0[${offsetExpr(vars, c.strides[0], offset)}];`;
  return fromKernel(op, rt.run(kernel(['in0'], body), sizeOf(shape), [x.buffer]), x.dtype);
}

export function transpose(rt: GpujsRuntime, x: Op, perm: readonly number[]): TypedArray {
  const strides = stridesOf(x.shape);
  return stridedRead(rt, 'transpose', x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]), 0);
}

export function expand(rt: GpujsRuntime, x: Op, shape: Shape): TypedArray {
  return stridedRead(rt, 'expand', x, shape, broadcastStrides(x.shape, shape), 0);
}

export function slice(rt: GpujsRuntime, x: Op, begin: readonly number[], size: readonly number[]): TypedArray {
  const strides = stridesOf(x.shape);
  const offset = begin.reduce((o, b, i) => o + b * strides[i], 0);
  return stridedRead(rt, 'slice', x, size, strides, offset);
}

/** Pads with `value` (read from an argument, so NaN and ±Infinity work). */
export function pad(rt: GpujsRuntime, x: Op, pads: readonly (readonly [number, number])[], value: number): TypedArray {
  checkI32Operands('pad', x.dtype, [x.buffer]);
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const strides = stridesOf(x.shape);
  const { code, vars } = coords('i', shape);
  const lines = [`const i = this.thread.x;`, code];
  const terms: string[] = [];
  shape.forEach((_, k) => {
    if (pads[k][0] === 0 && pads[k][1] === 0) {
      terms.push(`${vars[k]} * ${strides[k]}`);
      return;
    }
    lines.push(`const p${k} = ${vars[k]} - ${pads[k][0]};`);
    lines.push(`if (p${k} < 0 || p${k} >= ${x.shape[k]}) { return v[0]; }`);
    terms.push(`p${k} * ${strides[k]}`);
  });
  lines.push(`return in0[${terms.length ? terms.join(' + ') : '0'}];`);
  const fillValue = x.dtype === 'bool' ? (value ? 1 : 0) : x.dtype === 'i32' ? Math.trunc(value) | 0 : value;
  if (x.dtype === 'i32') checkI32Operands('pad', 'i32', [new Int32Array([fillValue])]);
  const out = rt.run(kernel(['in0', 'v'], lines.join('\n')), sizeOf(shape), [x.buffer, new Float32Array([fillValue])]);
  return fromKernel('pad', out, x.dtype);
}

/** Joins along `axis`; more than MAX_KERNEL_INPUTS operands are joined in groups first. */
export function concat(rt: GpujsRuntime, xs: readonly Op[], axis: number): TypedArray {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const parts = xs.filter((x) => x.buffer.length > 0);
  if (parts.length === 0 || sizeOf(shape) === 0) return fromKernel('concat', new Float32Array(0), xs[0].dtype);
  if (parts.length > MAX_KERNEL_INPUTS) {
    const groups: Op[] = [];
    for (let g = 0; g < parts.length; g += MAX_KERNEL_INPUTS) {
      const group = parts.slice(g, g + MAX_KERNEL_INPUTS);
      const gShape = [...group[0].shape];
      gShape[axis] = group.reduce((s, x) => s + x.shape[axis], 0);
      groups.push({ buffer: concat(rt, group, axis), shape: gShape, dtype: xs[0].dtype });
    }
    return concat(rt, groups, axis);
  }
  checkI32Operands('concat', xs[0].dtype, parts.map((x) => x.buffer));
  const rowOut = sizeOf(shape.slice(axis));
  const lines = [`const i = this.thread.x;`, `let o = Math.floor(i / ${rowOut});`, `let j = i - o * ${rowOut};`];
  lines.push(`if (j < 0) { o = o - 1; j = j + ${rowOut}; }`, `if (j >= ${rowOut}) { o = o + 1; j = j - ${rowOut}; }`);
  let start = 0;
  parts.forEach((x, n) => {
    const row = sizeOf(x.shape.slice(axis));
    const read = `return in${n}[o * ${row} + j - ${start}];`;
    lines.push(n === parts.length - 1 ? read : `if (j < ${start + row}) { ${read} }`);
    start += row;
  });
  const out = rt.run(kernel(parts.map((_, n) => `in${n}`), lines.join('\n')), sizeOf(shape), parts.map((x) => x.buffer));
  return fromKernel('concat', out, xs[0].dtype);
}
