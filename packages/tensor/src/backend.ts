/**
 * The Backend interface: the small set of primitives every device implements.
 *
 * Everything else in the engine (composite ops, gradients, broadcasting rules, error
 * messages) is written once on top of these. A backend never sees a Tensor; it gets
 * `Operand`s — a buffer it allocated earlier plus the shape and dtype to read it as — and
 * returns a new buffer. Buffers are dense and row-major; shapes and parameters arrive already
 * validated and normalised (non-negative axes, explicit paddings), so a backend only computes.
 *
 * Each primitive is plain data in, plain data out (no callbacks), so a later tracer can
 * record a call as (primitive, operands, params) and replay it.
 */
import type { DType, TypedArray } from './dtype.ts';
import type { Shape } from './shape.ts';

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'tanh'
  | 'sigmoid'
  | 'abs'
  | 'sign'
  | 'reciprocal'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'sin'
  | 'cos'
  | 'not';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'mod'
  | 'atan2'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'and'
  | 'or';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';
export type ScanOp = 'sum' | 'prod';
export type RandomDist = 'uniform' | 'normal';

/** A buffer of this backend, with the shape and dtype to read it as. */
export interface Operand<B = unknown> {
  readonly buffer: B;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** 2-D convolution geometry, NHWC activations and HWIO filters; paddings are explicit. */
export interface Conv2dGeometry {
  /** [strideH, strideW] */
  readonly strides: readonly [number, number];
  /** [top, bottom, left, right] zero padding of the input. */
  readonly pads: readonly [number, number, number, number];
}

export interface Backend<B = unknown> {
  readonly name: string;
  /** dtypes this backend can store and compute with. */
  readonly dtypes: readonly DType[];

  // ---- memory -------------------------------------------------------------------------
  upload(values: TypedArray, dtype: DType): B;
  /** Reads `size` elements back. Must not be called after `dispose(buffer)`. */
  read(buffer: B, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, for backends that can (the CPU backend). */
  readSync?(buffer: B, dtype: DType, size: number): TypedArray;
  dispose(buffer: B): void;
  /** Bytes currently held by live buffers (for leak tests and memory reports). */
  bytesInUse(): number;
  /** Resolves when all work issued so far has finished (for timing); absent on synchronous backends. */
  sync?(): Promise<void>;
  /** Releases the device and everything on it; called by `removeBackend`. */
  destroy?(): void;

  // ---- primitives ---------------------------------------------------------------------
  fill(shape: Shape, dtype: DType, value: number): B;
  /** Elementwise; float ops keep the dtype, `not` is bool → bool, `sign`/`abs`/`neg` keep i32. */
  unary(op: UnaryOp, x: Operand<B>): B;
  /** Elementwise with NumPy broadcasting of a and b to `outShape`; comparisons and and/or give bool. */
  binary(op: BinaryOp, a: Operand<B>, b: Operand<B>, outShape: Shape, outDType: DType): B;
  /** cond ? a : b, all three broadcast to `outShape`; cond is bool. */
  where(cond: Operand<B>, a: Operand<B>, b: Operand<B>, outShape: Shape): B;
  cast(x: Operand<B>, dtype: DType): B;
  /** Reduces over `axes` (sorted, distinct); the result keeps those axes with size 1. */
  reduce(op: ReduceOp, x: Operand<B>, axes: readonly number[]): B;
  /** Index (i32) of the first extreme value along `axis`; the result keeps `axis` with size 1. */
  argReduce(op: ArgReduceOp, x: Operand<B>, axis: number): B;
  /**
   * Batched matrix product. a is [Ba, M, K] ([Ba, K, M] when transA), b is [Bb, K, N]
   * ([Bb, N, K] when transB); Ba and Bb are equal or one of them is 1. Result [max(Ba, Bb), M, N].
   */
  matmul(a: Operand<B>, b: Operand<B>, transA: boolean, transB: boolean): B;
  /** x [N, H, W, C] * w [KH, KW, C, O] → [N, OH, OW, O]. */
  conv2d(x: Operand<B>, w: Operand<B>, geometry: Conv2dGeometry): B;
  /** Gradient of conv2d with respect to its input: dy [N, OH, OW, O], w → dx of `inputShape`. */
  conv2dBackwardInput(dy: Operand<B>, w: Operand<B>, inputShape: Shape, geometry: Conv2dGeometry): B;
  /** Gradient of conv2d with respect to its filter: x, dy → dw of `filterShape`. */
  conv2dBackwardFilter(x: Operand<B>, dy: Operand<B>, filterShape: Shape, geometry: Conv2dGeometry): B;
  /** Permutes axes: out.shape[i] = x.shape[perm[i]]. */
  transpose(x: Operand<B>, perm: readonly number[]): B;
  /** Materialises a broadcast to `shape` (x's rank equals shape's; x has 1 where it repeats). */
  expand(x: Operand<B>, shape: Shape): B;
  /** The box begin[i] ≤ idx < begin[i] + size[i]. */
  slice(x: Operand<B>, begin: readonly number[], size: readonly number[]): B;
  /** Pads axis i with pads[i][0] elements before and pads[i][1] after, all equal to `value`. */
  pad(x: Operand<B>, pads: readonly (readonly [number, number])[], value: number): B;
  /** Joins operands of equal rank along `axis` (other sizes equal). */
  concat(xs: readonly Operand<B>[], axis: number): B;
  /** out[..., i..., ...] = x[..., indices[i...], ...]: indices (i32) replace `axis`. Out-of-range indices are clamped. */
  gather(x: Operand<B>, indices: Operand<B>, axis: number): B;
  /** The adjoint of gather: a zero tensor of `shape` with `updates` added at `indices` along `axis`. */
  scatterAdd(updates: Operand<B>, indices: Operand<B>, axis: number, shape: Shape): B;
  /** Inclusive (or exclusive) running sum/product along `axis`, optionally from the end. */
  scan(op: ScanOp, x: Operand<B>, axis: number, exclusive: boolean, reverse: boolean): B;
  /**
   * Random numbers from Philox4x32-10 under `key`: element i takes word (i mod 4) of the block
   * at counter ⌊i/4⌋ (see random/philox.ts). Every backend must produce the same bits.
   */
  random(dist: RandomDist, key: readonly [number, number], shape: Shape, dtype: DType): B;
}
