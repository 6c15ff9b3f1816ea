/** Elementwise kernels: fill, unary, binary (with broadcasting), where and cast. */
import type { BinaryOp, DType, Operand, Shape, TypedArray, UnaryOp } from '@dreamer/tensor';
import { broadcastStrides, collapse, coords, kernel, offsetExpr, sizeOf } from '../codegen.ts';
import { I32_SAFE_OPERAND, checkI32Operands, fromKernel } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';
import { BINARY_FLOAT, BINARY_I32, UNARY_FLOAT } from './formulas.ts';

type Op = Operand<TypedArray>;

/**
 * Statements that read each operand at its broadcast position in `outShape` from the flat output
 * index `i`: returns the code and one index expression per operand.
 */
export function broadcastIndices(outShape: Shape, shapes: readonly Shape[]): { code: string; index: string[] } {
  const strides = shapes.map((s) => broadcastStrides(s, outShape));
  const c = collapse(outShape, strides);
  const full = c.strides.map((s, j) => sizeOf(shapes[j]) === sizeOf(outShape) && s.every((v, k) => v === sizeOf(c.shape.slice(k + 1))));
  if (full.every(Boolean)) return { code: '', index: shapes.map(() => 'i') };
  const { code, vars } = coords('i', c.shape);
  return { code, index: c.strides.map((s, j) => (full[j] ? 'i' : offsetExpr(vars, s))) };
}

/** A tensor of `shape` holding `value` (NaN and ±Infinity included: it is read from an argument). */
export function fill(rt: GpujsRuntime, shape: Shape, dtype: DType, value: number): TypedArray {
  const v = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'i32' ? Math.trunc(value) | 0 : value;
  checkI32Operands('fill', dtype, [new Int32Array([dtype === 'i32' ? v : 0])]);
  const out = rt.run(kernel(['v'], 'return v[0];'), sizeOf(shape), [new Float32Array([v])]);
  return fromKernel('fill', out, dtype);
}

export function unary(rt: GpujsRuntime, op: UnaryOp, x: Op): TypedArray {
  checkI32Operands(op, x.dtype, [x.buffer]);
  const body = `const i = this.thread.x;\nconst x = in0[i];\n${UNARY_FLOAT[op]}`;
  const out = rt.run(kernel(['in0'], body), x.buffer.length, [x.buffer]);
  return fromKernel(op, out, x.dtype);
}

export function binary(rt: GpujsRuntime, op: BinaryOp, a: Op, b: Op, outShape: Shape, outDType: DType): TypedArray {
  const intOp = a.dtype === 'i32' ? BINARY_I32[op] : undefined;
  checkI32Operands(op, a.dtype, [a.buffer, b.buffer], intOp ? I32_SAFE_OPERAND : undefined);
  const { code, index } = broadcastIndices(outShape, [a.shape, b.shape]);
  const body = `const i = this.thread.x;\n${code}\nconst x = in0[${index[0]}];\nconst y = in1[${index[1]}];\n${intOp ?? BINARY_FLOAT[op]}`;
  const out = rt.run(kernel(['in0', 'in1'], body), sizeOf(outShape), [a.buffer, b.buffer]);
  return fromKernel(op, out, outDType);
}

export function where(rt: GpujsRuntime, cond: Op, a: Op, b: Op, outShape: Shape): TypedArray {
  checkI32Operands('where', a.dtype, [a.buffer, b.buffer]);
  const { code, index } = broadcastIndices(outShape, [cond.shape, a.shape, b.shape]);
  const body = `const i = this.thread.x;\n${code}\nif (in0[${index[0]}] != 0) { return in1[${index[1]}]; }\nreturn in2[${index[2]}];`;
  const out = rt.run(kernel(['in0', 'in1', 'in2'], body), sizeOf(outShape), [cond.buffer, a.buffer, b.buffer]);
  return fromKernel('where', out, a.dtype);
}

/**
 * float → i32 truncates toward zero and saturates (NaN → 0): the kernel truncates, the conversion
 * of its output saturates. i32 → f32 rounds to nearest, as the upload to float32 already does.
 */
export function cast(rt: GpujsRuntime, x: Op, dtype: DType): TypedArray {
  if (dtype !== 'f32' && dtype !== 'i32' && dtype !== 'bool') {
    throw new TypeError(`gpujs cast: dtype ${dtype} is not supported by the gpujs backend (f32, i32 and bool are)`);
  }
  if (x.dtype === 'i32' && dtype !== 'f32') checkI32Operands('cast', x.dtype, [x.buffer]);
  let body: string;
  if (dtype === 'bool') body = 'if (x == 0) { return 0; }\nreturn 1;';
  else if (dtype === 'i32' && x.dtype === 'f32') body = 'if (x != x) { return 0; }\nif (x < 0) { return Math.ceil(x); }\nreturn Math.floor(x);';
  else body = 'return x;';
  const out = rt.run(kernel(['in0'], `const x = in0[this.thread.x];\n${body}`), x.buffer.length, [x.buffer]);
  return fromKernel('cast', out, dtype, dtype === 'i32' && x.dtype === 'f32');
}
