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

/** Activations with a fused kernel (formulas and gradients in ops/activation.ts). */
export type ActivationOp = 'relu' | 'elu';

/** Elementwise distribution math with a fused kernel (formulas in ops/fused/distributions.ts). */
export type DistributionOp = 'normalLogProb' | 'normalKl' | 'tanhNormalLogProb' | 'bernoulliLogProb' | 'normalSample';

/**
 * 'tanhNormalLogProb' clips y to ±ATANH_CLIP (rounded to the operands' dtype) before atanh, as
 * the reference's TanhBijector; f32 rounds it to 1 − 2⁻²⁴.
 */
export const ATANH_CLIP = 0.99999997;

/** The scalars of one Adam step; `lrT` is the bias-corrected rate lr·√(1−β2ᵗ)/(1−β1ᵗ). */
export interface AdamHyper {
  readonly lrT: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

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
  /**
   * Runs `fn` as a named phase (for a profiler: launches recorded inside are summed under the
   * name, nested phases joined as 'outer/inner'); must return fn's result and cost nothing when
   * no profile is open. Called by the engine's `phase(name, fn)`; optional.
   */
  phase?<T>(name: string, fn: () => T): T;

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

  // ---- fused kernels (optional) ----------------------------------------------------------
  // The engine op of each (ops/fused/) calls it when present and otherwise composes the same
  // math from the primitives above. Operands are float, of one dtype. In the GRU kernels every
  // [N, ·] operand is row-major with N rows (the leading axes flattened) and H = h's last axis;
  // biases are shared by all rows. Backward kernels take the forward's inputs and recompute
  // what they need, so the forward saves nothing.

  /** GRU reset-before (TF1 GRUBlockCell), gates: r|u = σ(preRU + biasRU) → [r⊙h, u]. preRU [N, 2H], biasRU [2H], h [N, H]. */
  gruBlockReset?(preRU: Operand<B>, biasRU: Operand<B>, h: Operand<B>): [B, B];
  /** Gradient of gruBlockReset: (dRH, dU) → [dPreRU [N, 2H], dH]. */
  gruBlockResetBackward?(dRH: Operand<B>, dU: Operand<B>, preRU: Operand<B>, biasRU: Operand<B>, h: Operand<B>): [B, B];
  /** GRU reset-before, output: c = tanh(preC + biasC), h' = c + u⊙(h − c). preC, u, h [N, H], biasC [H]. */
  gruBlockOutput?(preC: Operand<B>, biasC: Operand<B>, u: Operand<B>, h: Operand<B>): B;
  /** Gradient of gruBlockOutput: dOut → [dPreC, dU, dH]. */
  gruBlockOutputBackward?(dOut: Operand<B>, preC: Operand<B>, biasC: Operand<B>, u: Operand<B>, h: Operand<B>): [B, B, B];
  /**
   * Keras GRUCell reset_after: xProj = x·W, hProj = h·U [N, 3H] (columns z|r|n), bias [2, 3H]
   * (input row, recurrent row), h [N, H] → h' = n + z⊙(h − n), z|r = σ(x + b₀ + hp + b₁),
   * n = tanh(x_n + b₀ₙ + r⊙(hp_n + b₁ₙ)).
   */
  gruResetAfter?(xProj: Operand<B>, hProj: Operand<B>, bias: Operand<B>, h: Operand<B>): B;
  /** Gradient of gruResetAfter: dOut → [dXProj, dHProj, dH]. */
  gruResetAfterBackward?(dOut: Operand<B>, xProj: Operand<B>, hProj: Operand<B>, bias: Operand<B>, h: Operand<B>): [B, B, B];
  /**
   * One Adam step (TF1 ε-hat form), all four the same shape: m' = β1·m + (1−β1)·g,
   * v' = β2·v + (1−β2)·g², param' = param − lrT·m'/(√v' + ε) → [param', m', v'].
   */
  adamUpdate?(param: Operand<B>, grad: Operand<B>, m: Operand<B>, v: Operand<B>, hyper: AdamHyper): [B, B, B];
  /** Σ x² over every element of every operand, as a one-element buffer of their dtype. */
  sumSquares?(xs: readonly Operand<B>[]): B;
  /** A float activation, elementwise: relu = x > 0 ? x : 0, elu = x > 0 ? x : expm1(x) (NaN: relu 0, elu NaN). */
  activation?(op: ActivationOp, x: Operand<B>): B;
  /** Its gradient from the forward's input: relu x > 0 ? dOut : 0, elu x > 0 ? dOut : dOut·(expm1(x) + 1). */
  activationBackward?(op: ActivationOp, dOut: Operand<B>, x: Operand<B>): B;
  /**
   * Elementwise distribution math. Each operand has `outShape` or a suffix of it (its element
   * for output i is at i mod its size: a scalar, a per-last-axis vector, or the full shape).
   */
  distribution?(op: DistributionOp, xs: readonly Operand<B>[], outShape: Shape): B;
  /**
   * Gradient of `distribution` with respect to each operand whose `wanted` entry is true (null
   * elsewhere), each of dOut's shape (the engine sums broadcast operands' gradients).
   * 'normalSample' has none (its gradient is a plain product).
   */
  distributionBackward?(op: Exclude<DistributionOp, 'normalSample'>, dOut: Operand<B>, xs: readonly Operand<B>[], wanted: readonly boolean[]): (B | null)[];
}
