/**
 * Chainable methods on Tensor (`x.mul(w).add(b).tanh()`), each a thin alias of the function
 * of the same name in ops/. Installed once when the package is imported.
 */
import { installAutodiffOps } from './autodiff.ts';
import type { DType } from './dtype.ts';
import * as ops from './ops/index.ts';
import type { Axis, MatmulOptions, ScanOptions, TensorLike } from './ops/index.ts';
import type { Shape } from './shape.ts';
import { Tensor } from './tensor.ts';

declare module './tensor.ts' {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    relu(): Tensor;
    cast(dtype: DType): Tensor;
    sum(axis?: Axis, keepdims?: boolean): Tensor;
    mean(axis?: Axis, keepdims?: boolean): Tensor;
    max(axis?: Axis, keepdims?: boolean): Tensor;
    min(axis?: Axis, keepdims?: boolean): Tensor;
    argmax(axis?: number, keepdims?: boolean): Tensor;
    matmul(b: Tensor, options?: MatmulOptions): Tensor;
    reshape(shape: Shape): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    broadcastTo(shape: Shape): Tensor;
    expandDims(axis: number): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    slice(begin: readonly number[], size?: readonly number[]): Tensor;
    cumsum(axis?: number, options?: ScanOptions): Tensor;
    stopGradient(): Tensor;
  }
}

const binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'less', 'greater'] as const;
const unary = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'abs', 'square', 'relu', 'stopGradient'] as const;
const withArgs = ['cast', 'sum', 'mean', 'max', 'min', 'argmax', 'matmul', 'reshape', 'transpose', 'broadcastTo', 'expandDims', 'squeeze', 'slice', 'cumsum'] as const;

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const name of [...binary, ...unary, ...withArgs]) {
  const fn = ops[name] as (x: Tensor, ...args: unknown[]) => Tensor;
  proto[name] = function (this: Tensor, ...args: unknown[]) {
    return fn(this, ...args);
  };
}

installAutodiffOps({ add: (a, b) => ops.add(a, b), zerosLike: (x) => ops.zerosLike(x), onesLike: (x) => ops.onesLike(x) });
